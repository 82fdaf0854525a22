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
from strawberry.http import GraphQLHTTPResponse
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from models.db import Database, create_engine, create_sessionmaker
from models.settings import DatabaseSettings
from schema.budget import Budget, budget_for
from schema.context import Context
from schema.graphiql import STATIC_DIR, render_graphiql
from schema.limits import retry_after
from schema.root import schema
from schema.settings import ApiSettings

Sessionmaker = async_sessionmaker[AsyncSession]


class State(TypedDict):
    sessionmaker: Sessionmaker
    budget: Budget


class GraphQLView(GraphQL[Context, None]):
    """Strawberry's ASGI view with one database session per HTTP request."""

    def __init__(self, *, graphiql_html: str | None, settings: ApiSettings) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if graphiql_html else None,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        )
        self._graphiql_html = graphiql_html
        self._settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        sessionmaker: Sessionmaker = scope["state"]["sessionmaker"]
        request = Request(scope, receive)
        async with sessionmaker() as session:
            db = Database(session)
            context = Context.for_db(
                db,
                client_address=request.client.host if request.client else None,
                settings=self._settings,
                budget=scope["state"]["budget"],
            )
            try:
                response = await self.run(request, context=context)
            except HTTPException as error:  # strawberry's: bad method, content type or body
                response = PlainTextResponse(error.reason, status_code=error.status_code)
            finally:
                await db.close()
        await response(scope, receive, send)

    async def render_graphql_ide(self, request: Request) -> Response:
        assert self._graphiql_html is not None
        return HTMLResponse(self._graphiql_html)

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        """Strawberry's response; 429 with Retry-After when the caller's budget refused."""
        response = super().create_response(response_data, sub_response)
        if (seconds := retry_after(response_data)) is not None:
            response.status_code = 429
            response.headers["Retry-After"] = str(seconds)
        return response


def create_app(
    *,
    api_settings: ApiSettings | None = None,
    database_settings: DatabaseSettings | None = None,
    sessionmaker: Sessionmaker | None = None,
    budget: Budget | None = None,
) -> Starlette:
    """Build the app; the engine and the budget store are made in the lifespan unless a
    sessionmaker or a budget is injected."""
    settings = api_settings or ApiSettings()
    logging.basicConfig(level=settings.log_level)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[State]:
        store = budget or budget_for(settings)
        try:
            if sessionmaker is not None:
                yield {"sessionmaker": sessionmaker, "budget": store}
                return
            engine = create_engine(database_settings or DatabaseSettings())
            try:
                yield {"sessionmaker": create_sessionmaker(engine), "budget": store}
            finally:
                await engine.dispose()
        finally:
            if budget is None:
                await store.close()

    view = GraphQLView(
        graphiql_html=render_graphiql() if settings.graphiql else None, settings=settings
    )
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
