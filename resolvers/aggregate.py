"""Aggregates over any entity map: counts, sums, averages, minima and maxima, in groups of columns,
one-hop relations and time buckets, filtered (`having`), ordered and cut to the top N, each one
answered by one SQL statement under the viewer's row scope.

An entity map declares its `measures` (numeric columns) and `dimensions` (what rows can be
grouped by); this module turns a request into one statement:

- totals alone: `SELECT count(*), sum(x), … FROM entity [JOIN to-one hops] WHERE scope AND filters`;
- groups: the same, grouped by the dimensions' keys, with HAVING, a ROW_NUMBER() over the
  requested order (so the top N survives a UNION), cut at N + 1 to tell whether more exist;
- both: the groups and the totals row in one `UNION ALL`, told apart by a `part` column.

A dimension reached through a to-many relation (a product's certifications) is joined as the
DISTINCT (entity id, keys) rows of that relation, so each entity row counts once per group and
its measures are never added twice; totals never join it. When the groups need nothing of the
entity row (only counts, every key from that one relation, no filter, a public entity) and the
relation's rows always name an entity row (a non-null foreign key), the statement reads the
relation's rows alone plus one null-keyed row per entity row without any, and counts distinct
entity rows per group: the same figures the join gives, without joining every entity row (a
hash join of 550,000 products, for products by certification category).

Averages are computed from the statement's exact sum and count (SQLite's avg() is a double):
the quotient is rounded half-even to AVERAGE_PLACES decimals, identical on both databases.

On PostgreSQL the statement can also write the field's whole answer as JSON, in the shape of
its selection (`AggregateQuery.answer`), so that no group passes through Python.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from operator import eq
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.elements import BinaryExpression

from models.db import Database, Prepared

from .errors import InvalidInput
from .rows import columns, reader
from .scope import scope_of, visible
from .statements import Recent, frozen
from .viewer import Viewer

if TYPE_CHECKING:
    from .entity_map import EntityMap, Spec

MAX_GROUPS = 1000
DEFAULT_GROUPS = 100
MAX_GROUP_BY = 6
AVERAGE_PLACES = 4
FUNCTIONS = ("sum", "avg", "min", "max")
_COMPARISONS = {"eq", "gt", "gte", "lt", "lte"}


class Unit(StrEnum):
    """What a measure counts, which fixes how its figures reach the API."""

    CREDITS = "credits"  # whole tonnes CO2e
    TONNES = "tonnes"  # reported emissions, whole tonnes CO2e
    NUMBER = "number"  # a plain whole number (e.g. a target year)
    MONEY = "money"  # integer cents of the row's currency


class Bucket(StrEnum):
    """Time buckets of a date: the key is the year, `YYYY-Qn` or `YYYY-MM`."""

    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"


@dataclass(frozen=True, eq=False)  # compared by identity: a hop is joined once per statement
class Hop:
    """The tables one hop away from an entity row.

    To one row (`many=False`): `target` is outer-joined on `on`, after the hop it starts from
    (`after`), e.g. credit block -> issuance -> project. To many rows (`many=True`): `target`
    and `then` form a subquery of related rows whose `owner` column names the entity row,
    those meeting `where` if given; it is joined as DISTINCT (owner, keys) rows.
    """

    target: Any
    on: Any = None
    after: Hop | None = None
    many: bool = False
    owner: Any = None
    then: tuple[tuple[Any, Any], ...] = ()
    where: Any = None

    def chain(self) -> list[Hop]:
        """This hop preceded by the hops it starts from."""
        return [*(self.after.chain() if self.after else []), self]


@dataclass(frozen=True)
class Measure:
    """A numeric column figures are computed over (sum, avg, min, max)."""

    expression: Any
    unit: Unit
    via: Hop | None = None  # a to-one hop only: a measure is never counted twice
    currency: Any = None  # MONEY: the column naming each row's currency

    def __post_init__(self) -> None:
        assert self.via is None or not self.via.many, "measures come from to-one hops only"
        assert (self.unit is Unit.MONEY) == (self.currency is not None)


@dataclass(frozen=True)
class Dimension:
    """Something rows are grouped by: a column of the entity or of a row one hop away.

    `node` names the model whose id the key is (the API returns the object); `enum` the enum
    the stored values belong to; `bucket` makes the key a time bucket of a date column.
    """

    expression: Any
    via: Hop | None = None
    node: type[Any] | None = None
    enum: type[StrEnum] | None = None
    bucket: Bucket | None = None
    instant: bool = False  # a timestamp with time zone, bucketed in UTC


def time_buckets(name: str, expression: Any, *, via: Hop | None = None) -> dict[str, Dimension]:
    """The year, quarter and month buckets of a date (or timestamp) column as three dimensions."""
    instant = isinstance(getattr(expression, "type", None), sa.DateTime)
    return {
        f"{name}_{bucket.value}": Dimension(expression, via=via, bucket=bucket, instant=instant)
        for bucket in Bucket
    }


# Read-only and empty: shared by every Figures without values or currencies.
_NONE: Mapping[Any, Any] = MappingProxyType({})


class Figures(NamedTuple):
    """The figures of one group (or of all rows): how many rows, and per (function, measure), a
    value.

    Values are ints (sums, minima, maxima, in the measure's unit: cents for money) or Decimals
    (averages, in the measure's unit); None where no row had a value. `currencies` holds, per
    money measure, the rows' one currency, or None when they mix currencies. A tuple: one is
    made per group, and a frozen dataclass took several times as long to make.
    """

    rows: int
    values: Mapping[tuple[str, str], int | Decimal | None] = _NONE
    currencies: Mapping[str, str | None] = _NONE


class Group(NamedTuple):
    """One group: its keys (by dimension name; ids for node dimensions) and its figures."""

    keys: Mapping[str, Any]
    figures: Figures


@dataclass(frozen=True)
class Aggregate:
    """What one aggregate field asked for: totals, groups, and whether groups were cut off."""

    totals: Figures | None
    groups: list[Group]
    has_more_groups: bool
    # Per dimension in `AggregateRequest.nodes`: the object each key names, as a read row
    # (None where missing or out of the viewer's scope).
    nodes: Mapping[str, Mapping[Any, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class AggregateRequest:
    """An aggregate field's arguments and selection, as plain values.

    `wanted` holds the (function, measure) pairs the selection reads, for totals and groups
    alike; `nodes` the dimensions whose keys the groups read (those naming objects get their
    objects read by the same statement); `having` is a spec like `{"count": {"gt": 10},
    "sum": {"quantity": {"gte": 1000}}, "and": [...], "or": [...]}`; `order` holds (term,
    descending) pairs whose term is "count", "<function>:<measure>" or "key:<dimension>".
    """

    where: Spec | None = None
    group_by: Sequence[str] = ()
    having: Spec | None = None
    order: Sequence[tuple[str, bool]] = ()
    first: int | None = None
    totals: bool = True
    groups: bool = False
    wanted: frozenset[tuple[str, str]] = frozenset()
    nodes: frozenset[str] = frozenset()


# The answer written by the database. On PostgreSQL an aggregate's statement can write the
# field's whole answer as JSON, as the floor does, so that no group is read or completed in
# Python (for 100 groups, most of a request's CPU). The schema describes the selection as
# parts, each leaf with the GraphQL type its value must have; where the database cannot write
# a part exactly as the executor would complete it (averages, money, a type the executor would
# coerce or refuse), the answer is left to Python.


@dataclass(frozen=True)
class LeafType:
    """A leaf's GraphQL type: a scalar's name, or an enum's names by stored value."""

    scalar: str | None = None
    names: tuple[tuple[str, str], ...] = ()
    non_null: bool = False


@dataclass(frozen=True)
class TypenamePart:
    name: str


@dataclass(frozen=True)
class CountPart:
    leaf: LeafType


@dataclass(frozen=True)
class KeyPart:
    dimension: str
    leaf: LeafType


@dataclass(frozen=True)
class FigurePart:
    function: str
    measure: str
    leaf: LeafType


@dataclass(frozen=True)
class ColumnPart:
    """A column of the object a node key names, by its attribute."""

    attribute: str
    leaf: LeafType


@dataclass(frozen=True)
class NodePart:
    """The object a node key names (null where missing or out of the viewer's scope)."""

    dimension: str
    fields: tuple[tuple[str, TypenamePart | ColumnPart], ...]


@dataclass(frozen=True)
class ObjectPart:
    """An object: each response key and its part, in the selection's order."""

    fields: tuple[tuple[str, Part], ...]
    # Worked out once: an answer's parts key the cache of the statements that write it.
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash(self.fields))

    def __hash__(self) -> int:
        return self._hash


@dataclass(frozen=True)
class GroupsPart:
    group: ObjectPart


@dataclass(frozen=True)
class HasMorePart:
    pass


Part = (
    TypenamePart
    | CountPart
    | KeyPart
    | FigurePart
    | NodePart
    | ObjectPart
    | GroupsPart
    | HasMorePart
)


class _NotWritable(Exception):
    """A part the database cannot write exactly as the executor would complete it."""


def check_request(entity: EntityMap[Any], request: AggregateRequest) -> None:
    """Refuse combinations the input types cannot rule out, naming the argument at fault."""
    group_by = list(request.group_by)
    if len(set(group_by)) != len(group_by):
        raise InvalidInput("Each `groupBy` dimension may appear once.", field="groupBy")
    if len(group_by) > MAX_GROUP_BY:
        raise InvalidInput(f"Group by at most {MAX_GROUP_BY} dimensions.", field="groupBy")
    if not group_by:
        for name, given in (
            ("groups", request.groups),
            ("having", request.having),
            ("orderBy", request.order),
            ("first", request.first is not None),
        ):
            if given:
                raise InvalidInput(
                    f"`{name}` applies to groups: pass `groupBy` as well.", field=name
                )
    if request.first is not None and not 0 <= request.first <= MAX_GROUPS:
        raise InvalidInput(
            f"`first` must be between 0 and {MAX_GROUPS}; got {request.first}.", field="first"
        )
    terms = [term for term, _ in request.order]
    if len(set(terms)) != len(terms):
        raise InvalidInput("Each `orderBy` term may appear once.", field="orderBy")
    for term in terms:
        kind, _, name = term.partition(":")
        if kind == "key" and name not in group_by:
            raise InvalidInput(
                f"Order by a key only when grouping by it: add {name.upper()} to `groupBy`.",
                field="orderBy",
            )
    for function, measure in request.wanted:
        if function not in FUNCTIONS or measure not in entity.measures:
            raise InvalidInput(f"No figure `{function}.{measure}`.", field=function)
    _check_having(entity, request.having)


def _check_having(entity: EntityMap[Any], spec: Spec | None) -> None:
    """Every condition names a figure and compares it with a usable number."""
    for name, value in (spec or {}).items():
        if name in {"and", "or"}:
            for part in value:
                _check_having(entity, part)
        elif name == "count":
            _check_comparisons("count", value, scale=1)
        elif name in FUNCTIONS:
            for measure, operators in value.items():
                if measure not in entity.measures:
                    raise InvalidInput(f"No figure `{name}.{measure}`.", field="having")
                scale = 100 if entity.measures[measure].unit is Unit.MONEY else 1
                _check_comparisons(f"{name}.{measure}", operators, scale)
        else:
            raise InvalidInput(f"`having` takes figures only, not `{name}`.", field="having")


def _check_comparisons(name: str, operators: Spec, scale: int) -> None:
    unknown = set(operators) - _COMPARISONS
    if unknown:
        raise InvalidInput(f"`{name}` does not support {sorted(unknown)}.", field="having")
    for value in operators.values():
        _fraction(name, Decimal(value) * scale)


def prepare(
    entity: EntityMap[Any],
    request: AggregateRequest,
    *,
    viewer: Viewer,
    dialect: str,
    also: Callable[[], ColumnElement[bool]] | None = None,
) -> AggregateQuery:
    """The request checked (InvalidInput names the argument at fault) and its statement over the
    rows `viewer` may see built for the dialect, ready to run; `also` gives a fixed condition
    of the field (signatories: signed the pledge)."""
    shape = (entity.model, _request_key(request), viewer, also, dialect)
    builder, statement, names = _SHAPES.get(
        shape, lambda: _built(entity, request, viewer, also, dialect)
    )
    return AggregateQuery(shape, builder, statement, names)


class AggregateQuery:
    """One aggregate request, ready to run as figures or as its answer written in JSON."""

    def __init__(
        self, shape: Hashable, builder: _Builder, statement: Prepared, names: list[str]
    ) -> None:
        self._shape = shape
        self._builder = builder
        self._statement = statement
        self._names = names

    async def figures(self, db: Database) -> Aggregate:
        """The figures asked for, in one statement."""
        return self._builder.read(self._names, await db.plain_rows(self._statement))

    def writes(self, answer: ObjectPart) -> bool:
        """Whether the database can write this answer (`answer` then gives it)."""
        return self._writer(answer) is not None

    async def answer(self, db: Database, answer: ObjectPart) -> Any:
        """The field's answer as the database wrote it, in one statement, read into plain
        values; None when the database cannot write some part of it (then use `figures`)."""
        statement = self._writer(answer)
        if statement is None:
            return None
        ((text, beyond_64_bits),) = await db.plain_rows(statement)
        # orjson would read such integers as floats: the standard library reads them exactly.
        return json.loads(text) if beyond_64_bits else orjson.loads(text)

    def _writer(self, answer: ObjectPart) -> Prepared | None:
        return _WRITTEN.get((self._shape, answer), lambda: self._builder.written(answer))


# A dashboard repeats the same aggregates: building and compiling an aggregate's statement
# cost more CPU than running it on a small table (profiled: W4, ~0.6 of 2.6 ms per request),
# so each request shape's statement is built once and SQLAlchemy's compiled cache reuses it.
_SHAPES: Recent[Hashable, tuple[_Builder, Prepared, list[str]]] = Recent(512)
# Per request shape and answer: the statement writing the answer, None where it cannot.
_WRITTEN: Recent[Hashable, Prepared | None] = Recent(512)


def _request_key(request: AggregateRequest) -> Hashable:
    return (
        frozen(request.where),
        tuple(request.group_by),
        frozen(request.having),
        tuple(request.order),
        request.first,
        request.totals,
        request.groups,
        request.wanted,
        request.nodes,
    )


def _built(
    entity: EntityMap[Any],
    request: AggregateRequest,
    viewer: Viewer,
    also: Callable[[], ColumnElement[bool]] | None,
    dialect: str,
) -> tuple[_Builder, Prepared, list[str]]:
    check_request(entity, request)
    builder = _Builder(
        entity, request, viewer=viewer, also=also() if also else None, dialect=dialect
    )
    statement = builder.statement()
    return builder, Prepared(statement), list(statement.selected_columns.keys())


class _Builder:
    """One request's statement and the reading of its rows."""

    def __init__(
        self,
        entity: EntityMap[Any],
        request: AggregateRequest,
        *,
        viewer: Viewer,
        also: ColumnElement[bool] | None,
        dialect: str,
    ) -> None:
        self.entity = entity
        self.request = request
        self.viewer = viewer
        self.also = also
        self.dialect = dialect
        self.first = DEFAULT_GROUPS if request.first is None else request.first
        self.wanted = sorted(request.wanted)
        self.money = sorted({m for _, m in self.wanted if entity.measures[m].unit is Unit.MONEY})
        self.dimensions = [entity.dimensions[name] for name in request.group_by]
        self.with_groups = bool(request.group_by) and request.groups
        # (position, dimension, model) of the node keys whose objects are read too.
        self.named = [
            (i, name, model)
            for i, name in enumerate(request.group_by)
            if (model := entity.dimensions[name].node) is not None
            and name in request.nodes
            and self.with_groups
        ]
        self.with_totals = request.totals or not self.with_groups

    # Statement

    def statement(self) -> Any:
        return self._figures(self._named)

    def _figures(self, named: Callable[[Any, Any], Any]) -> Any:
        """The figures' rows; `named` adds the columns of the objects node keys name."""
        if not self.with_groups:
            return self._totals()
        grouped = self._grouped().subquery("grouped")
        parts = [
            sa.select(sa.literal(0).label("part"), *grouped.c).where(
                grouped.c.position <= self.first + 1
            )
        ]
        if self.with_totals:
            nulls = [sa.null().label(f"k{i}") for i in range(len(self.dimensions))]
            totals = self._totals().subquery("totals")
            parts.append(
                sa.select(
                    sa.literal(1).label("part"), *nulls, *totals.c, sa.literal(0).label("position")
                )
            )
        if len(parts) == 1:
            return named(parts[0], grouped).order_by(grouped.c.position)
        union = sa.union_all(*parts).subquery("figures")
        return named(sa.select(union), union).order_by(union.c.part, union.c.position)

    def _named(self, statement: Any, figures: Any) -> Any:
        """`statement` with the columns of the objects its node keys name, joined by id (as
        the same statement: the floor of W7 joins the company too), named n<i>_<j>."""
        for i, _, model in self.named:
            statement, target = self._join_named(statement, figures, i, model)
            named = columns(model, sa.inspect(target).selectable)
            statement = statement.add_columns(
                *(column.label(f"n{i}_{j}") for j, column in enumerate(named))
            )
        return statement

    def _join_named(self, statement: Any, figures: Any, i: int, model: type[Any]) -> Any:
        """`statement` outer-joined to the objects key i names, within the viewer's scope."""
        target: Any = aliased(model, name=f"named_{i}")
        on = getattr(target, "id") == figures.c[f"k{i}"]  # noqa: B009
        scope = scope_of(model)
        if scope is not None:
            on = sa.and_(on, scope.condition_on(target, self.viewer))
        return statement.outerjoin(target, on), target

    # The answer written in JSON

    def written(self, answer: ObjectPart) -> Prepared | None:
        """The statement writing the field's answer as JSON text, with whether any number in
        it goes beyond 64 bits (one row), or None where some part cannot be written exactly
        (or the database is SQLite)."""
        if self.dialect != "postgresql" or not self.with_groups:
            return None
        try:
            return Prepared(self._written(answer))
        except _NotWritable:
            return None

    def _written(self, answer: ObjectPart) -> Any:
        nodes = list(dict.fromkeys(_node_parts(answer)))

        def named(statement: Any, figures: Any) -> Any:
            targets: dict[int, Any] = {}
            for j, node in enumerate(nodes):
                i = self._position(node.dimension)
                model = self.dimensions[i].node
                if model is None:
                    raise _NotWritable
                if i not in targets:
                    statement, targets[i] = self._join_named(statement, figures, i, model)
                statement = statement.add_columns(
                    self._node(node, targets[i], model).label(f"node_{j}")
                )
            return statement

        rows = self._figures(named).subquery("answer")
        node_columns = {node: rows.c[f"node_{j}"] for j, node in enumerate(nodes)}
        in_groups = rows.c.part == 0
        fields: list[Any] = []
        for key, part in answer.fields:
            value: Any
            if isinstance(part, GroupsPart):
                group = self._value(part.group, rows, node_columns)
                value = sa.func.coalesce(
                    sa.func.json_agg(aggregate_order_by(group, rows.c.position)).filter(
                        sa.and_(in_groups, rows.c.position <= self.first)
                    ),
                    sa.literal_column("'[]'::json"),
                )
            elif isinstance(part, HasMorePart):
                value = sa.func.count().filter(in_groups) > self.first
            elif isinstance(part, TypenamePart):
                value = _text(part.name)
            elif self.with_totals:  # a figure of the totals: of the one row that is not a group
                totals = sa.func.json_agg(self._value(part, rows, node_columns))
                value = totals.filter(rows.c.part == 1).op("->")(sa.literal_column("0"))
            else:
                raise _NotWritable
            fields += [_text(key), value]
        # Sums are the only figures that can go beyond 64 bits (a count, a key, a minimum or a
        # maximum is a BIGINT at most).
        sums = [column for column in rows.c if column.name.startswith("sum_")]
        limit: Any = sa.literal_column(str(2**63))  # a NUMERIC constant: no parameter holds it
        beyond = sa.or_(sa.false(), *(sa.func.abs(total) >= limit for total in sums))
        return sa.select(
            sa.cast(sa.func.json_build_object(*fields), sa.Text),
            sa.func.coalesce(sa.func.bool_or(beyond), sa.false()),
        )

    def _position(self, dimension: str) -> int:
        if dimension not in self.request.group_by:
            raise _NotWritable
        return list(self.request.group_by).index(dimension)

    def _value(self, part: Part, rows: Any, nodes: Mapping[NodePart, Any]) -> Any:
        """The JSON value of a part of the totals or of a group, from its row in `rows`."""
        if isinstance(part, TypenamePart):
            return _text(part.name)
        if isinstance(part, CountPart | FigurePart):
            return self._figure(part, rows)
        if isinstance(part, KeyPart):
            i = self._position(part.dimension)
            dimension = self.dimensions[i]
            _expect(dimension.node is None)
            key = rows.c[f"k{i}"]
            if dimension.bucket is not None:
                return _bucket(key, dimension.bucket, part.leaf)
            return _leaf(key, part.leaf, dimension.expression.type, dimension.enum)
        if isinstance(part, NodePart):
            return nodes[part]
        if isinstance(part, ObjectPart):
            return _object((key, self._value(p, rows, nodes)) for key, p in part.fields)
        raise _NotWritable  # groups or hasMoreGroups below the top

    def _figure(self, part: CountPart | FigurePart, rows: Any) -> Any:
        """A count, or a sum, minimum or maximum of whole numbers (averages are rounded half-even
        and money is an object: Python's)."""
        if isinstance(part, CountPart):
            _expect(part.leaf.scalar == "BigInt")
            return rows.c["count"]
        measure = self.entity.measures.get(part.measure)
        _expect(
            (part.function, part.measure) in self.request.wanted
            and part.function != "avg"
            and measure is not None
            and measure.unit is not Unit.MONEY
            and isinstance(_sql_type(measure.expression.type), sa.Integer)
            and part.leaf.scalar == "BigInt"
        )
        return rows.c[f"{part.function}_{part.measure}"]

    def _node(self, node: NodePart, target: Any, model: type[Any]) -> Any:
        """The object a key names, as JSON: null where the join found none in scope."""
        attributes = sa.inspect(model).column_attrs
        fields: list[tuple[str, Any]] = []
        for key, part in node.fields:
            if isinstance(part, TypenamePart):
                fields.append((key, _text(part.name)))
                continue
            _expect(part.attribute in attributes)
            column = attributes[part.attribute].columns[0]
            _expect(not (part.leaf.non_null and column.nullable))
            enum = getattr(column.type, "enum_class", None)
            value = _leaf(getattr(target, part.attribute), part.leaf, column.type, enum)
            fields.append((key, value))
        found = getattr(target, "id").is_not(None)  # noqa: B009
        return sa.case((found, _object(fields)), else_=sa.null())

    def _base(self, hops: Sequence[Hop]) -> Any:
        model = self.entity.model
        statement = sa.select().select_from(model)
        joined: list[Hop] = []
        for hop in (h for top in hops for h in top.chain()):
            if hop not in joined:
                joined.append(hop)
                statement = statement.outerjoin(hop.target, hop.on)
        statement = statement.where(
            visible(model, self.viewer), self.entity.where(self.request.where)
        )
        return statement if self.also is None else statement.where(self.also)

    def _measure_hops(self) -> list[Hop]:
        return [
            hop
            for _, name in self.wanted + [(f, m) for f, m in self._having_and_order_measures()]
            if (hop := self.entity.measures[name].via) is not None
        ]

    def _figure_columns(self, count: Any) -> list[Any]:
        columns: list[Any] = [count.label("count")]
        for function, name in self.wanted:
            measure = self.entity.measures[name].expression
            if function == "avg":
                columns.append(sa.func.sum(measure).label(f"avg_sum_{name}"))
                columns.append(sa.func.count(measure).label(f"avg_count_{name}"))
            else:
                columns.append(getattr(sa.func, function)(measure).label(f"{function}_{name}"))
        for name in self.money:
            currency = self.entity.measures[name].currency
            columns.append(sa.func.min(currency).label(f"currency_min_{name}"))
            columns.append(sa.func.max(currency).label(f"currency_max_{name}"))
        return columns

    def _totals(self) -> Any:
        return self._base(self._measure_hops()).add_columns(*self._figure_columns(sa.func.count()))

    def _grouped(self) -> Any:
        keys: list[Any] = []
        one_hops: list[Hop] = []
        many: dict[Hop, list[tuple[int, Dimension]]] = {}
        for i, dimension in enumerate(self.dimensions):
            hop = dimension.via
            if hop is not None and hop.many:
                many.setdefault(hop, []).append((i, dimension))
            elif hop is not None:
                one_hops.append(hop)
        derived: dict[int, Any] = {}
        count: Any = sa.func.count()
        if self._related_rows_suffice(many):
            ((hop, members),) = many.items()
            rows = self._related_or_none(hop, members)
            statement = sa.select().select_from(rows)
            derived = {i: rows.c[f"k{i}"] for i, _ in members}
            count = sa.func.sum(rows.c.n)
        else:
            statement = self._base([*one_hops, *self._measure_hops()])
        for n, (hop, members) in enumerate(many.items() if not derived else ()):
            related = self._related(hop, members).distinct().subquery(f"related_{n}")
            statement = statement.outerjoin(related, related.c.owner == self.entity.primary_key)
            for i, _ in members:
                derived[i] = related.c[f"k{i}"]
        for i, dimension in enumerate(self.dimensions):
            keys.append(derived[i] if i in derived else self._key(dimension))
        order = self._order(keys, count)
        position = sa.func.row_number().over(order_by=order).label("position")
        return (
            statement.add_columns(*(key.label(f"k{i}") for i, key in enumerate(keys)))
            .add_columns(*self._figure_columns(count), position)
            .group_by(*keys)
            .having(self._having(self.request.having, count))
        )

    def _related(self, hop: Hop, members: Sequence[tuple[int, Dimension]]) -> Any:
        """The (owner, keys) rows of a to-many hop, keys named k<i> by dimension position."""
        rows = sa.select(
            hop.owner.label("owner"), *(self._key(d).label(f"k{i}") for i, d in members)
        ).select_from(hop.target)
        for target, onclause in hop.then:
            rows = rows.join(target, onclause)
        return rows if hop.where is None else rows.where(hop.where)

    def _related_rows_suffice(self, many: Mapping[Hop, Sequence[tuple[int, Dimension]]]) -> bool:
        """Whether the groups can be read off one to-many hop's rows without the entity's."""
        if len(many) != 1 or len(next(iter(many.values()))) != len(self.dimensions):
            return False
        if self.wanted or any(True for _ in self._having_and_order_measures()):
            return False
        model = self.entity.model
        unfiltered = [visible(model, self.viewer), self.entity.where(self.request.where)]
        if self.also is not None or not all(isinstance(c, sa.True_) for c in unfiltered):
            return False
        return _always_owned(next(iter(many)), self.entity.primary_key)

    def _related_or_none(self, hop: Hop, members: Sequence[tuple[int, Dimension]]) -> Any:
        """What `entity LEFT JOIN related rows` gives, counted without the join: per keys, the
        number `n` of distinct entity rows among the related rows, and one row of null keys
        counting the entity rows without any related row. Their groups add up `n` (a null-keyed
        related group and the rows without any never share an entity row). Counting distinct
        owners per group sorts once, cheaper than making the rows distinct first (measured:
        about a tenth less time for products by certification category and year)."""
        rows = self._related(hop, members).subquery("related_rows")
        keys = [rows.c[f"k{i}"] for i, _ in members]
        counted = sa.func.count(rows.c.owner.distinct()).label("n")
        related = sa.select(*keys, counted).group_by(*keys)
        # The hop's joins follow non-null foreign keys (checked), so a row of its first table
        # alone proves a related row: an anti-join on the owner's index.
        has_related = sa.exists().where(hop.owner == self.entity.primary_key)
        alone = (
            sa.select(*(sa.null().label(f"k{i}") for i, _ in members), sa.func.count().label("n"))
            .select_from(self.entity.model)
            .where(~has_related)
            .having(sa.func.count() > 0)
        )
        return sa.union_all(related, alone).subquery("related_or_none")

    def _key(self, dimension: Dimension) -> Any:
        if dimension.bucket is None:
            return dimension.expression
        return time_bucket(dimension.expression, dimension.bucket, self.dialect, dimension.instant)

    # Order and having

    def _aggregate(self, term: str, count: Any) -> Any:
        """The SQL of "count" or "<function>:<measure>" (an average as a quotient)."""
        if term == "count":
            return count
        function, _, name = term.partition(":")
        measure = self.entity.measures[name].expression
        if function == "avg":
            return (
                sa.func.sum(measure) * sa.literal(1.0) / sa.func.nullif(sa.func.count(measure), 0)
            )
        return getattr(sa.func, function)(measure)

    def _order(self, keys: Sequence[Any], count: Any) -> list[Any]:
        terms: list[Any] = []
        for term, descending in self.request.order:
            kind, _, name = term.partition(":")
            if kind == "key":
                expression = keys[list(self.request.group_by).index(name)]
            else:
                expression = self._aggregate(term, count)
            terms.append((expression.desc() if descending else expression.asc()).nulls_last())
        # Then every key, so the order is total and the same on both databases.
        terms.extend(key.asc().nulls_last() for key in keys)
        return terms

    def _having_and_order_measures(self) -> Iterator[tuple[str, str]]:
        for term, _ in self.request.order:
            function, _, name = term.partition(":")
            if function in FUNCTIONS:
                yield function, name
        yield from _having_measures(self.request.having)

    def _having(self, spec: Spec | None, count: Any) -> Any:
        if not spec:
            return sa.true()
        clauses: list[Any] = []
        for name, value in spec.items():
            if name == "and":
                clauses.append(sa.and_(sa.true(), *(self._having(part, count) for part in value)))
            elif name == "or":
                clauses.append(sa.or_(sa.false(), *(self._having(part, count) for part in value)))
            elif name == "count":
                clauses.append(_compare("count", count, None, value, scale=1))
            else:
                for measure, operators in value.items():
                    clauses.append(self._measure_condition(name, measure, operators))
        return sa.and_(*clauses)

    def _measure_condition(self, function: str, name: str, operators: Spec) -> Any:
        measure = self.entity.measures[name]
        scale = 100 if measure.unit is Unit.MONEY else 1
        field_name = f"{function}.{name}"
        if function == "avg":
            total = sa.func.sum(measure.expression)
            return _compare(field_name, total, sa.func.count(measure.expression), operators, scale)
        aggregate_ = getattr(sa.func, function)(measure.expression)
        return _compare(field_name, aggregate_, None, operators, scale)

    # Reading

    def read(self, names: Sequence[str], rows: Sequence[Sequence[Any]]) -> Aggregate:
        """The statement's rows (columns named by `names`) as figures and groups; each column's
        position and each key's decoding are worked out once, not once per row."""
        at = {name: i for i, name in enumerate(names)}
        # Without groups selected, the statement computes the totals alone: no key columns.
        keys = [
            (name, at[f"k{i}"], _decoder(self.dimensions[i]))
            for i, name in enumerate(self.request.group_by if self.with_groups else ())
        ]
        plain = [(name, i) for name, i, decode in keys if decode is None]
        decoded = [(name, i, decode) for name, i, decode in keys if decode is not None]
        # (dimension, key column, first column of the object, its reader)
        named = [(name, at[f"k{i}"], at[f"n{i}_0"], reader(model)) for i, name, model in self.named]
        nodes: dict[str, dict[Any, Any]] = {name: {} for name, *_ in named}
        figures = self._figure_readers(at)
        part = at["part"] if self.with_groups else None  # totals alone have no `part`
        totals: Figures | None = None
        groups: list[Group] = []
        for row in rows:
            if part is not None and row[part] == 0:
                group_keys = {name: row[i] for name, i in plain}
                for name, i, decode in decoded:
                    group_keys[name] = None if row[i] is None else decode(row[i])
                groups.append(Group(group_keys, figures(row)))
                for name, key, first, make in named:
                    if row[key] is not None:
                        nodes[name][row[key]] = None if row[first] is None else make(row[first:])
            else:
                totals = figures(row)
        has_more = len(groups) > self.first
        return Aggregate(
            totals=totals if self.request.totals else None,
            groups=groups[: self.first],
            has_more_groups=has_more,
            nodes=nodes,
        )

    def _figure_readers(self, at: Mapping[str, int]) -> Callable[[Sequence[Any]], Figures]:
        """A reader of one row's figures, its columns' positions looked up once."""
        count = at["count"]
        # Per figure: its key, its column, and for an average the count's column and the units
        # per amount (money averages are amounts of the currency, not cents).
        columns: list[tuple[tuple[str, str], int, int | None, int]] = []
        for function, name in self.wanted:
            if function == "avg":
                per = 100 if self.entity.measures[name].unit is Unit.MONEY else 1
                columns.append(
                    ((function, name), at[f"avg_sum_{name}"], at[f"avg_count_{name}"], per)
                )
            else:
                columns.append(((function, name), at[f"{function}_{name}"], None, 1))
        currencies = [
            (name, at[f"currency_min_{name}"], at[f"currency_max_{name}"]) for name in self.money
        ]

        sums = [(key, column) for key, column, counted, _ in columns if counted is None]
        averages = [(key, column, counted, per) for key, column, counted, per in columns if counted]

        def read(row: Sequence[Any]) -> Figures:
            values: dict[tuple[str, str], int | Decimal | None] = {
                key: None if row[column] is None else int(row[column]) for key, column in sums
            }
            for key, column, counted, per in averages:
                values[key] = average(row[column], row[counted], per)
            return Figures(
                int(row[count]),
                values,
                {name: _one_currency(row[low], row[high]) for name, low, high in currencies}
                if currencies
                else _NONE,
            )

        return read


def _node_parts(part: Part) -> Iterator[NodePart]:
    if isinstance(part, NodePart):
        yield part
    elif isinstance(part, ObjectPart):
        for _, inner in part.fields:
            yield from _node_parts(inner)
    elif isinstance(part, GroupsPart):
        yield from _node_parts(part.group)


def _expect(writable: bool) -> None:
    if not writable:
        raise _NotWritable


def _text(value: str) -> Any:
    """A string constant (response keys, type and enum names: never from a request's values)."""
    return sa.literal_column("'" + value.replace("'", "''") + "'", sa.Text)


def _object(fields: Iterator[tuple[str, Any]] | list[tuple[str, Any]]) -> Any:
    return sa.func.json_build_object(*(x for key, value in fields for x in (_text(key), value)))


def _sql_type(type_: Any) -> Any:
    return type_.impl_instance if isinstance(type_, sa.types.TypeDecorator) else type_


# The scalars whose values the database writes as the executor would: which column types
# each takes (an Int must fit 32 bits, which only INTEGER columns guarantee).
_WRITABLE: dict[str, Callable[[Any], bool]] = {
    "Int": lambda t: isinstance(t, sa.Integer) and not isinstance(t, sa.BigInteger),
    "BigInt": lambda t: isinstance(t, sa.Integer),
    "String": lambda t: isinstance(t, sa.String) and not isinstance(t, sa.Enum),
    "Boolean": lambda t: isinstance(t, sa.Boolean),
    "Date": lambda t: isinstance(t, sa.Date),
}


def _leaf(value: Any, leaf: LeafType, type_: Any, enum: type[StrEnum] | None) -> Any:
    """A column's value as the leaf's JSON: an enum's stored value as its GraphQL name."""
    if enum is not None:
        names = dict(leaf.names)
        _expect(bool(names) and all(member.value in names for member in enum))
        stored = sa.type_coerce(value, sa.String)
        return sa.case(
            *((stored == _text(member.value), _text(names[member.value])) for member in enum),
            else_=sa.null(),
        )
    writable = _WRITABLE.get(leaf.scalar or "")
    _expect(writable is not None and writable(_sql_type(type_)))
    return value


def _bucket(key: Any, bucket: Bucket, leaf: LeafType) -> Any:
    """A time bucket's whole number (see `time_bucket`) as the API shows it."""
    if bucket is Bucket.YEAR:
        _expect(leaf.scalar == "Int")
        return key
    _expect(leaf.scalar == "String")
    per, separator, width = (10, "-Q", 1) if bucket is Bucket.QUARTER else (100, "-", 2)

    def padded(number: Any, digits: int) -> Any:
        return sa.func.lpad(sa.cast(number, sa.Text), sa.literal_column(str(digits)), _text("0"))

    return padded(key // per, 4) + _text(separator) + padded(key % per, width)


def _always_owned(hop: Hop, primary_key: Any) -> bool:
    """Whether every row of a to-many hop's first table names an entity row (its owner column
    is a non-null foreign key to the entity's primary key) and yields a related row (each
    further join follows a non-null foreign key)."""
    if hop.where is not None:  # a row of its first table may not count
        return False
    owner = hop.owner.property.columns[0]
    key = primary_key.property.columns[0]
    if owner.nullable or not any(fk.column is key for fk in owner.foreign_keys):
        return False
    return all(_follows_foreign_key(onclause) for _, onclause in hop.then)


def _follows_foreign_key(onclause: Any) -> bool:
    """Whether a join condition is `non-null foreign key = the column it references`."""
    if not isinstance(onclause, BinaryExpression) or onclause.operator is not eq:
        return False
    return any(
        isinstance(near, sa.Column)
        and not near.nullable
        and any(far.shares_lineage(fk.column) for fk in near.foreign_keys)
        for near, far in ((onclause.left, onclause.right), (onclause.right, onclause.left))
    )


def _one_currency(low: str | None, high: str | None) -> str | None:
    return low if low == high else None


def average(total: Any, count: Any, per: int = 1) -> Decimal | None:
    """An exact sum over a count (and `per`, e.g. cents per unit), rounded half-even to
    AVERAGE_PLACES decimals."""
    if not count:
        return None
    quotient = Decimal(int(total)) / Decimal(int(count) * per)
    return quotient.quantize(Decimal(1).scaleb(-AVERAGE_PLACES), rounding=ROUND_HALF_EVEN)


def _having_measures(spec: Spec | None) -> Iterator[tuple[str, str]]:
    for name, value in (spec or {}).items():
        if name in {"and", "or"}:
            for part in value:
                yield from _having_measures(part)
        elif name in FUNCTIONS:
            for measure in value:
                yield name, measure


def _compare(name: str, aggregate_: Any, count: Any, operators: Spec, scale: int) -> Any:
    """`aggregate_ <op> value` for each operator, in whole numbers on both databases.

    The value (a Decimal in the API's unit) is scaled to an integer fraction p/q, and the
    comparison made as `aggregate_ * q <op> p` (`sum * q <op> p * count` for an average), so no
    float ever decides which groups pass.
    """
    clauses = []
    for operator, value in operators.items():
        numerator, denominator = _fraction(name, Decimal(value) * scale)
        left = aggregate_ * denominator if denominator != 1 else aggregate_
        right: Any = sa.literal(numerator, sa.BigInteger)
        if count is not None:
            right = right * count
        clauses.append(_OPERATORS[operator](left, right))
    return sa.and_(sa.true(), *clauses)


_OPERATORS = {
    "eq": lambda a, b: a == b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}
_MAX_DECIMALS = 4
_MAX_MAGNITUDE = Decimal(10) ** 15


def _fraction(name: str, value: Decimal) -> tuple[int, int]:
    """`value` as integers (p, q) with p / q == value and q a power of ten."""
    if not value.is_finite() or abs(value) >= _MAX_MAGNITUDE:
        raise InvalidInput(f"`{name}`: {value} is out of range.", field="having")
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    places = max(0, -exponent)
    if places > _MAX_DECIMALS:
        raise InvalidInput(
            f"`{name}`: compare with at most {_MAX_DECIMALS} decimals.", field="having"
        )
    denominator = 10**places
    return int(value * denominator), denominator


def time_bucket(expression: Any, bucket: Bucket, dialect: str, instant: bool = False) -> Any:
    """The bucket as a whole number (2024; 20242 for 2024-Q2; 202406 for 2024-06), computed
    the same way on PostgreSQL (EXTRACT, in UTC) and SQLite (strftime over the stored text)."""
    if dialect == "postgresql":
        moment = sa.func.timezone("UTC", expression) if instant else expression

        def part(unit: str) -> Any:
            return sa.cast(sa.extract(unit, moment), sa.Integer)

    else:

        def part(unit: str) -> Any:
            if unit == "quarter":
                return (part("month") + 2) // 3
            code = {"year": "%Y", "month": "%m"}[unit]
            return sa.cast(sa.func.strftime(code, expression), sa.Integer)

    if bucket is Bucket.YEAR:
        return part("year")
    if bucket is Bucket.QUARTER:
        return part("year") * 10 + part("quarter")
    return part("year") * 100 + part("month")


def _decoder(dimension: Dimension) -> Callable[[Any], Any] | None:
    """How a non-null key reads as the API shows it: enum members, years, `YYYY-Qn` or
    `YYYY-MM`; None where it reads as it is (ids, dates, text)."""
    if dimension.enum is not None:
        return dimension.enum
    if dimension.bucket is Bucket.QUARTER:
        return lambda value: f"{int(value) // 10:04d}-Q{int(value) % 10}"
    if dimension.bucket is Bucket.MONTH:
        return lambda value: f"{int(value) // 100:04d}-{int(value) % 100:02d}"
    if dimension.bucket is Bucket.YEAR:
        return int
    return None
