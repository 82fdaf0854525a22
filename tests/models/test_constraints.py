"""The database itself, not Python, refuses rows that break the domain's invariants."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Executable
from sqlmodel import col, select

import models
from models.db import Database
from tests import factories

MISSING_ID = 2_000_000_000


@dataclass(frozen=True)
class Rows:
    """Valid rows the statements under test refer to."""

    company: int
    project: int
    issuance: int
    retirement: int
    product: int
    certification: int
    ledger_event: int


def _id(value: int | None) -> int:
    assert value is not None, "flushed rows have a primary key"
    return value


@pytest.fixture
async def rows(db: Database) -> Rows:
    company = await factories.make_company(db)
    await factories.make_emissions_report(db, company, year=2024)
    project = await factories.make_project(db)
    issuance = await factories.make_issuance(db, project)
    ledger_event = await factories.make_ledger_event(db, issuance)
    return Rows(
        company=_id(company.id),
        project=_id(project.id),
        issuance=_id(issuance.id),
        retirement=_id((await factories.make_retirement(db)).id),
        product=_id((await factories.make_product(db)).id),
        certification=_id((await factories.make_certification(db)).id),
        ledger_event=_id(ledger_event.id),
    )


def _insert(model: Any, values: dict[str, Any], changes: dict[str, Any]) -> Executable:
    return sa.insert(model).values(values | changes)


# One valid row per table; each refusal below changes only what it is about.
def company(rows: Rows, **changes: Any) -> Executable:
    values = {"slug": "valid-company", "name": "Valid", "sector": "Retail", "hq_country": "DE"}
    return _insert(models.Company, values | {"provenance": "sourced"}, changes)


def signature(rows: Rows, **changes: Any) -> Executable:
    values = {"company_id": rows.company, "signed_on": date(2020, 1, 1)}
    return _insert(models.PledgeSignature, values | {"net_zero_target_year": 2040}, changes)


def emissions_report(rows: Rows, **changes: Any) -> Executable:
    values = {"company_id": rows.company, "year": 2023, "provenance": "sourced"}
    scopes = {"scope_1_tco2e": 1, "scope_2_tco2e": 2, "scope_3_tco2e": 3}
    return _insert(models.EmissionsReport, values | scopes, changes)


def product(rows: Rows, **changes: Any) -> Executable:
    values = {
        "asin": "B0VALID000",
        "title": "Valid",
        "brand": "Valid",
        "brand_company_id": rows.company,
        "category": "grocery",
        "marketplace": "de",
        "price_cents": 0,
        "price_currency": "EUR",
        "provenance": "sourced",
    }
    return _insert(models.Product, values, changes)


def certificate(rows: Rows, **changes: Any) -> Executable:
    values = {
        "product_id": rows.product,
        "certification_id": rows.certification,
        "certificate_number": "VALID-1",
        "valid_from": date(2024, 1, 1),
        "valid_to": date(2024, 1, 1),
    }
    return _insert(models.ProductCertification, values, changes)


def project(rows: Rows, **changes: Any) -> Executable:
    values = {
        "slug": "valid-project",
        "issuing_registry": "verra",
        "registry_project_id": "VCS-VALID",
        "name": "Valid",
        "country": "BR",
        "project_type": "arr",
        "mitigation_type": "removal",
        "labels": [],
        "status": "listed",
        "description": "",
        "provenance": "sourced",
    }
    return _insert(models.CarbonProject, values, changes)


def issuance(rows: Rows, **changes: Any) -> Executable:
    values = {
        "project_id": rows.project,
        "vintage": 2022,
        "issued_on": date(2023, 1, 1),
        "total_quantity": 100,
        "buffer_quantity": 10,
        "issued_quantity": 90,
        "serial_prefix": "VALID",
        "serial_start": 0,
        "serial_end": 89,
        "provenance": "sourced",
    }
    return _insert(models.Issuance, values, changes)


def block(rows: Rows, **changes: Any) -> Executable:
    values = {
        "issuance_id": rows.issuance,
        "serial_start": 1,
        "serial_end": 10,
        "quantity": 10,
        "status": "available",
        "created_at": datetime(2024, 1, 1, tzinfo=UTC),
    }
    return _insert(models.CreditBlock, values, changes)


def purchase(rows: Rows, **changes: Any) -> Executable:
    values = {
        "buyer_company_id": rows.company,
        "project_id": rows.project,
        "quantity": 3,
        "unit_price_cents": 1500,
        "total_price_cents": 4500,
        "currency": "USD",
        "purchased_at": datetime(2024, 1, 1, tzinfo=UTC),
    }
    return _insert(models.Purchase, values, changes)


def api_key(rows: Rows, **changes: Any) -> Executable:
    values = {
        "name": "Valid",
        "role": "partner",
        "company_id": rows.company,
        "prefix": "0123456789ab",
        "secret_hash": "0" * 64,
        "first_party": False,
        "created_at": datetime(2024, 1, 1, tzinfo=UTC),
    }
    return _insert(models.ApiKey, values, changes)


def admin_key(rows: Rows, **changes: Any) -> Executable:
    return api_key(rows, role="admin", company_id=None, **changes)


def ledger_update(rows: Rows) -> Executable:
    event = col(models.LedgerEvent.id) == rows.ledger_event
    return sa.update(models.LedgerEvent).where(event).values(quantity=1)


def ledger_delete(rows: Rows) -> Executable:
    return sa.delete(models.LedgerEvent).where(col(models.LedgerEvent.id) == rows.ledger_event)


def unvalidated(value: str) -> Any:
    """A string bound as plain text, so SQLAlchemy's enum check never sees it."""
    return sa.literal(value, sa.String())


Statement = Callable[[Rows], Executable]

VALID_ROWS: list[Statement] = [
    company,
    signature,
    emissions_report,
    product,
    certificate,
    project,
    issuance,
    block,
    purchase,
    api_key,
    admin_key,
]

REFUSALS = [
    pytest.param(
        lambda r: block(r, quantity=11),
        IntegrityError,
        "ck_credit_blocks_quantity_is_inclusive_range",
        id="block quantity is not end - start + 1",
    ),
    pytest.param(
        lambda r: block(r, owner_company_id=r.company),
        IntegrityError,
        "ck_credit_blocks_owner_matches_status",
        id="available block with an owner",
    ),
    pytest.param(
        lambda r: block(r, status="held"),
        IntegrityError,
        "ck_credit_blocks_owner_matches_status",
        id="held block without an owner",
    ),
    pytest.param(
        lambda r: block(r, status="retired", owner_company_id=r.company),
        IntegrityError,
        "ck_credit_blocks_retired_iff_retirement",
        id="retired block without a retirement",
    ),
    pytest.param(
        lambda r: block(r, retirement_id=r.retirement),
        IntegrityError,
        "ck_credit_blocks_retired_iff_retirement",
        id="available block with a retirement",
    ),
    pytest.param(
        lambda r: issuance(r, issued_quantity=91, serial_end=90),
        IntegrityError,
        "ck_issuances_issued_is_total_less_buffer",
        id="issued is not total less buffer",
    ),
    pytest.param(
        lambda r: issuance(r, serial_end=90),
        IntegrityError,
        "ck_issuances_serial_range_matches_issued",
        id="serial range length is not issued",
    ),
    pytest.param(
        lambda r: company(r, hq_country="de"),
        IntegrityError,
        "ck_companies_hq_country_iso_alpha2",
        id="lowercase hq_country",
    ),
    pytest.param(
        lambda r: company(r, hq_country="D1"),
        IntegrityError,
        "ck_companies_hq_country_iso_alpha2",
        id="hq_country with a digit",
    ),
    pytest.param(
        lambda r: company(r, hq_country="ÄB"),
        IntegrityError,
        "ck_companies_hq_country_iso_alpha2",
        id="hq_country with a non-ASCII letter",
    ),
    pytest.param(
        lambda r: company(r, hq_country="DEU"),
        DBAPIError,  # PostgreSQL's VARCHAR(2) refuses it before the CHECK does
        "ck_companies_hq_country_iso_alpha2|value too long",
        id="three-letter hq_country",
    ),
    pytest.param(
        lambda r: product(r, asin="B0SHORT00"),
        IntegrityError,
        "ck_products_asin_ten_characters",
        id="asin of nine characters",
    ),
    pytest.param(
        lambda r: product(r, price_cents=-1),
        IntegrityError,
        "ck_products_price_not_negative",
        id="negative price",
    ),
    pytest.param(
        lambda r: certificate(r, valid_to=date(2023, 12, 31)),
        IntegrityError,
        "ck_product_certifications_validity_ordered",
        id="certificate valid_to before valid_from",
    ),
    pytest.param(
        lambda r: emissions_report(r, year=2024),
        IntegrityError,
        "uq_emissions_reports_company_id_year|UNIQUE constraint failed: emissions_reports",
        id="second emissions report for a company and year",
    ),
    pytest.param(
        lambda r: signature(r, net_zero_target_year=2045),
        IntegrityError,
        "ck_pledge_signatures_target_year_by_2040",
        id="pledge target year 2045",
    ),
    pytest.param(
        lambda r: project(r, status=unvalidated("abandoned")),
        IntegrityError,
        "ck_carbon_projects_status",
        id="unknown project status",
    ),
    pytest.param(
        lambda r: emissions_report(r, company_id=MISSING_ID),
        IntegrityError,
        "fk_emissions_reports_company_id_companies|FOREIGN KEY constraint failed",
        id="emissions report of a missing company",
    ),
    pytest.param(
        lambda r: product(r, brand_company_id=MISSING_ID),
        IntegrityError,
        "fk_products_brand_company_id_companies|FOREIGN KEY constraint failed",
        id="product of a missing brand company",
    ),
    pytest.param(
        lambda r: purchase(r, total_price_cents=4501),
        IntegrityError,
        "ck_purchases_total_is_quantity_times_price",
        id="purchase total is not quantity times unit price",
    ),
    pytest.param(
        lambda r: api_key(r, company_id=None),
        IntegrityError,
        "ck_api_keys_company_for_partners_only",
        id="partner key without a company",
    ),
    pytest.param(
        lambda r: api_key(r, role="admin"),
        IntegrityError,
        "ck_api_keys_company_for_partners_only",
        id="admin key bound to a company",
    ),
    pytest.param(
        lambda r: api_key(r, name=""),
        IntegrityError,
        "ck_api_keys_name_not_empty",
        id="api key without a name",
    ),
    pytest.param(
        lambda r: api_key(r, secret_hash="0" * 63),
        IntegrityError,
        "ck_api_keys_secret_hash_is_sha256_hex",
        id="api key hash of the wrong length",
    ),
    pytest.param(
        lambda r: api_key(r, revoked_at=datetime(2023, 12, 31, tzinfo=UTC)),
        IntegrityError,
        "ck_api_keys_revoked_after_created",
        id="api key revoked before it was created",
    ),
    pytest.param(ledger_update, DBAPIError, "append-only", id="ledger event update"),
    pytest.param(ledger_delete, DBAPIError, "append-only", id="ledger event delete"),
]


@pytest.mark.parametrize("statement", VALID_ROWS, ids=lambda statement: statement.__name__)
async def test_valid_row_is_accepted(
    connection: AsyncConnection, rows: Rows, statement: Statement
) -> None:
    async with connection.begin_nested():
        result = await connection.execute(statement(rows))

    assert result.rowcount == 1


@pytest.mark.parametrize(("statement", "error", "message"), REFUSALS)
async def test_database_refuses_statement_breaking_an_invariant(
    connection: AsyncConnection,
    rows: Rows,
    statement: Statement,
    error: type[DBAPIError],
    message: str,
) -> None:
    with pytest.raises(error, match=message):
        async with connection.begin_nested():
            await connection.execute(statement(rows))


async def test_refused_ledger_changes_leave_the_event_as_it_was(
    connection: AsyncConnection, rows: Rows
) -> None:
    read = select(models.LedgerEvent.quantity).where(
        col(models.LedgerEvent.id) == rows.ledger_event
    )
    before = (await connection.execute(read)).all()

    for change in (ledger_update, ledger_delete):
        with pytest.raises(DBAPIError):
            async with connection.begin_nested():
                await connection.execute(change(rows))

    assert (await connection.execute(read)).all() == before != []


async def _existing_block(connection: AsyncConnection, rows: Rows, status: str) -> int:
    """A block of serials 1-10 of the issuance, in `status`."""
    owner = {"owner_company_id": rows.company} if status == "held" else {}
    inserted = await connection.execute(
        block(rows, status=status, **owner).returning(models.CreditBlock.id)  # type: ignore[attr-defined]
    )
    return int(inserted.scalar_one())


def _change(block_id: int, **values: Any) -> Executable:
    return (
        sa.update(models.CreditBlock).where(col(models.CreditBlock.id) == block_id).values(values)
    )


BLOCK_GUARDS = [
    pytest.param("held", lambda rows, _: block(rows, serial_start=10, serial_end=12, quantity=3),
                 r"live_serials_disjoint|must not overlap", id="overlapping block"),
    pytest.param("split", lambda rows, _: block(rows), None, id="block over a split one"),
    pytest.param("held", lambda rows, _: block(rows, serial_start=11, serial_end=901, quantity=891),
                 "within the serial range", id="block past the issuance's last serial"),
    pytest.param("held", lambda _, b: _change(b, serial_start=2, quantity=9),
                 "serial range of a credit block never changes", id="range changed"),
    pytest.param("cancelled", lambda _, b: _change(b, status="available"),
                 "final", id="cancelled block revived"),
    pytest.param("split", lambda _, b: _change(b, status="available"), "final",
                 id="split block revived"),
    pytest.param("held", lambda _, b: sa.delete(models.CreditBlock).where(
        col(models.CreditBlock.id) == b), "never deleted", id="block deleted"),
]  # fmt: skip


@pytest.mark.parametrize(("status", "statement", "message"), BLOCK_GUARDS)
async def test_database_guards_the_credit_blocks(
    connection: AsyncConnection,
    rows: Rows,
    status: str,
    statement: Callable[[Rows, int], Executable],
    message: str | None,
) -> None:
    existing = await _existing_block(connection, rows, status)

    if message is None:  # a split block's serials belong to its parts: no overlap
        async with connection.begin_nested():
            assert (await connection.execute(statement(rows, existing))).rowcount == 1
        return
    with pytest.raises(DBAPIError, match=message):
        async with connection.begin_nested():
            await connection.execute(statement(rows, existing))
