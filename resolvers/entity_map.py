"""One declarative map per entity: which filters, orderings and relations it has, and their SQL.

Every read path (root connections, nested connections, counts, aggregates (resolvers.aggregate)
and exports) builds its statement from these maps, so a field filters and sorts the same way
everywhere; every listing is made for a viewer and holds only the rows that viewer may see
(resolvers.scope). Filter specs are plain dicts made by the schema layer from its `where`
inputs: `{"title": {"contains": "soap"}, "or": [{...}, {...}]}`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.sql import ColumnElement
from sqlmodel import SQLModel, select

from models.db import Database

from .aggregate import Dimension, Measure
from .errors import InvalidInput
from .pagination import Listing, Ordering, SortKey
from .rows import columns, read_row
from .scope import Scope, scope_of, visible
from .statements import built_once
from .viewer import Viewer

M = TypeVar("M", bound=SQLModel)
Spec = Mapping[str, Any]

MAX_LIST = 100
EQUALITY = frozenset({"eq", "in"})
RANGE = frozenset({"eq", "in", "gt", "gte", "lt", "lte"})
TEXT = frozenset({"eq", "in", "contains", "starts_with"})


@dataclass(frozen=True)
class Column:
    """A filter on one column with a curated set of operators."""

    expression: Any
    operators: frozenset[str] = EQUALITY

    def clause(self, name: str, operators: Spec) -> ColumnElement[bool]:
        unknown = set(operators) - self.operators
        if unknown:
            raise InvalidInput(
                f"`{public_name(name)}` does not support {sorted(unknown)}.",
                field=public_name(name),
            )
        check_range(name, operators)
        column = self.expression
        clauses: list[ColumnElement[bool]] = []
        for operator, value in operators.items():
            if operator == "in":
                clauses.append(column.in_(storable(checked_list(name, value))))
            elif not storable([value]):
                clauses.append(sa.false())  # text with a NUL character is never stored
            elif operator == "contains":
                clauses.append(column.icontains(value, autoescape=True))
            elif operator == "starts_with":
                clauses.append(column.istartswith(value, autoescape=True))
            else:
                clauses.append(_COMPARE[operator](column, value))
        return sa.and_(*clauses)


_COMPARE: dict[str, Callable[[Any, Any], ColumnElement[bool]]] = {
    "eq": lambda c, v: c == v,
    "gt": lambda c, v: c > v,
    "gte": lambda c, v: c >= v,
    "lt": lambda c, v: c < v,
    "lte": lambda c, v: c <= v,
}


def public_name(name: str) -> str:
    """A filter's name as the API spells it: `claim_year` -> `claimYear`."""
    first, *rest = name.split("_")
    return first + "".join(part.capitalize() for part in rest)


def checked_list(name: str, values: Sequence[Any]) -> list[Any]:
    """An `in` list, refused when longer than MAX_LIST."""
    if len(values) > MAX_LIST:
        raise InvalidInput(
            f"`{public_name(name)}.in` takes at most {MAX_LIST} values.", field=public_name(name)
        )
    return list(values)


def storable(values: Sequence[Any]) -> list[Any]:
    """Values that can be stored at all: PostgreSQL text never holds a NUL character."""
    return [v for v in values if not (isinstance(v, str) and "\x00" in v)]


def eq_or_in(
    name: str, operators: Spec, match: Callable[[Any], ColumnElement[bool]]
) -> ColumnElement[bool]:
    """`{eq}` and `{in}` through a matcher of one value; both must hold when both are given."""
    clauses: list[ColumnElement[bool]] = []
    if "eq" in operators:
        clauses.append(sa.or_(sa.false(), *map(match, storable([operators["eq"]]))))
    if "in" in operators:
        values = storable(checked_list(name, operators["in"]))
        clauses.append(sa.or_(sa.false(), *map(match, values)))
    return sa.and_(sa.true(), *clauses)


def check_range(name: str, operators: Spec) -> None:
    """Refuse an inverted range such as `{gte: 2030, lte: 2020}`."""
    low = next((operators[k] for k in ("gte", "gt") if k in operators), None)
    high = next((operators[k] for k in ("lte", "lt") if k in operators), None)
    if low is not None and high is not None and low > high:
        raise InvalidInput(
            f"`{public_name(name)}`: the range is inverted ({low} > {high}).",
            field=public_name(name),
        )


def range_clause(name: str, column: Any, operators: Spec) -> ColumnElement[bool]:
    """A range filter on any expression (e.g. a correlated subquery)."""
    return Column(column, RANGE).clause(name, operators)


@dataclass(frozen=True)
class Custom:
    """A filter whose SQL is built by a function of the input value (relations, derived facts)."""

    build: Callable[[Any], ColumnElement[bool]]

    def clause(self, name: str, value: Any) -> ColumnElement[bool]:
        return self.build(value)


@dataclass(frozen=True)
class ListItem:
    """`{eq}`/`{in}` on a short JSON array of strings: holds the value, or any of them."""

    column: Any

    def clause(self, name: str, operators: Spec) -> ColumnElement[bool]:
        return eq_or_in(name, operators, lambda value: json_list_contains(self.column, value))


def flag(column: Any) -> Custom:
    """A yes/no filter on a boolean column."""
    return Custom(lambda value: column.is_(bool(value)))


@dataclass(frozen=True)
class EntityMap(Generic[M]):
    """Filters, orderings and the default order of one entity, and what its aggregates compute
    (`measures`) and group by (`dimensions`); its row scope comes with it."""

    model: type[M]
    primary_key: Any
    filters: Mapping[str, Column | ListItem | Custom]
    orderings: Mapping[str, SortKey]
    default_order: Sequence[tuple[str, bool]]
    measures: Mapping[str, Measure] = field(default_factory=dict)
    dimensions: Mapping[str, Dimension] = field(default_factory=dict)

    def where(self, spec: Spec | None) -> ColumnElement[bool]:
        """The SQL condition for a filter spec; AND within a spec, `and`/`or` lists nest."""
        if not spec:
            return sa.true()
        clauses: list[ColumnElement[bool]] = []
        for name, value in spec.items():
            if name == "and":
                clauses.append(sa.and_(sa.true(), *(self.where(part) for part in value)))
            elif name == "or":
                clauses.append(sa.or_(sa.false(), *(self.where(part) for part in value)))
            else:
                clauses.append(self.filters[name].clause(name, value))
        return sa.and_(*clauses)

    def ordering(self, order: Sequence[tuple[str, bool]] | None = None) -> Ordering:
        """(field, descending) pairs, then the primary key in the last key's direction."""
        terms = list(order or self.default_order)
        seen = [name for name, _ in terms]
        if len(set(seen)) != len(seen):
            raise InvalidInput("Each `orderBy` field may appear once.", field="orderBy")
        keys = [
            SortKey(self.orderings[name].column, self.orderings[name].attribute, descending)
            for name, descending in terms
        ]
        last_descending = keys[-1].descending if keys else False
        keys.append(SortKey(self.primary_key, "id", last_descending))
        name = ",".join(f"{n}_{'DESC' if d else 'ASC'}" for n, d in terms)
        return Ordering(name=name, keys=tuple(keys))

    def with_ordering(self, name: str, key: SortKey) -> EntityMap[M]:
        """The same map with one more ordering (e.g. a search rank known only per request)."""
        return replace(self, orderings={**self.orderings, name: key})

    @property
    def scope(self) -> Scope | None:
        """Who may see which rows (None: everyone sees every row), from resolvers.scope."""
        return scope_of(self.model)

    def listing(
        self,
        *,
        viewer: Viewer,
        where: Spec | None = None,
        order: Sequence[tuple[str, bool]] | None = None,
        also: ColumnElement[bool] | None = None,
    ) -> Listing[M]:
        """The rows `viewer` may see, filtered and ordered; `also` adds a fixed condition.

        The viewer is required of every map, public ones too, so no listing (and no count or
        aggregate built on one) can be made without deciding whose it is.
        """
        statement = select(self.model).where(visible(self.model, viewer), self.where(where))
        if also is not None:
            statement = statement.where(also)
        # Counts may skip the table only when the listing holds every one of its rows.
        unfiltered = not where and also is None and self.scope is None
        return Listing(self.model, statement, self.ordering(order), unfiltered)


def json_list_contains(column: Any, value: str) -> ColumnElement[bool]:
    """Whether a JSON array column of strings holds `value`, on SQLite and PostgreSQL alike.

    The arrays are short (marketplaces, labels) and the tables small, so matching the quoted
    element in the column's JSON text is exact, portable and cheap enough.
    """
    # Stored JSON is written with ensure_ascii=False (models.db), so this is its exact text.
    element = json.dumps(value, ensure_ascii=False)
    return sa.cast(column, sa.String).contains(element, autoescape=True)


async def find_by(db: Database, model: type[M], column: Any, value: str) -> M | None:
    """The public read row (resolvers.rows) whose unique `column` equals `value`, or None (text
    with NUL never matches). Private rows have no lookups: they are read with a viewer
    (resolvers.scope)."""
    assert scope_of(model) is None, f"{model.__name__} is private"
    if not storable([value]):
        return None
    statement = built_once(
        ("lookup", model, column.key),
        lambda: sa.select(*columns(model)).where(column == sa.bindparam("value")),
    )
    rows = await db.plain_rows(statement, {"value": value})
    return read_row(model, rows[0]) if rows else None
