"""Budgets through the real app: extensions.cost on responses, 429 with Retry-After, Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette

from schema.app import Sessionmaker, create_app
from schema.budget import MemoryBudget
from schema.settings import ApiSettings
from tests.fixtures.clock import Clock
from tests.fixtures.database import StatementCounter
from tests.fixtures.redis import REDIS_URL

PAGE = {"query": "{ products(first: 20) { nodes { title } } }"}  # costs 1 + 20 = 21


@asynccontextmanager
async def serve(
    app: Starlette, client_address: str = "198.51.100.1"
) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan running, called in-process from the given address."""
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app, client=(client_address, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


def small_budget(**options: Any) -> ApiSettings:
    """Settings whose budget holds one PAGE, refilled by a point a second."""
    return ApiSettings(max_cost=30, budget_capacity=30, budget_leak_per_second=1, **options)


async def post(client: httpx.AsyncClient, body: dict[str, Any]) -> httpx.Response:
    return await client.post("/graphql", json=body)


async def test_a_spent_budget_answers_429_with_retry_after_and_runs_nothing(
    sessionmaker: Sessionmaker, statements: StatementCounter
) -> None:
    clock = Clock()
    budget = MemoryBudget(capacity=30, leak_per_second=1, clock=clock)
    app = create_app(sessionmaker=sessionmaker, budget=budget, api_settings=small_budget())

    async with serve(app) as client:
        first = await post(client, PAGE)
        statements.reset()
        refused = await post(client, PAGE)
        refused_statements = statements.count
        clock.now += 12
        later = await post(client, PAGE)

    assert first.status_code == 200
    assert first.json()["extensions"]["cost"] == {
        "requested": 21,
        "actual": 1,
        "maximum": 30,
        "remaining": 9,
        "capacity": 30,
        "leakPerSecond": 1,
    }
    # 21 more on top of 21 is 12 over the capacity of 30: 12 s at a point a second.
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "12"
    body = refused.json()
    assert "data" not in body  # a request error: nothing executed
    [error] = body["errors"]
    assert error["extensions"] == {"code": "RATE_LIMITED", "retryAfter": 12, "requested": 21}
    assert "retry in 12 s" in error["message"]
    assert body["extensions"]["cost"]["remaining"] == 9
    assert refused_statements == 0
    assert later.status_code == 200  # 12 points leaked: 9 + 21 fill the bucket
    assert later.json()["extensions"]["cost"]["remaining"] == 0


async def test_anonymous_callers_are_budgeted_by_address(sessionmaker: Sessionmaker) -> None:
    budget = MemoryBudget(capacity=30, leak_per_second=1, clock=Clock())
    app = create_app(sessionmaker=sessionmaker, budget=budget, api_settings=small_budget())

    async with serve(app, "198.51.100.1") as one, serve(app, "198.51.100.2") as other:
        statuses = [(await post(client, PAGE)).status_code for client in (one, one, other)]

    assert statuses == [200, 429, 200]


async def test_refusals_before_the_budget_are_not_charged(sessionmaker: Sessionmaker) -> None:
    budget = MemoryBudget(capacity=30, leak_per_second=1, clock=Clock())
    app = create_app(sessionmaker=sessionmaker, budget=budget, api_settings=small_budget())
    too_costly = {"query": "{ products(first: 40) { nodes { title } } }"}

    async with serve(app) as client:
        invalid = await post(client, {"query": "{ noSuchField }"})
        over = await post(client, too_costly)

    # Request errors under application/graphql-response+json (what httpx's */* gets): 400.
    assert invalid.status_code == 400
    assert invalid.json()["extensions"]["cost"]["requested"] is None
    assert invalid.json()["extensions"]["cost"]["remaining"] == 30
    assert over.status_code == 400  # the maximum per request is not a rate limit
    assert "Retry-After" not in over.headers
    assert [e["extensions"]["code"] for e in over.json()["errors"]] == ["MAX_COST_EXCEEDED"]
    assert over.json()["extensions"]["cost"]["remaining"] == 30


async def test_workers_on_one_redis_share_one_budget(
    sessionmaker: Sessionmaker, redis_prefix: str
) -> None:
    def worker(prefix: str) -> Starlette:
        settings = small_budget(redis_url=REDIS_URL, redis_key_prefix=prefix)
        return create_app(sessionmaker=sessionmaker, api_settings=settings)

    async with (
        serve(worker(redis_prefix)) as first,
        serve(worker(redis_prefix)) as second,
        serve(worker(redis_prefix + "other:")) as elsewhere,
    ):
        charged = await post(first, PAGE)
        refused = await post(second, PAGE)
        separate = await post(elsewhere, PAGE)

    assert charged.status_code == 200
    assert refused.status_code == 429
    # The second worker saw the first one's charge: about 12 s to wait (less as time passes).
    assert 1 <= int(refused.headers["Retry-After"]) <= 12
    assert separate.status_code == 200
