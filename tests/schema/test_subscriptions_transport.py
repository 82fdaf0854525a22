"""The WebSocket transport: graphql-transport-ws only, origins checked, subscriptions capped,
queries and mutations refused (they are served over HTTP)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Iterator
from pathlib import Path
from typing import Any

import pytest
import strawberry
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL

from schema.app import create_app
from schema.settings import ApiSettings
from tests.fixtures.http import empty_database

APP_ORIGIN = "https://app.example"
TICKS = "subscription { ticks }"


@strawberry.type
class Query:
    @strawberry.field
    def ok(self) -> bool:
        return True


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def ticks(self) -> AsyncGenerator[int, None]:
        """One tick, then open until the client completes it."""
        yield 1
        await asyncio.Event().wait()


# Test-only: the real schema has no Subscription type yet; the transport is the same view.
TICKING_SCHEMA = strawberry.Schema(query=Query, subscription=Subscription)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = ApiSettings(cors_origins=APP_ORIGIN, max_subscriptions_per_connection=2)
    app = create_app(
        api_settings=settings,
        database_settings=empty_database(tmp_path),
        graphql_schema=TICKING_SCHEMA,
    )
    with TestClient(app) as client:
        yield client


def subscribe(operation_id: str, query: str = TICKS) -> dict[str, Any]:
    return {"id": operation_id, "type": "subscribe", "payload": {"query": query}}


def connect(client: TestClient, **headers: str) -> Any:
    return client.websocket_connect(
        "/graphql", subprotocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL], headers=headers
    )


def test_graphql_transport_ws_subscription_streams(client: TestClient) -> None:
    with connect(client) as ws:
        assert ws.accepted_subprotocol == GRAPHQL_TRANSPORT_WS_PROTOCOL
        ws.send_json({"type": "connection_init"})
        assert ws.receive_json() == {"type": "connection_ack"}
        ws.send_json(subscribe("1"))

        assert ws.receive_json() == {"id": "1", "type": "next", "payload": {"data": {"ticks": 1}}}


def test_legacy_graphql_ws_subprotocol_is_refused(client: TestClient) -> None:
    with client.websocket_connect("/graphql", subprotocols=[GRAPHQL_WS_PROTOCOL]) as ws:
        assert ws.accepted_subprotocol is None
        ws.send_json({"type": "connection_init"})  # legacy graphql-ws would answer connection_ack
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()

    assert closed.value.code == 4406


def test_graphql_transport_ws_is_chosen_when_both_are_offered(client: TestClient) -> None:
    protocols = [GRAPHQL_WS_PROTOCOL, GRAPHQL_TRANSPORT_WS_PROTOCOL]
    with client.websocket_connect("/graphql", subprotocols=protocols) as ws:
        assert ws.accepted_subprotocol == GRAPHQL_TRANSPORT_WS_PROTOCOL


@pytest.mark.parametrize(
    "headers",
    [{"origin": APP_ORIGIN}, {"origin": "http://testserver"}, {}],
    ids=["configured origin", "same origin", "no origin (not a browser)"],
)
def test_allowed_origins_may_open_a_connection(client: TestClient, headers: dict[str, str]) -> None:
    with connect(client, **headers) as ws:
        ws.send_json({"type": "connection_init"})

        assert ws.receive_json() == {"type": "connection_ack"}


@pytest.mark.parametrize("origin", ["https://evil.example", "http://app.example", "null"])
def test_other_origins_are_refused_before_the_handshake(client: TestClient, origin: str) -> None:
    with pytest.raises(WebSocketDisconnect) as refused, connect(client, origin=origin):
        pass

    assert refused.value.code == 1008  # closed before accept: the handshake gets a 403


def test_subscriptions_per_connection_are_capped(client: TestClient) -> None:
    with connect(client) as ws:
        ws.send_json({"type": "connection_init"})
        ws.receive_json()
        for operation_id in ("1", "2"):
            ws.send_json(subscribe(operation_id))
            assert ws.receive_json()["type"] == "next"

        ws.send_json(subscribe("3"))
        over = ws.receive_json()
        ws.send_json({"id": "1", "type": "complete"})
        ws.send_json(subscribe("4"))
        after_complete = ws.receive_json()

    assert over["id"] == "3"
    assert over["type"] == "error"
    [error] = over["payload"]
    assert error["extensions"]["code"] == "SUBSCRIPTION_LIMIT_EXCEEDED"
    assert "At most 2 subscriptions" in error["message"]
    assert after_complete == {"id": "4", "type": "next", "payload": {"data": {"ticks": 1}}}


@pytest.mark.parametrize(
    "query",
    ["{ ok }", "query Named { ok }", "mutation { anything }"],
)
def test_queries_and_mutations_are_refused_with_a_code_and_nothing_runs(
    client: TestClient, query: str
) -> None:
    with connect(client) as ws:
        ws.send_json({"type": "connection_init"})
        ws.receive_json()
        ws.send_json(subscribe("1", query))
        refused = ws.receive_json()
        ws.send_json(subscribe("2"))  # the connection still serves subscriptions
        after = ws.receive_json()

    assert refused["id"] == "1"
    assert refused["type"] == "error"
    [error] = refused["payload"]
    assert error["extensions"]["code"] == "SUBSCRIPTIONS_ONLY"
    assert "served over HTTP" in error["message"]
    assert after == {"id": "2", "type": "next", "payload": {"data": {"ticks": 1}}}


def test_the_real_schema_refuses_queries_over_websocket_without_a_server_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(database_settings=empty_database(tmp_path))
    with TestClient(app) as client, connect(client) as ws:
        ws.send_json({"type": "connection_init"})
        ws.receive_json()
        ws.send_json(subscribe("1", "{ viewer { role } creditBlocks(first: 1) { totalCount } }"))
        refused = ws.receive_json()

    assert refused["type"] == "error"
    assert refused["payload"][0]["extensions"]["code"] == "SUBSCRIPTIONS_ONLY"
    assert not [r for r in caplog.records if r.levelname in {"ERROR", "CRITICAL"}]
