"""emissionsReportSubmit: a partner for its own company, an admin for any, nobody else."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import func, select
from strawberry.relay import to_base64

import models
from models.db import Database
from resolvers.viewer import Role, Viewer
from tests.factories import make_company, make_emissions_report
from tests.fixtures.graphql import GraphQLClient

ADMIN = Viewer(role=Role.ADMIN)
SUBMIT = """
mutation ($input: EmissionsReportSubmitInput!) {
  emissionsReportSubmit(input: $input) {
    emissionsReport { id year scope1Tco2e scope2Tco2e scope3Tco2e totalTco2e publicUrl provenance }
    company { slug }
    userErrors { field message code }
  }
}"""
REPORTS = """
query ($slug: String!) {
  company(slug: $slug) {
    emissionsReports { year scope1Tco2e scope2Tco2e scope3Tco2e publicUrl provenance }
  }
}"""


def report(**overrides: Any) -> dict[str, Any]:
    return {
        "year": 2024,
        "scope1Tco2e": 1200,
        "scope2Tco2e": 3400,
        "scope3Tco2e": 5_600_000_000,
        "publicUrl": "https://acme.example/sustainability-2024.pdf",
    } | overrides


def partner_of(company: models.Company) -> Viewer:
    return Viewer(role=Role.PARTNER, company_id=company.id)


async def report_count(db: Database) -> int:
    rows = await db.rows(select(func.count()).select_from(models.EmissionsReport))
    return int(rows[0][0])


async def reports(client: GraphQLClient, company: models.Company) -> list[dict[str, Any]]:
    """The company's reports as an admin reads them (unpublished ones included)."""
    data = await client.as_viewer(ADMIN).data(REPORTS, slug=company.slug)
    return list(data["company"]["emissionsReports"])


async def test_a_partner_submits_for_its_own_company(gql: GraphQLClient, db: Database) -> None:
    company = await make_company(db)

    payload = (await gql.as_viewer(partner_of(company)).data(SUBMIT, input=report()))[
        "emissionsReportSubmit"
    ]

    assert payload["userErrors"] == []
    assert payload["company"] == {"slug": company.slug}
    assert payload["emissionsReport"]["totalTco2e"] == 5_600_004_600
    assert await reports(gql, company) == [
        {
            "year": 2024,
            "scope1Tco2e": 1200,
            "scope2Tco2e": 3400,
            "scope3Tco2e": 5_600_000_000,
            "publicUrl": "https://acme.example/sustainability-2024.pdf",
            "provenance": "SOURCED",
        }
    ]


async def test_a_partner_may_name_its_own_company(gql: GraphQLClient, db: Database) -> None:
    company = await make_company(db)
    own = {"companyId": to_base64("Company", company.id)}

    payload = (await gql.as_viewer(partner_of(company)).data(SUBMIT, input=report(**own)))[
        "emissionsReportSubmit"
    ]

    assert payload["userErrors"] == []
    assert payload["company"] == {"slug": company.slug}


async def test_an_unpublished_report_is_unconfirmed(gql: GraphQLClient, db: Database) -> None:
    company = await make_company(db)

    await gql.as_viewer(partner_of(company)).data(SUBMIT, input=report(publicUrl=None))

    assert [(r["publicUrl"], r["provenance"]) for r in await reports(gql, company)] == [
        (None, "UNCONFIRMED")
    ]


async def test_resubmitting_a_year_replaces_its_figures(gql: GraphQLClient, db: Database) -> None:
    company = await make_company(db)
    await make_emissions_report(db, company, year=2023)
    partner = gql.as_viewer(partner_of(company))
    await partner.data(SUBMIT, input=report())
    before = await report_count(db)

    first = (await partner.data(SUBMIT, input=report(scope1Tco2e=999, publicUrl=None)))[
        "emissionsReportSubmit"
    ]
    again = (await partner.data(SUBMIT, input=report(scope1Tco2e=999, publicUrl=None)))[
        "emissionsReportSubmit"
    ]

    assert again == first
    assert await report_count(db) == before
    assert [
        (r["year"], r["scope1Tco2e"], r["provenance"]) for r in await reports(gql, company)
    ] == [
        (2023, 100, "GENERATED"),
        (2024, 999, "UNCONFIRMED"),
    ]


async def test_an_admin_submits_for_any_company(gql: GraphQLClient, db: Database) -> None:
    company = await make_company(db)

    payload = (
        await gql.as_viewer(ADMIN).data(
            SUBMIT, input=report(companyId=to_base64("Company", company.id))
        )
    )["emissionsReportSubmit"]

    assert payload["userErrors"] == []
    assert [r["year"] for r in await reports(gql, company)] == [2024]


async def test_an_admin_must_name_an_existing_company(gql: GraphQLClient, db: Database) -> None:
    admin = gql.as_viewer(ADMIN)
    before = await report_count(db)

    unnamed = (await admin.data(SUBMIT, input=report()))["emissionsReportSubmit"]
    unknown = (
        await admin.data(SUBMIT, input=report(companyId=to_base64("Company", 2_000_000_000)))
    )["emissionsReportSubmit"]

    assert [(e["field"], e["code"]) for e in unnamed["userErrors"]] == [
        (["input", "companyId"], "BLANK")
    ]
    assert [(e["field"], e["code"]) for e in unknown["userErrors"]] == [
        (["input", "companyId"], "NOT_FOUND")
    ]
    assert unnamed["emissionsReport"] is None
    assert await report_count(db) == before


def this_year() -> int:
    return datetime.now(UTC).year


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"year": 1989}, "year"),
        ({"year": this_year() + 1}, "year"),
        ({"scope1Tco2e": -1}, "scope1Tco2e"),
        ({"scope2Tco2e": 100_000_000_001}, "scope2Tco2e"),
        ({"scope3Tco2e": 2**62}, "scope3Tco2e"),
        ({"publicUrl": "report.pdf"}, "publicUrl"),
    ],
)
async def test_bad_figures_are_refused_and_nothing_is_written(
    gql: GraphQLClient, db: Database, override: dict[str, Any], field: str
) -> None:
    company = await make_company(db)
    before = await report_count(db)

    payload = (await gql.as_viewer(partner_of(company)).data(SUBMIT, input=report(**override)))[
        "emissionsReportSubmit"
    ]

    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", field], "INVALID_INPUT")
    ]
    assert payload["emissionsReport"] is None
    assert await report_count(db) == before


@pytest.mark.parametrize("tonnes", [1.5, "12", True])
async def test_tonnes_are_whole_numbers_never_coerced(
    gql: GraphQLClient, db: Database, tonnes: object
) -> None:
    company = await make_company(db)
    before = await report_count(db)

    errors = await gql.as_viewer(partner_of(company)).errors(
        SUBMIT, input=report(scope1Tco2e=tonnes)
    )

    assert [error["extensions"]["code"] for error in errors] == ["BAD_USER_INPUT"]
    assert await report_count(db) == before


async def test_a_fraction_written_into_the_document_is_refused(
    gql: GraphQLClient, db: Database
) -> None:
    company = await make_company(db)
    document = """mutation {
      emissionsReportSubmit(input: {year: 2024, scope1Tco2e: 1.5, scope2Tco2e: 0, scope3Tco2e: 0}) {
        userErrors { code }
      }
    }"""

    errors = await gql.as_viewer(partner_of(company)).errors(document)

    assert [error["extensions"]["code"] for error in errors] == ["GRAPHQL_VALIDATION_FAILED"]


@pytest.mark.parametrize("who", ["anonymous", "partner of another company", "partner, no company"])
async def test_only_the_company_or_an_admin_may_submit(
    gql: GraphQLClient, db: Database, who: str
) -> None:
    company = await make_company(db)
    other = await make_company(db)
    viewer = {
        "anonymous": Viewer(),
        "partner of another company": partner_of(other),
        "partner, no company": Viewer(role=Role.PARTNER),
    }[who]
    before = await report_count(db)

    result = await gql.as_viewer(viewer).execute(
        SUBMIT, input=report(companyId=to_base64("Company", company.id))
    )

    assert result.data == {"emissionsReportSubmit": None}
    assert [error.formatted["extensions"]["code"] for error in result.errors or []] == ["FORBIDDEN"]
    assert await report_count(db) == before


async def test_a_partner_naming_an_unknown_company_is_forbidden_not_told_it_is_missing(
    gql: GraphQLClient, db: Database
) -> None:
    company = await make_company(db)
    unknown = to_base64("Company", 2_000_000_000)

    errors = await gql.as_viewer(partner_of(company)).errors(
        SUBMIT, input=report(companyId=unknown)
    )

    assert [error["extensions"]["code"] for error in errors] == ["FORBIDDEN"]


async def test_each_mutation_of_an_operation_reads_what_the_ones_before_wrote(
    gql: GraphQLClient, db: Database
) -> None:
    company = await make_company(db)
    document = """
    mutation ($first: EmissionsReportSubmitInput!, $second: EmissionsReportSubmitInput!) {
      first: emissionsReportSubmit(input: $first) { company { emissionsReports { year } } }
      second: emissionsReportSubmit(input: $second) { company { emissionsReports { year } } }
    }"""

    data = await gql.as_viewer(partner_of(company)).data(
        document, first=report(year=2022), second=report(year=2023)
    )

    assert data["first"]["company"]["emissionsReports"] == [{"year": 2022}]
    assert data["second"]["company"]["emissionsReports"] == [{"year": 2022}, {"year": 2023}]
