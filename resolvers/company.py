"""Companies: their map (filters, orderings), listings and lookups."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from models import Company, EmissionsReport, PledgeSignature
from models.db import Database

from .entity_map import TEXT, Column, Custom, EntityMap, find_by, range_clause
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
)


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


async def get_company_by_slug(db: Database, slug: str) -> Company | None:
    return await find_by(db, Company, col(Company.slug), slug)
