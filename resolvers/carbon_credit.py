"""Issuances and retirements (the public side of the ledger): maps, listings, credit totals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select

from models import CreditBlock, CreditStatus, Issuance, Retirement
from models.db import Database

from .carbon_project import CARBON_PROJECTS
from .company import COMPANIES
from .entity_map import RANGE, Column, Custom, EntityMap
from .pagination import Listing, SortKey

ISSUANCES: EntityMap[Issuance] = EntityMap(
    model=Issuance,
    primary_key=col(Issuance.id),
    filters={
        "vintage": Column(col(Issuance.vintage), RANGE),
        "issued_on": Column(col(Issuance.issued_on), RANGE),
        "project": Custom(
            lambda spec: col(Issuance.project_id).in_(
                select(col(CARBON_PROJECTS.model.id)).where(CARBON_PROJECTS.where(spec))
            )
        ),
    },
    orderings={
        "ISSUED_ON": SortKey(col(Issuance.issued_on), "issued_on"),
        "VINTAGE": SortKey(col(Issuance.vintage), "vintage"),
    },
    default_order=[("ISSUED_ON", True)],
)

RETIREMENTS: EntityMap[Retirement] = EntityMap(
    model=Retirement,
    primary_key=col(Retirement.id),
    filters={
        "retired_on": Column(col(Retirement.retired_on), RANGE),
        "claim_year": Column(col(Retirement.claim_year), RANGE),
        "reason": Column(col(Retirement.reason)),
        "beneficiary": Custom(
            lambda spec: col(Retirement.beneficiary_company_id).in_(
                select(col(COMPANIES.model.id)).where(COMPANIES.where(spec))
            )
        ),
    },
    orderings={"RETIRED_ON": SortKey(col(Retirement.retired_on), "retired_on")},
    default_order=[("RETIRED_ON", True)],
)


def list_issuances(
    *, where: dict[str, Any] | None = None, order: list[tuple[str, bool]] | None = None
) -> Listing[Issuance]:
    """Issuances matching `where`, newest first by default."""
    return ISSUANCES.listing(where=where, order=order)


def list_retirements(
    *, where: dict[str, Any] | None = None, order: list[tuple[str, bool]] | None = None
) -> Listing[Retirement]:
    """Retirements (public records, as registries publish them), newest first by default."""
    return RETIREMENTS.listing(where=where, order=order)


@dataclass(frozen=True)
class CreditTotals:
    """Where an issuance's (or a project's) issued credits are now, in tonnes CO2e."""

    issued: int
    available: int
    held: int
    retired: int
    cancelled: int


async def credit_totals(
    db: Database, key: Any, keys: Sequence[int], issued: Any
) -> list[CreditTotals]:
    """Totals per issuance or per project (`key`), from live (not split) blocks, in one query."""
    status = col(CreditBlock.status)
    live = status != CreditStatus.SPLIT

    def total(wanted: CreditStatus) -> Any:
        return sa.func.coalesce(
            sa.func.sum(sa.case((status == wanted, col(CreditBlock.quantity)), else_=0)), 0
        )

    statement = (
        sa.select(
            key,
            total(CreditStatus.AVAILABLE),
            total(CreditStatus.HELD),
            total(CreditStatus.RETIRED),
            total(CreditStatus.CANCELLED),
        )
        .select_from(CreditBlock)
        .join(Issuance, col(Issuance.id) == col(CreditBlock.issuance_id))
        .where(key.in_(set(keys)), live)
        .group_by(key)
    )
    issued_statement = sa.select(key, sa.func.sum(issued)).where(key.in_(set(keys))).group_by(key)
    blocks = {row[0]: row[1:] for row in await db.rows(statement)}
    issued_by_key = dict(await db.rows(issued_statement))
    return [
        CreditTotals(int(issued_by_key.get(k) or 0), *(int(v) for v in blocks.get(k, (0,) * 4)))
        for k in keys
    ]
