"""Error shaping: every error gets `extensions.code`; unexpected ones are logged and masked."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator

from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.extensions import ParserCache as StrawberryParserCache
from strawberry.relay.types import GlobalIDValueError

from resolvers.errors import DomainError, ErrorCode

logger = logging.getLogger("pledgegraph.errors")

INTERNAL_ERROR = "INTERNAL_SERVER_ERROR"
PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
# A request that is not well formed (HTTP body, parameters, persisted query).
BAD_REQUEST = "BAD_REQUEST"
# No operation, or several and no `operationName`: strawberry's (and Apollo's) code.
OPERATION_RESOLUTION_FAILURE = "OPERATION_RESOLUTION_FAILURE"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
# Limits checked before execution (schema/limits.py; README "Limits and query cost").
MAX_TOKENS_EXCEEDED = "MAX_TOKENS_EXCEEDED"
MAX_DEPTH_EXCEEDED = "MAX_DEPTH_EXCEEDED"
MAX_ALIASES_EXCEEDED = "MAX_ALIASES_EXCEEDED"
MAX_COST_EXCEEDED = "MAX_COST_EXCEEDED"
RATE_LIMITED = "RATE_LIMITED"
# graphql-core's parser, when a document exceeds the `max_tokens` limit strawberry passes it.
_TOO_MANY_TOKENS = re.compile(r"^Syntax Error: Document contains more than \d+ tokens\.")
# graphql-core's own guards against nesting its recursion cannot walk (200 levels), in the
# parser and, through fragments, in validation: far over our depth limit.
_NESTED_TOO_DEEPLY = ("Syntax Error: Document is nested too deeply.", "Validation aborted.")


def error_code(error: GraphQLError) -> str:
    """The code a caller sees for an error; INTERNAL_SERVER_ERROR means it will be masked."""
    original = error.original_error
    if isinstance(original, DomainError):
        return original.code.value
    if isinstance(original, GlobalIDValueError):
        return ErrorCode.INVALID_ID.value
    # Variable coercion errors keep the scalar's or enum's own exception as original_error.
    if error.message.startswith("Variable '$"):
        return ErrorCode.BAD_USER_INPUT.value
    if original is not None:
        return INTERNAL_ERROR
    return _request_error_code(error)


def _request_error_code(error: GraphQLError) -> str:
    """The code of an error found before execution: parsing, validation or a limit."""
    code = (error.extensions or {}).get("code")
    if isinstance(code, str):  # the limits set their own
        return code
    if _TOO_MANY_TOKENS.match(error.message):
        return MAX_TOKENS_EXCEEDED
    if error.message.startswith(_NESTED_TOO_DEEPLY):
        return MAX_DEPTH_EXCEEDED
    return PARSE_FAILED if error.message.startswith("Syntax Error") else VALIDATION_FAILED


class ShapeErrors(MaskErrors):
    """MaskErrors that keeps expected errors readable and tags each one with a code."""

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        request_id = getattr(self.execution_context.context, "request_id", None)
        return [self._shape(error, request_id) for error in errors]

    def _shape(self, error: GraphQLError, request_id: str | None) -> GraphQLError:
        code = error_code(error)
        if code == INTERNAL_ERROR:
            logger.error(
                "unexpected error in request %s at %s",
                request_id,
                error.path,
                exc_info=error.original_error,
            )
            message = "Internal server error."
            if request_id:
                message += f" Quote request id {request_id} when reporting it."
            extensions = {"code": code, "requestId": request_id}
            return GraphQLError(message, nodes=error.nodes, path=error.path, extensions=extensions)
        original = error.original_error
        message = original.message if isinstance(original, DomainError) else error.message
        extensions = {**(error.extensions or {}), "code": code}
        if isinstance(original, DomainError) and original.field:
            extensions["field"] = original.field
        return GraphQLError(
            message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions=extensions,
        )


class ParserCache(StrawberryParserCache):
    """Strawberry's ParserCache, minus raising syntax errors from its hook.

    Raised there, a syntax error skips every on_operation hook and reaches the caller without
    ShapeErrors' code; left to strawberry's own parse step (a second parse, of a failing
    document only), it is shaped like any other error.
    """

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        with contextlib.suppress(GraphQLError):
            context.graphql_document = self.cached_parse_document(
                context.query, **context.parse_options
            )
        yield
