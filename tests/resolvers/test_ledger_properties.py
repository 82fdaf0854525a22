"""The ledger against a model: any sequence of issues, purchases, retirements and cancellations."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

import models
from models import CreditStatus, RetirementReason
from models.db import Database, create_engine
from models.settings import DatabaseSettings
from resolvers.exchange import cancel_credits, purchase_credits, record_issuance, retire_credits
from resolvers.writes import ProblemCode, Written
from tests.books import assert_books_balance
from tests.exchange_world import ADMIN, LAST_YEAR, PRICE_CENTS, make_buyer, make_project, partner

T = TypeVar("T")
VINTAGES = (2021, 2022, 2023)
KEYS = ("key-1", "key-2")
# Tonnes each company publicly reported per year: the claim limits retirements run into. The
# last company lacks the buyer commitment (ineligible) but may still be named a beneficiary.
REPORTED: tuple[dict[int, int], ...] = (
    {LAST_YEAR: 40},
    {LAST_YEAR: 150, LAST_YEAR - 1: 30},
    {LAST_YEAR: 1_000_000},
    {LAST_YEAR: 80},
)
INELIGIBLE = len(REPORTED) - 1
PROJECTS_ON_OFFER = (True, True, False)
# Mostly what can succeed, sometimes what must not: too many credits, the wrong company, a
# project not on offer (most refusals change nothing; successes make the later states).
COMPANY = st.sampled_from((0, 1, 2, 0, 1, 2, INELIGIBLE))
PROJECT = st.sampled_from((0, 1, 0, 1, 2))
QUANTITY = st.integers(1, 25) | st.integers(0, 150)
VINTAGE = st.none() | st.none() | st.sampled_from(VINTAGES)
KEY = st.none() | st.sampled_from(KEYS)
# Few examples of few steps keep the suite fast; every step is checked against the whole books.
SETTINGS = {
    "sqlite": settings(
        max_examples=20,
        stateful_step_count=20,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    ),
    "postgresql": settings(
        max_examples=12,
        stateful_step_count=20,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    ),
}
Blocks = Counter[tuple[CreditStatus, int | None, int, int]]  # status, owner, project, vintage


@dataclass
class Model:
    """What the books must hold: credits by status, owner, project and vintage, and claims."""

    blocks: Blocks = field(default_factory=Counter)
    claimed: Counter[tuple[int, int]] = field(default_factory=Counter)  # beneficiary, year
    keys: dict[tuple[int, str], tuple[tuple[Any, ...], int]] = field(default_factory=dict)
    rows: Counter[str] = field(default_factory=Counter)  # issuances, purchases, retirements

    def count(
        self, status: CreditStatus, owner: int | None, project: int, vintage: int | None
    ) -> int:
        return sum(
            quantity
            for (s, o, p, v), quantity in self.blocks.items()
            if (s, o, p) == (status, owner, project) and vintage in (None, v)
        )

    def move(
        self,
        source: tuple[CreditStatus, int | None, int],
        target: tuple[CreditStatus, int | None],
        vintage: int | None,
        quantity: int,
    ) -> set[int]:
        """Moves `quantity` credits oldest vintage first, as the exchange allocates them;
        returns the vintages they came from."""
        status, owner, project = source
        vintages = set()
        for v in sorted({v for (s, o, p, v) in self.blocks if (s, o, p) == source}):
            if vintage not in (None, v) or quantity == 0:
                continue
            moved = min(quantity, self.blocks[(status, owner, project, v)])
            if moved:
                self.blocks[(status, owner, project, v)] -= moved
                self.blocks[(*target, project, v)] += moved
                vintages.add(v)
                quantity -= moved
        assert quantity == 0
        self.blocks = +self.blocks  # drop zero counts, as the database has no empty groups
        return vintages

    def claim_room(self, company: int, year: int) -> int:
        return max(0, REPORTED[company].get(year, 0) - self.claimed[(company, year)])


@dataclass(frozen=True)
class Observed:
    """The books as the database holds them, in the model's terms."""

    blocks: Blocks
    claimed: Counter[tuple[int, int]]
    rows: Counter[str]  # row counts of every ledger table


async def observe(db: Database, companies: list[int], projects: list[int]) -> Observed:
    company_index = {company_id: i for i, company_id in enumerate(companies)}
    project_index = {project_id: i for i, project_id in enumerate(projects)}
    grouped = await db.rows(
        sa.select(
            col(models.CreditBlock.status),
            col(models.CreditBlock.owner_company_id),
            col(models.Issuance.project_id),
            col(models.Issuance.vintage),
            sa.func.sum(col(models.CreditBlock.quantity)),
        )
        .join(models.Issuance, col(models.Issuance.id) == col(models.CreditBlock.issuance_id))
        .where(
            col(models.CreditBlock.status) != CreditStatus.SPLIT,
            col(models.Issuance.project_id).in_(projects),
        )
        .group_by(
            col(models.CreditBlock.status),
            col(models.CreditBlock.owner_company_id),
            col(models.Issuance.project_id),
            col(models.Issuance.vintage),
        )
    )
    blocks: Blocks = Counter()
    for status, owner, project, vintage, quantity in grouped:
        key = (status, company_index.get(owner), project_index[project], vintage)
        blocks[key] += int(quantity)
    claims = await db.rows(
        sa.select(
            col(models.Retirement.beneficiary_company_id),
            col(models.Retirement.claim_year),
            sa.func.sum(col(models.Retirement.quantity)),
        )
        .where(col(models.Retirement.beneficiary_company_id).in_(companies))
        .group_by(col(models.Retirement.beneficiary_company_id), col(models.Retirement.claim_year))
    )
    claimed = Counter({(company_index[c], year): int(q) for c, year, q in claims})
    tables = {
        "issuances": models.Issuance,
        "blocks": models.CreditBlock,
        "purchases": models.Purchase,
        "retirements": models.Retirement,
        "events": models.LedgerEvent,
        "keys": models.IdempotencyKey,
    }
    [counts] = await db.rows(
        sa.select(
            *(sa.select(sa.func.count()).select_from(t).scalar_subquery() for t in tables.values())
        )
    )
    rows = Counter(dict(zip(tables, map(int, counts), strict=True)))
    return Observed(blocks, claimed, rows)


def codes(written: Written[Any]) -> set[ProblemCode]:
    return {problem.code for problem in written.problems}


class Ledger(RuleBasedStateMachine):
    """One example: companies and projects in a transaction rolled back at the end.

    Hypothesis runs state machines synchronously, and in a synchronous test pytest-asyncio's
    loop is not running, so the machine drives a loop of its own (made by the test, like the
    engine on it): each rule runs its coroutine to completion on that loop. A rolled-back
    transaction per example, as the `db` fixture uses, isolates examples on both databases
    without migrating a database per example.
    """

    # (company, project) pairs that bought credits: retirements draw from these mostly, so
    # that they often succeed, split held blocks and reach the claim limits.
    holdings = Bundle("holdings")

    def __init__(self, engine: AsyncEngine, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self.loop = loop
        self.connection: AsyncConnection = self.run(engine.connect())
        self.run(self.connection.begin())
        self.session = AsyncSession(
            bind=self.connection,
            join_transaction_mode="create_savepoint",
            expire_on_commit=False,
        )
        self.db = Database(self.session)
        self.companies: list[int] = []
        self.projects: list[int] = []
        self.run(self.make_world())
        self.model = Model()
        self.prefixes: dict[int, list[str]] = {}
        # Rows committed by other tests, if any: the model counts this example's rows only.
        self.last = self.base = self.run(observe(self.db, self.companies, self.projects))

    def run(self, awaitable: Awaitable[T]) -> T:
        return self.loop.run_until_complete(awaitable)

    async def make_world(self) -> None:
        for i, reported in enumerate(REPORTED):
            company = await make_buyer(self.db, reported=reported, eligible=i != INELIGIBLE)
            assert company.id is not None
            self.companies.append(company.id)
        for on_offer in PROJECTS_ON_OFFER:
            project = await make_project(self.db, on_offer=on_offer)
            assert project.id is not None
            self.projects.append(project.id)

    def teardown(self) -> None:
        try:
            self.run(self.session.close())
        finally:
            self.run(self.connection.close())  # rolls the example back, also after a failure

    def refused(self, written: Written[Any], expected: set[ProblemCode]) -> None:
        """The write was refused for exactly the expected reasons and changed nothing."""
        assert written.row is None
        assert codes(written) == expected, written.problems
        assert self.run(observe(self.db, self.companies, self.projects)) == self.last

    @initialize()
    def stock(self) -> None:
        """Inventory to trade from the first step on; rules add more."""
        for project, vintage, total in ((0, 2021, 30), (0, 2023, 50), (1, 2022, 40)):
            self.record(
                project=project,
                vintage=vintage,
                total=total,
                buffer=0,
                serial_start=1000 * vintage,
                reuse_prefix=False,
            )

    @rule(
        project=PROJECT,
        vintage=st.sampled_from(VINTAGES),
        total=st.integers(1, 60),
        buffer=st.integers(0, 8),
        serial_start=st.integers(0, 10**6),
        reuse_prefix=st.booleans(),
    )
    def record(
        self,
        *,
        project: int,
        vintage: int,
        total: int,
        buffer: int,
        serial_start: int,
        reuse_prefix: bool,
    ) -> None:
        used = self.prefixes.setdefault(project, [])
        prefix = used[0] if reuse_prefix and used else f"P{project}-{len(used)}"
        written = self.run(
            record_issuance(
                self.db,
                viewer=ADMIN,
                project_id=self.projects[project],
                values={
                    "vintage": vintage,
                    "issued_on": date(2024, 3, 1),
                    "total_quantity": total,
                    "buffer_quantity": buffer,
                    "serial_prefix": prefix,
                    "serial_start": serial_start,
                },
            )
        )
        if buffer >= total:
            self.refused(written, {ProblemCode.INVALID_INPUT})
        elif prefix in used:
            self.refused(written, {ProblemCode.ALREADY_EXISTS})
        else:
            assert written.row is not None, written.problems
            assert written.row.issued_quantity == total - buffer
            used.append(prefix)
            self.model.blocks[(CreditStatus.AVAILABLE, None, project, vintage)] += total - buffer
            self.model.rows["issuances"] += 1

    @rule(
        target=holdings,
        buyer=COMPANY,
        project=PROJECT,
        quantity=QUANTITY,
        vintage=VINTAGE,
        key=KEY,
    )
    def purchase(
        self, buyer: int, project: int, quantity: int, vintage: int | None, key: str | None
    ) -> Any:
        written = self.run(
            purchase_credits(
                self.db,
                viewer=partner(self.companies[buyer]),
                company_id=None,
                project_id=self.projects[project],
                values={"quantity": quantity, "vintage": vintage, "idempotency_key": key},
            )
        )
        request = ("purchase", project, quantity, vintage)
        if quantity < 1:
            self.refused(written, {ProblemCode.INVALID_INPUT})
            return multiple()
        if self.replayed(written, buyer, key, request):
            return multiple()
        expected = set()
        if buyer == INELIGIBLE:
            expected.add(ProblemCode.INELIGIBLE_BUYER)
        if not PROJECTS_ON_OFFER[project]:
            expected.add(ProblemCode.NOT_FOR_SALE)
        if (
            not expected
            and self.model.count(CreditStatus.AVAILABLE, None, project, vintage) < quantity
        ):
            expected.add(ProblemCode.INSUFFICIENT_CREDITS)
        if expected:
            self.refused(written, expected)
            return multiple()
        purchase = written.row
        assert purchase is not None, written.problems
        assert purchase.id is not None
        assert not written.replayed
        vintages = self.model.move(
            (CreditStatus.AVAILABLE, None, project), (CreditStatus.HELD, buyer), vintage, quantity
        )
        assert purchase.buyer_company_id == self.companies[buyer]
        assert purchase.quantity == quantity
        assert purchase.vintage == (vintages.pop() if len(vintages) == 1 else None)
        assert purchase.unit_price_cents == PRICE_CENTS
        assert purchase.total_price_cents == quantity * PRICE_CENTS
        self.model.rows["purchases"] += 1
        self.remember(buyer, key, request, purchase.id)
        return (buyer, project)

    @rule(
        holding=holdings | st.tuples(COMPANY, PROJECT),
        quantity=st.integers(1, 10) | QUANTITY,
        vintage=VINTAGE,
        beneficiary=st.none() | COMPANY,
        year=st.sampled_from((LAST_YEAR, LAST_YEAR, LAST_YEAR - 1)),
        reason=st.sampled_from(RetirementReason),
        key=KEY,
    )
    def retire(
        self,
        *,
        holding: tuple[int, int],
        quantity: int,
        vintage: int | None,
        beneficiary: int | None,
        year: int,
        reason: RetirementReason,
        key: str | None,
    ) -> None:
        holder, project = holding
        written = self.run(
            retire_credits(
                self.db,
                viewer=partner(self.companies[holder]),
                company_id=None,
                project_id=self.projects[project],
                beneficiary_id=None if beneficiary is None else self.companies[beneficiary],
                values={
                    "quantity": quantity,
                    "vintage": vintage,
                    "reason": reason,
                    "claim_year": year,
                    "idempotency_key": key,
                },
            )
        )
        claimant = holder if beneficiary is None else beneficiary
        request = ("retirement", project, claimant, quantity, vintage, reason, year)
        if quantity < 1:
            self.refused(written, {ProblemCode.INVALID_INPUT})
            return
        if self.replayed(written, holder, key, request):
            return
        if self.model.count(CreditStatus.HELD, holder, project, vintage) < quantity:
            self.refused(written, {ProblemCode.INSUFFICIENT_CREDITS})
            return
        if self.model.claim_room(claimant, year) < quantity:
            self.refused(written, {ProblemCode.CLAIM_EXCEEDS_REPORTED_EMISSIONS})
            return
        retirement = written.row
        assert retirement is not None, written.problems
        assert retirement.id is not None
        assert not written.replayed
        assert retirement.quantity == quantity
        assert retirement.beneficiary_company_id == self.companies[claimant]
        assert retirement.retired_by_company_id == self.companies[holder]
        assert (retirement.claim_year, retirement.reason) == (year, reason)
        self.model.move(
            (CreditStatus.HELD, holder, project), (CreditStatus.RETIRED, holder), vintage, quantity
        )
        self.model.claimed[(claimant, year)] += quantity
        self.model.rows["retirements"] += 1
        self.remember(holder, key, request, retirement.id)

    @rule(
        selector=st.integers(0, 10**6),
        live=st.sampled_from((True, True, False)),
        quantity=st.none() | st.integers(1, 40),
    )
    def cancel(self, selector: int, live: bool, quantity: int | None) -> None:
        """Cancels a block, mostly a live one (retired, cancelled and split ones are refused)."""
        # Plain columns, not the rows: the session's rows change as the cancellation runs.
        found = self.run(self.db.rows(self.blocks_before()))
        live_ones = [row for row in found if row[1] in {CreditStatus.AVAILABLE, CreditStatus.HELD}]
        found = live_ones if live and live_ones else found
        block_id, status, owner_id, size, serial_start, project, vintage = found[
            selector % len(found)
        ]
        written = self.run(
            cancel_credits(
                self.db,
                viewer=ADMIN,
                block_id=block_id,
                values={"quantity": quantity, "note": "registry correction"},
            )
        )
        final = {
            CreditStatus.RETIRED: ProblemCode.ALREADY_RETIRED,
            CreditStatus.CANCELLED: ProblemCode.ALREADY_CANCELLED,
            CreditStatus.SPLIT: ProblemCode.INVALID_INPUT,
        }
        if status in final:
            self.refused(written, {final[status]})
            return
        if quantity is not None and quantity > size:
            self.refused(written, {ProblemCode.INSUFFICIENT_CREDITS})
            return
        cancelled = written.row
        assert cancelled is not None, written.problems
        assert cancelled.status is CreditStatus.CANCELLED
        assert cancelled.quantity == (quantity or size)
        assert cancelled.serial_start == serial_start
        owner = None if owner_id is None else self.companies.index(owner_id)
        source = (status, owner, self.projects.index(project))
        self.model.move(source, (CreditStatus.CANCELLED, owner), vintage, cancelled.quantity)

    def blocks_before(self) -> sa.Select[int | None, CreditStatus, int | None, int, int, int, int]:
        block = models.CreditBlock
        return (
            sa.select(
                col(block.id),
                col(block.status),
                col(block.owner_company_id),
                col(block.quantity),
                col(block.serial_start),
                col(models.Issuance.project_id),
                col(models.Issuance.vintage),
            )
            .join(models.Issuance, col(models.Issuance.id) == col(block.issuance_id))
            .where(col(models.Issuance.project_id).in_(self.projects))
            .order_by(col(block.id))
        )

    def replayed(
        self, written: Written[Any], company: int, key: str | None, request: tuple[Any, ...]
    ) -> bool:
        """True if the key was used before: the first result replayed, or the reuse refused."""
        if key is None or (company, key) not in self.model.keys:
            return False
        first_request, first_id = self.model.keys[(company, key)]
        if first_request != request:
            self.refused(written, {ProblemCode.IDEMPOTENCY_KEY_REUSED})
            return True
        assert written.replayed, written.problems
        assert written.row is not None
        assert written.row.id == first_id
        assert self.run(observe(self.db, self.companies, self.projects)) == self.last
        return True

    def remember(
        self, company: int, key: str | None, request: tuple[Any, ...], row_id: int
    ) -> None:
        if key is not None:
            self.model.keys[(company, key)] = (request, row_id)

    @invariant()
    def the_books_balance_and_match_the_model(self) -> None:
        self.run(assert_books_balance(self.db))
        observed = self.run(observe(self.db, self.companies, self.projects))
        assert observed.blocks == self.model.blocks
        assert observed.claimed == +self.model.claimed
        made = observed.rows - self.base.rows
        for table in ("issuances", "purchases", "retirements"):
            assert made[table] == self.model.rows[table], table
        assert made["keys"] == len(self.model.keys)
        self.last = observed


def test_the_books_balance_after_any_sequence_of_operations(
    backend: str, database_url: str
) -> None:
    loop = asyncio.new_event_loop()
    engine = create_engine(DatabaseSettings(url=database_url))
    try:

        class OnThisDatabase(Ledger):
            def __init__(self) -> None:
                super().__init__(engine, loop)

        run_state_machine_as_test(OnThisDatabase, settings=SETTINGS[backend])
    finally:
        loop.run_until_complete(engine.dispose())
        loop.close()
