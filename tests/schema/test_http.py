"""The real ASGI app end to end: GraphQL over POST and GET, GraphiQL, health and error masking."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy.exc import DBAPIError

import resolvers.company
from models.db import Database, create_engine, create_sessionmaker
from models.settings import DatabaseSettings
from schema.app import create_app
from schema.graphiql import EXAMPLES
from tests import factories
from tests.fixtures.database import StatementCounter
from tests.fixtures.http import serve

COMPANY = "query Company($slug: String!) { company(slug: $slug) { name hqCountry } }"


def post(slug: str) -> dict[str, Any]:
    return {"method": "POST", "json": {"query": COMPANY, "variables": {"slug": slug}}}


def get(slug: str) -> dict[str, Any]:
    return {"method": "GET", "params": {"query": COMPANY, "variables": json.dumps({"slug": slug})}}


@pytest.mark.parametrize("request_for", [post, get], ids=["POST JSON", "GET query string"])
async def test_graphql_query_is_answered_over_http(
    client: httpx.AsyncClient, db: Database, request_for: Callable[[str], dict[str, Any]]
) -> None:
    company = await factories.make_company(db, name="Over HTTP", hq_country="NL")

    response = await client.request(url="/graphql", **request_for(company.slug))

    assert response.status_code == 200
    # httpx accepts */*, so the draft's own media type is preferred (see test_http_protocol.py).
    assert response.headers["content-type"].startswith("application/graphql-response+json")
    assert response.json()["data"] == {"company": {"name": "Over HTTP", "hqCountry": "NL"}}


class PageAssets(HTMLParser):
    """The URLs a page loads (script src, link href) and the GraphiQL example tabs it embeds."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.examples = ""
        self._in_examples = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        url = attributes.get("src" if tag == "script" else "href" if tag == "link" else "")
        if url:
            self.urls.append(url)
        self._in_examples = attributes.get("id") == "graphiql-examples"

    def handle_endtag(self, tag: str) -> None:
        self._in_examples = False

    def handle_data(self, data: str) -> None:
        if self._in_examples:
            self.examples += data


async def graphiql_page(client: httpx.AsyncClient) -> PageAssets:
    response = await client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = PageAssets()
    page.feed(response.text)
    return page


async def test_browser_get_serves_graphiql_with_the_example_operations(
    client: httpx.AsyncClient,
) -> None:
    page = await graphiql_page(client)

    assert json.loads(page.examples) == EXAMPLES


async def test_graphiql_page_loads_assets_only_from_this_server(
    client: httpx.AsyncClient,
) -> None:
    page = await graphiql_page(client)

    external = [url for url in page.urls if urlsplit(url).scheme in {"http", "https"}]
    external += [url for url in page.urls if urlsplit(url).netloc]
    assert external == []
    local = [url for url in page.urls if not urlsplit(url).scheme]
    assert "/graphiql/graphiql.min.js" in local
    assert {url: (await client.get(url)).status_code for url in local} == dict.fromkeys(local, 200)


@pytest.mark.parametrize(
    ("path", "content"),
    [
        ("/graphiql/graphiql.min.js", "GraphiQL"),
        ("/graphiql/LICENSE.graphiql", "MIT License"),
    ],
)
async def test_graphiql_asset_is_served(client: httpx.AsyncClient, path: str, content: str) -> None:
    response = await client.get(path)

    assert response.status_code == 200
    assert content in response.text


async def test_healthz_reports_ok_when_the_database_answers(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")

    assert (response.status_code, response.json()) == (200, {"status": "ok", "database": "ok"})


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("sqlite+aiosqlite:///{tmp}/no/such/dir/pledgegraph.db", id="sqlite"),
        pytest.param("postgresql+asyncpg://postgres@127.0.0.1:1/postgres", id="postgresql"),
    ],
)
async def test_healthz_is_503_without_details_when_the_database_is_unreachable(
    url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = create_engine(DatabaseSettings(url=url.format(tmp=tmp_path)))
    try:
        async with serve(create_app(sessionmaker=create_sessionmaker(engine))) as client:
            response = await client.get("/healthz")
    finally:
        await engine.dispose()

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}
    assert "Traceback" not in response.text
    # The 503 comes from failing to reach the database, not from some other error on the way.
    [failure] = [
        r.exc_info[1] for r in caplog.records if r.name == "pledgegraph.health" and r.exc_info
    ]
    assert isinstance(failure, DBAPIError | OSError), repr(failure)


async def test_unexpected_resolver_error_is_masked_with_a_request_id(
    client: httpx.AsyncClient,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    company = await factories.make_company(db)

    async def fail(*_args: object) -> None:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(resolvers.company, "get_company_by_slug", fail)

    with caplog.at_level(logging.ERROR, logger="pledgegraph.errors"):
        response = await client.request(url="/graphql", **post(company.slug))

    assert response.status_code == 200
    assert "secret detail" not in response.text
    body = response.json()
    assert body["data"] == {"company": None}
    [error] = body["errors"]
    request_id = error["extensions"]["requestId"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert isinstance(request_id, str)
    assert request_id
    assert request_id in error["message"]
    assert request_id == response.headers["x-request-id"] == body["extensions"]["requestId"]
    assert error["path"] == ["company"]
    [record] = [r for r in caplog.records if r.name == "pledgegraph.errors"]
    assert request_id in record.getMessage()
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], RuntimeError)


@pytest.mark.parametrize(
    ("request_options", "status"),
    [
        ({"method": "POST", "content": b'{"query": "{ __typename }"}'}, 415),
        (
            {
                "method": "POST",
                "content": b'{"query": ',
                "headers": {"content-type": "application/json"},
            },
            400,
        ),
        ({"method": "PUT", "json": {"query": "{ __typename }"}}, 405),
    ],
    ids=["POST without a content type", "malformed JSON body", "PUT"],
)
async def test_malformed_http_request_gets_a_client_error(
    client: httpx.AsyncClient, request_options: dict[str, Any], status: int
) -> None:
    response = await client.request(url="/graphql", **request_options)

    assert response.status_code == status
    assert "Traceback" not in response.text


TWO_OPERATIONS = "query A { viewer { role } } query B { signatories(first: 1) { totalCount } }"


async def test_several_operations_need_the_name_of_the_one_to_run(
    client: httpx.AsyncClient, statements: StatementCounter
) -> None:
    statements.reset()
    unnamed = await client.post("/graphql", json={"query": TWO_OPERATIONS})
    unknown = await client.post("/graphql", json={"query": TWO_OPERATIONS, "operationName": "C"})
    refused_statements = statements.count
    named = await client.post("/graphql", json={"query": TWO_OPERATIONS, "operationName": "A"})

    for response, message in (
        (unnamed, "The document holds several operations: name the one to run"),
        (unknown, 'The document has no operation named "C".'),
    ):
        assert response.status_code == 400
        body = response.json()
        assert "data" not in body
        [error] = body["errors"]
        assert error["extensions"]["code"] == "OPERATION_RESOLUTION_FAILURE"
        assert error["message"].startswith(message)
    assert refused_statements == 0  # nothing ran, not even the first operation
    assert named.json()["data"] == {"viewer": {"role": "ANONYMOUS"}}
