"""The Starlette app: /graphql (HTTP, WebSocket, GraphiQL), /healthz, GraphiQL's assets, CORS."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, TypedDict

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send
from strawberry import Schema
from strawberry.asgi import GraphQL
from strawberry.schema.base import BaseSchema
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from models.db import (
    Database,
    create_engine,
    create_read_sessionmaker,
    create_write_sessionmaker,
)
from models.settings import DatabaseSettings
from schema.auth import authenticate_request
from schema.budget import Budget, budget_for
from schema.compiled import CompiledReads
from schema.context import Context
from schema.export import ExportEndpoint, ExportSlots
from schema.graphiql import STATIC_DIR, render_graphiql
from schema.http import METHODS, Exchange, HTTPError, execute
from schema.persisted import PersistedQueries, open_persisted_queries
from schema.root import schema
from schema.settings import ApiSettings
from schema.websocket import TransportWSHandler

Sessionmaker = async_sessionmaker[AsyncSession]


class State(TypedDict):
    sessionmaker: Sessionmaker  # for reads
    # Transactions of their own for writes; None: writes are SAVEPOINTs in the read session.
    writes: Sessionmaker | None
    persisted_queries: PersistedQueries
    budget: Budget


class GraphQLView(GraphQL[Context, None]):
    """GraphQL over HTTP (schema.http) with one database session and one authenticated caller
    per request; strawberry's view for WebSockets (graphql-transport-ws only)."""

    graphql_transport_ws_handler_class = TransportWSHandler

    def __init__(
        self, *, settings: ApiSettings, graphiql_html: str | None, schema: BaseSchema = schema
    ) -> None:
        super().__init__(
            schema,
            graphql_ide=None,
            # The legacy graphql-ws protocol is refused (close 4406): it had an auth bypass.
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            allowed_origins=settings.cors_origins,
            max_subscriptions_per_connection=settings.max_subscriptions_per_connection,
        )
        self.settings = settings
        self._graphiql_html = graphiql_html
        self.compiled = CompiledReads(schema) if isinstance(schema, Schema) else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        exchange = Exchange(Request(scope, receive), self.settings)
        try:
            response = await self.respond(exchange)
        except HTTPError as error:
            response = exchange.refuse(error)
        except Exception:  # a bug: logged with the request id, answered without details
            response = exchange.fail()
        await response(scope, receive, send)

    async def respond(self, exchange: Exchange) -> Response:
        if self._graphiql_html and exchange.wants_graphiql():
            return exchange.finish(HTMLResponse(self._graphiql_html))
        payload = await exchange.read()
        state = exchange.request.state
        db = Database(state.sessionmaker, writes=state.writes)
        try:
            viewer = await authenticate_request(db, exchange.request)
            client = exchange.request.client
            results = [
                await execute(
                    self.schema,
                    operation,
                    method=exchange.method,
                    context=Context.for_db(
                        db,
                        viewer,
                        client_address=client.host if client else None,
                        settings=self.settings,
                        budget=state.budget,
                        request_id=exchange.request_id,
                    ),
                    persisted=state.persisted_queries,
                    compiled=self.compiled,
                )
                for operation in payload.operations
            ]
        finally:
            await db.close()
        return exchange.respond(payload, results)


def create_app(
    *,
    api_settings: ApiSettings | None = None,
    database_settings: DatabaseSettings | None = None,
    sessionmaker: Sessionmaker | None = None,
    graphql_schema: BaseSchema = schema,
    budget: Budget | None = None,
    export_slots: ExportSlots | None = None,
) -> Starlette:
    """Build the app; the engine and the budget store are made in the lifespan unless a
    sessionmaker or a budget is injected."""
    api_settings = api_settings or ApiSettings()
    logging.basicConfig(level=api_settings.log_level)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[State]:
        # What exists now (modules, the schema, its types) lives as long as the process: out of
        # the collector's sight, the full collections that busy requests trigger stay short.
        gc.collect()
        gc.freeze()
        store = budget or budget_for(api_settings)
        try:
            async with open_persisted_queries(api_settings) as persisted_queries:
                if sessionmaker is not None:
                    yield State(
                        sessionmaker=sessionmaker,
                        writes=None,
                        persisted_queries=persisted_queries,
                        budget=store,
                    )
                    return
                engine = create_engine(database_settings or DatabaseSettings())
                try:
                    yield State(
                        sessionmaker=create_read_sessionmaker(engine),
                        writes=create_write_sessionmaker(engine),
                        persisted_queries=persisted_queries,
                        budget=store,
                    )
                finally:
                    await engine.dispose()
        finally:
            if budget is None:
                await store.close()

    view = GraphQLView(
        settings=api_settings,
        graphiql_html=render_graphiql() if api_settings.graphiql else None,
        schema=graphql_schema,
    )
    export = ExportEndpoint(settings=api_settings, slots=export_slots or ExportSlots())
    return Starlette(
        routes=[
            # Every method reaches the view, which answers 405 itself, GraphQL-shaped.
            Route("/graphql", view),
            WebSocketRoute("/graphql", view),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/export/{file}", export.__call__, methods=["GET"]),
            Mount("/graphiql", StaticFiles(directory=STATIC_DIR), name="graphiql"),
        ],
        middleware=[
            Middleware(
                CORSMiddleware,
                allow_origins=api_settings.cors_origins,
                allow_methods=METHODS,
                allow_headers=["Authorization", "Content-Type"],
                expose_headers=["X-Request-Id"],
            )
        ],
        lifespan=lifespan,
    )


async def healthz(request: Request) -> JSONResponse:
    """200 when the database answers a trivial query, 503 otherwise."""
    sessionmaker: Sessionmaker = request.state.sessionmaker
    body: dict[str, Any] = {"status": "ok", "database": "ok"}
    try:
        async with sessionmaker() as session:
            connection = await session.connection()
            await connection.execute(sa.text("SELECT 1"))
    except Exception:  # any failure to reach the database means "not healthy", not a 500
        logging.getLogger("pledgegraph.health").exception("database health check failed")
        body = {"status": "unavailable", "database": "unreachable"}
        return JSONResponse(body, status_code=503)
    return JSONResponse(body)
