"""Automatic persisted queries (Apollo's protocol), their stores, and the first-party allow-list."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import GraphQLError, build_schema, parse, validate
from redis.asyncio import Redis
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from models.db import Database
from resolvers.viewer import Role, Viewer
from schema.context import Context
from schema.graphiql import EXAMPLES
from schema.http import GRAPHQL_RESPONSE_JSON, JSON, execute, status_for
from schema.persisted import Manifest, MemoryStore, PersistedQueries, sha256_hex
from schema.root import schema
from schema.sdl import SDL_PATH
from tests.fixtures.http import OpenClient
from tests.fixtures.redis import REDIS_URL

QUERY = "query Hello { hello: __typename }"
HASH = sha256_hex(QUERY)
NOT_FOUND_ERROR = {
    "message": "PersistedQueryNotFound",
    "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
}


def persisted(sha256: str = HASH, version: object = 1) -> dict[str, Any]:
    return {"persistedQuery": {"version": version, "sha256Hash": sha256}}


async def post(
    client: httpx.AsyncClient, body: dict[str, Any], accept: str = GRAPHQL_RESPONSE_JSON
) -> httpx.Response:
    return await client.post("/graphql", json=body, headers={"accept": accept})


def assert_miss(response: httpx.Response, status: int = 404) -> None:
    """Apollo's miss: its exact message and code, no data, and not cacheable by a CDN."""
    assert response.status_code == status
    body = response.json()
    assert "data" not in body
    assert body["errors"] == [NOT_FOUND_ERROR]
    assert response.headers["cache-control"] == "private, no-cache, must-revalidate"


def assert_hello(response: httpx.Response) -> None:
    assert response.status_code == 200, response.text
    assert response.json()["data"] == {"hello": "Query"}


@pytest.fixture
async def client(open_client: OpenClient) -> AsyncIterator[httpx.AsyncClient]:
    async with open_client() as client:
        yield client


async def test_apq_miss_then_register_then_hit(client: httpx.AsyncClient) -> None:
    miss = await post(client, {"extensions": persisted()})
    register = await post(client, {"query": QUERY, "extensions": persisted()})
    hit = await post(client, {"extensions": persisted()})

    assert_miss(miss)
    assert_hello(register)
    assert_hello(hit)


async def test_apq_miss_is_200_for_application_json_clients(client: httpx.AsyncClient) -> None:
    response = await post(client, {"extensions": persisted()}, accept=JSON)

    assert_miss(response, status=200)


async def test_apq_hit_keeps_variables_and_operation_name(client: httpx.AsyncClient) -> None:
    query = "query A($id: ID!) { node(id: $id) { id } } query B { b: __typename }"
    extensions = persisted(sha256_hex(query))
    await post(client, {"query": query, "extensions": extensions, "operationName": "B"})

    hit = await post(client, {"extensions": extensions, "operationName": "B"})

    assert hit.json()["data"] == {"b": "Query"}


async def test_uppercase_hash_is_the_same_hash(client: httpx.AsyncClient) -> None:
    await post(client, {"query": QUERY, "extensions": persisted()})

    hit = await post(client, {"extensions": persisted(HASH.upper())})

    assert_hello(hit)


async def test_hash_that_does_not_match_the_query_is_refused_and_not_stored(
    client: httpx.AsyncClient,
) -> None:
    other = sha256_hex("{ __typename }")

    mismatch = await post(client, {"query": QUERY, "extensions": persisted(other)})
    later = await post(client, {"extensions": persisted(other)})

    assert mismatch.status_code == 400
    assert "data" not in mismatch.json()
    [error] = mismatch.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "SHA-256 of the query" in error["message"]
    assert_miss(later)


@pytest.mark.parametrize(
    ("extensions", "message"),
    [
        (persisted(version=2), "version 1"),
        (persisted(version=True), "version 1"),
        (persisted(sha256="abc"), "SHA-256 in hex"),
        (persisted(sha256="g" * 64), "SHA-256 in hex"),
        ({"persistedQuery": "abc"}, "must be an object"),
    ],
    ids=["version 2", "version true", "short hash", "not hex", "not an object"],
)
async def test_malformed_persisted_query_extension_is_a_request_error(
    client: httpx.AsyncClient, extensions: dict[str, Any], message: str
) -> None:
    response = await post(client, {"query": QUERY, "extensions": extensions})

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert message in error["message"]


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


async def test_apq_over_get_and_never_graphiql(client: httpx.AsyncClient) -> None:
    extensions = json.dumps(persisted())
    headers = {"accept": BROWSER_ACCEPT}

    miss = await client.get("/graphql", params={"extensions": extensions}, headers=headers)
    register = await client.get(
        "/graphql", params={"query": QUERY, "extensions": extensions}, headers=headers
    )
    hit = await client.get("/graphql", params={"extensions": extensions}, headers=headers)

    assert_miss(miss)
    assert_hello(register)
    assert_hello(hit)
    assert hit.headers["content-type"].startswith(GRAPHQL_RESPONSE_JSON)


async def test_memory_store_is_a_bounded_lru() -> None:
    store = MemoryStore(max_entries=2)
    await store.put("a", "query A { a: __typename }")
    await store.put("b", "query B { b: __typename }")
    assert await store.get("a") is not None  # a is now the most recently used

    await store.put("c", "query C { c: __typename }")

    assert [await store.get(key) is not None for key in ("a", "b", "c")] == [True, False, True]


async def test_redis_store_is_shared_between_app_instances(
    open_client: OpenClient, redis: Redis, redis_prefix: str
) -> None:
    settings = {"redis_url": REDIS_URL, "redis_key_prefix": redis_prefix}
    async with open_client(**settings) as first, open_client(**settings) as second:
        miss = await post(second, {"extensions": persisted()})
        register = await post(first, {"query": QUERY, "extensions": persisted()})
        hit = await post(second, {"extensions": persisted()})

    assert_miss(miss)
    assert_hello(register)
    assert_hello(hit)
    # The same prefix also holds the callers' cost budgets (budget:…).
    [key] = [key async for key in redis.scan_iter(match=f"{redis_prefix}apq:*")]
    assert key == f"{redis_prefix}apq:{HASH}".encode()
    assert await redis.get(key) == QUERY.encode()
    assert 0 < await redis.ttl(key) <= 86_400


async def test_unreachable_redis_degrades_to_full_queries(
    open_client: OpenClient, caplog: pytest.LogCaptureFixture
) -> None:
    async with open_client(redis_url="redis://127.0.0.1:1/0") as client:
        register = await post(client, {"query": QUERY, "extensions": persisted()})
        miss = await post(client, {"extensions": persisted()})

    assert_hello(register)
    assert_miss(miss)
    warnings = [r.getMessage() for r in caplog.records if r.name == "pledgegraph.persisted"]
    assert any("not stored" in m for m in warnings)
    assert any("counts as a miss" in m for m in warnings)


def test_committed_manifest_holds_every_graphiql_example() -> None:
    manifest = Manifest.committed()

    for example in EXAMPLES:
        assert manifest.operations[sha256_hex(example["query"])] == example["query"]


def test_manifest_reads_graphql_files(tmp_path: Path) -> None:
    document = "query Frontend { frontend: __typename }\n"
    (tmp_path / "frontend.graphql").write_text(document, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not an operation", encoding="utf-8")

    manifest = Manifest.committed(tmp_path)

    assert manifest.operations[sha256_hex(document)] == document
    assert sha256_hex("not an operation") not in manifest.operations


def test_every_registered_operation_is_valid_against_the_committed_schema() -> None:
    sdl = build_schema(SDL_PATH.read_text(encoding="utf-8"))

    invalid = {
        document.splitlines()[0]: [error.message for error in validate(sdl, parse(document))]
        for document in Manifest.committed().operations.values()
    }

    assert {name: errors for name, errors in invalid.items() if errors} == {}


CERTIFICATIONS = next(e["query"] for e in EXAMPLES if "query Certifications" in e["query"])
FIRST_PARTY = Viewer(role=Role.PARTNER, company_id=1, first_party=True)
PARTNER = Viewer(role=Role.PARTNER, company_id=1)


@dataclass
class AllowList:
    """Executes operations as the HTTP view does, for a chosen viewer."""

    db: Database
    persisted: PersistedQueries

    async def run(
        self, viewer: Viewer, *, query: str | None = None, sha256: str | None = None
    ) -> ExecutionResult:
        operation = GraphQLRequestData(
            query=query,
            variables=None,
            operation_name=None,
            extensions=persisted(sha256) if sha256 else None,
        )
        context = Context.for_db(self.db, viewer)
        return await execute(
            schema, operation, method="POST", context=context, persisted=self.persisted
        )


def allow_list(db: Database, *, first_party_only: bool) -> AllowList:
    queries = PersistedQueries(
        store=MemoryStore(100), manifest=Manifest.committed(), first_party_only=first_party_only
    )
    return AllowList(db, queries)


def codes(result: ExecutionResult) -> list[str]:
    return [str((error.extensions or {}).get("code")) for error in result.errors or ()]


async def test_first_party_key_runs_registered_operations_by_text_or_hash(db: Database) -> None:
    allowed = allow_list(db, first_party_only=True)

    by_text = await allowed.run(FIRST_PARTY, query=CERTIFICATIONS)
    by_hash = await allowed.run(FIRST_PARTY, sha256=sha256_hex(CERTIFICATIONS))

    for result in (by_text, by_hash):
        assert result.errors is None
        assert result.data is not None
        assert "certifications" in result.data


async def test_first_party_key_may_not_run_other_operations(db: Database) -> None:
    allowed = allow_list(db, first_party_only=True)

    ad_hoc = await allowed.run(FIRST_PARTY, query=QUERY)
    apq_register = await allowed.run(FIRST_PARTY, query=QUERY, sha256=HASH)
    apq_hash_only = await allowed.run(FIRST_PARTY, sha256=HASH)
    # What the first-party key tried to register was not stored for anyone.
    partner_hash_only = await allowed.run(PARTNER, sha256=HASH)

    for result in (ad_hoc, apq_register, apq_hash_only):
        assert (result.data, codes(result)) == (None, ["PERSISTED_QUERY_NOT_ALLOWED"])
    assert codes(partner_hash_only) == ["PERSISTED_QUERY_NOT_FOUND"]


async def test_first_party_key_may_not_run_what_a_partner_registered(db: Database) -> None:
    allowed = allow_list(db, first_party_only=True)
    registered = await allowed.run(PARTNER, query=QUERY, sha256=HASH)

    result = await allowed.run(FIRST_PARTY, sha256=HASH)

    assert registered.data == {"hello": "Query"}
    assert codes(result) == ["PERSISTED_QUERY_NOT_ALLOWED"]


async def test_registered_operation_runs_by_hash_without_being_sent_first(db: Database) -> None:
    allowed = allow_list(db, first_party_only=False)

    result = await allowed.run(PARTNER, sha256=sha256_hex(CERTIFICATIONS))

    assert result.errors is None
    assert result.data is not None
    assert "certifications" in result.data


@pytest.mark.parametrize(
    ("viewer", "first_party_only"),
    [(PARTNER, True), (Viewer(), True), (FIRST_PARTY, False)],
    ids=["partner, allow-list on", "anonymous, allow-list on", "first party, allow-list off"],
)
async def test_others_run_any_operation(
    db: Database, viewer: Viewer, first_party_only: bool
) -> None:
    allowed = allow_list(db, first_party_only=first_party_only)

    result = await allowed.run(viewer, query=QUERY)

    assert (result.data, result.errors) == ({"hello": "Query"}, None)


@pytest.mark.parametrize(
    ("code", "graphql_response_status"),
    [
        ("PERSISTED_QUERY_NOT_ALLOWED", 403),
        ("PERSISTED_QUERY_NOT_FOUND", 404),
        ("BAD_REQUEST", 400),
    ],
)
def test_persisted_query_refusals_have_their_own_status(
    code: str, graphql_response_status: int
) -> None:
    result = ExecutionResult(data=None, errors=[GraphQLError("x", extensions={"code": code})])

    assert status_for(result, GRAPHQL_RESPONSE_JSON) == graphql_response_status
    assert status_for(result, JSON) == 200
