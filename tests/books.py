"""The credit ledger's invariants, checked against the database as a registry's auditor would."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlmodel import select

import models
from models import CreditStatus, LedgerEventKind
from models.db import Database

LIVE = {CreditStatus.AVAILABLE, CreditStatus.HELD, CreditStatus.RETIRED, CreditStatus.CANCELLED}


@dataclass
class _State:
    status: CreditStatus
    owner: int | None
    purchase: int | None
    retirement: int | None


async def assert_books_balance(db: Database) -> None:
    """Fails with the broken rule if the books do not balance.

    - quantity = end - start + 1 for every block; live (not split) blocks of an issuance do
      not overlap and exactly cover its serial range, so inventory + held + retired +
      cancelled = issued;
    - a split block's parts are contiguous and sum exactly to it;
    - replaying the ledger events in order, one event per change and only allowed changes,
      gives every block's current status, owner, purchase and retirement;
    - a retirement's quantity is the sum of its blocks, all of its project; a purchase's is the
      sum of the live blocks bought with it.
    """
    issuances = {i.id: i for i in await db.all(select(models.Issuance))}
    blocks = {b.id: b for b in await db.all(select(models.CreditBlock))}
    events = await db.all(select(models.LedgerEvent).order_by(models.LedgerEvent.id))  # type: ignore[arg-type]

    live_by_issuance: defaultdict[int | None, list[models.CreditBlock]] = defaultdict(list)
    parts_of: defaultdict[int | None, list[models.CreditBlock]] = defaultdict(list)
    for block in blocks.values():
        assert block.quantity == block.serial_end - block.serial_start + 1, block
        if block.status in LIVE:
            live_by_issuance[block.issuance_id].append(block)
        if block.parent_block_id is not None:
            parts_of[block.parent_block_id].append(block)

    for issuance in issuances.values():
        live = sorted(live_by_issuance[issuance.id], key=lambda b: b.serial_start)
        expected_start = issuance.serial_start
        for block in live:
            assert block.serial_start == expected_start, f"gap or overlap at {block}"
            expected_start = block.serial_end + 1
        assert expected_start == issuance.serial_end + 1, f"{issuance} not covered exactly"
        assert sum(b.quantity for b in live) == issuance.issued_quantity

    for parent_id, parts in parts_of.items():
        parent = blocks[parent_id]
        assert parent.status is CreditStatus.SPLIT, f"{parent} has parts but is not split"
        parts.sort(key=lambda b: b.serial_start)
        assert parts[0].serial_start == parent.serial_start
        assert parts[-1].serial_end == parent.serial_end
        assert all(a.serial_end + 1 == b.serial_start for a, b in itertools.pairwise(parts))
        assert sum(p.quantity for p in parts) == parent.quantity

    _assert_replay(blocks, parts_of, events)

    retirements = await db.all(select(models.Retirement))
    for retirement in retirements:
        retired = [b for b in blocks.values() if b.retirement_id == retirement.id]
        assert sum(b.quantity for b in retired) == retirement.quantity, retirement
        assert {issuances[b.issuance_id].project_id for b in retired} == {retirement.project_id}
    for purchase in await db.all(select(models.Purchase)):
        bought = [b for b in blocks.values() if b.purchase_id == purchase.id and b.status in LIVE]
        assert sum(b.quantity for b in bought) == purchase.quantity, purchase
        assert purchase.total_price_cents == purchase.quantity * purchase.unit_price_cents


_ALLOWED = {
    LedgerEventKind.SPLIT: {CreditStatus.AVAILABLE, CreditStatus.HELD},
    LedgerEventKind.PURCHASED: {CreditStatus.AVAILABLE},
    LedgerEventKind.RETIRED: {CreditStatus.HELD},
    LedgerEventKind.CANCELLED: {CreditStatus.AVAILABLE, CreditStatus.HELD},
}


def _assert_replay(
    blocks: Mapping[int | None, models.CreditBlock],
    parts_of: Mapping[int | None, list[models.CreditBlock]],
    events: Sequence[models.LedgerEvent],
) -> None:
    state: dict[int | None, _State] = {}
    for event in events:
        block_id = event.block_id
        assert block_id is not None
        if event.kind is LedgerEventKind.ISSUED:
            assert block_id not in state, f"block {block_id} issued twice"
            state[block_id] = _State(CreditStatus.AVAILABLE, None, None, None)
            continue
        current = state.get(block_id)
        assert current is not None, f"{event.kind} of block {block_id} before it exists"
        assert current.status in _ALLOWED[event.kind], f"{event.kind} of a {current.status} block"
        assert event.quantity == blocks[block_id].quantity
        if event.kind is LedgerEventKind.SPLIT:
            inherited, current.status = current.status, CreditStatus.SPLIT
            for part in parts_of[block_id]:
                assert part.id not in state, f"{part} created twice"
                state[part.id] = _State(inherited, current.owner, current.purchase, None)
        elif event.kind is LedgerEventKind.PURCHASED:
            current.status, current.owner = CreditStatus.HELD, event.company_id
            current.purchase = event.purchase_id
        elif event.kind is LedgerEventKind.RETIRED:
            current.status, current.retirement = CreditStatus.RETIRED, event.retirement_id
        else:
            current.status = CreditStatus.CANCELLED
    for block_id, block in blocks.items():
        assert block_id in state, f"block {block_id} has no event that made it"
        replayed = state[block_id]
        actual = _State(
            block.status, block.owner_company_id, block.purchase_id, block.retirement_id
        )
        assert replayed == actual, f"block {block_id}: ledger says {replayed}, table {actual}"
