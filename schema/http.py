"""GraphQL over HTTP (the draft spec): methods, media types, body limits, batches, status codes."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from uuid import uuid4

import orjson
from graphql import GraphQLError
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response
from strawberry.http import GraphQLRequestData
from strawberry.schema.base import BaseSchema
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from resolvers.errors import ErrorCode
from schema.compiled import CompiledReads
from schema.context import Context
from schema.errors import BAD_REQUEST, INTERNAL_ERROR
from schema.limits import retry_after
from schema.persisted import NOT_ALLOWED, NOT_FOUND, PersistedQueries
from schema.settings import ApiSettings

logger = logging.getLogger("pledgegraph.http")

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
# In order of preference when the client accepts both equally.
RESPONSE_MEDIA_TYPES = (GRAPHQL_RESPONSE_JSON, JSON)
METHODS = ("GET", "POST")
# GET is safe: it may run queries only (the draft's 405 for a mutation over GET). Subscriptions
# are served over WebSocket (graphql-transport-ws), never over HTTP.
ALLOWED_OPERATIONS = {
    "GET": frozenset({OperationType.QUERY}),
    "POST": frozenset({OperationType.QUERY, OperationType.MUTATION}),
}

METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
NOT_ACCEPTABLE = "NOT_ACCEPTABLE"
UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
BATCH_TOO_LARGE = "BATCH_TOO_LARGE"
OPERATION_RESOLUTION_FAILURE = "OPERATION_RESOLUTION_FAILURE"

# The status of a response without `data` (a GraphQL request error) when it is sent as
# application/graphql-response+json; any other code gets 400. application/json gets 200.
REQUEST_ERROR_STATUS: dict[str, int] = {
    ErrorCode.UNAUTHENTICATED.value: 401,
    ErrorCode.FORBIDDEN.value: 403,
    NOT_ALLOWED: 403,
    NOT_FOUND: 404,
    INTERNAL_ERROR: 500,
}


class HTTPError(Exception):
    """A request refused before any GraphQL ran: the same 4xx whatever the client accepts."""

    def __init__(
        self, status: int, code: str, message: str, *, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


def bad_request(message: str) -> HTTPError:
    return HTTPError(400, BAD_REQUEST, message)


def _parameters(parts: list[str]) -> dict[str, str]:
    """`; key=value` parameters of a media type, keys lowercased, quotes dropped."""
    parameters = {}
    for part in parts:
        key, _, value = part.partition("=")
        parameters[key.strip().lower()] = value.strip().strip('"')
    return parameters


def _utf8(parameters: Mapping[str, str]) -> bool:
    return parameters.get("charset", "utf-8").lower() in {"utf-8", "utf8"}


def _accepted_ranges(accept: str) -> list[tuple[str, float]]:
    """(media range, q) for every range of an Accept header whose charset we can send."""
    ranges = []
    for item in accept.split(","):
        media_range, *rest = item.split(";")
        parameters = _parameters(rest)
        try:
            quality = float(parameters.get("q", "1"))
        except ValueError:
            continue
        if _utf8(parameters) and media_range.strip():
            ranges.append((media_range.strip().lower(), quality))
    return ranges


def _quality(ranges: list[tuple[str, float]], media_type: str) -> float:
    """The q of the most specific range that matches the media type (RFC 9110, 12.5.1)."""
    family = media_type.partition("/")[0]
    specificity = {media_type: 2, f"{family}/*": 1, "*/*": 0}
    matches = [(specificity[r], quality) for r, quality in ranges if r in specificity]
    return max(matches)[1] if matches else 0.0


def negotiate(accept: str | None) -> str | None:
    """The response media type for an Accept header; None when neither is acceptable.

    No Accept header counts as application/graphql-response+json (the draft's default since
    its 2025 watershed); on equal q the draft's own type wins.
    """
    if accept is None or not accept.strip():
        return GRAPHQL_RESPONSE_JSON
    ranges = _accepted_ranges(accept)
    qualities = {media_type: _quality(ranges, media_type) for media_type in RESPONSE_MEDIA_TYPES}
    best = max(qualities.values())
    if best <= 0:
        return None
    return next(media_type for media_type in RESPONSE_MEDIA_TYPES if qualities[media_type] == best)


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it is known to exceed the limit."""
    declared = request.headers.get("content-length")
    if declared is not None and not declared.isdigit():
        raise bad_request("Content-Length is not a number.")
    if declared is not None and int(declared) > limit:
        raise _too_large(limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _too_large(limit)
    return bytes(body)


def _too_large(limit: int) -> HTTPError:
    return HTTPError(413, PAYLOAD_TOO_LARGE, f"The request body is larger than {limit} bytes.")


def _check_content_type(content_type: str | None) -> None:
    media_type, *rest = (content_type or "").split(";")
    if media_type.strip().lower() != JSON or not _utf8(_parameters(rest)):
        raise HTTPError(
            415,
            UNSUPPORTED_MEDIA_TYPE,
            "POST a JSON body with Content-Type: application/json (UTF-8).",
        )


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _decode_json(text: bytes | str, what: str) -> Any:
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        return json.loads(text, parse_constant=_reject_constant)
    # A JSON document nested thousands deep exhausts the parser's recursion: still bad input.
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise bad_request(f"{what} is not valid UTF-8 JSON.") from None


def _operation(data: object) -> GraphQLRequestData:
    """One GraphQL-over-HTTP request, its parameters of the types the draft requires."""
    if not isinstance(data, dict):
        raise bad_request("A GraphQL request is a JSON object with a `query` string.")
    query = data.get("query")
    operation_name = data.get("operationName")
    variables = data.get("variables")
    extensions = data.get("extensions")
    if query is not None and not isinstance(query, str):
        raise bad_request("`query` must be a string.")
    if operation_name is not None and not isinstance(operation_name, str):
        raise bad_request("`operationName` must be a string.")
    if variables is not None and not isinstance(variables, dict):
        raise bad_request("`variables` must be an object.")
    if extensions is not None and not isinstance(extensions, dict):
        raise bad_request("`extensions` must be an object.")
    if query is None and (extensions or {}).get("persistedQuery") is None:
        raise bad_request("The request has no `query`.")
    return GraphQLRequestData(
        query=query,
        variables=variables,
        operation_name=operation_name or None,
        extensions=extensions,
    )


def _query_parameters(params: QueryParams) -> dict[str, Any]:
    """GET parameters: `variables` and `extensions` arrive as JSON strings."""
    data: dict[str, Any] = {
        "query": params.get("query"),
        "operationName": params.get("operationName"),
    }
    for name in ("variables", "extensions"):
        value = params.get(name)
        data[name] = _decode_json(value, f"`{name}`") if value else None
    return data


@dataclass(frozen=True)
class Payload:
    """The operations of one HTTP request, and whether they came as a JSON-array batch."""

    operations: list[GraphQLRequestData]
    batched: bool


def _batch(items: list[Any], max_batch: int) -> Payload:
    if max_batch == 0:
        raise HTTPError(400, BATCH_TOO_LARGE, "Batching is turned off: send one operation.")
    if not items:
        raise bad_request("An empty batch has nothing to run.")
    if len(items) > max_batch:
        raise HTTPError(
            400, BATCH_TOO_LARGE, f"A batch holds at most {max_batch} operations, not {len(items)}."
        )
    return Payload([_operation(item) for item in items], batched=True)


def is_request_error(result: ExecutionResult) -> bool:
    """Whether execution never began (parse, validation, variables, refusals): no `data` then."""
    return (
        result.data is None
        and bool(result.errors)
        and all(error.path is None for error in result.errors or ())
    )


def _codes(result: ExecutionResult) -> list[str]:
    return [str((error.extensions or {}).get("code")) for error in result.errors or ()]


def _result_body(result: ExecutionResult, request_id: str) -> dict[str, Any]:
    body: dict[str, Any] = {} if is_request_error(result) else {"data": result.data}
    if result.errors:
        body["errors"] = [error.formatted for error in result.errors]
    body["extensions"] = {**(result.extensions or {}), "requestId": request_id}
    return body


def status_for(result: ExecutionResult, media_type: str) -> int:
    """200 once execution began or for application/json; otherwise by the first error's code."""
    if media_type == JSON or not is_request_error(result):
        return 200
    return REQUEST_ERROR_STATUS.get(_codes(result)[0], 400)


def _encode(body: object) -> bytes:
    """Compact UTF-8 JSON. orjson writes the same text as the standard library for our bodies,
    an order of magnitude faster (a 50-product page: about 120 us down to 8); it refuses
    integers beyond 64 bits, which the standard library writes exactly."""
    try:
        return orjson.dumps(body)
    except TypeError:
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def _json_response(
    body: object, *, status: int, media_type: str, headers: Mapping[str, str]
) -> Response:
    return Response(
        _encode(body),
        status_code=status,
        media_type=f"{media_type}; charset=utf-8",
        headers={"Vary": "Accept", **headers},
    )


async def execute(
    schema: BaseSchema,
    operation: GraphQLRequestData,
    *,
    method: str,
    context: Context,
    persisted: PersistedQueries,
    compiled: CompiledReads | None = None,
) -> ExecutionResult:
    """Resolve the document (persisted queries, allow-list) and run it: as a compiled read
    when it is one, else through the executor (which may teach `compiled` a new one)."""
    try:
        query = await persisted.resolve(
            query=operation.query, extensions=operation.extensions, viewer=context.viewer
        )
        if compiled is not None and (answered := await compiled.run(query, operation, context)):
            return answered
        result = await schema.execute(
            query,
            variable_values=operation.variables,
            context_value=context,
            operation_name=operation.operation_name,
            allowed_operation_types=ALLOWED_OPERATIONS[method],
            operation_extensions=operation.extensions,
        )
        if compiled is not None and result.errors is None:
            compiled.learn(query, operation.operation_name)
        return result
    except GraphQLError as error:
        return ExecutionResult(data=None, errors=[error])
    except CannotGetOperationTypeError as error:
        # Strawberry runs the first operation when none is named: only a document without
        # operations, or an unknown name, gets here.
        message = (
            f'The document has no operation named "{error.operation_name}".'
            if error.operation_name is not None
            else "The document has no operation to run."
        )
        extensions = {"code": OPERATION_RESOLUTION_FAILURE}
        return ExecutionResult(data=None, errors=[GraphQLError(message, extensions=extensions)])
    except InvalidOperationTypeError as error:
        if error.operation_type is OperationType.MUTATION:
            raise HTTPError(
                405, METHOD_NOT_ALLOWED, "Mutations need POST.", headers={"Allow": "POST"}
            ) from None
        raise bad_request(
            "Subscriptions are served over WebSocket (graphql-transport-ws)."
        ) from None


@dataclass
class Exchange:
    """One HTTP request to the GraphQL endpoint: its id, its media type, and the response."""

    request: Request
    settings: ApiSettings
    request_id: str = field(default_factory=lambda: uuid4().hex)

    @cached_property
    def media_type(self) -> str | None:
        return negotiate(self.request.headers.get("accept"))

    @property
    def method(self) -> str:
        return self.request.method

    def wants_graphiql(self) -> bool:
        """A browser opening the endpoint: GET, HTML accepted, no GraphQL parameters."""
        params = self.request.query_params
        return (
            self.method == "GET"
            and "query" not in params
            and "extensions" not in params
            and "text/html" in self.request.headers.get("accept", "")
        )

    async def read(self) -> Payload:
        """The operations to run; HTTPError (405, 406, 415, 413, 400) when there are none."""
        if self.method not in METHODS:
            raise HTTPError(
                405,
                METHOD_NOT_ALLOWED,
                "GraphQL is served over GET (queries) and POST.",
                headers={"Allow": ", ".join(METHODS)},
            )
        if self.media_type is None:
            raise HTTPError(
                406,
                NOT_ACCEPTABLE,
                f"Accept {GRAPHQL_RESPONSE_JSON} or {JSON}.",
            )
        if self.method == "GET":
            return Payload(
                [_operation(_query_parameters(self.request.query_params))], batched=False
            )
        _check_content_type(self.request.headers.get("content-type"))
        data = _decode_json(await read_body(self.request, self.settings.max_body_bytes), "The body")
        if isinstance(data, list):
            return _batch(data, self.settings.max_batch)
        return Payload([_operation(data)], batched=False)

    def respond(self, payload: Payload, results: list[ExecutionResult]) -> Response:
        """Status and `data` by the draft's rules; a batch is 200 with one result per item."""
        media_type = self.media_type or JSON
        bodies = [_result_body(result, self.request_id) for result in results]
        status = 200 if payload.batched else status_for(results[0], media_type)
        codes = [code for result in results for code in _codes(result)]
        if codes:
            logger.info("request %s answered with errors %s", self.request_id, codes)
        headers = {}
        if not payload.batched and (seconds := retry_after(bodies[0])) is not None:
            # The caller's budget is spent: 429 whatever the media type, so clients back off.
            status = 429
            headers["Retry-After"] = str(seconds)
        if NOT_FOUND in codes:
            # A cached miss would hide the query once the client has registered it.
            headers["Cache-Control"] = "private, no-cache, must-revalidate"
        body = bodies if payload.batched else bodies[0]
        return self.finish(
            _json_response(body, status=status, media_type=media_type, headers=headers)
        )

    def refuse(self, error: HTTPError) -> Response:
        logger.info("request %s refused: %s %s", self.request_id, error.status, error.code)
        body = {
            "errors": [{"message": error.message, "extensions": {"code": error.code}}],
            "extensions": {"requestId": self.request_id},
        }
        media_type = self.media_type or JSON
        return self.finish(
            _json_response(body, status=error.status, media_type=media_type, headers=error.headers)
        )

    def fail(self) -> Response:
        """500 for a bug outside any resolver; the details go to the log, never to the caller."""
        logger.exception("unexpected error in request %s", self.request_id)
        message = f"Internal server error. Quote request id {self.request_id} when reporting it."
        extensions = {"code": INTERNAL_ERROR, "requestId": self.request_id}
        body = {
            "errors": [{"message": message, "extensions": extensions}],
            "extensions": {"requestId": self.request_id},
        }
        media_type = self.media_type or JSON
        return self.finish(_json_response(body, status=500, media_type=media_type, headers={}))

    def finish(self, response: Response) -> Response:
        response.headers["X-Request-Id"] = self.request_id
        return response
