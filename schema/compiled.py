"""Compiled reads: a query of aggregates the executor has answered, answered again without it."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any, cast

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLField,
    GraphQLObjectType,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    parse,
)
from graphql.execution.collect_fields import FieldDetails, FieldDetailsList
from graphql.execution.values import get_argument_values, get_variable_values
from graphql.utilities import get_operation_ast
from strawberry import Schema
from strawberry.extensions import ValidationCache
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult
from strawberry.types.field import StrawberryField

from resolvers.aggregate import AggregateQuery, ObjectPart
from resolvers.errors import DomainError
from resolvers.statements import Recent, frozen
from schema.context import Context
from schema.cost import actual_cost, requested_cost
from schema.errors import ParserCache, ShapeErrors
from schema.execution import ExecutionContext, converted_arguments
from schema.limits import Limiter, caller_of, cost_report
from schema.types.aggregate import AGGREGATE_ROOT, AggregateRoot, answer_parts, typed_fields

# The extensions a compiled read stands in for: it makes the Limiter's checks and report
# itself; the document was parsed and validated when the executor answered it; a compiled
# read has no error to shape.
_STOOD_IN_FOR = frozenset({Limiter, ParserCache, ValidationCache, ShapeErrors})
# Longer documents are left to the executor: the plans kept hold their text and document.
MAX_QUERY_LENGTH = 4096


@dataclass(frozen=True)
class _Root:
    """One root field of a compiled read: `__typename`, or an aggregate and its answer's parts."""

    key: str
    name: str  # the field's name
    nodes: list[FieldNode]
    field: GraphQLField | None = None
    aggregate: AggregateRoot | None = None
    parts: ObjectPart | None = None


# The requested cost, and each aggregate's query by response key.
_Prepared = tuple[int, dict[str, AggregateQuery]]


@dataclass(frozen=True)
class _Plan:
    document: DocumentNode
    operation: OperationDefinitionNode
    operation_name: str | None  # as strawberry names it: the operation's own, when none is sent
    roots: tuple[_Root, ...]
    # By variable values, caller and dialect: what they make of the operation, None where the
    # executor must answer. Dashboards repeat the same values.
    prepared: Recent[Hashable, _Prepared | None] = field(default_factory=lambda: Recent(64))


class CompiledReads:
    """The read operations this app can answer without the executor, learnt from the executor.

    A dashboard sends the same aggregate queries again and again. After the executor has
    answered one without an error, its document is planned: a query of aggregate fields (and
    `__typename`) whose selections have no fragments and no directives, each written whole by
    its statement (`AggregateQuery.answer`). Such a query is then answered by coercing the
    variables and arguments as the executor does, running the statements, and reporting the
    cost as the Limiter does. Strawberry's and graphql-core's per-request machinery around
    W4's one statement cost more than a quarter of its CPU (in process, 0.96 ms per request
    down to 0.69).

    Anything out of the ordinary goes back to the executor, which reports it as before: a
    variable or argument it refuses, a cost over the limit, a spent budget, a statement that
    fails. Only the last happens after the budget is charged; the executor is then told so
    (`Context.prepaid`) and does not charge it again.
    """

    def __init__(self, schema: Schema) -> None:
        self._schema = schema
        # Another extension (tracing, say) must see every operation: then nothing is compiled.
        self._enabled = set(schema.extensions) <= _STOOD_IN_FOR and not schema.directives
        self._plans: Recent[tuple[str, str | None], _Plan | None] = Recent(512)

    def learn(self, query: str | None, operation_name: str | None) -> None:
        """Plan a document the executor has just answered without an error (once)."""
        if self._enabled and query is not None and len(query) <= MAX_QUERY_LENGTH:
            self._plans.get((query, operation_name), lambda: self._plan(query, operation_name))

    async def run(
        self, query: str | None, operation: GraphQLRequestData, context: Context
    ) -> ExecutionResult | None:
        """The operation's result, or None when the executor must answer it."""
        plan = self._plans.find((query, operation.operation_name)) if query is not None else None
        prepared = None if plan is None else self._prepare(plan, operation, context)
        if plan is None or prepared is None:
            return None
        requested, queries = prepared
        charge = None
        if context.budget is not None:
            charge = await context.budget.charge(caller_of(context), requested)
            if charge is not None and not charge.allowed:
                return None  # refused, nothing taken: the executor refuses it the same way
        context.prepaid = charge
        data: dict[str, Any] = {}
        for root in plan.roots:
            query_of_root = queries.get(root.key)
            if query_of_root is None:  # __typename
                data[root.key] = self._schema._schema.query_type.name  # type: ignore[union-attr]
                continue
            assert root.parts is not None
            try:
                answer = await query_of_root.answer(context.db, root.parts)
            except Exception:  # the executor runs it again and reports the failure
                return None
            if answer is None:
                return None
            data[root.key] = answer
        actual = actual_cost(
            self._schema._schema, plan.document, plan.operation_name, operation.variables, data
        )
        extensions = cost_report(requested, actual, context, charge)
        return ExecutionResult(data=data, errors=None, extensions=extensions)

    def _prepare(
        self, plan: _Plan, operation: GraphQLRequestData, context: Context
    ) -> _Prepared | None:
        """The requested cost and each aggregate's query, as the executor would make them;
        None where it would refuse something."""
        dialect = context.db.dialect_name
        key = (
            frozen(operation.variables or {}),
            context.viewer,
            dialect,
            context.settings.max_cost,
        )
        return plan.prepared.get(key, lambda: self._work_out(plan, operation, context, dialect))

    def _work_out(
        self, plan: _Plan, operation: GraphQLRequestData, context: Context, dialect: str
    ) -> _Prepared | None:
        schema = self._schema._schema
        variables = get_variable_values(
            schema, plan.operation.variable_definitions or (), operation.variables or {}
        )
        if isinstance(variables, list):
            return None
        requested = requested_cost(schema, plan.document, plan.operation_name, operation.variables)
        if requested > context.settings.max_cost:
            return None
        queries: dict[str, AggregateQuery] = {}
        for root in plan.roots:
            if root.aggregate is None:
                continue
            assert root.field is not None
            definition: StrawberryField = root.field.extensions["strawberry-definition"]
            try:
                values = get_argument_values(root.field, root.nodes[0], variables)
                arguments = converted_arguments(
                    self._schema, f"Query.{root.name}", definition, values
                )
                _, query = root.aggregate.prepare(
                    context.viewer, dialect, root.nodes, {}, arguments
                )
            except (GraphQLError, DomainError):
                return None
            assert root.parts is not None
            if not query.writes(root.parts):  # e.g. SQLite, or keys of a type it cannot write
                return None
            queries[root.key] = query
        return requested, queries

    def _plan(self, query: str, operation_name: str | None) -> _Plan | None:
        try:
            document = parse(query)
        except GraphQLError:
            return None
        operation = get_operation_ast(document, operation_name)
        if (
            operation is None
            or operation.operation is not OperationType.QUERY
            or operation.directives
            or len(document.definitions) > 1  # fragments, or other operations
        ):
            return None
        query_type = self._schema._schema.query_type
        assert query_type is not None
        execution = cast(type[ExecutionContext], self._schema.execution_context_class)
        selection = _Selection(execution.fast_fields)
        root_fields = selection.collect([operation.selection_set])
        if selection.unplain:
            return None
        roots = []
        for key, details in root_fields.items():
            nodes = [d.node for d in details]
            name = nodes[0].name.value
            if name == "__typename":
                roots.append(_Root(key, name, nodes))
                continue
            field = query_type.fields[name]
            definition = field.extensions.get("strawberry-definition")
            aggregate = (
                definition.metadata.get(AGGREGATE_ROOT)
                if isinstance(definition, StrawberryField)
                else None
            )
            if not isinstance(aggregate, AggregateRoot):
                return None
            result_type = get_named_type(field.type)
            assert isinstance(result_type, GraphQLObjectType)
            parts = answer_parts(aggregate.field, selection, result_type, details)
            if parts is None or selection.unplain:
                return None
            roots.append(_Root(key, name, nodes, field, aggregate, parts))
        return _Plan(
            document,
            operation,
            operation_name or (operation.name.value if operation.name else None),
            tuple(roots),
        )


class _Selection:
    """The fields selected in a document without fragments or directives, the only kind
    planned (`unplain` turns true at the first fragment or directive)."""

    def __init__(self, fast_fields: dict[int, Any]) -> None:
        self.fast_fields = fast_fields
        self.unplain = False

    def collect(self, selection_sets: list[SelectionSetNode]) -> dict[str, FieldDetailsList]:
        """The fields of these selection sets by response key."""
        grouped: dict[str, FieldDetailsList] = {}
        for selection_set in selection_sets:
            for selection in selection_set.selections:
                if not isinstance(selection, FieldNode) or selection.directives:
                    self.unplain = True
                    continue
                key = selection.alias.value if selection.alias else selection.name.value
                grouped.setdefault(key, []).append(FieldDetails(selection, None))
        return grouped

    def fields(
        self, object_type: GraphQLObjectType, details: FieldDetailsList
    ) -> list[tuple[str, str, Any, FieldDetailsList]]:
        selection_sets = [d.node.selection_set for d in details if d.node.selection_set]
        return typed_fields(object_type, self.collect(selection_sets))
