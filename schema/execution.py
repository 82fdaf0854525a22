"""A faster path through graphql-core for fields that only read an attribute of their source."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path, Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.field import StrawberryField


@dataclass(frozen=True, slots=True)
class PlainLeaf:
    """A field that only reads one attribute of its source and returns a scalar or enum."""

    attribute: str
    leaf_type: GraphQLLeafType
    nullable: bool


@dataclass(frozen=True, slots=True)
class PlainObject:
    """A field that only reads one attribute of its source and returns an object."""

    attribute: str
    object_type: GraphQLObjectType
    nullable: bool


# How to complete one object from its selection when every selected field is plain: for each
# response key, a leaf, or an object with its own plan.
Plan = tuple[tuple[str, "PlainLeaf | tuple[PlainObject, Plan]"], ...]


def plain_fields(schema: GraphQLSchema) -> dict[int, PlainLeaf | PlainObject]:
    """The plain fields of every object type, keyed by id() of their GraphQLField.

    Strawberry marks the resolver of a field with no resolver, no permission and no field
    extension ("basic") with `_is_default`; its whole job is `getattr(source, python_name)`.
    Lists are left out: their items need graphql-core's own completion.
    """
    plain: dict[int, PlainLeaf | PlainObject] = {}
    for named_type in schema.type_map.values():
        if not isinstance(named_type, GraphQLObjectType) or named_type.name.startswith("__"):
            continue
        for field in named_type.fields.values():
            definition = field.extensions.get("strawberry-definition")
            if not getattr(field.resolve, "_is_default", False) or not isinstance(
                definition, StrawberryField
            ):
                continue
            non_null = isinstance(field.type, GraphQLNonNull)
            inner = field.type.of_type if non_null else field.type
            if isinstance(inner, GraphQLScalarType | GraphQLEnumType):
                plain[id(field)] = PlainLeaf(definition.python_name, inner, not non_null)
            elif isinstance(inner, GraphQLObjectType):
                plain[id(field)] = PlainObject(definition.python_name, inner, not non_null)
    return plain


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, except that plain fields skip the per-field machinery.

    Profiling a 50-product listing showed most of the CPU in graphql-core and strawberry's
    per-field work (resolve info, resolver wrapper, awaitable checks, two completion levels)
    for fields that only read an attribute. Such fields get the same value in one step: a
    plain leaf reads the attribute and coerces it as the leaf type would; an object whose
    whole selection is plain (e.g. a certificate's `certification { name issuer }`) is built
    directly from a plan made once per selection. Anything unusual (a null in a non-null
    field, a failed type check, an exception, middleware) takes the normal path, which then
    reports the error exactly as before.
    """

    # Set once per schema by `for_schema`; read-only afterwards.
    plain_fields: dict[int, PlainLeaf | PlainObject]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Middleware (an extension with a `resolve` hook) must see every field: no shortcut.
        manager = self.middleware_manager
        self._shortcut = manager is None or not manager.middlewares
        # Per operation: which fields are selected depends on the variables (@skip/@include).
        self._plans: dict[tuple[GraphQLObjectType, int], Plan | None] = {}

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        field = parent_type.fields.get(field_details_list[0].node.name.value)
        leaf = self.plain_fields.get(id(field)) if field is not None else None
        if isinstance(leaf, PlainLeaf) and self._shortcut:
            value = _leaf(leaf, source)
            if value is not _NORMAL_PATH:
                return value
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def complete_object_value(
        self,
        return_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        if self._shortcut:
            plan = self._plan(return_type, field_details_list)
            if plan is not None:
                completed = _complete(return_type, plan, result, info)
                if completed is not _NORMAL_PATH:
                    return completed
        return super().complete_object_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _plan(self, object_type: GraphQLObjectType, details: FieldDetailsList) -> Plan | None:
        """The plan for this selection on this type; None unless every field is plain."""
        key = (object_type, id(details))  # the list is kept alive by collect_subfields' memo
        if key in self._plans:
            return self._plans[key]
        grouped, defer_usages, _ = self.collect_subfields(object_type, details)
        plan: Plan | None = None
        if not defer_usages:
            steps = []
            for response_key, field_details in grouped.items():
                step = self._step(object_type, field_details)
                if step is None:
                    break
                steps.append((response_key, step))
            else:
                plan = tuple(steps)
        self._plans[key] = plan
        return plan

    def _step(
        self, parent: GraphQLObjectType, details: FieldDetailsList
    ) -> PlainLeaf | tuple[PlainObject, Plan] | None:
        if any(d.defer_usage is not None or d.node.arguments for d in details):
            return None
        field = parent.fields.get(details[0].node.name.value)  # None for __typename
        known = self.plain_fields.get(id(field)) if field is not None else None
        if isinstance(known, PlainObject):
            inner = self._plan(known.object_type, details)
            return None if inner is None else (known, inner)
        return known


class _NormalPath:
    """Returned where the shortcut does not apply."""


_NORMAL_PATH: Any = _NormalPath()


def _leaf(leaf: PlainLeaf, source: Any) -> Any:
    try:
        value = getattr(source, leaf.attribute)
        if value is None:
            return None if leaf.nullable else _NORMAL_PATH
        coerced = leaf.leaf_type.coerce_output_value(value)
    except Exception:  # the normal path reports it properly
        return _NORMAL_PATH
    return _NORMAL_PATH if coerced is None or coerced is Undefined else coerced


def _complete(
    object_type: GraphQLObjectType, plan: Plan, source: Any, info: GraphQLResolveInfo[Any]
) -> Any:
    """The object's data by its plan, or _NORMAL_PATH at the first thing out of the ordinary."""
    # Our is_type_of predicates (ModelNode) read only the object, never `info`.
    if object_type.is_type_of is not None and object_type.is_type_of(source, info) is not True:
        return _NORMAL_PATH
    data: dict[str, Any] = {}
    for response_key, step in plan:
        if isinstance(step, PlainLeaf):
            value = _leaf(step, source)
        else:
            field, inner = step
            try:
                child = getattr(source, field.attribute)
            except Exception:  # the normal path reports it properly
                return _NORMAL_PATH
            if child is None:
                value = None if field.nullable else _NORMAL_PATH
            else:
                value = _complete(field.object_type, inner, child, info)
        if value is _NORMAL_PATH:
            return _NORMAL_PATH
        data[response_key] = value
    return data


def for_schema(schema: GraphQLSchema) -> type[ExecutionContext]:
    """The execution context class for this schema, its plain fields found once."""
    return type(
        "SchemaExecutionContext", (ExecutionContext,), {"plain_fields": plain_fields(schema)}
    )
