"""GraphQL over HTTP per the draft spec: media types, status codes, malformed requests, limits."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import strawberry
from pydantic import ValidationError

import schema.app
from schema.http import GRAPHQL_RESPONSE_JSON, JSON, _encode, negotiate
from schema.settings import ApiSettings
from tests.fixtures.http import OpenClient

APOLLO_ACCEPT = "application/graphql-response+json,application/json;q=0.9"
ABSENT = None

OUTCOMES: dict[str, dict[str, Any]] = {
    "success": {"query": "{ __typename }"},
    "field error": {"query": '{ node(id: "not-a-global-id") { id } }'},
    "parse error": {"query": "{"},
    "validation error": {"query": "{ noSuchField }"},
    "variable error": {"query": "query Node($id: ID!) { node(id: $id) { id } }", "variables": {}},
}
CODES = {
    "success": None,
    "field error": "INVALID_ID",
    "parse error": "GRAPHQL_PARSE_FAILED",
    "validation error": "GRAPHQL_VALIDATION_FAILED",
    "variable error": "BAD_USER_INPUT",
}
EXECUTED = {"success", "field error"}
ACCEPTS = {
    "no Accept": (ABSENT, GRAPHQL_RESPONSE_JSON),
    "*/*": ("*/*", GRAPHQL_RESPONSE_JSON),
    "graphql-response+json": (GRAPHQL_RESPONSE_JSON, GRAPHQL_RESPONSE_JSON),
    "json": (JSON, JSON),
    "Apollo Client's": (APOLLO_ACCEPT, GRAPHQL_RESPONSE_JSON),
    "json preferred by q": (f"{JSON}, {GRAPHQL_RESPONSE_JSON};q=0.5", JSON),
    "graphql-response+json refused": (f"{GRAPHQL_RESPONSE_JSON};q=0, {JSON}", JSON),
}


@pytest.fixture
async def client(open_client: OpenClient) -> AsyncIterator[httpx.AsyncClient]:
    async with open_client() as client:
        yield client


async def post(
    client: httpx.AsyncClient, body: object, *, accept: str | None = JSON, **headers: str
) -> httpx.Response:
    """POST a JSON body; accept=None sends no Accept header at all."""
    request = client.build_request("POST", "/graphql", json=body, headers=headers)
    if accept is None:
        del request.headers["accept"]
    else:
        request.headers["accept"] = accept
    return await client.send(request)


def assert_refused(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """A GraphQL-shaped refusal: the status, one error with the code, no data, the request id."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert "data" not in body
    [error] = body["errors"]
    assert error["extensions"]["code"] == code
    assert body["extensions"]["requestId"] == response.headers["x-request-id"]
    assert "Traceback" not in response.text
    return dict(error)


@pytest.mark.parametrize("outcome", OUTCOMES)
@pytest.mark.parametrize(("accept", "media_type"), ACCEPTS.values(), ids=ACCEPTS.keys())
async def test_status_media_type_and_data_follow_the_draft(
    client: httpx.AsyncClient, outcome: str, accept: str | None, media_type: str
) -> None:
    response = await post(client, OUTCOMES[outcome], accept=accept)

    executed = outcome in EXECUTED
    # application/json: 200 for every well-formed request; the draft's type: 400 when the
    # request never reached execution (parse, validation, variable coercion).
    assert response.status_code == (200 if executed or media_type == JSON else 400)
    assert response.headers["content-type"] == f"{media_type}; charset=utf-8"
    body = response.json()
    assert ("data" in body) is executed
    codes = [error["extensions"]["code"] for error in body.get("errors", [])]
    assert codes == ([CODES[outcome]] if CODES[outcome] else [])
    assert body["extensions"]["requestId"] == response.headers["x-request-id"]
    assert "Accept" in response.headers["vary"]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/*;q=0.5, application/json", JSON),
        ("application/*", GRAPHQL_RESPONSE_JSON),
        ("*/*;q=0.1, application/graphql-response+json;q=0", JSON),
        ("application/json; charset=utf-8", JSON),
        (
            "application/json;charset=iso-8859-1, application/graphql-response+json;q=0.2",
            GRAPHQL_RESPONSE_JSON,
        ),
        ("APPLICATION/JSON", JSON),
        ("application/json;q=abc, application/graphql-response+json;q=0.3", GRAPHQL_RESPONSE_JSON),
        ("text/html", None),
        ("application/json;q=0", None),
        ("", GRAPHQL_RESPONSE_JSON),
    ],
)
def test_accept_header_negotiation(accept: str, expected: str | None) -> None:
    assert negotiate(accept) == expected


async def test_nothing_acceptable_is_406(client: httpx.AsyncClient) -> None:
    response = await post(client, OUTCOMES["success"], accept="text/plain")

    assert_refused(response, 406, "NOT_ACCEPTABLE")
    assert response.headers["content-type"] == f"{JSON}; charset=utf-8"


def recording_schema(calls: list[str]) -> strawberry.Schema:
    """A schema whose one mutation records that it ran."""

    @strawberry.type
    class Query:
        @strawberry.field
        def ok(self) -> bool:
            return True

    @strawberry.type
    class Mutation:
        @strawberry.mutation
        def touch(self) -> bool:
            calls.append("touch")
            return True

    return strawberry.Schema(query=Query, mutation=Mutation)


async def test_mutation_over_get_is_405_and_never_runs(open_client: OpenClient) -> None:
    calls: list[str] = []
    async with open_client({"graphql_schema": recording_schema(calls)}) as client:
        over_get = await client.get("/graphql", params={"query": "mutation { touch }"})
        over_post = await post(client, {"query": "mutation { touch }"})

    error = assert_refused(over_get, 405, "METHOD_NOT_ALLOWED")
    assert over_get.headers["allow"] == "POST"
    assert "POST" in error["message"]
    assert (over_post.status_code, over_post.json()["data"]) == (200, {"touch": True})
    assert calls == ["touch"]


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS"])
async def test_other_methods_are_405_with_allow(client: httpx.AsyncClient, method: str) -> None:
    response = await client.request(method, "/graphql", json=OUTCOMES["success"])

    assert_refused(response, 405, "METHOD_NOT_ALLOWED")
    assert response.headers["allow"] == "GET, POST"


@pytest.mark.parametrize(
    "query", ["subscription { ticks }", "subscription S { x }"], ids=["anonymous", "named"]
)
async def test_subscription_over_http_is_refused(client: httpx.AsyncClient, query: str) -> None:
    response = await post(client, {"query": query})

    error = assert_refused(response, 400, "BAD_REQUEST")
    assert "WebSocket" in error["message"]


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/plain",
        "application/json; charset=iso-8859-1",
        "multipart/form-data; boundary=x",
        "application/graphql",
        "application/x-www-form-urlencoded",
    ],
)
async def test_post_without_a_json_content_type_is_415(
    client: httpx.AsyncClient, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = await client.post(
        "/graphql", content=b'{"query": "{ __typename }"}', headers=headers
    )

    assert_refused(response, 415, "UNSUPPORTED_MEDIA_TYPE")


async def test_json_content_type_with_utf8_charset_is_accepted(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        content=b'{"query": "{ __typename }"}',
        headers={"content-type": "Application/JSON; charset=UTF-8"},
    )

    assert (response.status_code, response.json()["data"]) == (200, {"__typename": "Query"})


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"query": ', "not valid UTF-8 JSON"),
        (b"NONSENSE", "not valid UTF-8 JSON"),
        (b'{"query": "{ __typename }"}\xff', "not valid UTF-8 JSON"),
        (b'{"query": "{ __typename }", "variables": {"a": NaN}}', "not valid UTF-8 JSON"),
        (b"[" * 50_000 + b"]" * 50_000, "not valid UTF-8 JSON"),
        (b'"{ __typename }"', "JSON object"),
        (b"null", "JSON object"),
        (b'{"qeury": "{ __typename }"}', "no `query`"),
        (b'{"query": 1}', "`query` must be a string"),
        (b'{"query": "{ __typename }", "variables": [7]}', "`variables` must be an object"),
        (b'{"query": "{ __typename }", "extensions": "x"}', "`extensions` must be an object"),
        (b'{"query": "{ __typename }", "operationName": 5}', "`operationName` must be a string"),
    ],
    ids=[
        "truncated JSON",
        "not JSON",
        "invalid UTF-8",
        "NaN",
        "nested 50,000 deep",
        "a string",
        "null",
        "misspelt query",
        "query not a string",
        "variables a list",
        "extensions a string",
        "operationName a number",
    ],
)
async def test_malformed_post_is_400(client: httpx.AsyncClient, body: bytes, message: str) -> None:
    response = await client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )

    error = assert_refused(response, 400, "BAD_REQUEST")
    assert message in error["message"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"query": "{ __typename }", "variables": "{not json"}, "`variables` is not valid"),
        ({"query": "{ __typename }", "variables": "[1]"}, "`variables` must be an object"),
        ({"variables": "{}"}, "no `query`"),
    ],
)
async def test_malformed_get_is_400(
    client: httpx.AsyncClient, params: dict[str, str], message: str
) -> None:
    response = await client.get("/graphql", params=params, headers={"accept": JSON})

    error = assert_refused(response, 400, "BAD_REQUEST")
    assert message in error["message"]


@pytest.mark.parametrize(
    ("request_body", "message"),
    [
        (
            {"query": "query A { a: __typename } query B { b: __typename }", "operationName": "C"},
            'no operation named "C"',
        ),
        ({"query": "fragment F on Query { __typename }"}, "no operation to run"),
    ],
    ids=["unknown operation name", "fragments only"],
)
@pytest.mark.parametrize(("accept", "status"), [(GRAPHQL_RESPONSE_JSON, 400), (JSON, 200)])
async def test_operation_that_cannot_be_determined_is_a_request_error(
    client: httpx.AsyncClient,
    request_body: dict[str, str],
    message: str,
    accept: str,
    status: int,
) -> None:
    response = await post(client, request_body, accept=accept)

    error = assert_refused(response, status, "OPERATION_RESOLUTION_FAILURE")
    assert message in error["message"]


async def test_named_operation_of_several_runs(client: httpx.AsyncClient) -> None:
    document = "query A { a: __typename } query B { b: __typename }"

    response = await post(client, {"query": document, "operationName": "B"})

    assert response.json()["data"] == {"b": "Query"}


async def test_get_treats_an_empty_operation_name_as_none(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "{ __typename }", "operationName": ""})

    assert (response.status_code, response.json()["data"]) == (200, {"__typename": "Query"})


async def test_body_over_the_declared_limit_is_413(open_client: OpenClient) -> None:
    padding = " " * 2_000
    async with open_client(max_body_bytes=1_000) as client:
        small = await post(client, {"query": "{ __typename }"})
        large = await post(client, {"query": "{ __typename }" + padding})

    assert small.status_code == 200
    error = assert_refused(large, 413, "PAYLOAD_TOO_LARGE")
    assert "1000 bytes" in error["message"]


async def test_streamed_body_is_refused_before_it_is_read_past_the_limit(
    open_client: OpenClient,
) -> None:
    chunk = b" " * 1_000
    pulled = 0

    async def endless_body() -> AsyncIterator[bytes]:
        nonlocal pulled
        for _ in range(1_000):  # 1 MB at most, should the limit not hold
            pulled += 1
            yield chunk

    async with open_client(max_body_bytes=5_000) as client:
        # A generator body has no Content-Length: only counting the bytes can stop it.
        response = await client.post(
            "/graphql", content=endless_body(), headers={"content-type": "application/json"}
        )

    assert_refused(response, 413, "PAYLOAD_TOO_LARGE")
    assert pulled <= 6


async def test_non_numeric_content_length_is_400(client: httpx.AsyncClient) -> None:
    request = client.build_request("POST", "/graphql", json=OUTCOMES["success"])
    request.headers["content-length"] = "lots"

    response = await client.send(request)

    assert_refused(response, 400, "BAD_REQUEST")


async def test_batch_runs_each_operation_and_shapes_each_result(
    client: httpx.AsyncClient,
) -> None:
    batch = [OUTCOMES["success"], OUTCOMES["validation error"], OUTCOMES["field error"]]

    response = await post(client, batch, accept=GRAPHQL_RESPONSE_JSON)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE_JSON)
    first, second, third = response.json()
    assert first["data"] == {"__typename": "Query"}
    assert "data" not in second
    assert second["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert third["data"] == {"node": None}
    request_id = response.headers["x-request-id"]
    assert {item["extensions"]["requestId"] for item in (first, second, third)} == {request_id}


@pytest.mark.parametrize(
    ("max_batch", "size", "code", "message"),
    [
        (10, 11, "BATCH_TOO_LARGE", "at most 10 operations, not 11"),
        (2, 3, "BATCH_TOO_LARGE", "at most 2 operations, not 3"),
        (0, 1, "BATCH_TOO_LARGE", "Batching is turned off"),
        (10, 0, "BAD_REQUEST", "empty batch"),
    ],
    ids=["over the default", "over a setting", "batching off", "empty"],
)
async def test_batch_limits(
    open_client: OpenClient, max_batch: int, size: int, code: str, message: str
) -> None:
    async with open_client(max_batch=max_batch) as client:
        response = await post(client, [OUTCOMES["success"]] * size)

    error = assert_refused(response, 400, code)
    assert message in error["message"]


async def test_batch_of_a_non_object_is_400(client: httpx.AsyncClient) -> None:
    response = await post(client, [OUTCOMES["success"], 1])

    assert_refused(response, 400, "BAD_REQUEST")


async def test_every_response_has_its_own_request_id(client: httpx.AsyncClient) -> None:
    responses = [
        await post(client, OUTCOMES["success"]),
        await post(client, OUTCOMES["parse error"], accept=GRAPHQL_RESPONSE_JSON),
        await client.post("/graphql", content=b"{}"),
        await client.get("/graphql", headers={"accept": "text/html"}),
    ]

    ids = [response.headers["x-request-id"] for response in responses]
    assert len(set(ids)) == len(ids)
    assert all(len(request_id) == 32 for request_id in ids)
    bodies = [response.json() for response in responses[:3]]
    assert [body["extensions"]["requestId"] for body in bodies] == ids[:3]


async def test_errors_are_logged_with_the_request_id(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="pledgegraph.http"):
        refused = await client.post("/graphql", content=b"{}")
        invalid = await post(client, OUTCOMES["validation error"])

    messages = [r.getMessage() for r in caplog.records if r.name == "pledgegraph.http"]
    assert any(
        refused.headers["x-request-id"] in m and "UNSUPPORTED_MEDIA_TYPE" in m for m in messages
    )
    assert any(
        invalid.headers["x-request-id"] in m and "GRAPHQL_VALIDATION_FAILED" in m for m in messages
    )


async def test_unexpected_failure_outside_resolvers_is_a_masked_500(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def fail(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(schema.app, "execute", fail)

    with caplog.at_level(logging.ERROR, logger="pledgegraph.http"):
        response = await post(client, OUTCOMES["success"], accept=GRAPHQL_RESPONSE_JSON)

    error = assert_refused(response, 500, "INTERNAL_SERVER_ERROR")
    assert "secret detail" not in response.text
    request_id = response.headers["x-request-id"]
    assert error["extensions"]["requestId"] == request_id
    [record] = [r for r in caplog.records if r.name == "pledgegraph.http"]
    assert request_id in record.getMessage()
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], RuntimeError)


PREFLIGHT = {
    "access-control-request-method": "POST",
    "access-control-request-headers": "authorization, content-type",
}


async def test_cors_preflight_from_a_configured_origin_is_allowed(
    open_client: OpenClient,
) -> None:
    async with open_client(cors_origins="https://app.example, http://localhost:3000") as client:
        response = await client.options(
            "/graphql", headers={"origin": "https://app.example", **PREFLIGHT}
        )

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://app.example"
    allowed_headers = response.headers["access-control-allow-headers"].lower().split(", ")
    assert {"authorization", "content-type"} <= set(allowed_headers)
    assert response.headers["access-control-allow-methods"] == "GET, POST"
    assert "access-control-allow-credentials" not in response.headers


@pytest.mark.parametrize(
    "origins", ["https://app.example", ""], ids=["another origin configured", "none configured"]
)
async def test_cors_preflight_from_another_origin_is_denied(
    open_client: OpenClient, origins: str
) -> None:
    async with open_client(cors_origins=origins) as client:
        response = await client.options(
            "/graphql", headers={"origin": "https://evil.example", **PREFLIGHT}
        )

    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


async def test_cors_response_exposes_the_request_id_only_to_configured_origins(
    open_client: OpenClient,
) -> None:
    async with open_client(cors_origins="https://app.example") as client:
        allowed = await post(client, OUTCOMES["success"], origin="https://app.example")
        other = await post(client, OUTCOMES["success"], origin="https://evil.example")

    assert allowed.headers["access-control-allow-origin"] == "https://app.example"
    assert allowed.headers["access-control-expose-headers"] == "X-Request-Id"
    assert "access-control-allow-origin" not in other.headers


def test_cors_origins_are_read_from_a_comma_separated_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("API_CORS_ORIGINS", " https://App.example:443, http://localhost:3000 ,")

    assert ApiSettings().cors_origins == ("http://localhost:3000", "https://app.example")


@pytest.mark.parametrize("origin", ["https://app.example/path", "app.example", "null"])
def test_a_cors_origin_that_is_not_an_origin_is_refused_at_startup(origin: str) -> None:
    with pytest.raises(ValidationError):
        ApiSettings(cors_origins=origin)


async def test_graphiql_page_also_carries_a_request_id(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"accept": "text/html"})

    assert response.headers["content-type"].startswith("text/html")
    assert len(response.headers["x-request-id"]) == 32


@pytest.mark.parametrize(
    ("body", "text"),
    [
        (
            {"data": {"name": "Café ☕", "ok": True, "none": None}},
            '{"data":{"name":"Café ☕","ok":true,"none":null}}',
        ),
        # Beyond 64 bits orjson gives up; the standard library writes the integer exactly.
        ({"data": {"total": 2**70}}, '{"data":{"total":1180591620717411303424}}'),
    ],
)
def test_bodies_are_compact_utf8_json(body: dict[str, Any], text: str) -> None:
    assert _encode(body) == text.encode()
