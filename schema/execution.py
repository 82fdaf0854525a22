"""Faster paths through graphql-core: values at hand, self-completing answers, arguments once."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path, Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.arguments import convert_arguments
from strawberry.types.field import StrawberryField

from resolvers.loaders import NOT_LOADED
from resolvers.statements import Recent, frozen

# Field metadata key: how to read the field's value when it needs no I/O (see `at_hand`).
AT_HAND = "pledgegraph.at_hand"
# Field metadata key: the field's argument values are converted once (see `arguments_once`).
ARGUMENTS_ONCE = "pledgegraph.arguments_once"

# (source, context) -> the field's value, or NOT_LOADED when only the resolver can give it.
Read = Callable[[Any, Any], Any]


def at_hand(read: Read) -> dict[str, Read]:
    """Metadata for a resolver field whose value is often ready, e.g. in a dataloader's cache
    after a connection's prefetch: the executor calls `read(root, context)` instead of the
    resolver, and takes the resolver's path whenever `read` returns NOT_LOADED."""
    return {AT_HAND: read}


def arguments_once() -> dict[str, bool]:
    """Metadata for a resolver field that dashboards call again and again with the same
    arguments (an aggregate): each distinct set of argument values is converted to strawberry's
    input objects once, and kept among the most recent (`convert_arguments_once`)."""
    return {ARGUMENTS_ONCE: True}


# Converted arguments by (type and field, argument values), the most recent kept: as many as
# the statements kept per aggregate shape.
_CONVERTED: Recent[Hashable, dict[str, Any]] = Recent(512)


def convert_arguments_once(schema: Any) -> None:
    """Give the fields marked `arguments_once` a resolve function that converts each distinct
    set of argument values once. Strawberry converts a field's arguments (input objects, enums,
    lists) on every call, resolving each input field's type again: a tenth of W7's CPU. The
    converted values are only read, never changed, so one conversion serves every request that
    sends the same values. Such fields have no permission classes and no field extensions,
    which strawberry's own resolve function would apply."""
    for named_type in schema._schema.type_map.values():
        if not isinstance(named_type, GraphQLObjectType):
            continue
        for name, field in named_type.fields.items():
            definition = field.extensions.get("strawberry-definition")
            if isinstance(definition, StrawberryField) and definition.metadata.get(ARGUMENTS_ONCE):
                assert not definition.permission_classes
                assert not definition.extensions
                field.resolve = _converting_once(schema, f"{named_type.name}.{name}", definition)


def _converting_once(schema: Any, name: str, definition: StrawberryField) -> Callable[..., Any]:
    resolver = definition.base_resolver
    assert resolver is not None
    assert resolver.is_async
    info_class = schema.config.info_class

    def resolve(source: Any, info: GraphQLResolveInfo[Any], **values: Any) -> Any:
        arguments = converted_arguments(schema, name, definition, values)
        return resolver(source, info_class(_raw_info=info, _field=definition), **arguments)

    return resolve


def converted_arguments(
    schema: Any, name: str, definition: StrawberryField, values: dict[str, Any]
) -> dict[str, Any]:
    """A field's argument values ("Type.field") converted as strawberry converts them, each
    distinct set once."""

    def convert() -> dict[str, Any]:
        registry = schema.schema_converter.scalar_registry
        return convert_arguments(
            values, definition.arguments, scalar_registry=registry, config=schema.config
        )

    return _CONVERTED.get((name, frozen(values)), convert)


@dataclass(frozen=True, slots=True)
class PlainLeaf:
    """A field that only reads one attribute of its source and returns a scalar or enum."""

    attribute: str
    leaf_type: GraphQLLeafType
    nullable: bool


@dataclass(frozen=True, slots=True)
class Leaf:
    """Complete a value as a scalar or enum."""

    leaf_type: GraphQLLeafType
    nullable: bool


@dataclass(frozen=True, slots=True)
class Object:
    """Complete a value as an object, every selected field by its own step."""

    object_type: GraphQLObjectType
    plan: Plan
    nullable: bool


@dataclass(frozen=True, slots=True)
class List:
    """Complete a list value item by item."""

    item: Completion
    nullable: bool


Completion = Leaf | Object | List
# How to complete one object from its selection: for each response key, how to read the value
# (an attribute name, a Read, or None for __typename) and how to complete it (for __typename,
# the type's name itself).
Step = tuple[str, "str | Read | None", "Completion | str"]
Plan = tuple[Step, ...]


def fast_fields(schema: GraphQLSchema) -> dict[int, str | Read]:
    """How to read each field that needs no resolver call, keyed by id() of its GraphQLField.

    Strawberry marks the resolver of a field with no resolver, no permission and no field
    extension ("basic") with `_is_default`; its whole job is `getattr(source, python_name)`.
    Resolver fields with `at_hand` metadata, no arguments, no permission and no extension are
    read by their Read.
    """
    fast: dict[int, str | Read] = {}
    for named_type in schema.type_map.values():
        if not isinstance(named_type, GraphQLObjectType) or named_type.name.startswith("__"):
            continue
        for field in named_type.fields.values():
            definition = field.extensions.get("strawberry-definition")
            if not isinstance(definition, StrawberryField):
                continue
            read = definition.metadata.get(AT_HAND)
            if getattr(field.resolve, "_is_default", False):
                fast[id(field)] = definition.python_name
            elif (
                read is not None
                and not field.args
                and not definition.permission_classes
                and not definition.extensions
            ):
                fast[id(field)] = read
    return fast


def plain_leaves(schema: GraphQLSchema, fast: Mapping[int, str | Read]) -> dict[int, PlainLeaf]:
    """The fast fields that read an attribute and return a scalar or enum."""
    leaves: dict[int, PlainLeaf] = {}
    for named_type in schema.type_map.values():
        if not isinstance(named_type, GraphQLObjectType):
            continue
        for field in named_type.fields.values():
            read = fast.get(id(field))
            non_null = isinstance(field.type, GraphQLNonNull)
            inner = field.type.of_type if non_null else field.type
            if isinstance(read, str) and isinstance(inner, GraphQLScalarType | GraphQLEnumType):
                leaves[id(field)] = PlainLeaf(read, inner, not non_null)
    return leaves


class SelfCompleting:
    """A resolver's answer that can complete its own selection, faster than graphql-core would
    walk objects built for it, or give those objects for the normal path. Both may still read
    the database: what to read can depend on the selection."""

    async def complete(
        self,
        execution: ExecutionContext,
        object_type: GraphQLObjectType,
        details: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
    ) -> Any:
        """The completed data, or NORMAL_PATH when the selection is out of the ordinary."""
        raise NotImplementedError

    async def objects(self) -> Any:
        """The answer as the objects its field's type declares, for the normal path."""
        raise NotImplementedError


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, except that fields whose value is at hand skip the per-field
    machinery.

    Profiling a 50-product listing showed most of the CPU in graphql-core and strawberry's
    per-field work (resolve info, resolver wrapper, awaitable checks, completion levels) for
    fields that only read an attribute or a prefetched relation. A plain leaf reads the
    attribute and coerces it as the leaf type would. An object whose whole selection is fast
    (e.g. a page's `nodes { title certifications { certification { name } } }`) is built
    directly from a plan made once per selection, lists and nested objects included. Anything
    unusual (a null in a non-null field, a failed type check, an exception, a value not loaded
    yet, middleware) takes the normal path, which then reports the error exactly as before.
    """

    # Set once per schema by `for_schema`; read-only afterwards.
    fast_fields: dict[int, str | Read]
    plain_leaves: dict[int, PlainLeaf]

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
        leaf = self.plain_leaves.get(id(field)) if field is not None else None
        if leaf is not None and self._shortcut:
            value = _leaf(leaf, source)
            if value is not NORMAL_PATH:
                return value
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        if isinstance(result, SelfCompleting):
            return self._complete_itself(
                return_type, field_details_list, info, path, result, position_context
            )
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )

    async def _complete_itself(
        self,
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: SelfCompleting,
        position_context: Any,
    ) -> Any:
        """The answer's own completion, else the normal path over its objects. What fails to
        be read (the database) fails the field, as a resolver's error would."""
        inner = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
        if self._shortcut and isinstance(inner, GraphQLObjectType):
            completed = await result.complete(self, inner, field_details_list, info)
            if completed is not NORMAL_PATH:
                return completed
        completed = super().complete_value(
            return_type, field_details_list, info, path, await result.objects(), position_context
        )
        return await completed if self.is_awaitable(completed) else completed

    def subfields(
        self, object_type: GraphQLObjectType, details: FieldDetailsList
    ) -> dict[str, FieldDetailsList] | None:
        """The fields selected on an object of this type, by response key (fragments, @skip and
        @include applied); None when any is deferred."""
        grouped, defer_usages, _ = self.collect_subfields(object_type, details)
        if defer_usages or any(d.defer_usage is not None for f in grouped.values() for d in f):
            return None
        return dict(grouped)

    def plain_completer(
        self,
        object_type: GraphQLObjectType,
        details: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
    ) -> Callable[[Any], Any] | None:
        """How to complete values as objects of this type by the selection's plan (a value out
        of the ordinary completes as NORMAL_PATH); None when a selected field needs its
        resolver."""
        plan = self._plan(object_type, details)
        if plan is None:
            return None
        context = info.context
        return lambda value: _complete(object_type, plan, value, context, info)

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
            key = (return_type, id(field_details_list))
            plan = self._plan(return_type, field_details_list)
            if plan is not None:
                completed = _complete(return_type, plan, result, info.context, info)
                if completed is not NORMAL_PATH:
                    return completed
                # Out of the ordinary once: the rest of the operation takes the normal path
                # here, so a large list never pays for the same failed attempt twice.
                self._plans[key] = None
        return super().complete_object_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _plan(self, object_type: GraphQLObjectType, details: FieldDetailsList) -> Plan | None:
        """The plan for this selection on this type; None unless every field is fast."""
        key = (object_type, id(details))  # the list is kept alive by collect_subfields' memo
        if key in self._plans:
            return self._plans[key]
        grouped, defer_usages, _ = self.collect_subfields(object_type, details)
        plan: Plan | None = None
        if not defer_usages:
            steps: list[Step] = []
            for response_key, field_details in grouped.items():
                step = self._step(object_type, response_key, field_details)
                if step is None:
                    break
                steps.append(step)
            else:
                plan = tuple(steps)
        self._plans[key] = plan
        return plan

    def _step(
        self, parent: GraphQLObjectType, response_key: str, details: FieldDetailsList
    ) -> Step | None:
        if any(d.defer_usage is not None or d.node.arguments for d in details):
            return None
        name = details[0].node.name.value
        if name == "__typename":
            return (response_key, None, parent.name)
        field = parent.fields.get(name)
        read = self.fast_fields.get(id(field)) if field is not None else None
        if field is None or read is None:
            return None
        completion = self._completion(field.type, details)
        return None if completion is None else (response_key, read, completion)

    def _completion(
        self, output_type: GraphQLOutputType, details: FieldDetailsList
    ) -> Completion | None:
        nullable = not isinstance(output_type, GraphQLNonNull)
        inner = output_type.of_type if isinstance(output_type, GraphQLNonNull) else output_type
        if isinstance(inner, GraphQLScalarType | GraphQLEnumType):
            return Leaf(inner, nullable)
        if isinstance(inner, GraphQLList):
            item = self._completion(inner.of_type, details)
            return None if item is None else List(item, nullable)
        if isinstance(inner, GraphQLObjectType):
            plan = self._plan(inner, details)
            return None if plan is None else Object(inner, plan, nullable)
        return None  # interfaces and unions: graphql-core resolves the runtime type


class _NormalPath:
    """Returned where the shortcut does not apply."""


NORMAL_PATH: Any = _NormalPath()


def _leaf(leaf: PlainLeaf, source: Any) -> Any:
    try:
        value = getattr(source, leaf.attribute)
        if value is None:
            return None if leaf.nullable else NORMAL_PATH
        coerced = leaf.leaf_type.coerce_output_value(value)
    except Exception:  # the normal path reports it properly
        return NORMAL_PATH
    return NORMAL_PATH if coerced is None or coerced is Undefined else coerced


def _complete(
    object_type: GraphQLObjectType,
    plan: Plan,
    source: Any,
    context: Any,
    info: GraphQLResolveInfo[Any],
) -> Any:
    """The object's data by its plan, or NORMAL_PATH at the first thing out of the ordinary."""
    # Our is_type_of predicates (ModelNode) read only the object, never `info`.
    if object_type.is_type_of is not None and object_type.is_type_of(source, info) is not True:
        return NORMAL_PATH
    data: dict[str, Any] = {}
    for response_key, read, completion in plan:
        if read is None:  # __typename
            data[response_key] = completion
            continue
        try:
            value = getattr(source, read) if isinstance(read, str) else read(source, context)
        except Exception:  # the normal path reports it properly
            return NORMAL_PATH
        if value is NOT_LOADED:
            return NORMAL_PATH
        assert not isinstance(completion, str)
        value = _value(completion, value, context, info)
        if value is NORMAL_PATH:
            return NORMAL_PATH
        data[response_key] = value
    return data


def _value(completion: Completion, value: Any, context: Any, info: GraphQLResolveInfo[Any]) -> Any:
    if value is None:
        return None if completion.nullable else NORMAL_PATH
    if isinstance(completion, Leaf):
        try:
            coerced = completion.leaf_type.coerce_output_value(value)
        except Exception:  # the normal path reports it properly
            return NORMAL_PATH
        return NORMAL_PATH if coerced is None or coerced is Undefined else coerced
    if isinstance(completion, Object):
        return _complete(completion.object_type, completion.plan, value, context, info)
    return _items(completion.item, value, context, info)


def _items(item: Completion, value: Any, context: Any, info: GraphQLResolveInfo[Any]) -> Any:
    if not isinstance(value, list | tuple):  # other iterables: graphql-core's own rules
        return NORMAL_PATH
    items = []
    for each in value:
        completed = _value(item, each, context, info)
        if completed is NORMAL_PATH:
            return NORMAL_PATH
        items.append(completed)
    return items


def for_schema(schema: GraphQLSchema) -> type[ExecutionContext]:
    """The execution context class for this schema, its fast fields found once."""
    fast = fast_fields(schema)
    return type(
        "SchemaExecutionContext",
        (ExecutionContext,),
        {"fast_fields": fast, "plain_leaves": plain_leaves(schema, fast)},
    )
