"""Companies: their map (filters, orderings), listings and lookups."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import col

from models import Company, EmissionsReport, PledgeSignature, Retirement
from models.db import Database

from .aggregate import Dimension, Hop, Measure, Unit, time_buckets
from .entity_map import RANGE, TEXT, Column, Custom, EntityMap, find_by, range_clause
from .pagination import Listing, SortKey
from .viewer import Viewer


def _signature_where(condition: Any) -> sa.Exists:
    return sa.exists().where(col(PledgeSignature.company_id) == col(Company.id), condition)


def _is_signatory(value: bool) -> Any:
    signed = _signature_where(sa.true())
    return signed if value else ~signed


def _has_public_report(value: bool) -> Any:
    public = sa.exists().where(
        col(EmissionsReport.company_id) == col(Company.id),
        col(EmissionsReport.public_url).is_not(None),
    )
    return public if value else ~public


_signature = aliased(PledgeSignature, name="signature")
SIGNATURE = Hop(_signature, on=_signature.company_id == col(Company.id))

COMPANIES: EntityMap[Company] = EntityMap(
    model=Company,
    primary_key=col(Company.id),
    filters={
        "slug": Column(col(Company.slug)),
        "name": Column(col(Company.name), TEXT),
        "sector": Column(col(Company.sector)),
        "hq_country": Column(col(Company.hq_country)),
        "is_signatory": Custom(_is_signatory),
        "signed_on": Custom(
            lambda ops: _signature_where(
                range_clause("signedOn", col(PledgeSignature.signed_on), ops)
            )
        ),
        "net_zero_target_year": Custom(
            lambda ops: _signature_where(
                range_clause("netZeroTargetYear", col(PledgeSignature.net_zero_target_year), ops)
            )
        ),
        "has_public_emissions_report": Custom(_has_public_report),
    },
    orderings={
        "NAME": SortKey(col(Company.name), "name"),
        "SLUG": SortKey(col(Company.slug), "slug"),
        "SECTOR": SortKey(col(Company.sector), "sector"),
        "HQ_COUNTRY": SortKey(col(Company.hq_country), "hq_country"),
    },
    default_order=[("NAME", False)],
    measures={
        "net_zero_target_year": Measure(_signature.net_zero_target_year, Unit.NUMBER, SIGNATURE)
    },
    dimensions={
        "sector": Dimension(col(Company.sector)),
        "hq_country": Dimension(col(Company.hq_country)),
        "net_zero_target_year": Dimension(_signature.net_zero_target_year, via=SIGNATURE),
        **time_buckets("signed_on", _signature.signed_on, via=SIGNATURE),
    },
)

_company = aliased(Company, name="report_company")
REPORT_COMPANY = Hop(_company, on=_company.id == col(EmissionsReport.company_id))
_total = (
    col(EmissionsReport.scope_1_tco2e)
    + col(EmissionsReport.scope_2_tco2e)
    + col(EmissionsReport.scope_3_tco2e)
)

# Credits retired for each company's claim year: what the net-zero progress of a year compares
# with its reported emissions (retirements are public records).
_claimed = (
    sa.select(
        col(Retirement.beneficiary_company_id).label("company_id"),
        col(Retirement.claim_year).label("year"),
        sa.func.sum(col(Retirement.quantity)).label("quantity"),
    )
    .group_by(col(Retirement.beneficiary_company_id), col(Retirement.claim_year))
    .subquery("claimed")
)
CLAIMED = Hop(
    _claimed,
    on=sa.and_(
        _claimed.c.company_id == col(EmissionsReport.company_id),
        _claimed.c.year == col(EmissionsReport.year),
    ),
)


def _has_public_url(value: bool) -> Any:
    public = col(EmissionsReport.public_url)
    return public.is_not(None) if value else public.is_(None)


EMISSIONS_REPORTS: EntityMap[EmissionsReport] = EntityMap(
    model=EmissionsReport,
    primary_key=col(EmissionsReport.id),
    filters={
        "year": Column(col(EmissionsReport.year), RANGE),
        "company": Custom(
            lambda spec: col(EmissionsReport.company_id).in_(
                sa.select(col(Company.id)).where(COMPANIES.where(spec))
            )
        ),
        "public": Custom(_has_public_url),
    },
    orderings={"YEAR": SortKey(col(EmissionsReport.year), "year")},
    default_order=[("YEAR", True)],
    measures={
        "scope_1_tco2e": Measure(col(EmissionsReport.scope_1_tco2e), Unit.TONNES),
        "scope_2_tco2e": Measure(col(EmissionsReport.scope_2_tco2e), Unit.TONNES),
        "scope_3_tco2e": Measure(col(EmissionsReport.scope_3_tco2e), Unit.TONNES),
        "total_tco2e": Measure(_total, Unit.TONNES),
        "retired_credits": Measure(
            sa.func.coalesce(_claimed.c.quantity, 0), Unit.CREDITS, via=CLAIMED
        ),
    },
    dimensions={
        "company": Dimension(col(EmissionsReport.company_id), node=Company),
        "year": Dimension(col(EmissionsReport.year)),
        "company_sector": Dimension(_company.sector, via=REPORT_COMPANY),
        "company_hq_country": Dimension(_company.hq_country, via=REPORT_COMPANY),
    },
)


def signatories() -> Any:
    """The condition that a company signed The Climate Pledge."""
    return _is_signatory(True)


def list_companies(
    *,
    viewer: Viewer,
    where: dict[str, Any] | None = None,
    order: list[tuple[str, bool]] | None = None,
    signatories_only: bool = False,
) -> Listing[Company]:
    """Companies matching `where`; with `signatories_only`, just Climate Pledge signatories."""
    also = _is_signatory(True) if signatories_only else None
    return COMPANIES.listing(viewer=viewer, where=where, order=order, also=also)


def list_emissions_reports(
    *,
    viewer: Viewer,
    where: dict[str, Any] | None = None,
    order: list[tuple[str, bool]] | None = None,
) -> Listing[EmissionsReport]:
    """Emissions reports matching `where`, latest year first by default."""
    return EMISSIONS_REPORTS.listing(viewer=viewer, where=where, order=order)


async def get_company_by_slug(db: Database, slug: str) -> Company | None:
    return await find_by(db, Company, col(Company.slug), slug)
