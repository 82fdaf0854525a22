"""Leaky-bucket budgets: the same behaviour in process and in Redis, on an injected clock."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable

import pytest
from redis.asyncio import Redis

from schema.budget import Budget, Charge, MemoryBudget, RedisBudget
from tests.fixtures.clock import Clock
from tests.fixtures.redis import REDIS_URL, connect, unique_prefix

MakeBudget = Callable[[Clock], Budget]


@pytest.fixture
def clock() -> Clock:
    return Clock(1_000_000.0)


@pytest.fixture(params=["memory", "redis"])
async def make_budget(request: pytest.FixtureRequest) -> AsyncIterator[MakeBudget]:
    """Budgets of capacity 100 leaking 10 points a second, all in one store."""
    if request.param == "memory":
        yield lambda clock: MemoryBudget(capacity=100, leak_per_second=10, clock=clock)
        return
    redis = await connect()
    made: list[Budget] = []

    def make(clock: Clock) -> Budget:
        made.append(
            RedisBudget(
                Redis.from_url(REDIS_URL),
                prefix=prefix,
                capacity=100,
                leak_per_second=10,
                clock=clock,
            )
        )
        return made[-1]

    try:
        async with unique_prefix(redis) as prefix:
            yield make
            for budget in made:
                await budget.close()
    finally:
        await redis.aclose()


async def test_a_charge_that_fits_is_taken(make_budget: MakeBudget, clock: Clock) -> None:
    budget = make_budget(clock)

    assert await budget.charge("ip:a", 60) == Charge(allowed=True, remaining=40, retry_after=0)
    assert await budget.charge("ip:a", 40) == Charge(allowed=True, remaining=0, retry_after=0)


async def test_a_charge_that_overflows_is_refused_with_the_wait(
    make_budget: MakeBudget, clock: Clock
) -> None:
    budget = make_budget(clock)
    await budget.charge("ip:a", 60)

    refused = await budget.charge("ip:a", 60)

    # 60 + 60 is 20 over the capacity: two seconds at 10 points a second.
    assert refused == Charge(allowed=False, remaining=40, retry_after=2)
    # A refusal takes nothing.
    assert await budget.charge("ip:a", 40) == Charge(allowed=True, remaining=0, retry_after=0)


async def test_the_bucket_leaks_over_time(make_budget: MakeBudget, clock: Clock) -> None:
    budget = make_budget(clock)
    await budget.charge("ip:a", 100)

    clock.advance(1.5)  # 15 points leaked: 85 in the bucket
    assert await budget.charge("ip:a", 20) == Charge(allowed=False, remaining=15, retry_after=1)

    clock.advance(0.5)  # 20 leaked in all
    assert await budget.charge("ip:a", 20) == Charge(allowed=True, remaining=0, retry_after=0)

    clock.advance(3600)  # empty, never below
    assert await budget.charge("ip:a", 0) == Charge(allowed=True, remaining=100, retry_after=0)


async def test_the_wait_is_rounded_up_to_whole_seconds(
    make_budget: MakeBudget, clock: Clock
) -> None:
    budget = make_budget(clock)
    await budget.charge("ip:a", 95)

    refused = await budget.charge("ip:a", 6)  # 1 point over: a tenth of a second

    assert refused == Charge(allowed=False, remaining=5, retry_after=1)


async def test_callers_have_buckets_of_their_own(make_budget: MakeBudget, clock: Clock) -> None:
    budget = make_budget(clock)
    await budget.charge("ip:a", 100)

    assert await budget.charge("ip:b", 100) == Charge(allowed=True, remaining=0, retry_after=0)
    assert await budget.charge("key:1", 0) == Charge(allowed=True, remaining=100, retry_after=0)
    assert await budget.charge("ip:a", 1) == Charge(allowed=False, remaining=0, retry_after=1)


async def test_redis_budgets_with_one_prefix_share_each_callers_bucket(
    redis_prefix: str, clock: Clock
) -> None:
    # Two workers: two clients, one Redis, one prefix.
    first, second = (
        RedisBudget(
            Redis.from_url(REDIS_URL),
            prefix=redis_prefix,
            capacity=100,
            leak_per_second=10,
            clock=clock,
        )
        for _ in range(2)
    )
    try:
        await first.charge("key:7", 70)

        assert await second.charge("key:7", 40) == Charge(
            allowed=False, remaining=30, retry_after=1
        )
        assert await second.charge("key:7", 30) == Charge(allowed=True, remaining=0, retry_after=0)
        assert await first.charge("key:7", 1) == Charge(allowed=False, remaining=0, retry_after=1)
    finally:
        await first.close()
        await second.close()


async def test_a_redis_bucket_expires_once_drained(
    redis: Redis, redis_prefix: str, clock: Clock
) -> None:
    budget = RedisBudget(
        Redis.from_url(REDIS_URL),
        prefix=redis_prefix,
        capacity=100,
        leak_per_second=10,
        clock=clock,
    )
    try:
        await budget.charge("ip:a", 45)
    finally:
        await budget.close()

    # 45 points drain in 4.5 s: the key lives at most a second longer.
    assert 1 <= await redis.ttl(redis_prefix + "ip:a") <= 6


async def test_an_unreachable_redis_leaves_operations_unmetered(
    clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    client = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    budget = RedisBudget(client, prefix="unused:", capacity=100, leak_per_second=10, clock=clock)
    try:
        with caplog.at_level(logging.ERROR, logger="pledgegraph.budget"):
            assert await budget.charge("ip:a", 10) is None
    finally:
        await budget.close()

    assert [r.getMessage() for r in caplog.records if r.name == "pledgegraph.budget"] == [
        "budget store unavailable; operation not metered"
    ]


async def test_drained_buckets_are_forgotten(clock: Clock) -> None:
    budget = MemoryBudget(capacity=100, leak_per_second=10, clock=clock)
    for n in range(3000):
        await budget.charge(f"ip:{n}", 10)
    clock.advance(1)  # every bucket has drained

    for n in range(3000, 4100):
        await budget.charge(f"ip:{n}", 10)

    assert len(budget._buckets) < 3000
