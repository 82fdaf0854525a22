"""Buyer eligibility: each condition from data, who sees it, and the mutations that declare it."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, func, select
from strawberry.relay import to_base64

import models
from models.db import Database, create_read_sessionmaker, create_write_sessionmaker
from resolvers.eligibility import reporting_years, set_net_zero_target
from resolvers.viewer import ANONYMOUS, Role, Viewer
from schema.settings import ApiSettings
from tests import factories
from tests.fixtures.database import StatementCounter
from tests.fixtures.graphql import GraphQLClient

ADMIN = Viewer(role=Role.ADMIN)
ELIGIBILITY = """
query ($slug: String!) {
  company(slug: $slug) {
    creditEligibility { eligible checks { criterion met detail } }
    buyerCommitment {
      netZeroTargetYear coversScopes1To3 evidenceUrl residualUseAttestedAt updatedAt provenance
    }
  }
}"""
SET_TARGET = """
mutation ($input: NetZeroTargetSetInput!) {
  netZeroTargetSet(input: $input) {
    buyerCommitment {
      netZeroTargetYear coversScopes1To3 evidenceUrl residualUseAttestedAt provenance
    }
    company { slug creditEligibility { eligible checks { criterion met detail } } }
    userErrors { field message code }
  }
}"""
ATTEST = """
mutation ($input: ResidualUseAttestInput!) {
  residualUseAttest(input: $input) {
    buyerCommitment { netZeroTargetYear residualUseAttestedAt provenance }
    company { slug creditEligibility { eligible checks { criterion met detail } } }
    userErrors { field message code }
  }
}"""
WITHDRAW = """
mutation ($input: NetZeroTargetWithdrawInput!) {
  netZeroTargetWithdraw(input: $input) {
    buyerCommitment {
      netZeroTargetYear coversScopes1To3 evidenceUrl residualUseAttestedAt provenance
    }
    company { slug creditEligibility { eligible checks { criterion met detail } } }
    userErrors { field message code }
  }
}"""
# What each declaration needs besides the company.
GIVEN: dict[str, dict[str, Any]] = {
    "target": {"year": 2040, "coversScopes1To3": True},
    "attest": {"attested": True},
    "withdraw": {},
}
LAST_FULL_YEAR = reporting_years()[-1]
EVIDENCE = "https://acme.example/net-zero-plan.pdf"


def partner_of(company: models.Company) -> Viewer:
    return Viewer(role=Role.PARTNER, company_id=company.id)


def gid(company: models.Company) -> str:
    assert company.id is not None
    return to_base64("Company", company.id)


async def commit(db: Database, company: models.Company, **overrides: Any) -> None:
    """Store the company's declarations directly: a 2050 all-scope target, attested."""
    now = datetime.now(UTC)
    fields: dict[str, Any] = {
        "company_id": company.id,
        "net_zero_target_year": 2050,
        "target_covers_scopes_1_to_3": True,
        "residual_use_attested_at": now,
        "updated_at": now,
        "provenance": models.Provenance.UNCONFIRMED,
    }
    await db.save(models.BuyerCommitment(**(fields | overrides)))


async def buyer(db: Database, **commitment: Any) -> models.Company:
    """A company meeting every condition unless `commitment` overrides say otherwise."""
    company = await factories.make_company(db)
    await commit(db, company, **commitment)
    await factories.make_emissions_report(db, company, year=LAST_FULL_YEAR)
    return company


async def checks(gql: GraphQLClient, company: models.Company) -> dict[str, tuple[bool, str]]:
    """Each criterion's (met, detail), as the company's own partner reads them."""
    data = await gql.as_viewer(partner_of(company)).data(ELIGIBILITY, slug=company.slug)
    eligibility = data["company"]["creditEligibility"]
    found = {c["criterion"]: (c["met"], c["detail"]) for c in eligibility["checks"]}
    assert eligibility["eligible"] == all(met for met, _ in found.values())
    return found


async def commitment_count(db: Database) -> int:
    return int((await db.rows(select(func.count()).select_from(models.BuyerCommitment)))[0][0])


# The three conditions ---------------------------------------------------------------------


async def test_a_company_meeting_every_condition_is_eligible(
    gql: GraphQLClient, db: Database
) -> None:
    company = await buyer(db)

    data = await gql.as_viewer(partner_of(company)).data(ELIGIBILITY, slug=company.slug)

    assert data["company"]["creditEligibility"] == {
        "eligible": True,
        "checks": [
            {
                "criterion": "NET_ZERO_TARGET",
                "met": True,
                "detail": "Net zero by 2050, covering scopes 1, 2 and 3.",
            },
            {
                "criterion": "PUBLIC_EMISSIONS_REPORTING",
                "met": True,
                "detail": f"Public emissions report for {LAST_FULL_YEAR}.",
            },
            {
                "criterion": "RESIDUAL_EMISSIONS_ONLY",
                "met": True,
                "detail": "Attested: credits address residual emissions only.",
            },
        ],
    }


async def test_a_signatory_meets_the_target_condition_through_its_pledge(
    gql: GraphQLClient, db: Database
) -> None:
    signatory = await buyer(db, net_zero_target_year=None, target_covers_scopes_1_to_3=False)
    await factories.make_signature(db, signatory, net_zero_target_year=2035)

    assert (await checks(gql, signatory))["NET_ZERO_TARGET"] == (
        True,
        "Climate Pledge signatory: net zero by 2035.",
    )


@pytest.mark.parametrize(
    ("commitment", "detail"),
    [
        ({"net_zero_target_year": None}, "No net-zero target declared."),
        ({"net_zero_target_year": 2051}, "Net zero by 2051 is later than 2050."),
        (
            {"target_covers_scopes_1_to_3": False},
            "The target (net zero by 2050) does not cover scopes 1, 2 and 3.",
        ),
    ],
    ids=["no target", "target after 2050", "scope 3 left out"],
)
async def test_a_non_signatory_s_target_must_be_2050_or_earlier_and_cover_every_scope(
    gql: GraphQLClient, db: Database, commitment: dict[str, Any], detail: str
) -> None:
    company = await buyer(db, **commitment)

    found = await checks(gql, company)

    assert found["NET_ZERO_TARGET"] == (False, detail)
    assert [met for met, _ in found.values()] == [False, True, True]


@pytest.mark.parametrize("years_ago", [1, 2])
async def test_a_public_report_for_either_of_the_last_two_full_years_counts(
    gql: GraphQLClient, db: Database, years_ago: int
) -> None:
    company = await factories.make_company(db)
    await commit(db, company)
    year = datetime.now(UTC).year - years_ago
    await factories.make_emissions_report(db, company, year=year)

    assert (await checks(gql, company))["PUBLIC_EMISSIONS_REPORTING"] == (
        True,
        f"Public emissions report for {year}.",
    )


@pytest.mark.parametrize(
    "report",
    [
        {},
        {"year": datetime.now(UTC).year - 3},
        {"year": datetime.now(UTC).year},  # the running year is not over: a preliminary figure
        {"year": LAST_FULL_YEAR, "public_url": None},
    ],
    ids=["no report", "three years ago", "this year", "not published"],
)
async def test_without_a_published_report_in_the_window_reporting_is_unmet(
    gql: GraphQLClient, db: Database, report: dict[str, Any]
) -> None:
    company = await factories.make_company(db)
    await commit(db, company)
    if report:
        await factories.make_emissions_report(db, company, **report)
    first, last = reporting_years()[0], reporting_years()[-1]

    assert (await checks(gql, company))["PUBLIC_EMISSIONS_REPORTING"] == (
        False,
        f"No public emissions report for {first} or {last}.",
    )


async def test_without_an_attestation_residual_use_is_unmet(
    gql: GraphQLClient, db: Database
) -> None:
    company = await buyer(db, residual_use_attested_at=None)

    assert (await checks(gql, company))["RESIDUAL_EMISSIONS_ONLY"] == (
        False,
        "No attestation that credits address residual emissions only.",
    )


async def test_a_company_that_declared_nothing_meets_no_condition(
    gql: GraphQLClient, db: Database
) -> None:
    company = await factories.make_company(db)

    data = await gql.as_viewer(partner_of(company)).data(ELIGIBILITY, slug=company.slug)

    assert data["company"]["buyerCommitment"] is None
    assert data["company"]["creditEligibility"]["eligible"] is False
    assert [c["met"] for c in data["company"]["creditEligibility"]["checks"]] == [False] * 3


# Who sees what ----------------------------------------------------------------------------

VIEWERS = ["anonymous", "owner", "other partner", "partner of no company", "admin"]


@pytest.mark.parametrize("who", VIEWERS)
async def test_the_evidence_and_the_eligibility_are_private_to_the_company_and_admins(
    gql: GraphQLClient, db: Database, who: str
) -> None:
    company = await buyer(db, target_evidence_url=EVIDENCE)
    other = await buyer(db)
    viewer = {
        "anonymous": ANONYMOUS,
        "owner": partner_of(company),
        "other partner": partner_of(other),
        "partner of no company": Viewer(role=Role.PARTNER),
        "admin": ADMIN,
    }[who]

    data = (await gql.as_viewer(viewer).data(ELIGIBILITY, slug=company.slug))["company"]

    if who in {"owner", "admin"}:
        assert data["creditEligibility"]["eligible"] is True
        assert data["buyerCommitment"]["netZeroTargetYear"] == 2050
        assert data["buyerCommitment"]["evidenceUrl"] == EVIDENCE
        assert data["buyerCommitment"]["updatedAt"].endswith("+00:00")
    else:
        assert data == {"creditEligibility": None, "buyerCommitment": None}


async def test_a_partner_listing_companies_sees_only_its_own_eligibility(
    gql: GraphQLClient, db: Database
) -> None:
    own = await buyer(db)
    other = await buyer(db)
    document = """
    query ($ids: [ID!]!) {
      nodes(ids: $ids) {
        ... on Company { slug creditEligibility { eligible } buyerCommitment { netZeroTargetYear } }
      }
    }"""

    data = await gql.as_viewer(partner_of(own)).data(document, ids=[gid(own), gid(other)])

    assert data["nodes"] == [
        {
            "slug": own.slug,
            "creditEligibility": {"eligible": True},
            "buyerCommitment": {"netZeroTargetYear": 2050},
        },
        {"slug": other.slug, "creditEligibility": None, "buyerCommitment": None},
    ]


# netZeroTargetSet and residualUseAttest ---------------------------------------------------


async def test_a_partner_declares_its_target_and_reads_its_eligibility_back(
    gql: GraphQLClient, db: Database
) -> None:
    company = await factories.make_company(db)
    await factories.make_emissions_report(db, company, year=LAST_FULL_YEAR)
    partner = gql.as_viewer(partner_of(company))

    target = (
        await partner.data(
            SET_TARGET, input={"year": 2045, "coversScopes1To3": True, "evidenceUrl": EVIDENCE}
        )
    )["netZeroTargetSet"]
    attest = (await partner.data(ATTEST, input={"attested": True}))["residualUseAttest"]

    assert target["userErrors"] == []
    assert target["buyerCommitment"] == {
        "netZeroTargetYear": 2045,
        "coversScopes1To3": True,
        "evidenceUrl": EVIDENCE,
        "residualUseAttestedAt": None,
        "provenance": "SOURCED",
    }
    assert [c["met"] for c in target["company"]["creditEligibility"]["checks"]] == [
        True,
        True,
        False,
    ]
    assert attest["userErrors"] == []
    assert attest["buyerCommitment"]["netZeroTargetYear"] == 2045  # the target is kept
    assert attest["buyerCommitment"]["provenance"] == "SOURCED"
    assert attest["company"]["creditEligibility"]["eligible"] is True
    assert await commitment_count(db) == 1


async def test_a_target_without_evidence_is_unconfirmed_and_replaces_the_one_before(
    gql: GraphQLClient, db: Database
) -> None:
    company = await buyer(db, target_evidence_url=EVIDENCE, provenance=models.Provenance.SOURCED)
    attested_at = await _attested_at(gql, company)
    before = await commitment_count(db)

    payload = (
        await gql.as_viewer(partner_of(company)).data(
            SET_TARGET, input={"year": 2040, "coversScopes1To3": True}
        )
    )["netZeroTargetSet"]

    assert payload["buyerCommitment"]["evidenceUrl"] is None
    assert payload["buyerCommitment"]["provenance"] == "UNCONFIRMED"
    assert payload["buyerCommitment"]["netZeroTargetYear"] == 2040
    assert payload["buyerCommitment"]["residualUseAttestedAt"] == attested_at  # untouched
    assert await commitment_count(db) == before


async def _attested_at(gql: GraphQLClient, company: models.Company) -> str | None:
    data = await gql.as_viewer(ADMIN).data(ELIGIBILITY, slug=company.slug)
    attested: str | None = data["company"]["buyerCommitment"]["residualUseAttestedAt"]
    return attested


async def test_a_target_after_2050_is_stored_but_leaves_the_condition_unmet(
    gql: GraphQLClient, db: Database
) -> None:
    company = await factories.make_company(db)

    payload = (
        await gql.as_viewer(partner_of(company)).data(
            SET_TARGET, input={"year": 2060, "coversScopes1To3": True}
        )
    )["netZeroTargetSet"]

    assert payload["userErrors"] == []
    assert payload["buyerCommitment"]["netZeroTargetYear"] == 2060
    assert payload["company"]["creditEligibility"]["checks"][0] == {
        "criterion": "NET_ZERO_TARGET",
        "met": False,
        "detail": "Net zero by 2060 is later than 2050.",
    }


async def test_withdrawing_the_attestation_makes_the_company_ineligible(
    gql: GraphQLClient, db: Database
) -> None:
    company = await buyer(db)
    assert (await checks(gql, company))["RESIDUAL_EMISSIONS_ONLY"][0] is True

    payload = (await gql.as_viewer(partner_of(company)).data(ATTEST, input={"attested": False}))[
        "residualUseAttest"
    ]

    assert payload["userErrors"] == []
    assert payload["buyerCommitment"]["residualUseAttestedAt"] is None
    assert payload["buyerCommitment"]["netZeroTargetYear"] == 2050
    assert payload["company"]["creditEligibility"]["eligible"] is False
    assert payload["company"]["creditEligibility"]["checks"][2] == {
        "criterion": "RESIDUAL_EMISSIONS_ONLY",
        "met": False,
        "detail": "No attestation that credits address residual emissions only.",
    }


@pytest.mark.parametrize("signatory", [False, True])
async def test_withdrawing_the_target_leaves_the_signature_and_the_attestation(
    gql: GraphQLClient, db: Database, signatory: bool
) -> None:
    company = await buyer(db, target_evidence_url=EVIDENCE, provenance=models.Provenance.SOURCED)
    if signatory:
        await factories.make_signature(db, company, net_zero_target_year=2040)
    attested_at = await _attested_at(gql, company)

    payload = (await gql.as_viewer(partner_of(company)).data(WITHDRAW, input={}))[
        "netZeroTargetWithdraw"
    ]

    assert payload["userErrors"] == []
    assert payload["buyerCommitment"] == {
        "netZeroTargetYear": None,
        "coversScopes1To3": False,
        "evidenceUrl": None,
        "residualUseAttestedAt": attested_at,
        "provenance": "UNCONFIRMED",
    }
    target = payload["company"]["creditEligibility"]["checks"][0]
    assert target["criterion"] == "NET_ZERO_TARGET"
    assert target["met"] is signatory
    if not signatory:
        assert target["detail"] == "No net-zero target declared."
    assert payload["company"]["creditEligibility"]["eligible"] is signatory


async def test_attesting_again_renews_the_date(gql: GraphQLClient, db: Database) -> None:
    long_ago = datetime(2024, 1, 15, tzinfo=UTC)
    company = await buyer(db, residual_use_attested_at=long_ago)

    payload = (await gql.as_viewer(partner_of(company)).data(ATTEST, input={"attested": True}))[
        "residualUseAttest"
    ]

    renewed = datetime.fromisoformat(payload["buyerCommitment"]["residualUseAttestedAt"])
    assert datetime.now(UTC) - renewed < timedelta(minutes=5)


async def test_an_admin_declares_for_any_company_it_names(gql: GraphQLClient, db: Database) -> None:
    company = await factories.make_company(db)
    admin = gql.as_viewer(ADMIN)

    target = (
        await admin.data(
            SET_TARGET, input={"companyId": gid(company), "year": 2050, "coversScopes1To3": False}
        )
    )["netZeroTargetSet"]
    attest = (await admin.data(ATTEST, input={"companyId": gid(company), "attested": True}))[
        "residualUseAttest"
    ]

    assert target["userErrors"] == attest["userErrors"] == []
    assert target["company"]["slug"] == company.slug
    assert target["buyerCommitment"]["coversScopes1To3"] is False
    assert attest["buyerCommitment"]["residualUseAttestedAt"] is not None


async def test_a_partner_may_name_its_own_company(gql: GraphQLClient, db: Database) -> None:
    company = await factories.make_company(db)

    payload = (
        await gql.as_viewer(partner_of(company)).data(
            ATTEST, input={"companyId": gid(company), "attested": True}
        )
    )["residualUseAttest"]

    assert payload["userErrors"] == []
    assert payload["company"]["slug"] == company.slug


@pytest.mark.parametrize(
    ("document", "name"), [(SET_TARGET, "target"), (ATTEST, "attest"), (WITHDRAW, "withdraw")]
)
async def test_an_admin_must_name_an_existing_company(
    gql: GraphQLClient, db: Database, document: str, name: str
) -> None:
    admin = gql.as_viewer(ADMIN)
    given = GIVEN[name]
    unknown = {"companyId": to_base64("Company", 2_000_000_000)}
    before = await commitment_count(db)

    for company, code in [({}, "BLANK"), (unknown, "NOT_FOUND")]:
        data = await admin.data(document, input=given | company)
        (payload,) = data.values()
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
            (["input", "companyId"], code)
        ]
        assert payload["buyerCommitment"] is None
        assert payload["company"] is None
    assert await commitment_count(db) == before


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"year": 2018}, "year"),
        ({"year": 2101}, "year"),
        ({"evidenceUrl": "net-zero.pdf"}, "evidenceUrl"),
        ({"evidenceUrl": "ftp://acme.example/net-zero.pdf"}, "evidenceUrl"),
        ({"evidenceUrl": "https://acme.example/" + "x" * 500}, "evidenceUrl"),
    ],
)
async def test_bad_targets_are_refused_and_nothing_is_written(
    gql: GraphQLClient, db: Database, override: dict[str, Any], field: str
) -> None:
    company = await buyer(db)
    before = await gql.as_viewer(ADMIN).data(ELIGIBILITY, slug=company.slug)

    payload = (
        await gql.as_viewer(partner_of(company)).data(
            SET_TARGET, input={"year": 2040, "coversScopes1To3": True} | override
        )
    )["netZeroTargetSet"]

    assert [(e["field"], e["code"]) for e in payload["userErrors"]] in (
        [(["input", field], "INVALID_INPUT")],
        [(["input", field], "TOO_LONG")],
    )
    assert payload["buyerCommitment"] is None
    assert await gql.as_viewer(ADMIN).data(ELIGIBILITY, slug=company.slug) == before


@pytest.mark.parametrize("who", ["anonymous", "partner of another company", "partner, no company"])
@pytest.mark.parametrize(
    ("document", "name"), [(SET_TARGET, "target"), (ATTEST, "attest"), (WITHDRAW, "withdraw")]
)
async def test_only_the_company_or_an_admin_may_declare(
    gql: GraphQLClient, db: Database, who: str, document: str, name: str
) -> None:
    company = await buyer(db, residual_use_attested_at=None)
    other = await factories.make_company(db)
    viewer = {
        "anonymous": ANONYMOUS,
        "partner of another company": partner_of(other),
        "partner, no company": Viewer(role=Role.PARTNER),
    }[who]
    given = GIVEN[name]
    before = await gql.as_viewer(ADMIN).data(ELIGIBILITY, slug=company.slug)
    count = await commitment_count(db)

    result = await gql.as_viewer(viewer).execute(
        document, input=given | {"companyId": gid(company)}
    )

    assert result.data is not None
    assert list(result.data.values()) == [None]
    assert [error.formatted["extensions"]["code"] for error in result.errors or []] == ["FORBIDDEN"]
    assert await gql.as_viewer(ADMIN).data(ELIGIBILITY, slug=company.slug) == before
    assert await commitment_count(db) == count


async def test_a_partner_naming_another_company_with_bad_input_is_still_forbidden(
    gql: GraphQLClient, db: Database
) -> None:
    company = await factories.make_company(db)
    other = await factories.make_company(db)

    errors = await gql.as_viewer(partner_of(other)).errors(
        SET_TARGET, input={"companyId": gid(company), "year": 1900, "coversScopes1To3": True}
    )

    assert [error["extensions"]["code"] for error in errors] == ["FORBIDDEN"]


# Concurrency: the first declaration is an upsert on the primary key -----------------------


@pytest.fixture
async def committed_company(engine: AsyncEngine) -> AsyncIterator[models.Company]:
    """A company committed on its own connection (concurrent writers cannot see the test's
    rolled-back transaction); deleted afterwards with its commitment (ON DELETE CASCADE)."""
    async with create_read_sessionmaker(engine)() as session:
        db = Database(session, writes=create_write_sessionmaker(engine))
        async with db.atomic():
            company = await factories.make_company(db, slug=f"race-{uuid.uuid4().hex[:12]}")
    yield company
    async with engine.begin() as connection:
        await connection.execute(
            sa.delete(models.Company).where(col(models.Company.id) == company.id)
        )


async def test_racing_first_declarations_all_succeed_and_leave_one_row(
    engine: AsyncEngine, committed_company: models.Company
) -> None:
    company_id = committed_company.id
    assert company_id is not None
    read = create_read_sessionmaker(engine)
    writes = create_write_sessionmaker(engine)

    async def declare(year: int) -> tuple[Any, ...]:
        async with read() as session:
            db = Database(session, writes=writes)
            written = await set_net_zero_target(
                db,
                viewer=ADMIN,
                company_id=company_id,
                values={"year": year, "covers_scopes_1_to_3": True},
            )
            return written.problems

    problems = await asyncio.gather(*(declare(2030 + n) for n in range(10)))

    assert list(problems) == [()] * 10
    async with engine.connect() as connection:
        years = (
            await connection.execute(
                select(col(models.BuyerCommitment.net_zero_target_year)).where(
                    col(models.BuyerCommitment.company_id) == company_id
                )
            )
        ).all()
    assert len(years) == 1
    assert years[0][0] in range(2030, 2040)


# Statement counts -------------------------------------------------------------------------

LIST = """
query ($first: Int!) {
  companies(first: $first) {
    nodes {
      name
      buyerCommitment { netZeroTargetYear residualUseAttestedAt }
      creditEligibility { eligible checks { criterion met detail } }
    }
  }
}"""


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        # companies page + commitments (scoped to nothing) ; eligibility costs none
        ("anonymous", 2),
        # companies page + commitments + eligibility (declarations joined, reports grouped)
        ("admin", 4),
    ],
)
async def test_eligibility_of_a_page_of_companies_costs_the_same_at_5_and_100(
    gql: GraphQLClient, db: Database, statements: StatementCounter, who: str, expected: int
) -> None:
    for _ in range(100):
        await buyer(db)
    viewer = ADMIN if who == "admin" else ANONYMOUS
    roomy = gql.as_viewer(viewer).with_settings(
        ApiSettings(max_cost=50_000, budget_capacity=50_000)
    )
    counts = []
    for size in (5, 100):
        statements.reset()
        nodes = (await roomy.data(LIST, first=size))["companies"]["nodes"]
        counts.append(statements.count)
        assert len(nodes) == size
        if who == "admin":
            assert all(node["creditEligibility"]["eligible"] for node in nodes)
            assert all(node["buyerCommitment"]["netZeroTargetYear"] for node in nodes)
        else:
            assert {(n["creditEligibility"], n["buyerCommitment"]) for n in nodes} == {(None, None)}

    assert counts == [expected, expected], statements.statements
