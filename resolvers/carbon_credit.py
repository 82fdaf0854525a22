"""The credit ledger: issuances and retirements (public), credit blocks, holdings and purchases
(private to their owner, see resolvers.scope), their maps, listings and credit totals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from models import (
    CarbonProject,
    Company,
    CreditBlock,
    CreditHolding,
    CreditStatus,
    EmissionsReport,
    Issuance,
    Purchase,
    Retirement,
    RetirementReason,
)
from models.db import Database

from .aggregate import Dimension, Hop, Measure, Unit, time_buckets
from .carbon_project import CARBON_PROJECTS, credit_measures, credits_by, project_dimensions
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


def _project_of(column: Any, name: str, after: Hop | None = None) -> tuple[Any, Hop]:
    """An alias of CarbonProject joined on `column` (a project id), and its hop."""
    project = aliased(CarbonProject, name=name)
    return project, Hop(project, on=project.id == column, after=after)


_issuance_project, ISSUANCE_PROJECT = _project_of(col(Issuance.project_id), "issuance_project")
_issuance_credits = credits_by(col(Issuance.id), "issuance_credits")
ISSUANCE_CREDITS = Hop(_issuance_credits, on=_issuance_credits.c.key == col(Issuance.id))

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
    measures={
        "total_quantity": Measure(col(Issuance.total_quantity), Unit.CREDITS),
        "buffer_quantity": Measure(col(Issuance.buffer_quantity), Unit.CREDITS),
        "issued_quantity": Measure(col(Issuance.issued_quantity), Unit.CREDITS),
        **credit_measures(_issuance_credits, ISSUANCE_CREDITS),
    },
    dimensions={
        "project": Dimension(col(Issuance.project_id), node=CarbonProject),
        "vintage": Dimension(col(Issuance.vintage)),
        **time_buckets("issued_on", col(Issuance.issued_on)),
        **project_dimensions(_issuance_project, ISSUANCE_PROJECT),
    },
)

_retired_project, RETIRED_PROJECT = _project_of(col(Retirement.project_id), "retired_project")
_beneficiary = aliased(Company, name="beneficiary")
BENEFICIARY = Hop(_beneficiary, on=_beneficiary.id == col(Retirement.beneficiary_company_id))
# The beneficiary's report for the claim year: unique per (company, year), so a to-one hop.
_claim_report = aliased(EmissionsReport, name="claim_report")
CLAIM_REPORT = Hop(
    _claim_report,
    on=sa.and_(
        col(_claim_report.company_id) == col(Retirement.beneficiary_company_id),
        col(_claim_report.year) == col(Retirement.claim_year),
    ),
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
    measures={"quantity": Measure(col(Retirement.quantity), Unit.CREDITS)},
    dimensions={
        "beneficiary": Dimension(col(Retirement.beneficiary_company_id), node=Company),
        "beneficiary_name": Dimension(col(Retirement.beneficiary_name)),
        "beneficiary_sector": Dimension(_beneficiary.sector, via=BENEFICIARY),
        "beneficiary_hq_country": Dimension(_beneficiary.hq_country, via=BENEFICIARY),
        "beneficiary_reported_tco2e": Dimension(
            _claim_report.scope_1_tco2e + _claim_report.scope_2_tco2e + _claim_report.scope_3_tco2e,
            via=CLAIM_REPORT,
        ),
        "retired_by": Dimension(col(Retirement.retired_by_company_id), node=Company),
        "reason": Dimension(col(Retirement.reason), enum=RetirementReason),
        "claim_year": Dimension(col(Retirement.claim_year)),
        "project": Dimension(col(Retirement.project_id), node=CarbonProject),
        **time_buckets("retired_on", col(Retirement.retired_on)),
        **project_dimensions(_retired_project, RETIRED_PROJECT),
    },
)


def _of_issuances(spec: Spec) -> Any:
    """The block belongs to an issuance matching the spec (an issuance filter)."""
    return col(CreditBlock.issuance_id).in_(select(col(Issuance.id)).where(ISSUANCES.where(spec)))


def _in_utc(name: str, value: datetime) -> datetime:
    """An instant as UTC, the zone stored; a time without a UTC offset names no instant."""
    if value.tzinfo is None:
        raise InvalidInput(f"`{name}` needs a UTC offset, e.g. 2024-06-01T00:00:00Z.", field=name)
    return value.astimezone(UTC)


_block_issuance = aliased(Issuance, name="block_issuance")
BLOCK_ISSUANCE = Hop(_block_issuance, on=_block_issuance.id == col(CreditBlock.issuance_id))
_block_project, BLOCK_PROJECT = _project_of(
    _block_issuance.project_id, "block_project", after=BLOCK_ISSUANCE
)

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
    measures={"quantity": Measure(col(CreditBlock.quantity), Unit.CREDITS)},
    dimensions={
        "status": Dimension(col(CreditBlock.status), enum=CreditStatus),
        "owner": Dimension(col(CreditBlock.owner_company_id), node=Company),
        "issuance": Dimension(col(CreditBlock.issuance_id), node=Issuance),
        "vintage": Dimension(_block_issuance.vintage, via=BLOCK_ISSUANCE),
        "project": Dimension(_block_issuance.project_id, via=BLOCK_ISSUANCE, node=CarbonProject),
        **time_buckets("created_at", col(CreditBlock.created_at)),
        **project_dimensions(_block_project, BLOCK_PROJECT),
    },
)

_bought_project, BOUGHT_PROJECT = _project_of(col(Purchase.project_id), "bought_project")

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
    measures={
        "quantity": Measure(col(Purchase.quantity), Unit.CREDITS),
        "unit_price": Measure(
            col(Purchase.unit_price_cents), Unit.MONEY, currency=col(Purchase.currency)
        ),
        "total_price": Measure(
            col(Purchase.total_price_cents), Unit.MONEY, currency=col(Purchase.currency)
        ),
    },
    dimensions={
        "buyer": Dimension(col(Purchase.buyer_company_id), node=Company),
        "project": Dimension(col(Purchase.project_id), node=CarbonProject),
        "vintage": Dimension(col(Purchase.vintage)),
        "currency": Dimension(col(Purchase.currency)),
        **time_buckets("purchased_at", col(Purchase.purchased_at)),
        **project_dimensions(_bought_project, BOUGHT_PROJECT),
    },
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
