"""Buyers, projects on offer and issuances for the ledger tests, made as the exchange makes them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime

import models
from models.db import Database
from resolvers.exchange import record_issuance
from resolvers.viewer import Role, Viewer
from resolvers.writes import today
from tests import factories

ADMIN = Viewer(role=Role.ADMIN)
PRICE_CENTS = 2_550
LAST_YEAR = today().year - 1


def partner(company_id: int) -> Viewer:
    return Viewer(role=Role.PARTNER, company_id=company_id)


async def make_buyer(
    db: Database, *, reported: Mapping[int, int], eligible: bool = True
) -> models.Company:
    """A company with public emissions reports (tonnes per year); eligible if it also commits
    to net zero by 2050 over scopes 1-3 and attests to residual use (else it lacks both)."""
    company = await factories.make_company(db)
    assert company.id is not None
    if eligible:
        db.session.add(
            models.BuyerCommitment(
                company_id=company.id,
                net_zero_target_year=2050,
                target_covers_scopes_1_to_3=True,
                residual_use_attested_at=datetime(2026, 1, 1, tzinfo=UTC),
                updated_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
        )
    for year, tonnes in reported.items():
        await factories.make_emissions_report(
            db,
            company,
            year=year,
            scope_1_tco2e=tonnes,
            scope_2_tco2e=0,
            scope_3_tco2e=0,
            public_url="https://example.org/report.pdf",
        )
    return company


async def make_project(db: Database, *, on_offer: bool = True) -> models.CarbonProject:
    price = {"offer_price_cents": PRICE_CENTS} if on_offer else {}
    return await factories.make_project(db, **price)


async def issue(
    db: Database,
    project_id: int,
    *,
    quantity: int,
    vintage: int = 2023,
    prefix: str,
    serial_start: int = 1,
) -> models.Issuance:
    """`quantity` credits of `vintage` into the project's inventory, through the resolver."""
    written = await record_issuance(
        db,
        viewer=ADMIN,
        project_id=project_id,
        values={
            "vintage": vintage,
            "issued_on": date(2024, 3, 1),
            "total_quantity": quantity,
            "buffer_quantity": 0,
            "serial_prefix": prefix,
            "serial_start": serial_start,
        },
    )
    assert written.row is not None, written.problems
    return written.row
