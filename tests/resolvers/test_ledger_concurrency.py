"""Fifty requests at once against one inventory, one holding and one claim limit: exact totals.

Every request runs as the app runs it (schema/app.py): a read session and a write transaction
of its own on a connection of its own, committed, in a database made for this module. On
PostgreSQL a gate holds every transaction at its first lock (or idempotency key) statement until
all of them got there, so they truly overlap, and a monitor sees some of them wait for a lock.
SQLite serialises writers (BEGIN IMMEDIATE): its requests start together and queue.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import await_only
from sqlmodel import col, select

import models
from models import CreditStatus, RetirementReason
from models.db import (
    Database,
    create_engine,
    create_read_sessionmaker,
    create_sessionmaker,
    create_write_sessionmaker,
)
from models.settings import DatabaseSettings
from resolvers.exchange import cancel_credits, purchase_credits, retire_credits
from resolvers.writes import ProblemCode, Written
from tests.books import assert_books_balance
from tests.exchange_world import ADMIN, LAST_YEAR, issue, make_buyer, make_project, partner
from tests.fixtures.database import BACKENDS, empty_database, migrate

T = TypeVar("T")
CONCURRENCY = 50
LOCK = re.compile(r"FOR NO KEY UPDATE")
KEY_LOOKUP = re.compile(r"FROM idempotency_keys")


@dataclass
class Gate:
    """Holds the first `parties` statements matching `pattern` until all of them arrived."""

    pattern: re.Pattern[str]
    parties: int
    barrier: asyncio.Barrier = field(init=False)
    arrived: int = 0

    def __post_init__(self) -> None:
        self.barrier = asyncio.Barrier(self.parties)

    def before(self, _conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if self.arrived < self.parties and self.pattern.search(statement):
            self.arrived += 1
            # Events run inside SQLAlchemy's greenlet bridge, where a coroutine may be awaited.
            await_only(self.barrier.wait())


@dataclass
class Exchange:
    """The module's database: requests as the app makes them, and committed setup."""

    engine: AsyncEngine

    @property
    def postgresql(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    async def request(self, call: Callable[[Database], Awaitable[T]]) -> T:
        async with create_read_sessionmaker(self.engine)() as session:
            db = Database(session, writes=create_write_sessionmaker(self.engine))
            return await call(db)

    @asynccontextmanager
    async def committed(self) -> AsyncIterator[Database]:
        async with create_sessionmaker(self.engine)() as session:
            yield Database(session)
            await session.commit()

    async def all_at_once(
        self, calls: list[Callable[[Database], Awaitable[Written[T]]]], gate: re.Pattern[str]
    ) -> list[Written[T]]:
        """Runs the calls concurrently; on PostgreSQL proves they overlapped and some waited."""
        if not self.postgresql:
            start = asyncio.Barrier(len(calls))

            async def together(call: Callable[[Database], Awaitable[Written[T]]]) -> Written[T]:
                await start.wait()
                return await self.request(call)

            return list(await asyncio.gather(*(together(call) for call in calls)))
        held = Gate(gate, len(calls))
        most_waiting = [0]
        event.listen(self.engine.sync_engine, "before_cursor_execute", held.before)
        monitor = asyncio.create_task(self.count_lock_waits(most_waiting))
        try:
            results = await asyncio.gather(*(self.request(call) for call in calls))
        finally:
            monitor.cancel()
            event.remove(self.engine.sync_engine, "before_cursor_execute", held.before)
        assert held.arrived == len(calls)  # all transactions were open before any went on
        assert most_waiting[0] >= 1  # and some of them queued for a lock
        return list(results)

    async def count_lock_waits(self, most: list[int]) -> None:
        """Records the most transactions seen waiting for a lock at once, until cancelled."""
        statement = sa.text(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        # Outside a transaction: within one, pg_stat_activity would repeat its first snapshot.
        async with self.engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            while True:
                waiting = int((await connection.execute(statement)).scalar_one())
                most[0] = max(most[0], waiting)
                await asyncio.sleep(0.002)

    async def books_balance(self) -> None:
        async with create_sessionmaker(self.engine)() as session:
            await assert_books_balance(Database(session))

    async def scalar(self, statement: Any) -> int:
        async with self.engine.connect() as connection:
            return int((await connection.execute(statement)).scalar_one() or 0)


@pytest.fixture(scope="module", params=BACKENDS)
async def exchange(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Exchange]:
    """A database of its own, whose rows are committed: the module's tests add to it."""
    backend = str(request.param)
    async with empty_database(backend, tmp_path_factory.mktemp(f"{backend}-ledger")) as url:
        await migrate(url)
        # A connection per concurrent request, and one for the lock monitor.
        engine = create_engine(DatabaseSettings(url=url, pool_size=CONCURRENCY + 5))
        try:
            yield Exchange(engine)
        finally:
            await engine.dispose()


def buy(
    buyer: int, project: int, quantity: int, key: str | None = None
) -> Callable[[Database], Awaitable[Written[models.Purchase]]]:
    values: dict[str, Any] = {"quantity": quantity}
    if key is not None:
        values["idempotency_key"] = key
    return lambda db: purchase_credits(
        db, viewer=partner(buyer), company_id=None, project_id=project, values=values
    )


def retire(
    holder: int, project: int, quantity: int, beneficiary: int
) -> Callable[[Database], Awaitable[Written[models.Retirement]]]:
    values = {
        "quantity": quantity,
        "reason": RetirementReason.RESIDUAL_EMISSIONS,
        "claim_year": LAST_YEAR,
    }
    return lambda db: retire_credits(
        db,
        viewer=partner(holder),
        company_id=None,
        project_id=project,
        beneficiary_id=beneficiary,
        values=values,
    )


def codes(written: Written[Any]) -> tuple[ProblemCode, ...]:
    return tuple(problem.code for problem in written.problems)


async def held_by(exchange: Exchange, company: int, project: int) -> int:
    return await exchange.scalar(
        credits(CreditStatus.HELD, project).where(
            col(models.CreditBlock.owner_company_id) == company
        )
    )


def credits(status: CreditStatus, project: int) -> sa.Select[Any]:
    return (
        sa.select(sa.func.sum(col(models.CreditBlock.quantity)))
        .join(models.Issuance, col(models.Issuance.id) == col(models.CreditBlock.issuance_id))
        .where(col(models.Issuance.project_id) == project, col(models.CreditBlock.status) == status)
    )


async def claimed_by(exchange: Exchange, company: int) -> int:
    return await exchange.scalar(
        sa.select(sa.func.sum(col(models.Retirement.quantity))).where(
            col(models.Retirement.beneficiary_company_id) == company,
            col(models.Retirement.claim_year) == LAST_YEAR,
        )
    )


async def test_fifty_buyers_of_one_inventory_never_oversell(exchange: Exchange) -> None:
    async with exchange.committed() as db:
        buyers = [await make_buyer(db, reported={LAST_YEAR: 10**6}) for _ in range(10)]
        project = await make_project(db)
        assert project.id is not None
        await issue(db, project.id, quantity=300, vintage=2021, prefix="A")
        await issue(db, project.id, quantity=400, vintage=2023, prefix="B")
    quantities = [5 + (i * 7) % 26 for i in range(CONCURRENCY)]  # 875 tonnes asked for 700
    calls = [
        buy(buyers[i % len(buyers)].id or 0, project.id, quantity)
        for i, quantity in enumerate(quantities)
    ]

    results = await exchange.all_at_once(calls, LOCK)

    sold = [r.row.quantity for r in results if r.row is not None]
    refused = [q for q, r in zip(quantities, results, strict=True) if r.row is None]
    available = await exchange.scalar(credits(CreditStatus.AVAILABLE, project.id))
    held = await exchange.scalar(credits(CreditStatus.HELD, project.id))
    assert all(codes(r) == (ProblemCode.INSUFFICIENT_CREDITS,) for r in results if r.row is None)
    assert refused, "more was asked for than there is"
    assert sum(sold) == held == 700 - available
    # The inventory only shrinks: a refusal saw at least what is left now, and it was too little.
    assert all(quantity > available for quantity in refused)
    for buyer in buyers:
        bought = [r.row.quantity for r in results if r.row and r.row.buyer_company_id == buyer.id]
        assert await held_by(exchange, buyer.id or 0, project.id) == sum(bought)
    await exchange.books_balance()


async def test_fifty_retirements_of_the_same_holdings_respect_holdings_and_claims(
    exchange: Exchange,
) -> None:
    limits = (150, 120)  # each holder's reported emissions: its claim limit
    async with exchange.committed() as db:
        project = await make_project(db)
        assert project.id is not None
        await issue(db, project.id, quantity=400, prefix="R")
        holders = [await make_buyer(db, reported={LAST_YEAR: limit}) for limit in limits]
    holder_ids = [holder.id or 0 for holder in holders]
    for holder in holder_ids:
        bought = await exchange.request(buy(holder, project.id, 200))
        assert bought.row is not None
    # Holder i % 2 retires for beneficiary (i // 2) % 2: shared holdings, shared claim limits,
    # and pairs of requests that lock the same two companies from either side.
    plan = [(i % 2, (i // 2) % 2, 5 + i % 11) for i in range(CONCURRENCY)]
    calls = [retire(holder_ids[h], project.id, q, holder_ids[b]) for h, b, q in plan]

    results = await exchange.all_at_once(calls, LOCK)

    retired_by, claimed = Counter[int](), Counter[int]()
    for (h, b, q), result in zip(plan, results, strict=True):
        if result.row is not None:
            retired_by[h] += q
            claimed[b] += q
    for h, holder in enumerate(holder_ids):
        assert claimed[h] == await claimed_by(exchange, holder) <= limits[h]
        assert await held_by(exchange, holder, project.id) == 200 - retired_by[h]
    retired = await exchange.scalar(credits(CreditStatus.RETIRED, project.id))
    assert retired == sum(retired_by.values())  # no serial retired twice, none lost
    left = {h: await held_by(exchange, holder, project.id) for h, holder in enumerate(holder_ids)}
    room = {h: limits[h] - claimed[h] for h in left}
    for (h, b, q), result in zip(plan, results, strict=True):
        if result.row is None:
            # Holdings and claim room only shrink: a refusal saw at least what is left now.
            assert codes(result) in {
                (ProblemCode.INSUFFICIENT_CREDITS,),
                (ProblemCode.CLAIM_EXCEEDS_REPORTED_EMISSIONS,),
            }
            assert q > left[h] or q > room[b]
            if codes(result) == (ProblemCode.INSUFFICIENT_CREDITS,):
                assert q > left[h]
            else:
                assert q > room[b]
    assert min(room.values()) < 5  # the claim limits were reached, not only the holdings
    await exchange.books_balance()


async def test_purchases_retirements_and_cancellations_at_once_keep_the_books(
    exchange: Exchange,
) -> None:
    async with exchange.committed() as db:
        project = await make_project(db)
        assert project.id is not None
        await issue(db, project.id, quantity=500, prefix="M")
        buyers = [await make_buyer(db, reported={LAST_YEAR: 100}) for _ in range(5)]
    buyer_ids = [buyer.id or 0 for buyer in buyers]
    for buyer in buyer_ids:
        assert (await exchange.request(buy(buyer, project.id, 40))).row is not None
    async with exchange.committed() as db:
        blocks = await db.all(
            select(models.CreditBlock)
            .join(models.Issuance)
            .where(
                col(models.Issuance.project_id) == project.id,
                col(models.CreditBlock.status).in_([CreditStatus.AVAILABLE, CreditStatus.HELD]),
            )
            .order_by(col(models.CreditBlock.id))
        )
    calls: list[Callable[[Database], Awaitable[Written[Any]]]] = []
    for i in range(CONCURRENCY):
        buyer = buyer_ids[i % len(buyer_ids)]
        if i % 5 == 4:
            block = blocks[i % len(blocks)]
            calls.append(cancel(block.id, 3))
        elif i % 2:
            calls.append(retire(buyer, project.id, 7, buyer))
        else:
            calls.append(buy(buyer, project.id, 11))

    results = await exchange.all_at_once(calls, LOCK)

    allowed = {
        (),
        (ProblemCode.INSUFFICIENT_CREDITS,),
        (ProblemCode.CLAIM_EXCEEDS_REPORTED_EMISSIONS,),
        (ProblemCode.INVALID_INPUT,),  # a block split by another request meanwhile
    }
    assert {codes(result) for result in results} <= allowed, [r.problems for r in results]
    by_status = {
        status: await exchange.scalar(credits(status, project.id))
        for status in (
            CreditStatus.AVAILABLE,
            CreditStatus.HELD,
            CreditStatus.RETIRED,
            CreditStatus.CANCELLED,
        )
    }
    assert sum(by_status.values()) == 500
    for buyer in buyer_ids:
        assert await claimed_by(exchange, buyer) <= 100
    await exchange.books_balance()


def cancel(
    block_id: int | None, quantity: int
) -> Callable[[Database], Awaitable[Written[models.CreditBlock]]]:
    values = {"quantity": quantity, "note": "registry correction"}
    return lambda db: cancel_credits(db, viewer=ADMIN, block_id=block_id or 0, values=values)


@pytest.mark.parametrize("inputs", ["same", "different"])
async def test_racing_requests_with_one_idempotency_key_buy_once(
    exchange: Exchange, inputs: str
) -> None:
    async with exchange.committed() as db:
        buyer = await make_buyer(db, reported={LAST_YEAR: 10**6})
        project = await make_project(db)
        assert project.id is not None
        assert buyer.id is not None
        await issue(db, project.id, quantity=1000, prefix="I")
    quantities = [10 if inputs == "same" or i % 2 else 11 for i in range(CONCURRENCY)]
    calls = [buy(buyer.id, project.id, q, key="order-1") for q in quantities]

    results = await exchange.all_at_once(calls, KEY_LOOKUP)

    made = [r for r in results if r.row is not None and not r.replayed]
    assert len(made) == 1, [r.problems for r in results]
    first = made[0].row
    assert first is not None
    for quantity, result in zip(quantities, results, strict=True):
        if result is made[0]:
            continue
        if quantity == first.quantity:
            assert result.replayed, result.problems
            assert result.row is not None
            assert result.row.id == first.id
        else:
            assert codes(result) == (ProblemCode.IDEMPOTENCY_KEY_REUSED,)
    purchases = await exchange.scalar(
        sa.select(sa.func.count()).where(col(models.Purchase.buyer_company_id) == buyer.id)
    )
    assert purchases == 1
    assert await held_by(exchange, buyer.id, project.id) == first.quantity
    await exchange.books_balance()
