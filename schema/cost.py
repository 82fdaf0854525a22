"""Query cost: one set of rules for the cost requested before execution, the cost actually
spent (from the data returned) and the cost note in every field's description."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from enum import Enum, auto
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
    value_from_ast_untyped,
)
from graphql.utilities import get_operation_ast

from resolvers.aggregate import DEFAULT_GROUPS, MAX_GROUPS
from resolvers.pagination import MAX_PAGE_SIZE
from resolvers.statements import Recent, frozen

# A list of objects that is not a paged connection is assumed to hold this many items.
LIST_SIZE = 10

_CONNECTION_FIELDS = frozenset({"edges", "nodes", "pageInfo"})


class Kind(Enum):
    """How a field is costed; every field of the schema falls under exactly one kind.

    A field costs `items × (own + the fields selected under it)`, where `items` is 1 except for
    the lists below, and `own` is 1 for what must be fetched (objects, counts) and 0 for what
    is built with its parent (scalars, edges, pageInfo).
    """

    FREE = auto()  # scalars and enums
    COUNT = auto()  # a connection's totalCount
    OBJECT = auto()
    CONNECTION = auto()  # its selection is costed with its page size
    PAGE_NODES = auto()  # a connection's `nodes`: one item per page entry
    PAGE_EDGES = auto()  # a connection's `edges`: the edge is free, its `node` is an object
    PAGE_INFO = auto()
    LIST = auto()  # a list of objects without paging: LIST_SIZE items assumed
    LIST_BY_IDS = auto()  # a list with an `ids` argument: one item per id
    AGGREGATE = auto()  # one statement; its `groups` are costed with its `first`
    GROUPS = auto()  # an aggregate's groups: one item per group asked for
    BUILT = auto()  # an object built with its parent row (a group's keys, sums, money)

    @property
    def own(self) -> int:
        return 0 if self in _BUILT_WITH_PARENT else 1

    @property
    def note(self) -> str:
        return f"Cost: {_NOTES[self]}"


_BUILT_WITH_PARENT = frozenset({Kind.FREE, Kind.PAGE_EDGES, Kind.PAGE_INFO, Kind.BUILT})

_NOTES = {
    Kind.FREE: "0.",
    Kind.COUNT: "1 (one count).",
    Kind.OBJECT: "1, plus the fields selected on it.",
    Kind.CONNECTION: (
        f"1, plus the page size (`first` or `last`, at most {MAX_PAGE_SIZE}; {MAX_PAGE_SIZE} if"
        " neither is given) times the cost of the fields selected on each item,"
        " plus 1 for `totalCount`."
    ),
    Kind.PAGE_NODES: "the page size times (1 + the fields selected on each item).",
    Kind.PAGE_EDGES: "the page size times the fields selected on each edge (its `node` counts 1).",
    Kind.PAGE_INFO: "0 (built with the page), plus the fields selected on it.",
    Kind.LIST: f"{LIST_SIZE} (an assumed number of items) times (1 + the fields selected on each).",
    Kind.LIST_BY_IDS: "the number of `ids` times (1 + the fields selected on each item).",
    Kind.AGGREGATE: "1 (one statement), plus the fields selected on it.",
    Kind.GROUPS: (
        f"`first` groups ({DEFAULT_GROUPS} if not given, at most {MAX_GROUPS}) times (1 + the"
        " fields selected on each group: objects named by keys count 1 each)."
    ),
    Kind.BUILT: "0 (built with its row), plus the fields selected on it.",
}
# Fields that say how they are costed (strawberry.field(metadata={"cost": ...})).
_DECLARED = {"aggregate": Kind.AGGREGATE, "groups": Kind.GROUPS, "built": Kind.BUILT}

_PAGE_PARTS = {
    "totalCount": Kind.COUNT,
    "nodes": Kind.PAGE_NODES,
    "edges": Kind.PAGE_EDGES,
    "pageInfo": Kind.PAGE_INFO,
}


def is_connection(type_: GraphQLNamedType) -> bool:
    return isinstance(type_, GraphQLObjectType) and type_.fields.keys() >= _CONNECTION_FIELDS


def kind_of(parent: GraphQLNamedType, name: str, field: GraphQLField) -> Kind:
    """The cost rule of one field of one type, kept on the field: every request asks again."""
    kind: Kind | None = field.extensions.get(_KIND)
    if kind is None:
        kind = field.extensions[_KIND] = _kind_of(parent, name, field)
    return kind


_KIND = "pledgegraph.cost_kind"


def _kind_of(parent: GraphQLNamedType, name: str, field: GraphQLField) -> Kind:
    definition = field.extensions.get("strawberry-definition")
    declared = (getattr(definition, "metadata", None) or {}).get("cost")
    if declared is not None:
        return _DECLARED[declared]
    if is_connection(parent) and name in _PAGE_PARTS:
        return _PAGE_PARTS[name]
    returned = get_named_type(field.type)
    if is_leaf_type(returned):
        return Kind.FREE
    if is_connection(returned):
        return Kind.CONNECTION
    if is_list_type(get_nullable_type(field.type)):
        return Kind.LIST_BY_IDS if "ids" in field.args else Kind.LIST
    return Kind.OBJECT


def describe_costs(schema: GraphQLSchema) -> None:
    """Append each field's cost note to its description (shown by GraphiQL and in the SDL)."""
    for type_ in schema.type_map.values():
        if type_.name.startswith("__") or not isinstance(
            type_, GraphQLObjectType | GraphQLInterfaceType
        ):
            continue
        for name, field in type_.fields.items():
            note = kind_of(type_, name, field).note
            if field.description and field.description.endswith(note):
                continue  # described already
            field.description = f"{field.description}\n{note}" if field.description else note


def requested_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> int:
    """The most a validated operation can cost, from the document and variables alone; worked
    out once per document, operation and variable values, which dashboards repeat."""
    key = (id(schema), id(document), operation_name, frozen(variables or {}))
    known_schema, known_document, cost = _REQUESTED.get(
        key, lambda: (schema, document, _requested(schema, document, operation_name, variables))
    )
    # The entry holds its schema and document: no other can take their ids while it is kept.
    assert known_schema is schema
    assert known_document is document
    return cost


# Requested costs of the most recent (schema, document, operation, variable values).
_REQUESTED: Recent[Hashable, tuple[GraphQLSchema, DocumentNode, int]] = Recent(1024)
# What can cost in a selection set on a type (see `_Walk._costly`), by their ids, with them.
_COSTLY: Recent[tuple[int, int], tuple[SelectionSetNode, Any, _Costly]] = Recent(4096)


def _requested(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> int:
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return 0
    return _Walk(schema, document, operation, variables).requested()


def actual_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    data: Mapping[str, Any] | None,
) -> int:
    """What the operation cost: the same rules, counting the items and objects returned."""
    operation = get_operation_ast(document, operation_name)
    if operation is None or data is None:
        return 0
    return _Walk(schema, document, operation, variables).actual(data)


# A field that can cost something, as the walk over returned data needs it: its response key,
# its own cost per item, its named type and what can cost under it.
_CostlyField = tuple[str, int, GraphQLNamedType, "_Costly"]
_Costly = list["_CostlyField | InlineFragmentNode | FragmentSpreadNode"]


class _Walk:
    """One operation's selections with fragments expanded in place. Each fragment is costed
    once per page size (or per object it applies to), so repeated spreads stay linear."""

    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: Mapping[str, Any] | None,
    ) -> None:
        self.schema = schema
        self.operation = operation
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        defaults = {
            d.variable.name.value: value_from_ast_untyped(d.default_value)
            for d in operation.variable_definitions or ()
            if d.default_value is not None
        }
        self.variables = {**defaults, **(variables or {})}
        self._requested_fragments: dict[tuple[str, int], int] = {}  # by (name, page size)
        self._returned_fragments: dict[tuple[str, int], int] = {}  # by (name, id of the object)

    def _root(self) -> GraphQLObjectType:
        root = self.schema.get_root_type(self.operation.operation)
        assert root is not None  # validation checked that the operation type exists
        return root

    # Before execution: every object is assumed present and every page full.

    def requested(self) -> int:
        return self._selections(self.operation.selection_set, self._root(), page=0)

    def _selections(self, selection_set: SelectionSetNode, parent: Any, *, page: int) -> int:
        total = 0
        for selection in selection_set.selections:
            if not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                total += self._field(selection, parent, page=page)
            elif isinstance(selection, InlineFragmentNode):
                condition = self._condition(selection, parent)
                total += self._selections(selection.selection_set, condition, page=page)
            elif isinstance(selection, FragmentSpreadNode):
                key = (selection.name.value, page)
                if key not in self._requested_fragments:
                    fragment = self.fragments[selection.name.value]
                    condition = self._condition(fragment, parent)
                    cost = self._selections(fragment.selection_set, condition, page=page)
                    self._requested_fragments[key] = cost
                total += self._requested_fragments[key]
        return total

    def _field(self, node: FieldNode, parent: Any, *, page: int) -> int:
        name = node.name.value
        if name.startswith("__"):  # __typename and introspection are answered from memory
            return 0
        field = parent.fields[name]
        kind = kind_of(parent, name, field)
        inner = 0
        if node.selection_set is not None:
            inner_page = {
                Kind.CONNECTION: self._page_size,
                Kind.AGGREGATE: self._groups_size,
            }.get(kind, lambda _: 0)(node)
            inner = self._selections(
                node.selection_set, get_named_type(field.type), page=inner_page
            )
        items = {
            Kind.PAGE_NODES: page,
            Kind.PAGE_EDGES: page,
            Kind.GROUPS: page,
            Kind.LIST: LIST_SIZE,
            Kind.LIST_BY_IDS: self._id_count(node),
        }.get(kind, 1)
        return items * (kind.own + inner)

    # After execution: the same rules over what came back.

    def actual(self, data: Mapping[str, Any]) -> int:
        return self._returned(self.operation.selection_set, self._root(), data)

    def _costly(self, selection_set: SelectionSetNode | None, parent: Any) -> _Costly:
        """The selections that can cost anything, each field with what can cost under it, down
        to the leaves: an aggregate group's `keys { vintage }` or `sum { quantity }` never
        costs, so the walk skips it in every group. Worked out once per selection set and
        type, not once per returned object (nor once per operation: dashboards repeat theirs)."""
        if selection_set is None:
            return []
        key = (id(selection_set), id(parent))
        known = _COSTLY.find(key)
        # The entry holds its selection set and type: no other can take their ids while kept.
        if known is not None and known[0] is selection_set and known[1] is parent:
            return known[2]
        costly: _Costly = []
        for selection in selection_set.selections:
            if isinstance(selection, FragmentSpreadNode):
                costly.append(selection)  # costed per object
            elif isinstance(selection, InlineFragmentNode):
                condition = self._condition(selection, parent)
                if self._costly(selection.selection_set, condition):
                    costly.append(selection)
            elif isinstance(selection, FieldNode):
                name = selection.name.value
                if name.startswith("__") or name not in parent.fields:
                    continue
                field = parent.fields[name]
                own = kind_of(parent, name, field).own
                returned = get_named_type(field.type)
                inner = self._costly(selection.selection_set, returned)
                if own or inner:
                    response_key = selection.alias.value if selection.alias else name
                    costly.append((response_key, own, returned, inner))
        _COSTLY.put(key, (selection_set, parent, costly))
        return costly

    def _returned(self, selection_set: SelectionSetNode, parent: Any, value: Any) -> int:
        if not isinstance(value, dict):  # executed data is plain dicts (and abc checks are slow)
            return 0
        return self._returned_in(self._costly(selection_set, parent), parent, value)

    def _returned_in(self, costly: _Costly, parent: Any, value: Mapping[str, Any]) -> int:
        total = 0
        for selection in costly:
            if isinstance(selection, tuple):
                total += self._returned_field(selection, value)
            elif isinstance(selection, InlineFragmentNode):
                condition = self._condition(selection, parent)
                total += self._returned(selection.selection_set, condition, value)
            else:
                key = (selection.name.value, id(value))
                if key not in self._returned_fragments:
                    fragment = self.fragments[selection.name.value]
                    condition = self._condition(fragment, parent)
                    cost = self._returned(fragment.selection_set, condition, value)
                    self._returned_fragments[key] = cost
                total += self._returned_fragments[key]
        return total

    def _returned_field(self, field: _CostlyField, value: Mapping[str, Any]) -> int:
        response_key, own, returned, costly = field
        result = value.get(response_key)
        # Skipped fields and fields of fragments on another type are absent; nulls cost nothing.
        if result is None:
            return 0
        items = result if isinstance(result, list) else [result]
        total = 0
        for item in items:
            if item is not None:
                total += own
                if costly and isinstance(item, dict):
                    total += self._returned_in(costly, returned, item)
        return total

    # Arguments and directives, read from literals or variables.

    def _condition(self, node: InlineFragmentNode | FragmentDefinitionNode, parent: Any) -> Any:
        if node.type_condition is None:
            return parent
        return self.schema.get_type(node.type_condition.name.value)

    def _value(self, node: ValueNode) -> Any:
        if isinstance(node, VariableNode):
            return self.variables.get(node.name.value)
        return value_from_ast_untyped(node)

    def _argument(self, node: FieldNode, name: str) -> Any:
        for argument in node.arguments or ():
            if argument.name.value == name:
                return self._value(argument.value)
        return None

    def _page_size(self, node: FieldNode) -> int:
        """`first` or `last`, within 0..100 (more is refused anyway); 100 if neither."""
        for name in ("first", "last"):
            size = self._argument(node, name)
            if isinstance(size, int) and not isinstance(size, bool):
                return max(0, min(size, MAX_PAGE_SIZE))
        return MAX_PAGE_SIZE

    def _groups_size(self, node: FieldNode) -> int:
        """An aggregate's `first`, within 0..1000 (more is refused anyway); 100 if not given."""
        size = self._argument(node, "first")
        if isinstance(size, int) and not isinstance(size, bool):
            return max(0, min(size, MAX_GROUPS))
        return DEFAULT_GROUPS

    def _id_count(self, node: FieldNode) -> int:
        ids = self._argument(node, "ids")
        return len(ids) if isinstance(ids, list) else 1

    def _included(self, node: SelectionNode) -> bool:
        """@skip and @include, with literal or variable conditions."""
        for directive in node.directives or ():
            name = directive.name.value
            if name not in {"skip", "include"}:
                continue
            for argument in directive.arguments or ():
                value = self._value(argument.value)
                if argument.name.value == "if" and value is (name == "skip"):
                    return False
        return True
