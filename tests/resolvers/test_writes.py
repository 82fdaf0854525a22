"""All-or-nothing writes: refusals and constraint violations undo every statement of the write."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import col, func, select

import models
from models.db import Database
from resolvers.writes import (
    Conflict,
    Invalid,
    Problem,
    ProblemCode,
    Refused,
    cents,
    check_values,
    country,
    slug,
    text,
    url,
    write,
)
from tests import factories
from tests.factories import make_company

TAKEN = Problem(("input", "slug"), "Taken.", ProblemCode.ALREADY_EXISTS)
SLUG_CONFLICT = Conflict("uq_companies_slug", "companies.slug", TAKEN)


async def company_count(db: Database) -> int:
    return (await db.rows(select(func.count(col(models.Company.id)))))[0][0]  # type: ignore[no-any-return]


def company(slug: str) -> models.Company:
    return models.Company(slug=slug, name=slug, sector="Technology", hq_country="US")


async def test_a_completed_write_is_kept_and_returns_its_row(db: Database) -> None:
    async def work() -> models.Company:
        row = company("kept")
        await db.save(row)
        return row

    written = await write(db, work)

    assert written.problems == ()
    assert written.row is not None
    assert written.row.id is not None
    found = await db.first(select(models.Company).where(col(models.Company.slug) == "kept"))
    assert found is not None


async def test_a_refused_write_undoes_the_rows_it_already_wrote(db: Database) -> None:
    before = await company_count(db)

    async def work() -> None:
        await db.save(company("first-of-two"))
        raise Refused([Problem(("input",), "No.")])

    written = await write(db, work)

    assert written.row is None
    assert [p.message for p in written.problems] == ["No."]
    assert await company_count(db) == before


async def test_a_unique_violation_after_other_rows_undoes_them_all_and_maps_to_its_problem(
    db: Database,
) -> None:
    await make_company(db, slug="taken")
    before = await company_count(db)

    async def work() -> None:
        await db.save(company("written-first"))
        await db.save(company("taken"))

    written = await write(db, work, [SLUG_CONFLICT])

    assert written.problems == (TAKEN,)
    assert await company_count(db) == before
    # The session is still usable (on PostgreSQL the failed statement aborted the savepoint only).
    await make_company(db, slug="after-the-failure")
    assert await company_count(db) == before + 1


async def test_an_unexpected_constraint_violation_is_a_generic_problem_not_an_error(
    db: Database,
) -> None:
    before = await company_count(db)

    async def work() -> None:
        row = company("bad-country")
        row.hq_country = "us"  # the CHECK wants upper case
        await db.save(row)

    written = await write(db, work, [SLUG_CONFLICT])

    assert written.row is None
    assert [(p.field, p.code) for p in written.problems] == [(None, ProblemCode.INVALID_INPUT)]
    assert await company_count(db) == before


def test_checks_report_each_field_by_its_api_path() -> None:
    values = {"slug": "Not A Slug", "hq_country": "de", "name": "  Trimmed  ", "website": "ftp://x"}
    checks = {"slug": slug, "hq_country": country, "name": text(10), "website": url(300)}

    clean, problems = check_values(values, checks)

    assert clean == {"hq_country": "DE", "name": "Trimmed"}
    assert [(p.field, p.code) for p in problems] == [
        (("input", "slug"), ProblemCode.INVALID_INPUT),
        (("input", "website"), ProblemCode.INVALID_INPUT),
    ]


@pytest.mark.parametrize(
    ("value", "code"),
    [("", ProblemCode.BLANK), ("   ", ProblemCode.BLANK), (None, ProblemCode.BLANK),
     ("x" * 11, ProblemCode.TOO_LONG), ("a\x00b", ProblemCode.INVALID_INPUT)],
)  # fmt: skip
def test_text_refuses_blank_long_and_nul(value: str | None, code: ProblemCode) -> None:
    with pytest.raises(Invalid) as refused:
        text(10)(value)
    assert refused.value.code is code


@pytest.mark.parametrize(
    "address", ["http://[::1", "https://", "mailto:x@example.org", "https://a b.example", "x"]
)
def test_url_refuses_what_is_no_web_address(address: str) -> None:
    with pytest.raises(Invalid):
        url(500)(address)


@pytest.mark.parametrize("code", ["XX", "UK", "U", "USA", "1A"])
def test_country_accepts_only_assigned_codes(code: str) -> None:
    with pytest.raises(Invalid):
        country(code)


@pytest.mark.parametrize(
    ("amount", "expected"), [("12.99", 1299), ("0", 0), ("7", 700), ("1.5", 150)]
)
def test_cents_are_exact(amount: str, expected: int) -> None:
    assert cents(Decimal(amount)) == expected


@pytest.mark.parametrize("amount", ["12.999", "-1", "NaN", "Infinity", "1e30"])
def test_cents_refuse_what_no_price_can_be(amount: str) -> None:
    with pytest.raises(Invalid):
        cents(Decimal(amount))


async def test_a_database_guard_refusal_is_a_problem_not_a_server_error(db: Database) -> None:
    # The credit blocks' triggers refuse with SQLSTATE 23000 on PostgreSQL (a bare RAISE
    # EXCEPTION would be P0001, which no write handler expects) and a constraint error on SQLite.
    project = await factories.make_project(db)
    issuance = await factories.make_issuance(db, project)
    block = await factories.make_block(db, issuance, status=models.CreditStatus.CANCELLED)

    async def revive() -> models.CreditBlock:
        block.status = models.CreditStatus.AVAILABLE
        await db.save(block)
        return block

    written = await write(db, revive)

    assert written.row is None
    assert [problem.message for problem in written.problems] == [
        "The database refused the input; nothing was written."
    ]
