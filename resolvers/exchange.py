"""The credit exchange's writes, kept as a registry keeps its books: issue, buy, retire, cancel.

Every operation is one transaction that writes one ledger event per change to a block:
ISSUED for a new issuance's block, SPLIT when a block is cut in two (its parts keep the
lineage), PURCHASED, RETIRED or CANCELLED for the part that changes hands or ends. The database
guards what it can (migration 0005): live blocks of an issuance never overlap, and retired,
cancelled and split blocks are final.

Concurrency: row locks, taken before the rows they protect are read. Every change to a
project's inventory (purchase, issuance, cancellation) first locks the project's row, and every
change to a company's holdings or claims (retirement, cancellation of held credits) first locks
the company's row (FOR NO KEY UPDATE, which does not block inserts referring to it). Under READ
COMMITTED each later statement then sees every earlier writer's committed work, so two requests
can neither sell the same credits nor retire past a claim limit. Locks rather than SERIALIZABLE
with retries: fifty buyers of one project conflict by design, and retrying them all wastes
work and starves some, while a lock queues them in order. Locks are always taken projects
first, then companies in id order, so no two operations wait on each other in a cycle. SQLite
serialises writers anyway (its write transactions take the lock at BEGIN, see models.db).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import SQLModel, col, select

from models import (
    EXCHANGE_CURRENCY,
    CarbonProject,
    Company,
    CreditBlock,
    CreditStatus,
    EmissionsReport,
    IdempotencyKey,
    IdempotentOperation,
    Issuance,
    LedgerEvent,
    LedgerEventKind,
    ProjectStatus,
    Provenance,
    Purchase,
    Retirement,
    RetirementReason,
)
from models.db import Database

from .eligibility import credit_eligibility
from .viewer import Viewer, acting_company, require_admin
from .writes import (
    Check,
    Conflict,
    Invalid,
    Problem,
    ProblemCode,
    Refused,
    Written,
    at,
    cents,
    check_values,
    company_problem,
    member,
    optional,
    text,
    today,
    url,
    whole,
    write,
)

T = TypeVar("T", bound=SQLModel)

MAX_CREDITS = 1_000_000_000  # per operation; more than any registry has issued in one batch
MAX_SERIAL = 10**15  # serial numbers are BIGINT; real ones have at most 12 digits
FIRST_VINTAGE = 1990
_LIVE = (CreditStatus.AVAILABLE, CreditStatus.HELD)


class _Replay(Exception):
    """Raised inside an idempotent write to end it: the key was claimed by an earlier request.

    Carries a copy of the key's row: the transaction's rows are expired when it ends, and the
    stored result is read after it, on the request's own session, so it stays readable.
    """

    def __init__(self, first: IdempotencyKey) -> None:
        super().__init__("replay")
        self.first = IdempotencyKey(**first.model_dump())


_KEY_TAKEN = Problem(None, "An identical request is being processed; it will be replayed.")
_KEY_CONFLICT = Conflict(
    "uq_idempotency_keys_company_id_key",
    "idempotency_keys.company_id, idempotency_keys.key",
    _KEY_TAKEN,
)


@dataclass(frozen=True)
class Idempotency:
    """A client's idempotency key for one operation, with the input it promises to repeat."""

    company_id: int
    key: str
    operation: IdempotentOperation
    request_hash: str

    @classmethod
    def of(
        cls, company_id: int, key: str, operation: IdempotentOperation, request: Mapping[str, Any]
    ) -> Idempotency:
        # A field left out and a field sent as null are the same input.
        given = {name: value for name, value in request.items() if value is not None}
        canonical = json.dumps(
            {"operation": operation.value, "input": given}, sort_keys=True, default=str
        )
        digest = hashlib.sha256(canonical.encode()).hexdigest()
        return cls(company_id, key, operation, digest)


async def _idempotent(
    db: Database,
    idempotency: Idempotency | None,
    work: Callable[[], Awaitable[T]],
    stored: Callable[[IdempotencyKey], Awaitable[T | None]],
) -> Written[T]:
    """Run `work` once per idempotency key: a retry replays the first result, even a racing one.

    The key's row is written first, inside the operation's transaction: a concurrent retry
    waits on the unique key until the first request ends, then either replays its result (it
    committed) or goes ahead (it was refused and wrote nothing, the key included).
    """
    if idempotency is None:
        return await write(db, work)

    async def claim_then_work() -> T:
        existing = await db.first(
            select(IdempotencyKey).where(
                col(IdempotencyKey.company_id) == idempotency.company_id,
                col(IdempotencyKey.key) == idempotency.key,
            )
        )
        if existing is not None:
            raise _Replay(existing)
        claim = IdempotencyKey(
            company_id=idempotency.company_id,
            key=idempotency.key,
            operation=idempotency.operation,
            request_hash=idempotency.request_hash,
            created_at=_now(),
        )
        await db.save(claim)
        row = await work()
        setattr(claim, f"{idempotency.operation.value}_id", row.id)  # type: ignore[attr-defined]
        await db.save(claim)
        return row

    for _ in range(2):  # the second round finds the key a racing request has just committed
        try:
            written = await write(db, claim_then_work, [_KEY_CONFLICT])
        except _Replay as replay:
            return await _replay(replay.first, idempotency, stored)
        if written.problems != (_KEY_TAKEN,):
            return written
    return Written(problems=(_KEY_TAKEN,))


async def _replay(
    existing: IdempotencyKey,
    idempotency: Idempotency,
    stored: Callable[[IdempotencyKey], Awaitable[T | None]],
) -> Written[T]:
    if (existing.operation, existing.request_hash) != (
        idempotency.operation,
        idempotency.request_hash,
    ):
        message = (
            "This idempotency key was used for another request; send a new key for a new"
            " request, or repeat the first request exactly to get its result."
        )
        return Written(
            problems=(Problem(at("idempotency_key"), message, ProblemCode.IDEMPOTENCY_KEY_REUSED),)
        )
    return Written(row=await stored(existing), replayed=True)


def _now() -> datetime:
    return datetime.now(UTC)


async def _lock(db: Database, model: type[SQLModel], ids: Iterable[int]) -> None:
    """Lock rows by id in id order (FOR NO KEY UPDATE; SQLite's write lock is already held)."""
    key = col(model.id)  # type: ignore[attr-defined]
    await db.rows(
        sa.select(key)
        .where(key.in_(sorted(set(ids))))
        .order_by(key)
        .with_for_update(key_share=True)
    )


async def _event(db: Database, kind: LedgerEventKind, block: CreditBlock, **links: Any) -> None:
    details = links.pop("details", {})
    await db.save(
        LedgerEvent(
            occurred_at=_now(),
            kind=kind,
            quantity=block.quantity,
            issuance_id=block.issuance_id,
            block_id=block.id,
            details=details,
            **links,
        )
    )


def _serial_label(prefix: str, start: int, end: int) -> str:
    return f"{prefix}-{start} to {end}"


async def _cut(db: Database, placed: _Placed, quantity: int) -> CreditBlock:
    """The first `quantity` credits of a live block as a block of their own.

    A whole block is returned as it is. Otherwise the block becomes SPLIT (one SPLIT event)
    and two parts replace it, front and back, which keep its status, owner and purchase and
    point back at it; their quantities sum exactly to the parent's.
    """
    block = placed.block
    if quantity == block.quantity:
        return block
    assert 0 < quantity < block.quantity
    status, created_at = block.status, _now()
    cut = block.serial_start + quantity
    ranges = ((block.serial_start, cut - 1), (cut, block.serial_end))
    block.status = CreditStatus.SPLIT
    await db.save(block)  # the parent leaves the live set before its parts enter it
    parts = [
        CreditBlock(
            issuance_id=block.issuance_id,
            serial_start=start,
            serial_end=end,
            quantity=end - start + 1,
            registry_serial=_serial_label(placed.serial_prefix, start, end),
            status=status,
            owner_company_id=block.owner_company_id,
            parent_block_id=block.id,
            purchase_id=block.purchase_id,
            created_at=created_at,
        )
        for start, end in ranges
    ]
    await db.save(*parts)
    await _event(
        db,
        LedgerEventKind.SPLIT,
        block,
        company_id=block.owner_company_id,
        details={"parts": [part.id for part in parts]},
    )
    return parts[0]


async def _take(db: Database, blocks: Sequence[_Placed], quantity: int) -> list[CreditBlock]:
    """Exactly `quantity` credits from the front of `blocks`, cutting the last one if needed."""
    taken: list[CreditBlock] = []
    remaining = quantity
    for placed in blocks:
        if remaining == 0:
            break
        part = await _cut(db, placed, min(remaining, placed.block.quantity))
        taken.append(part)
        remaining -= part.quantity
    assert remaining == 0, "the caller checked there are enough credits"
    return taken


def _sum(blocks: Iterable[_Placed]) -> int:
    return sum(placed.block.quantity for placed in blocks)


def _problem(field: str | None, message: str, code: ProblemCode) -> Problem:
    return Problem(None if field is None else at(field), message, code)


def _idempotency_key(value: Any) -> str:
    key: str = text(100)(value)
    if not key.isprintable():
        raise Invalid("Printable characters only, e.g. a UUID.")
    return key


_PURCHASE_CHECKS = {
    "quantity": whole(1, MAX_CREDITS),
    "vintage": optional(whole(FIRST_VINTAGE, 2100)),
    "max_unit_price": optional(cents),
    "idempotency_key": optional(_idempotency_key),
}


async def purchase_credits(
    db: Database,
    *,
    viewer: Viewer,
    company_id: int | None,
    project_id: int,
    values: Mapping[str, Any],
) -> Written[Purchase]:
    """Buy credits of a project (optionally of one vintage) from the exchange's inventory.

    Blocks are allocated oldest vintage first, in serial order; the last one is split so the
    buyer gets exactly the quantity asked for. The price is the project's offer price, fixed
    for the whole order; `max_unit_price` protects the buyer from a price change.
    """
    buyer = acting_company(viewer, company_id, "buy credits")
    clean, problems = _checked(buyer, values, _PURCHASE_CHECKS)
    if buyer is None or problems:
        return Written(problems=problems)
    quantity: int = clean["quantity"]
    vintage: int | None = clean.get("vintage")

    async def work() -> Purchase:
        await _lock(db, CarbonProject, [project_id])
        project = await db.first(select(CarbonProject).where(col(CarbonProject.id) == project_id))
        await _require_company(db, buyer)
        if project is None:
            raise Refused([_no_project()])
        (eligibility,) = await credit_eligibility(db, [buyer])
        problems = [
            _problem(None, check.detail, ProblemCode.INELIGIBLE_BUYER)
            for check in eligibility.unmet
        ]
        price = project.offer_price_cents
        if price is None or project.status is not ProjectStatus.REGISTERED:
            message = "This project's credits are not on offer on the exchange."
            problems.append(_problem("project_id", message, ProblemCode.NOT_FOR_SALE))
        elif clean.get("max_unit_price") is not None and price > clean["max_unit_price"]:
            message = f"The offer price is {price / 100:.2f} {EXCHANGE_CURRENCY}, above your limit."
            problems.append(_problem("max_unit_price", message, ProblemCode.PRICE_ABOVE_LIMIT))
        if problems:
            raise Refused(problems)
        assert price is not None
        blocks = await _project_blocks(db, project_id, vintage, CreditStatus.AVAILABLE)
        if _sum(blocks) < quantity:
            message = f"Only {_sum(blocks)} credits {_of(vintage)}of this project are available."
            raise Refused([_problem("quantity", message, ProblemCode.INSUFFICIENT_CREDITS)])
        taken = await _take(db, blocks, quantity)
        vintages = {placed.vintage for placed in blocks[: len(taken)]}
        purchase = Purchase(
            buyer_company_id=buyer,
            project_id=project_id,
            vintage=vintages.pop() if len(vintages) == 1 else None,
            quantity=quantity,
            unit_price_cents=price,
            total_price_cents=quantity * price,
            currency=EXCHANGE_CURRENCY,
            purchased_at=_now(),
        )
        await db.save(purchase)
        for block in taken:
            block.status = CreditStatus.HELD
            block.owner_company_id = buyer
            block.purchase_id = purchase.id
            await db.save(block)
            await _event(
                db, LedgerEventKind.PURCHASED, block, company_id=buyer, purchase_id=purchase.id
            )
        return purchase

    request = {"project_id": project_id, **clean}
    request.pop("idempotency_key", None)
    return await _idempotent(
        db,
        _idempotency(buyer, clean.get("idempotency_key"), IdempotentOperation.PURCHASE, request),
        work,
        lambda stored: db.first(select(Purchase).where(col(Purchase.id) == stored.purchase_id)),
    )


def _checked(
    company_id: int | None, values: Mapping[str, Any], checks: Mapping[str, Check]
) -> tuple[dict[str, Any], tuple[Problem, ...]]:
    """The input's clean values and its problems, an admin's unnamed company first (whether a
    named one exists is checked in the transaction, by `_require_company`)."""
    clean, problems = check_values(values, checks)
    if company_id is None:
        message = "Name the company to act for (admins act for a company they name)."
        problems.insert(0, _problem("company_id", message, ProblemCode.BLANK))
    return clean, tuple(problems)


async def _require_company(db: Database, company_id: int) -> None:
    missing = await company_problem(db, company_id)
    if missing is not None:
        raise Refused([missing])


def _of(vintage: int | None) -> str:
    return "" if vintage is None else f"of vintage {vintage} "


def _idempotency(
    company_id: int, key: str | None, operation: IdempotentOperation, request: Mapping[str, Any]
) -> Idempotency | None:
    return None if key is None else Idempotency.of(company_id, key, operation, request)


@dataclass(frozen=True)
class _Placed:
    """A credit block with what its issuance says of it, read in one statement."""

    block: CreditBlock
    project_id: int
    vintage: int
    serial_prefix: str


def _placed() -> Any:
    return (
        sa.select(
            CreditBlock,
            col(Issuance.project_id),
            col(Issuance.vintage),
            col(Issuance.serial_prefix),
        )
        .join(Issuance, col(Issuance.id) == col(CreditBlock.issuance_id))
        # Rows read again after a lock must show what the lock protects, not the session's copy.
        .execution_options(populate_existing=True)
    )


async def _project_blocks(
    db: Database,
    project_id: int,
    vintage: int | None,
    status: CreditStatus,
    owner: int | None = None,
) -> list[_Placed]:
    """The project's blocks in a status (and of an owner), in allocation order: oldest vintage
    first (first in, first out), then serial order. Read after locking."""
    statement = (
        _placed()
        .where(col(Issuance.project_id) == project_id, col(CreditBlock.status) == status)
        .order_by(col(Issuance.vintage), col(Issuance.id), col(CreditBlock.serial_start))
    )
    if vintage is not None:
        statement = statement.where(col(Issuance.vintage) == vintage)
    if owner is not None:
        statement = statement.where(col(CreditBlock.owner_company_id) == owner)
    return [_Placed(*row) for row in await db.rows(statement)]


def _no_project() -> Problem:
    return _problem("project_id", "No project has this id.", ProblemCode.NOT_FOUND)


def _claim_year(value: Any) -> int:
    year: int = whole(FIRST_VINTAGE, today().year)(value)  # the year may still be running
    return year


_RETIREMENT_CHECKS = {
    "quantity": whole(1, MAX_CREDITS),
    "vintage": optional(whole(FIRST_VINTAGE, 2100)),
    "reason": member(RetirementReason),
    "claim_year": _claim_year,
    "note": optional(text(1000)),
    "idempotency_key": optional(_idempotency_key),
}


async def retire_credits(
    db: Database,
    *,
    viewer: Viewer,
    company_id: int | None,
    project_id: int,
    beneficiary_id: int | None,
    values: Mapping[str, Any],
) -> Written[Retirement]:
    """Retire credits of one project from the company's own held blocks, for a claim year.

    Blocks are retired oldest vintage first, in serial order, the last one split if needed. The
    beneficiary (the holder unless named) may not claim more for the year than the emissions it
    publicly reported for it: credits address residual emissions only.
    """
    holder = acting_company(viewer, company_id, "retire credits")
    clean, problems = _checked(holder, values, _RETIREMENT_CHECKS)
    if holder is None or problems:
        return Written(problems=problems)
    beneficiary = holder if beneficiary_id is None else beneficiary_id
    quantity: int = clean["quantity"]
    vintage: int | None = clean.get("vintage")
    claim_year: int = clean["claim_year"]

    async def work() -> Retirement:
        await _lock(db, Company, [holder, beneficiary])
        await _require_company(db, holder)
        named = await db.first(select(Company).where(col(Company.id) == beneficiary))
        if named is None:
            message = "No company has this id."
            raise Refused([_problem("beneficiary_id", message, ProblemCode.NOT_FOUND)])
        if await db.first(select(CarbonProject).where(col(CarbonProject.id) == project_id)) is None:
            raise Refused([_no_project()])
        blocks = await _project_blocks(db, project_id, vintage, CreditStatus.HELD, owner=holder)
        if _sum(blocks) < quantity:
            message = f"You hold only {_sum(blocks)} credits {_of(vintage)}of this project."
            raise Refused([_problem("quantity", message, ProblemCode.INSUFFICIENT_CREDITS)])
        room = await _claim_room(db, beneficiary, claim_year)
        if quantity > room:
            message = (
                f"{named.name} may claim at most {room} more tonnes for {claim_year}: retired"
                " credits may not exceed the emissions it publicly reported for that year."
            )
            code = ProblemCode.CLAIM_EXCEEDS_REPORTED_EMISSIONS
            raise Refused([_problem("quantity", message, code)])
        retirement = Retirement(
            project_id=project_id,
            quantity=quantity,
            beneficiary_company_id=beneficiary,
            beneficiary_name=named.name,
            retired_by_company_id=holder,
            reason=clean["reason"],
            claim_year=claim_year,
            note=clean.get("note"),
            retired_on=today(),
            provenance=Provenance.SOURCED,  # the exchange's own record
        )
        await db.save(retirement)
        for block in await _take(db, blocks, quantity):
            block.status = CreditStatus.RETIRED
            block.retirement_id = retirement.id
            await db.save(block)
            await _event(
                db,
                LedgerEventKind.RETIRED,
                block,
                company_id=beneficiary,
                retirement_id=retirement.id,
            )
        return retirement

    request = {"project_id": project_id, "beneficiary_id": beneficiary, **clean}
    request.pop("idempotency_key", None)
    return await _idempotent(
        db,
        _idempotency(holder, clean.get("idempotency_key"), IdempotentOperation.RETIREMENT, request),
        work,
        lambda stored: db.first(
            select(Retirement).where(col(Retirement.id) == stored.retirement_id)
        ),
    )


async def _claim_room(db: Database, company_id: int, year: int) -> int:
    """Tonnes the company may still retire for `year`: its public report less retirements."""
    reported = await db.first(
        select(
            col(EmissionsReport.scope_1_tco2e)
            + col(EmissionsReport.scope_2_tco2e)
            + col(EmissionsReport.scope_3_tco2e)
        ).where(
            col(EmissionsReport.company_id) == company_id,
            col(EmissionsReport.year) == year,
            col(EmissionsReport.public_url).is_not(None),
        )
    )
    claimed = await db.first(
        select(sa.func.coalesce(sa.func.sum(col(Retirement.quantity)), 0)).where(
            col(Retirement.beneficiary_company_id) == company_id,
            col(Retirement.claim_year) == year,
        )
    )
    return max(0, int(reported or 0) - int(claimed or 0))


_CANCELLATION_CHECKS = {
    "quantity": optional(whole(1, MAX_CREDITS)),
    "note": text(1000),
}
_FINAL_BLOCK = {
    CreditStatus.RETIRED: (
        "These credits were retired; retired credits are final.",
        ProblemCode.ALREADY_RETIRED,
    ),
    CreditStatus.CANCELLED: (
        "These credits were cancelled already.",
        ProblemCode.ALREADY_CANCELLED,
    ),
    CreditStatus.SPLIT: (
        "This block was split; cancel from its parts (its child blocks).",
        ProblemCode.INVALID_INPUT,
    ),
}


async def cancel_credits(
    db: Database, *, viewer: Viewer, block_id: int, values: Mapping[str, Any]
) -> Written[CreditBlock]:
    """Cancel a live block, or its first `quantity` credits (admins: registry corrections).

    Returns the cancelled block (the front part when only some credits are cancelled).
    """
    require_admin(viewer, "cancel credits")
    clean, problems = check_values(values, _CANCELLATION_CHECKS)
    if problems:
        return Written(problems=tuple(problems))

    async def work() -> CreditBlock:
        found = await _placed_block(db, block_id)
        if found is None:
            message = "No credit block has this id."
            raise Refused([_problem("credit_block_id", message, ProblemCode.NOT_FOUND)])
        await _lock(db, CarbonProject, [found.project_id])
        # Under the project's lock no purchase can give the block an owner any more (and a held
        # block never changes owner), so the owner read now is the one to lock.
        placed = await _placed_block(db, block_id) or found
        if placed.block.owner_company_id is not None:
            await _lock(db, Company, [placed.block.owner_company_id])
            placed = await _placed_block(db, block_id) or placed  # as of both locks
        block = placed.block
        if block.status not in _LIVE:
            message, code = _FINAL_BLOCK[block.status]
            raise Refused([_problem("credit_block_id", message, code)])
        quantity = clean.get("quantity") or block.quantity
        if quantity > block.quantity:
            message = f"The block holds only {block.quantity} credits."
            raise Refused([_problem("quantity", message, ProblemCode.INSUFFICIENT_CREDITS)])
        part = await _cut(db, placed, quantity)
        part.status = CreditStatus.CANCELLED
        await db.save(part)
        await _event(
            db,
            LedgerEventKind.CANCELLED,
            part,
            company_id=part.owner_company_id,
            details={"note": clean["note"]},
        )
        return part

    return await write(db, work)


async def _placed_block(db: Database, block_id: int) -> _Placed | None:
    rows = await db.rows(_placed().where(col(CreditBlock.id) == block_id))
    return _Placed(*rows[0]) if rows else None


def _issued_on(value: Any) -> date:
    issued: date = value
    if issued > today():
        raise Invalid("Must not be in the future.")
    return issued


_ISSUANCE_CHECKS = {
    "vintage": whole(FIRST_VINTAGE, 2100),
    "issued_on": _issued_on,
    "total_quantity": whole(1, MAX_CREDITS),
    "buffer_quantity": whole(0, MAX_CREDITS),
    "serial_prefix": text(80),
    "serial_start": whole(0, MAX_SERIAL),
    "verification_body": optional(text(200)),
    "source_url": optional(url(500)),
}


_ISSUANCE_CONFLICTS = [
    Conflict(
        "uq_issuances_project_id_serial_prefix",
        "issuances.project_id, issuances.serial_prefix",
        Problem(
            at("serial_prefix"),
            "The project already has an issuance with this serial prefix.",
            ProblemCode.ALREADY_EXISTS,
        ),
    )
]


async def record_issuance(
    db: Database, *, viewer: Viewer, project_id: int, values: Mapping[str, Any]
) -> Written[Issuance]:
    """Record a registry's issuance: its credits enter the exchange's inventory as one block.

    The buffer share stays with the registry: only total less buffer is issued as serials.
    """
    require_admin(viewer, "record issuances")
    clean, problems = check_values(values, _ISSUANCE_CHECKS)
    if problems:
        return Written(problems=tuple(problems))
    problems = _issuance_rules(clean)
    if problems:
        return Written(problems=tuple(problems))

    async def work() -> Issuance:
        await _lock(db, CarbonProject, [project_id])
        project = await db.first(select(CarbonProject).where(col(CarbonProject.id) == project_id))
        if project is None:
            raise Refused([_no_project()])
        refused = _crediting_period_problems(project, clean)
        if refused:
            raise Refused(refused)
        issued = clean["total_quantity"] - clean["buffer_quantity"]
        issuance = Issuance(
            project_id=project_id,
            issued_quantity=issued,
            serial_end=clean["serial_start"] + issued - 1,
            provenance=Provenance.SOURCED if clean.get("source_url") else Provenance.UNCONFIRMED,
            **clean,
        )
        await db.save(issuance)
        block = CreditBlock(
            issuance_id=issuance.id,  # type: ignore[arg-type]
            serial_start=issuance.serial_start,
            serial_end=issuance.serial_end,
            quantity=issued,
            registry_serial=_serial_label(
                issuance.serial_prefix, issuance.serial_start, issuance.serial_end
            ),
            status=CreditStatus.AVAILABLE,
            created_at=_now(),
        )
        await db.save(block)
        await _event(db, LedgerEventKind.ISSUED, block)
        return issuance

    return await write(db, work, _ISSUANCE_CONFLICTS)


def _issuance_rules(clean: Mapping[str, Any]) -> list[Problem]:
    problems = []
    if clean["buffer_quantity"] >= clean["total_quantity"]:
        message = "The buffer must be smaller than the total: some credits must be issued."
        problems.append(_problem("buffer_quantity", message, ProblemCode.INVALID_INPUT))
    if clean["vintage"] > clean["issued_on"].year:
        message = "Credits are issued after their vintage, never before."
        problems.append(_problem("vintage", message, ProblemCode.INVALID_INPUT))
    issued = clean["total_quantity"] - clean["buffer_quantity"]
    if clean["serial_start"] + issued - 1 > MAX_SERIAL:
        message = f"The serial range would end past {MAX_SERIAL}."
        problems.append(_problem("serial_start", message, ProblemCode.INVALID_INPUT))
    return problems


def _crediting_period_problems(project: CarbonProject, clean: Mapping[str, Any]) -> list[Problem]:
    start, end = project.crediting_period_start, project.crediting_period_end
    vintage = clean["vintage"]
    if (start is not None and vintage < start.year) or (end is not None and vintage > end.year):
        message = "The vintage lies outside the project's crediting period."
        return [_problem("vintage", message, ProblemCode.INVALID_INPUT)]
    if start is not None and clean["issued_on"] < start:
        message = "Credits cannot be issued before the project's crediting period starts."
        return [_problem("issued_on", message, ProblemCode.INVALID_INPUT)]
    return []
