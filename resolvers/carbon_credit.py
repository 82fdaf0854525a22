"""The credit ledger: issuances and retirements (public), credit blocks, holdings and purchases
(private to their owner, see resolvers.scope), their maps, listings and credit totals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select

from models import CreditBlock, CreditHolding, CreditStatus, Issuance, Purchase, Retirement
from models.db import Database

from .carbon_project import CARBON_PROJECTS
from .company import COMPANIES
from .entity_map import RANGE, Column, Custom, EntityMap, Spec, range_clause
from .errors import InvalidInput
from .pagination import Listing, Nesting, SortKey, nullable_sort_key
from .viewer import Viewer


def _in_projects(column: Any) -> Custom:
    """`column` (a project id) names a project matching the spec."""
    return Custom(
        lambda spec: column.in_(
            select(col(CARBON_PROJECTS.model.id)).where(CARBON_PROJECTS.where(spec))
        )
    )


def _in_companies(column: Any) -> Custom:
    """`column` (a company id) names a company matching the spec."""
    return Custom(
        lambda spec: column.in_(select(col(COMPANIES.model.id)).where(COMPANIES.where(spec)))
    )


ISSUANCES: EntityMap[Issuance] = EntityMap(
    model=Issuance,
    primary_key=col(Issuance.id),
    filters={
        "vintage": Column(col(Issuance.vintage), RANGE),
        "issued_on": Column(col(Issuance.issued_on), RANGE),
        "project": _in_projects(col(Issuance.project_id)),
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
        "beneficiary": _in_companies(col(Retirement.beneficiary_company_id)),
        "project": _in_projects(col(Retirement.project_id)),
    },
    orderings={
        "RETIRED_ON": SortKey(col(Retirement.retired_on), "retired_on"),
        # A retirement without a claim year sorts as year 0: before every year.
        "CLAIM_YEAR": nullable_sort_key(col(Retirement.claim_year), "claim_year", null_as=0),
        "QUANTITY": SortKey(col(Retirement.quantity), "quantity"),
    },
    default_order=[("RETIRED_ON", True)],
)


def _of_issuances(spec: Spec) -> Any:
    """The block belongs to an issuance matching the spec (an issuance filter)."""
    return col(CreditBlock.issuance_id).in_(select(col(Issuance.id)).where(ISSUANCES.where(spec)))


def _in_utc(name: str, value: datetime) -> datetime:
    """An instant as UTC, the zone stored; a time without a UTC offset names no instant."""
    if value.tzinfo is None:
        raise InvalidInput(f"`{name}` needs a UTC offset, e.g. 2024-06-01T00:00:00Z.", field=name)
    return value.astimezone(UTC)


CREDIT_BLOCKS: EntityMap[CreditBlock] = EntityMap(
    model=CreditBlock,
    primary_key=col(CreditBlock.id),
    filters={
        "status": Column(col(CreditBlock.status)),
        "issuance": Custom(_of_issuances),
        "project": Custom(lambda spec: _of_issuances({"project": spec})),
        "vintage": Custom(lambda ops: _of_issuances({"vintage": ops})),
        "owner": _in_companies(col(CreditBlock.owner_company_id)),
    },
    orderings={
        "CREATED_AT": SortKey(col(CreditBlock.created_at), "created_at"),
        "QUANTITY": SortKey(col(CreditBlock.quantity), "quantity"),
        "SERIAL_START": SortKey(col(CreditBlock.serial_start), "serial_start"),
    },
    default_order=[("CREATED_AT", True)],
)

PURCHASES: EntityMap[Purchase] = EntityMap(
    model=Purchase,
    primary_key=col(Purchase.id),
    filters={
        "project": _in_projects(col(Purchase.project_id)),
        "buyer": _in_companies(col(Purchase.buyer_company_id)),
        # The vintage the order named: purchases that named none never match.
        "vintage": Column(col(Purchase.vintage), RANGE),
        "purchased_at": Custom(
            lambda ops: range_clause(
                "purchasedAt",
                col(Purchase.purchased_at),
                {op: _in_utc("purchasedAt", value) for op, value in ops.items()},
            )
        ),
    },
    orderings={
        "PURCHASED_AT": SortKey(col(Purchase.purchased_at), "purchased_at"),
        "QUANTITY": SortKey(col(Purchase.quantity), "quantity"),
        "TOTAL_PRICE": SortKey(col(Purchase.total_price_cents), "total_price_cents"),
    },
    default_order=[("PURCHASED_AT", True)],
)

CREDIT_HOLDINGS: EntityMap[CreditHolding] = EntityMap(
    model=CreditHolding,
    primary_key=col(CreditHolding.id),
    filters={
        "project": _in_projects(col(CreditHolding.project_id)),
        "vintage": Column(col(CreditHolding.vintage), RANGE),
        "status": Column(col(CreditHolding.status)),
        "owner": _in_companies(col(CreditHolding.owner_company_id)),
    },
    orderings={
        "PROJECT": SortKey(col(CreditHolding.project_name), "project_name"),
        "VINTAGE": SortKey(col(CreditHolding.vintage), "vintage"),
        "STATUS": SortKey(col(CreditHolding.status), "status"),
        "QUANTITY": SortKey(col(CreditHolding.quantity), "quantity"),
    },
    default_order=[("PROJECT", False), ("VINTAGE", False), ("STATUS", False)],
)

BLOCKS_BY_OWNER = Nesting(
    parent=col(CreditBlock.owner_company_id),
    belongs_to=lambda company_id: col(CreditBlock.owner_company_id) == company_id,
)
BLOCKS_BY_ISSUANCE = Nesting(
    parent=col(CreditBlock.issuance_id),
    belongs_to=lambda issuance_id: col(CreditBlock.issuance_id) == issuance_id,
)
BLOCKS_BY_PURCHASE = Nesting(
    parent=col(CreditBlock.purchase_id),
    belongs_to=lambda purchase_id: col(CreditBlock.purchase_id) == purchase_id,
)
PURCHASES_BY_BUYER = Nesting(
    parent=col(Purchase.buyer_company_id),
    belongs_to=lambda company_id: col(Purchase.buyer_company_id) == company_id,
)
HOLDINGS_BY_OWNER = Nesting(
    parent=col(CreditHolding.owner_company_id),
    belongs_to=lambda company_id: col(CreditHolding.owner_company_id) == company_id,
)
RETIREMENTS_BY_BENEFICIARY = Nesting(
    parent=col(Retirement.beneficiary_company_id),
    belongs_to=lambda company_id: col(Retirement.beneficiary_company_id) == company_id,
)
RETIREMENTS_BY_PROJECT = Nesting(
    parent=col(Retirement.project_id),
    belongs_to=lambda project_id: col(Retirement.project_id) == project_id,
)


def list_issuances(
    *,
    viewer: Viewer,
    where: dict[str, Any] | None = None,
    order: list[tuple[str, bool]] | None = None,
) -> Listing[Issuance]:
    """Issuances matching `where`, newest first by default."""
    return ISSUANCES.listing(viewer=viewer, where=where, order=order)


def list_retirements(
    *,
    viewer: Viewer,
    where: dict[str, Any] | None = None,
    order: list[tuple[str, bool]] | None = None,
) -> Listing[Retirement]:
    """Retirements (public records, as registries publish them), newest first by default."""
    return RETIREMENTS.listing(viewer=viewer, where=where, order=order)


def list_credit_blocks(
    *,
    viewer: Viewer,
    where: dict[str, Any] | None = None,
    order: list[tuple[str, bool]] | None = None,
) -> Listing[CreditBlock]:
    """The credit blocks `viewer` may see matching `where`, newest first by default."""
    return CREDIT_BLOCKS.listing(viewer=viewer, where=where, order=order)


def list_purchases(
    *,
    viewer: Viewer,
    where: dict[str, Any] | None = None,
    order: list[tuple[str, bool]] | None = None,
) -> Listing[Purchase]:
    """The purchases `viewer` may see matching `where`, newest first by default."""
    return PURCHASES.listing(viewer=viewer, where=where, order=order)


def list_credit_holdings(
    *,
    viewer: Viewer,
    where: dict[str, Any] | None = None,
    order: list[tuple[str, bool]] | None = None,
) -> Listing[CreditHolding]:
    """The holdings `viewer` may see matching `where`, by project name, vintage and status by
    default."""
    return CREDIT_HOLDINGS.listing(viewer=viewer, where=where, order=order)


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
