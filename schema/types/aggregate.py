"""Aggregate fields (`productsAggregate` and the like) and their types, built from the entity
maps' measures and dimensions: one SQL statement per field (resolvers.aggregate)."""

from collections.abc import Callable, Mapping
from decimal import Decimal
from enum import StrEnum
from functools import partial
from typing import Annotated, Any, Protocol

import sqlalchemy as sa
import strawberry
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLEnumType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    get_named_type,
)
from graphql.execution.collect_fields import FieldDetailsList
from sqlalchemy.sql import ColumnElement

import models
from models.db import Database
from resolvers.aggregate import (
    AVERAGE_PLACES,
    DEFAULT_GROUPS,
    FUNCTIONS,
    MAX_GROUPS,
    Aggregate,
    AggregateQuery,
    AggregateRequest,
    Bucket,
    ColumnPart,
    CountPart,
    Dimension,
    FigurePart,
    Figures,
    GroupsPart,
    HasMorePart,
    KeyPart,
    LeafType,
    NodePart,
    ObjectPart,
    Part,
    TypenamePart,
    Unit,
    prepare,
)
from resolvers.entity_map import EntityMap
from resolvers.viewer import Viewer
from schema.context import Info
from schema.enums import described
from schema.execution import NORMAL_PATH, ExecutionContext, SelfCompleting, arguments_once
from schema.inputs import DecimalRange, IntRange, OrderDirection, to_spec
from schema.scalars import BigInt, Money
from schema.types.carbon_credit import Issuance
from schema.types.carbon_project import CarbonProject
from schema.types.certification import Certification
from schema.types.company import Company
from schema.types.connection import selected_fields

# How the cost rules (schema.cost) treat these fields: see Kind.AGGREGATE, GROUPS and BUILT.
AGGREGATE_COST = {"cost": "aggregate"}
GROUPS_COST = {"cost": "groups"}
BUILT_COST = {"cost": "built"}

# The type of the object a node key names.
_NODES: dict[type[Any], type[Any]] = {
    models.Company: Company,
    models.CarbonProject: CarbonProject,
    models.Certification: Certification,
    models.Issuance: Issuance,
}

_FUNCTION_WORDS = {
    "sum": "Sums",
    "avg": (
        f"Averages (the exact sum over the number of rows with a value, rounded half-even to"
        f" {AVERAGE_PLACES} decimals)"
    ),
    "min": "Minima",
    "max": "Maxima",
}
_BUCKET_WORDS = {
    Bucket.YEAR: "the year (e.g. 2024)",
    Bucket.QUARTER: "the quarter, as `YYYY-Qn` (e.g. `2024-Q2`)",
    Bucket.MONTH: "the month, as `YYYY-MM` (e.g. `2024-06`)",
}
_UNIT_WORDS = {
    Unit.CREDITS: "credits (tonnes CO2e)",
    Unit.TONNES: "tonnes CO2e",
    Unit.NUMBER: "a whole number",
    Unit.MONEY: "money; null when the rows mix currencies (group by a currency to split them)",
}


def camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.capitalize() for part in rest)


def _describe(docs: Mapping[str, str], name: str, dimension: Dimension | None = None) -> str:
    """A dimension's or measure's description; time buckets share their date's."""
    if dimension is not None and dimension.bucket is not None:
        base = name.removesuffix(f"_{dimension.bucket.value}")
        return f"{docs[base]}, by {_BUCKET_WORDS[dimension.bucket]}."
    return docs[name]


_COLUMN_KEYS: list[tuple[type[Any], Any]] = [
    (sa.Boolean, bool),
    (sa.BigInteger, BigInt),
    (sa.Integer, int),
]


def _key_type(dimension: Dimension) -> Any:
    """A key's GraphQL type: the object named, the enum, the bucket's or the column's type."""
    if dimension.node is not None:
        key: Any = _NODES[dimension.node]
    elif dimension.enum is not None:
        key = dimension.enum
    elif dimension.bucket is not None:
        key = int if dimension.bucket is Bucket.YEAR else str
    else:
        column_type = dimension.expression.type
        key = next((t for sql, t in _COLUMN_KEYS if isinstance(column_type, sql)), str)
    return key | None


class AggregateField:
    """The types of one entity's aggregates, and fields over them (`companiesAggregate` and
    `signatoriesAggregate` share Company's)."""

    def __init__(
        self,
        *,
        prefix: str,
        entity: EntityMap[Any],
        where: type[Any],
        rows: str,
        measures: Mapping[str, str],
        dimensions: Mapping[str, str],
    ) -> None:
        self.prefix = prefix
        self.entity = entity
        self.where = where
        self.rows = rows
        self.measure_docs = {name: measures[name] for name in entity.measures}
        self.dimension_docs = {
            name: _describe(dimensions, name, dimension)
            for name, dimension in entity.dimensions.items()
        }
        # By GraphQL field name; and the measures that are money.
        self.dimension_names = {camel(name): name for name in entity.dimensions}
        self.measure_names = {camel(name): name for name in entity.measures}
        self.money = {name for name, m in entity.measures.items() if m.unit is Unit.MONEY}
        self.group_by = self._group_by_enum()
        self.order_field = self._order_field_enum()
        self.order = self._order_input()
        self.having = self._having_input()
        self.values = self._values_type(average=False) if entity.measures else None
        self.averages = self._values_type(average=True) if entity.measures else None
        self.keys = self._keys_type()
        self.group = self._figures_type(f"{prefix}AggregateGroup", group=True)
        self.result = self._figures_type(f"{prefix}Aggregate", group=False)

    # Enums and inputs

    def _group_by_enum(self) -> type[StrEnum]:
        members = {name.upper(): name for name in self.entity.dimensions}
        enum = StrEnum(f"{self.prefix}GroupBy", members)  # type: ignore[misc]
        described(
            enum,
            f"What {self.rows} can be grouped by.",
            {name.upper(): doc for name, doc in self.dimension_docs.items()},
        )
        return enum

    def _order_field_enum(self) -> type[StrEnum]:
        members = {"COUNT": "count"}
        docs = {"COUNT": "The number of rows in the group."}
        for name, doc in self.dimension_docs.items():
            members[name.upper()] = f"key:{name}"
            docs[name.upper()] = f"The group's key: {doc} (only when grouped by it)."
        for function in FUNCTIONS:
            for name in self.entity.measures:
                member = f"{function.upper()}_{name.upper()}"
                members[member] = f"{function}:{name}"
                docs[member] = f"The {function} of: {self.measure_docs[name]}"
        enum = StrEnum(f"{self.prefix}AggregateOrderField", members)  # type: ignore[misc]
        described(enum, f"What groups of {self.rows} can be sorted by.", docs)
        return enum

    def _order_input(self) -> type[Any]:
        namespace = {
            "__annotations__": {"field": self.order_field, "direction": OrderDirection},
            "field": strawberry.field(description="A figure or key to sort groups by."),
            "direction": strawberry.field(
                default=OrderDirection.ASC, description="Ascending unless DESC."
            ),
        }
        return strawberry.input(
            type(f"{self.prefix}AggregateOrder", (), namespace),
            description=f"One sort key for groups of {self.rows}; ties break on the keys.",
        )

    def _having_input(self) -> type[Any]:
        annotations: dict[str, Any] = {"count": IntRange | None}
        namespace: dict[str, Any] = {
            "count": strawberry.field(default=None, description="The number of rows.")
        }
        if self.entity.measures:
            ranges_namespace: dict[str, Any] = {
                "__annotations__": dict.fromkeys(self.entity.measures, DecimalRange | None)
            }
            for name in self.entity.measures:
                ranges_namespace[name] = strawberry.field(
                    default=None, name=camel(name), description=self.measure_docs[name]
                )
            ranges = strawberry.input(
                type(f"{self.prefix}AggregateRanges", (), ranges_namespace),
                description=(
                    f"Ranges on figures of {self.rows}, in the measure's unit (money: its amount,"
                    " currencies are not converted)."
                ),
            )
            for function in FUNCTIONS:
                annotations[function] = ranges | None
                namespace[function] = strawberry.field(
                    default=None, description=f"{_FUNCTION_WORDS[function]} within these ranges."
                )
        having = type(f"{self.prefix}AggregateHaving", (), namespace)
        annotations["and_"] = list[having] | None  # type: ignore[valid-type]
        annotations["or_"] = list[having] | None  # type: ignore[valid-type]
        namespace["and_"] = strawberry.field(
            default=None, name="AND", description="All of these conditions hold."
        )
        namespace["or_"] = strawberry.field(
            default=None, name="OR", description="At least one of these conditions holds."
        )
        for name, value in namespace.items():
            setattr(having, name, value)
        having.__annotations__ = annotations
        return strawberry.input(
            having,
            description=f"Conditions on the figures of each group of {self.rows}; fields AND.",
        )

    # Output types: plain attributes, built once per request by `_Build`, so the executor's
    # plain-field path (schema.execution) completes each group without a resolver per field.

    def _values_type(self, *, average: bool) -> type[Any]:
        annotations: dict[str, Any] = {}
        namespace: dict[str, Any] = {"__annotations__": annotations}
        for name, measure in self.entity.measures.items():
            money = measure.unit is Unit.MONEY
            if money:
                annotations[name] = Money | None
            else:
                annotations[name] = Decimal | None if average else BigInt | None
            namespace[name] = strawberry.field(
                default=None,
                name=camel(name),
                description=f"{self.measure_docs[name]} In {_UNIT_WORDS[measure.unit]}.",
                metadata=BUILT_COST if money else None,
            )
        kind = "Averages" if average else "Values"
        return strawberry.type(
            type(f"{self.prefix}Aggregate{kind}", (), namespace),
            description=(
                f"One figure per measure of {self.rows}; null where no row has a value."
                if not average
                else f"Averages of the measures of {self.rows}; null where no row has a value."
            ),
        )

    def _keys_type(self) -> type[Any]:
        annotations: dict[str, Any] = {}
        namespace: dict[str, Any] = {"__annotations__": annotations}
        for name, dimension in self.entity.dimensions.items():
            annotations[name] = _key_type(dimension)
            namespace[name] = strawberry.field(
                default=None,
                name=camel(name),
                description=(
                    f"{self.dimension_docs[name]} Null when not grouped by it, or for rows"
                    " without one."
                ),
                # The object a key names is read by the aggregate's own statement.
                metadata=BUILT_COST if dimension.node is not None else None,
            )
        return strawberry.type(
            type(f"{self.prefix}AggregateKeys", (), namespace),
            description=f"What a group of {self.rows} shares: one key per `groupBy` dimension.",
        )

    def _figures_type(self, name: str, *, group: bool) -> type[Any]:
        annotations: dict[str, Any] = {"count": BigInt}
        namespace: dict[str, Any] = {
            "__annotations__": annotations,
            "count": strawberry.field(description=f"The number of {self.rows}."),
        }
        if self.values is not None and self.averages is not None:
            for function in FUNCTIONS:
                annotations[function] = self.averages if function == "avg" else self.values
                namespace[function] = strawberry.field(
                    description=f"{_FUNCTION_WORDS[function]} of the measures.",
                    metadata=BUILT_COST,
                )
        if group:
            annotations["keys"] = self.keys
            namespace["keys"] = strawberry.field(
                description="The group's keys.", metadata=BUILT_COST
            )
            description = f"One group of {self.rows} and its figures."
        else:
            annotations["groups"] = list[self.group]  # type: ignore[name-defined]
            namespace["groups"] = strawberry.field(
                description=(
                    "The groups (needs `groupBy`), in `orderBy` order then by their keys; at most"
                    f" `first` ({DEFAULT_GROUPS} unless given, at most {MAX_GROUPS})."
                ),
                metadata=GROUPS_COST,
            )
            annotations["has_more_groups"] = bool
            namespace["has_more_groups"] = strawberry.field(
                description="More groups matched than `first` returned."
            )
            description = (
                f"Figures over all the {self.rows} matching `where` (the totals) and, with"
                " `groupBy`, per group."
            )
        return strawberry.type(type(name, (), namespace), description=description)

    # The field

    def field(
        self, *, description: str, also: Callable[[], ColumnElement[bool]] | None = None
    ) -> Any:
        """A root field computing this entity's aggregates; `also` adds a fixed condition."""
        group_by_enum = self.group_by
        aggregate_root = AggregateRoot(self, also)

        async def resolve(
            root: Any,
            info: Info,
            where: Any = None,
            group_by: Any = None,
            having: Any = None,
            order_by: Any = None,
            first: int | None = None,
        ) -> Any:
            raw = info._raw_info
            arguments = {
                "where": where,
                "group_by": group_by,
                "having": having,
                "order_by": order_by,
                "first": first,
            }
            context = info.context
            request, query = aggregate_root.prepare(
                context.viewer, context.db.dialect_name, raw.field_nodes, raw.fragments, arguments
            )
            return _Answer(self, request, query, info.context.db)

        resolve.__annotations__ = {
            "info": Info,
            "where": Annotated[
                self.where | None,
                strawberry.argument(description="Only rows matching these conditions."),
            ],
            "group_by": Annotated[
                list[group_by_enum] | None,  # type: ignore[valid-type]
                strawberry.argument(
                    description="Dimensions to group by (at most 6); `groups` holds one group"
                    " per distinct combination of keys."
                ),
            ],
            "having": Annotated[
                self.having | None,
                strawberry.argument(description="Keep only the groups whose figures match."),
            ],
            "order_by": Annotated[
                list[self.order] | None,  # type: ignore[name-defined]
                strawberry.argument(
                    description="Sort groups by figures or keys, most significant first."
                ),
            ],
            "first": Annotated[
                int | None,
                strawberry.argument(
                    description=(
                        f"Return the first N groups (0 to {MAX_GROUPS}; {DEFAULT_GROUPS} unless"
                        " given): with `orderBy` a figure, the top N."
                    )
                ),
            ],
            "return": self.result,
        }
        return strawberry.field(
            resolver=resolve,
            description=description,
            metadata={**AGGREGATE_COST, **arguments_once(), AGGREGATE_ROOT: aggregate_root},
        )


# Field metadata key: the AggregateRoot of a root field computing aggregates.
AGGREGATE_ROOT = "pledgegraph.aggregate_root"


class AggregateRoot:
    """A root field computing one entity's aggregates, with its fixed condition."""

    def __init__(
        self, field: AggregateField, also: Callable[[], ColumnElement[bool]] | None
    ) -> None:
        self.field = field
        self.also = also

    def prepare(
        self,
        viewer: Viewer,
        dialect: str,
        field_nodes: list[FieldNode],
        fragments: dict[str, FragmentDefinitionNode],
        arguments: Mapping[str, Any],
    ) -> tuple[AggregateRequest, AggregateQuery]:
        """The request the field's converted arguments and selection make, ready to run;
        InvalidInput names the argument at fault."""
        field = self.field
        request = _request(
            field_nodes,
            fragments,
            measures=field.measure_names,
            keys=field.dimension_names,
            where=arguments.get("where"),
            group_by=[str(g) for g in arguments.get("group_by") or []],
            having=arguments.get("having"),
            order_by=arguments.get("order_by"),
            first=arguments.get("first"),
        )
        query = prepare(field.entity, request, viewer=viewer, dialect=dialect, also=self.also)
        return request, query


class _Build:
    """One request's output objects: the figures it asked for, keys with the objects they
    name, each built once."""

    def __init__(
        self,
        field: AggregateField,
        request: AggregateRequest,
        nodes: Mapping[str, Mapping[Any, Any]],
    ) -> None:
        self.field = field
        self.nodes = nodes
        self.by_function: dict[str, list[tuple[str, bool]]] = {}
        for function, name in sorted(request.wanted):
            money = field.entity.measures[name].unit is Unit.MONEY
            self.by_function.setdefault(function, []).append((name, money))
        # A function selected without any measure reads none: one object without figures.
        self.none = (
            {f: (field.averages if f == "avg" else field.values)() for f in FUNCTIONS}  # type: ignore[misc]
            if field.values is not None
            else {}
        )

    def result(self, result: Aggregate) -> Any:
        return self.field.result(
            **self._figures(result.totals or Figures(0)),
            groups=[
                self.field.group(**self._figures(group.figures), keys=self._keys(group.keys))
                for group in result.groups
            ],
            has_more_groups=result.has_more_groups,
        )

    def _figures(self, figures: Figures) -> dict[str, Any]:
        built: dict[str, Any] = {"count": figures.rows, **self.none}
        for function, measures in self.by_function.items():
            values = {name: _value(figures, function, name, money) for name, money in measures}
            type_ = self.field.averages if function == "avg" else self.field.values
            assert type_ is not None
            built[function] = type_(**values)
        return built

    def _keys(self, keys: Mapping[str, Any]) -> Any:
        if self.nodes:
            keys = {
                name: self.nodes[name].get(key) if name in self.nodes else key
                for name, key in keys.items()
            }
        return self.field.keys(**keys)


# Fills one object of an aggregate's answer from what is at hand: the figures of the totals or
# of a group, and the group's keys (none for the totals). Built once per request from the
# selection, then run for every group.
_Fill = Callable[[Figures, Mapping[str, Any]], Any]


class _Unplanned(Exception):
    """A selection the figures cannot complete (a resolver under a key's object)."""


class _Selection:
    """The executor and the field's info, for reading a selection and completing objects."""

    def __init__(self, execution: ExecutionContext, info: GraphQLResolveInfo[Any]) -> None:
        self.execution = execution
        self.info = info
        self.fast_fields = execution.fast_fields

    def fields(
        self, object_type: GraphQLObjectType, details: FieldDetailsList
    ) -> list[tuple[str, str, Any, FieldDetailsList]]:
        """(response key, field name, its named type, details) of each selected field."""
        selected = self.execution.subfields(object_type, details)
        if selected is None:
            raise _Unplanned
        return typed_fields(object_type, selected)

    def completer(
        self, object_type: GraphQLObjectType, details: FieldDetailsList
    ) -> Callable[[Any], Any]:
        """Completes a value (a key's object, money) as an object of this type."""
        complete = self.execution.plain_completer(object_type, details, self.info)
        if complete is None:
            raise _Unplanned

        def completed(value: Any) -> Any:
            data = complete(value)
            if data is NORMAL_PATH:
                raise _Unplanned
            return data

        return completed


def typed_fields(
    object_type: GraphQLObjectType, selected: Mapping[str, FieldDetailsList]
) -> list[tuple[str, str, Any, FieldDetailsList]]:
    """(response key, field name, its named type, details) of each selected field."""
    fields = []
    for key, field_details in selected.items():
        name = field_details[0].node.name.value
        field_type = None if name == "__typename" else get_named_type(object_type.fields[name].type)
        fields.append((key, name, field_type, field_details))
    return fields


class _Answer(SelfCompleting):
    """One aggregate field's answer, run when its selection is known. On PostgreSQL the
    statement writes the whole answer as JSON where it can (`AggregateQuery.answer`);
    otherwise the selection is completed straight from the figures (about a quarter of a
    grouped aggregate's CPU went to building objects for the executor and walking them); and
    anything out of the ordinary, e.g. a key's object with a connection, takes the normal path
    over objects."""

    def __init__(
        self, field: AggregateField, request: AggregateRequest, query: AggregateQuery, db: Database
    ):
        self.field = field
        self.request = request
        self.query = query
        self.db = db
        self._result: Aggregate | None = None

    async def result(self) -> Aggregate:
        if self._result is None:
            self._result = await self.query.figures(self.db)
        return self._result

    async def objects(self) -> Any:
        result = await self.result()
        return _Build(self.field, self.request, result.nodes).result(result)

    async def complete(
        self,
        execution: ExecutionContext,
        object_type: GraphQLObjectType,
        details: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
    ) -> Any:
        at = _Selection(execution, info)
        answer = answer_parts(self.field, at, object_type, details)
        if answer is not None:
            written = await self.query.answer(self.db, answer)
            if written is not None:
                return written
        result = await self.result()
        try:
            fill = self._figures_filler(at, object_type, details, result)
            return fill(result.totals or Figures(0), {})
        except Exception:  # e.g. a value the leaf type refuses: the normal path reports it
            return NORMAL_PATH

    # The selection completed from the figures

    def _figures_filler(
        self,
        at: _Selection,
        object_type: GraphQLObjectType,
        details: FieldDetailsList,
        result: Aggregate,
    ) -> _Fill:
        """The totals' or a group's object: count, hasMoreGroups, groups, keys, figures."""

        def part(name: str, field_type: Any, field_details: FieldDetailsList) -> _Fill:
            if name == "count":
                return _count(field_type)
            if name == "hasMoreGroups":
                return _constant(result.has_more_groups)
            if name == "groups":
                return _groups(self._figures_filler(at, field_type, field_details, result), result)
            if name == "keys":
                return _filler(at, field_type, field_details, partial(self._key_part, at, result))
            # sum, avg, min, max
            return _filler(at, field_type, field_details, partial(self._figure_part, at, name))

        return _filler(at, object_type, details, part)

    def _key_part(
        self,
        at: _Selection,
        result: Aggregate,
        name: str,
        field_type: Any,
        details: FieldDetailsList,
    ) -> _Fill:
        dimension = self.field.dimension_names[name]
        if isinstance(field_type, GraphQLObjectType):
            nodes = result.nodes.get(dimension, {})
            return _node(at, dimension, nodes, field_type, details)
        return _key(dimension, field_type.coerce_output_value)

    def _figure_part(
        self, at: _Selection, function: str, name: str, field_type: Any, details: FieldDetailsList
    ) -> _Fill:
        measure = self.field.measure_names[name]
        if measure in self.field.money:
            return _money(at, function, measure, field_type, details)
        return _figure((function, measure), field_type.coerce_output_value)


class Selection(Protocol):
    """What the parts of an answer are read from: the fields selected on an object."""

    @property
    def fast_fields(self) -> Mapping[int, Any]:
        """How each field that needs no resolver is read (see schema.execution)."""
        ...

    def fields(
        self, object_type: GraphQLObjectType, details: FieldDetailsList
    ) -> list[tuple[str, str, Any, FieldDetailsList]]:
        """(response key, field name, its named type, details) of each selected field."""
        ...


def answer_parts(
    field: AggregateField, at: Selection, object_type: GraphQLObjectType, details: FieldDetailsList
) -> ObjectPart | None:
    """The selection of an aggregate field as the parts the database writes; None where a
    part needs Python (money, or a key's object with a field that has a resolver)."""
    try:
        return _figures_part(field, at, object_type, details)
    except _Unplanned:
        return None


def _figures_part(
    field: AggregateField, at: Selection, object_type: GraphQLObjectType, details: FieldDetailsList
) -> ObjectPart:
    """The totals' or a group's object: count, hasMoreGroups, groups, keys, figures."""

    def part(name: str, field_type: Any, field_details: FieldDetailsList) -> Part:
        if name == "count":
            return CountPart(_leaf_type(field_type))
        if name == "hasMoreGroups":
            return HasMorePart()
        if name == "groups":
            return GroupsPart(_figures_part(field, at, field_type, field_details))
        if name == "keys":
            return _object_part(at, field_type, field_details, partial(_key_as_part, field, at))
        # sum, avg, min, max
        return _object_part(at, field_type, field_details, partial(_figure_as_part, field, name))

    return _object_part(at, object_type, details, part)


def _key_as_part(
    field: AggregateField, at: Selection, name: str, field_type: Any, details: FieldDetailsList
) -> Part:
    dimension = field.dimension_names[name]
    if not isinstance(field_type, GraphQLObjectType):
        return KeyPart(dimension, _leaf_type(field_type))
    fields: list[tuple[str, TypenamePart | ColumnPart]] = []
    for key, field_name, _, field_details in at.fields(field_type, details):
        if field_name == "__typename":
            fields.append((key, TypenamePart(field_type.name)))
            continue
        node_field = field_type.fields[field_name]
        read = at.fast_fields.get(id(node_field))
        if not isinstance(read, str) or any(d.node.arguments for d in field_details):
            raise _Unplanned
        non_null = isinstance(node_field.type, GraphQLNonNull)
        fields.append(
            (key, ColumnPart(read, _leaf_type(get_named_type(node_field.type), non_null)))
        )
    return NodePart(dimension, tuple(fields))


def _figure_as_part(
    field: AggregateField, function: str, name: str, field_type: Any, details: FieldDetailsList
) -> Part:
    measure = field.measure_names[name]
    if measure in field.money:
        raise _Unplanned
    return FigurePart(function, measure, _leaf_type(field_type))


def _object_part(
    at: Selection,
    object_type: GraphQLObjectType,
    details: FieldDetailsList,
    part: Callable[[str, Any, FieldDetailsList], Part],
) -> ObjectPart:
    """An object of this type as parts: __typename, and each other selected field's part."""
    return ObjectPart(
        tuple(
            (key, TypenamePart(object_type.name) if name == "__typename" else part(name, t, d))
            for key, name, t, d in at.fields(object_type, details)
        )
    )


def _leaf_type(leaf: Any, non_null: bool = False) -> LeafType:
    if isinstance(leaf, GraphQLEnumType):
        names = tuple((str(value.value), name) for name, value in leaf.values.items())
        return LeafType(names=names, non_null=non_null)
    return LeafType(scalar=leaf.name, non_null=non_null)


def _filler(
    at: _Selection,
    object_type: GraphQLObjectType,
    details: FieldDetailsList,
    part: Callable[[str, Any, FieldDetailsList], _Fill],
) -> _Fill:
    """Fills an object of this type: __typename, and each other selected field by its part."""
    parts = [
        (key, _constant(object_type.name) if name == "__typename" else part(name, ftype, fdetails))
        for key, name, ftype, fdetails in at.fields(object_type, details)
    ]
    return lambda figures, keys: {key: fill(figures, keys) for key, fill in parts}


def _constant(value: Any) -> _Fill:
    return lambda figures, keys: value


def _count(count_type: Any) -> _Fill:
    coerce = count_type.coerce_output_value
    return lambda figures, keys: coerce(figures.rows)


def _groups(group: _Fill, result: Aggregate) -> _Fill:
    groups = result.groups
    return lambda figures, keys: [group(g.figures, g.keys) for g in groups]


def _key(dimension: str, coerce: Callable[[Any], Any]) -> _Fill:
    def fill(figures: Figures, keys: Mapping[str, Any]) -> Any:
        value = keys.get(dimension)
        return None if value is None else coerce(value)

    return fill


def _node(
    at: _Selection,
    dimension: str,
    nodes: Mapping[Any, Any],
    node_type: GraphQLObjectType,
    details: FieldDetailsList,
) -> _Fill:
    """The object a key names (None where missing or out of the caller's scope)."""
    complete = at.completer(node_type, details)

    def fill(figures: Figures, keys: Mapping[str, Any]) -> Any:
        node = nodes.get(keys.get(dimension))
        return None if node is None else complete(node)

    return fill


def _figure(figure: tuple[str, str], coerce: Callable[[Any], Any]) -> _Fill:
    def fill(figures: Figures, keys: Mapping[str, Any]) -> Any:
        value = figures.values.get(figure)
        return None if value is None else coerce(value)

    return fill


def _money(
    at: _Selection,
    function: str,
    measure: str,
    money_type: GraphQLObjectType,
    details: FieldDetailsList,
) -> _Fill:
    complete = at.completer(money_type, details)

    def fill(figures: Figures, keys: Mapping[str, Any]) -> Any:
        value = _value(figures, function, measure, money=True)
        return None if value is None else complete(value)

    return fill


def _value(figures: Figures, function: str, name: str, money: bool) -> Any:
    figure = figures.values.get((function, name))
    if not money or figure is None:
        return figure
    currency = figures.currencies.get(name)
    if currency is None:
        return None
    if function == "avg":
        return Money(amount=Decimal(figure), currency=currency)
    return Money.from_cents(int(figure), currency)


def _request(
    field_nodes: list[FieldNode],
    fragments: dict[str, FragmentDefinitionNode],
    *,
    measures: Mapping[str, str],
    keys: Mapping[str, str],
    where: Any,
    group_by: list[str],
    having: Any,
    order_by: Any,
    first: int | None,
) -> AggregateRequest:
    """The arguments as plain values, and what the selection reads (so the statement computes
    only those figures, and reads the objects of only those keys)."""
    top = selected_fields(field_nodes, fragments)
    groups = [node for node in top if node.name.value == "groups"]
    in_groups = selected_fields(groups, fragments)
    wanted = {
        (node.name.value, measures[value.name.value])
        for node in [*top, *in_groups]
        if node.name.value in FUNCTIONS
        for value in selected_fields([node], fragments)
        if value.name.value in measures
    }
    in_keys = [node for node in in_groups if node.name.value == "keys"]
    read_keys = {
        keys[node.name.value]
        for node in selected_fields(in_keys, fragments)
        if node.name.value in keys
    }
    return AggregateRequest(
        where=to_spec(where),
        group_by=group_by,
        having=to_spec(having),
        order=[
            (str(item.field), str(item.direction) == OrderDirection.DESC) for item in order_by or []
        ],
        first=first,
        totals=any(node.name.value in {"count", *FUNCTIONS} for node in top),
        groups=bool(groups),
        wanted=frozenset(wanted),
        nodes=frozenset(read_keys & set(group_by)),
    )
