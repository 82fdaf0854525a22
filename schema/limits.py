"""Checks before anything runs (tokens, depth, aliases, which operation, query cost), the cost
budget each caller spends, and the `extensions.cost` report on every response."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from functools import cache
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql.utilities import get_operation_ast
from graphql.validation import MaxIntrospectionDepthRule
from strawberry.extensions import SchemaExtension

from resolvers.viewer import Viewer
from schema.budget import Charge
from schema.context import Context
from schema.cost import actual_cost, requested_cost
from schema.errors import (
    MAX_ALIASES_EXCEEDED,
    MAX_COST_EXCEEDED,
    MAX_DEPTH_EXCEEDED,
    OPERATION_RESOLUTION_FAILURE,
    RATE_LIMITED,
)
from schema.settings import DEFAULT_SETTINGS, ApiSettings


class _Shape:
    """How deep a document nests fields and how many aliases it uses, fragments expanded as
    strawberry's QueryDepthLimiter and MaxAliasesLimiter count them, but each fragment is
    measured once: their own walks repeat a fragment at every spread, which takes exponential
    time on a chain of fragments that each spread the next one twice."""

    def __init__(self, document: DocumentNode) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._measured: dict[str, tuple[int, int]] = {}

    def measure(self, selection_set: SelectionSetNode | None) -> tuple[int, int]:
        """(depth, aliases) of a selection set; `{ a { b } }` has depth 1, as in strawberry."""
        depth = aliases = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                aliases += selection.alias is not None
                if selection.selection_set is not None:
                    inner_depth, inner_aliases = self.measure(selection.selection_set)
                    aliases += inner_aliases
                    # Introspection's depth is bounded by MaxIntrospectionDepthRule instead.
                    if not selection.name.value.startswith("__"):
                        depth = max(depth, 1 + inner_depth)
            elif isinstance(selection, InlineFragmentNode):
                inner_depth, inner_aliases = self.measure(selection.selection_set)
                depth, aliases = max(depth, inner_depth), aliases + inner_aliases
            elif isinstance(selection, FragmentSpreadNode):
                inner_depth, inner_aliases = self._fragment(selection.name.value)
                depth, aliases = max(depth, inner_depth), aliases + inner_aliases
        return depth, aliases

    def _fragment(self, name: str) -> tuple[int, int]:
        if name not in self._measured:
            self._measured[name] = (0, 0)  # a cycle (reported by validation) adds nothing
            fragment = self.fragments.get(name)
            self._measured[name] = self.measure(fragment.selection_set if fragment else None)
        return self._measured[name]


@cache
def limits_rule(max_depth: int, max_aliases: int) -> type[ValidationRule]:
    """The validation rule for these limits; the same class for the same limits, so strawberry's
    ValidationCache (keyed by the rules) keeps working."""

    class Limits(ValidationRule):
        # graphql-core aborts validation before this hook when fragments nest beyond what
        # recursion can walk, so `_Shape` never meets such a document.
        def leave_document(self, node: DocumentNode, *_args: Any) -> None:
            shape = _Shape(node)
            operations = [d for d in node.definitions if isinstance(d, OperationDefinitionNode)]
            total_aliases = 0
            for operation in operations:
                depth, aliases = shape.measure(operation.selection_set)
                total_aliases += aliases
                if depth > max_depth:
                    self.report_error(
                        GraphQLError(
                            f"The operation nests fields {depth} levels deep; at most"
                            f" {max_depth} are allowed. Split it into smaller operations.",
                            operation,
                            extensions={
                                "code": MAX_DEPTH_EXCEEDED,
                                "depth": depth,
                                "maximum": max_depth,
                            },
                        )
                    )
            if total_aliases > max_aliases:
                self.report_error(
                    GraphQLError(
                        f"The document uses {total_aliases} aliases (counted in every fragment"
                        f" spread); at most {max_aliases} are allowed.",
                        extensions={
                            "code": MAX_ALIASES_EXCEEDED,
                            "aliases": total_aliases,
                            "maximum": max_aliases,
                        },
                    )
                )

    return Limits


class _IntrospectionDepth(MaxIntrospectionDepthRule):
    """graphql-core's guard against deeply nested introspection (`fields { type { fields ...`),
    which the depth limit skips, with our code on its error."""

    def report_error(self, error: GraphQLError) -> None:
        super().report_error(
            GraphQLError(
                "The introspection query nests lists of types or fields too deeply.",
                error.nodes,
                extensions={"code": MAX_DEPTH_EXCEEDED},
            )
        )


def caller_of(context: Context) -> str:
    """Whose budget an operation draws on: its API key's, else its client address's."""
    return caller_id(context.viewer, context.client_address)


def caller_id(viewer: Viewer, client_address: str | None) -> str:
    """A caller's name for budgets and limits: `key:<id>`, else `ip:<address>`."""
    if viewer.api_key_id is not None:
        return f"key:{viewer.api_key_id}"
    return f"ip:{client_address or 'unknown'}"


class Limiter(SchemaExtension):
    """Puts each operation through the limits, in order: tokens while parsing, depth and
    aliases while validating, then the cost and the caller's budget before execution; nothing
    runs when one refuses. Reports `extensions.cost` once the document has parsed."""

    def __init__(self) -> None:
        self._requested: int | None = None  # None: the document did not validate
        self._actual = 0
        self._charge: Charge | None = None  # None: no budget, or its store did not answer
        self._asked_budget = False

    @property
    def _context(self) -> Context | None:
        # Strawberry's default context on websockets: default limits, no budget.
        context = self.execution_context.context
        return context if isinstance(context, Context) else None

    @property
    def _settings(self) -> ApiSettings:
        return self._context.settings if self._context else DEFAULT_SETTINGS

    async def _charge_budget(self, cost: int) -> None:
        """Charge the caller's budget (0: only look at it), once per operation."""
        context = self._context
        if context is None or context.budget is None or self._asked_budget:
            return
        self._asked_budget = True
        if context.prepaid is not None:  # charged for this operation already (schema.compiled)
            self._charge = context.prepaid
            return
        self._charge = await context.budget.charge(caller_of(context), cost)

    def on_operation(self) -> Iterator[None]:
        execution = self.execution_context
        settings = self._settings
        # What strawberry's MaxTokensLimiter does, with this app's limit.
        execution.parse_options["max_tokens"] = settings.max_tokens
        execution.validation_rules = (
            *(
                _IntrospectionDepth if rule is MaxIntrospectionDepthRule else rule
                for rule in execution.validation_rules
            ),
            limits_rule(settings.max_depth, settings.max_aliases),
        )
        yield

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        assert execution.graphql_document is not None
        settings = self._settings
        # The operation must be known before it is costed. Strawberry's `operation_name` falls
        # back to the first operation's, so it would run that one: ask what the client sent.
        name: str | None = execution._provided_operation_name
        if get_operation_ast(execution.graphql_document, name) is None:
            message = (
                "The document holds several operations: name the one to run (`operationName`)."
                if name is None
                else f'The document has no operation named "{name}".'
            )
            execution.result = _refused(message, {"code": OPERATION_RESOLUTION_FAILURE})
            yield
            return
        self._requested = requested = requested_cost(
            execution.schema._schema,
            execution.graphql_document,
            execution.operation_name,
            execution.variables,
        )
        if requested > settings.max_cost:
            execution.result = _refused(
                f"The operation may cost {requested} points; at most {settings.max_cost} are"
                " allowed per request. Ask for smaller pages (`first`/`last`) or fewer nested"
                " lists.",
                {"code": MAX_COST_EXCEEDED, "requested": requested, "maximum": settings.max_cost},
            )
        else:
            await self._charge_budget(requested)
            if self._charge is not None and not self._charge.allowed:
                retry_after = self._charge.retry_after
                execution.result = _refused(
                    f"The cost budget of this caller is spent: the operation costs {requested}"
                    f" points and {self._charge.remaining} are left. The budget refills by"
                    f" {_bucket(self._context)['leakPerSecond']} points per second; retry in"
                    f" {retry_after} s.",
                    {"code": RATE_LIMITED, "retryAfter": retry_after, "requested": requested},
                )
        if execution.result is not None:
            yield  # refused: the executor uses this result and runs nothing
            return
        yield
        result = execution.result
        if isinstance(result, GraphQLExecutionResult):
            self._actual = actual_cost(
                execution.schema._schema,
                execution.graphql_document,
                execution.operation_name,
                execution.variables,
                result.data,
            )

    async def get_results(self) -> dict[str, Any]:
        if self.execution_context.graphql_document is None:
            return {}  # nothing parsed, nothing to cost
        # Refused before the budget was charged: report what is left, without charging.
        await self._charge_budget(0)
        return cost_report(self._requested, self._actual, self._context, self._charge)


def cost_report(
    requested: int | None, actual: int, context: Context | None, charge: Charge | None
) -> dict[str, Any]:
    """The response's `extensions.cost`: what the operation may cost and did, and the budget."""
    settings = context.settings if context else DEFAULT_SETTINGS
    return {
        "cost": {
            "requested": requested,
            "actual": actual,
            "maximum": settings.max_cost,
            "remaining": charge.remaining if charge else None,
            **_bucket(context),
        }
    }


def _bucket(context: Context | None) -> dict[str, int]:
    """The budget's size and refill rate (the settings', when none is charged)."""
    budget = context.budget if context else None
    if budget is not None:
        return {"capacity": budget.capacity, "leakPerSecond": budget.leak_per_second}
    settings = context.settings if context else DEFAULT_SETTINGS
    return {
        "capacity": settings.budget_capacity,
        "leakPerSecond": settings.budget_leak_per_second,
    }


def _refused(message: str, extensions: dict[str, Any]) -> GraphQLExecutionResult:
    return GraphQLExecutionResult(data=None, errors=[GraphQLError(message, extensions=extensions)])


def retry_after(response_data: Any) -> int | None:
    """Seconds to wait, when a single operation's response was refused for its budget."""
    if not isinstance(response_data, Mapping):
        return None
    for error in response_data.get("errors") or ():
        extensions = error.get("extensions") or {}
        if extensions.get("code") == RATE_LIMITED:
            return int(extensions["retryAfter"])
    return None
