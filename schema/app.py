"""The Starlette app: /graphql (POST, GET, GraphiQL), /healthz and GraphiQL's pinned assets."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, TypedDict

import sqlalchemy as sa
from cross_web import HTTPException
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from models.db import Database, create_engine, create_sessionmaker
from models.settings import DatabaseSettings
from schema.auth import authenticate_request
from schema.context import Context
from schema.graphiql import STATIC_DIR, render_graphiql
from schema.root import schema
from schema.settings import ApiSettings

Sessionmaker = async_sessionmaker[AsyncSession]


class State(TypedDict):
    sessionmaker: Sessionmaker


class GraphQLView(GraphQL[Context, None]):
    """Strawberry's ASGI view: one database session and one authenticated caller per request."""

    def __init__(self, *, graphiql_html: str | None) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if graphiql_html else None,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        )
        self._graphiql_html = graphiql_html

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        sessionmaker: Sessionmaker = scope["state"]["sessionmaker"]
        async with sessionmaker() as session:
            db = Database(session)
            request = Request(scope, receive)
            try:
                caller = await authenticate_request(db, request)
                if isinstance(caller, Response):
                    response = caller
                else:
                    response = await self.run(request, context=Context.for_db(db, caller))
            except HTTPException as error:  # strawberry's: bad method, content type or body
                response = PlainTextResponse(error.reason, status_code=error.status_code)
            finally:
                await db.close()
        await response(scope, receive, send)

    async def render_graphql_ide(self, request: Request) -> Response:
        assert self._graphiql_html is not None
        return HTMLResponse(self._graphiql_html)


def create_app(
    *,
    api_settings: ApiSettings | None = None,
    database_settings: DatabaseSettings | None = None,
    sessionmaker: Sessionmaker | None = None,
) -> Starlette:
    """Build the app; the engine is made in the lifespan unless a sessionmaker is injected."""
    api_settings = api_settings or ApiSettings()
    logging.basicConfig(level=api_settings.log_level)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[State]:
        if sessionmaker is not None:
            yield {"sessionmaker": sessionmaker}
            return
        engine = create_engine(database_settings or DatabaseSettings())
        try:
            yield {"sessionmaker": create_sessionmaker(engine)}
        finally:
            await engine.dispose()

    view = GraphQLView(graphiql_html=render_graphiql() if api_settings.graphiql else None)
    return Starlette(
        routes=[
            Route("/graphql", view, methods=["GET", "POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Mount("/graphiql", StaticFiles(directory=STATIC_DIR), name="graphiql"),
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
