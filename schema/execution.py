"""A faster path through graphql-core for plain attribute fields of scalar or enum type."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    is_object_type,
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


def plain_leaves(schema: GraphQLSchema) -> dict[int, PlainLeaf]:
    """The plain leaf fields of every object type, keyed by id() of their GraphQLField.

    Strawberry marks the resolver of a field with no resolver, no permission and no field
    extension ("basic") with `_is_default`; its whole job is `getattr(source, python_name)`.
    """
    leaves: dict[int, PlainLeaf] = {}
    for named_type in schema.type_map.values():
        if not is_object_type(named_type) or named_type.name.startswith("__"):
            continue
        assert isinstance(named_type, GraphQLObjectType)
        for field in named_type.fields.values():
            definition = field.extensions.get("strawberry-definition")
            if not getattr(field.resolve, "_is_default", False) or not isinstance(
                definition, StrawberryField
            ):
                continue
            non_null = isinstance(field.type, GraphQLNonNull)
            leaf_type = field.type.of_type if non_null else field.type
            if isinstance(leaf_type, GraphQLScalarType | GraphQLEnumType):
                leaves[id(field)] = PlainLeaf(definition.python_name, leaf_type, not non_null)
    return leaves


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, except that plain leaf fields skip the per-field machinery.

    Profiling a 50-product listing showed most of the CPU in graphql-core and strawberry's
    per-field work (resolve info, resolver wrapper, awaitable checks, two completion levels)
    for fields that only read an attribute. For those fields this computes the same value in
    one step: read the attribute, coerce it as the leaf type would. Anything unusual (a null
    in a non-null field, an exception, middleware) takes the normal path, which then reports
    the error exactly as before.
    """

    # Set once per schema by `for_schema`; read-only afterwards.
    plain_leaves: dict[int, PlainLeaf]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Middleware (an extension with a `resolve` hook) must see every field: no shortcut.
        manager = self.middleware_manager
        self._shortcut = manager is None or not manager.middlewares

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        field = parent_type.fields.get(field_details_list[0].node.name.value)
        leaf = self.plain_leaves.get(id(field)) if field is not None else None
        if leaf is not None and self._shortcut:
            try:
                value = getattr(source, leaf.attribute)
                if value is None:
                    if leaf.nullable:
                        return None
                else:
                    coerced = leaf.leaf_type.coerce_output_value(value)
                    if coerced is not None and coerced is not Undefined:
                        return coerced
            except Exception:
                pass
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )


def for_schema(schema: GraphQLSchema) -> type[ExecutionContext]:
    """The execution context class for this schema, its plain leaf fields found once."""
    return type(
        "SchemaExecutionContext", (ExecutionContext,), {"plain_leaves": plain_leaves(schema)}
    )
