"""Fields that follow relations or derive values: certificates, badge, signature, credits, money."""

from __future__ import annotations

from datetime import date

import pytest

import models
from models.db import Database
from tests import factories
from tests.fixtures.graphql import GraphQLClient

PRODUCT = """
query($asin: String!, $on: Date) {
  product(asin: $asin) {
    climatePledgeFriendly(on: $on)
    brandCompany { slug }
    price { amount currency }
    certifications {
      certificateNumber
      validFrom
      validTo
      certification { slug }
    }
  }
}
"""


async def test_product_certifications_list_each_certificate_with_its_validity_oldest_first(
    gql: GraphQLClient, db: Database
) -> None:
    product = await factories.make_product(db)
    await factories.make_product(db)  # holds no certificate of its own
    fsc, energy = [await factories.make_certification(db) for _ in range(2)]
    certificates = [
        (energy, "E-2", date(2024, 5, 1), None),
        (fsc, "F-1", date(2021, 1, 1), date(2023, 12, 31)),
        (fsc, "F-2", date(2024, 1, 1), None),
    ]
    for certification, number, valid_from, valid_to in certificates:
        await factories.make_product_certification(
            db,
            product,
            certification,
            certificate_number=number,
            valid_from=valid_from,
            valid_to=valid_to,
        )

    data = await gql.data(PRODUCT, asin=product.asin)

    assert data["product"]["certifications"] == [
        {
            "certificateNumber": "F-1",
            "validFrom": "2021-01-01",
            "validTo": "2023-12-31",
            "certification": {"slug": fsc.slug},
        },
        {
            "certificateNumber": "F-2",
            "validFrom": "2024-01-01",
            "validTo": None,
            "certification": {"slug": fsc.slug},
        },
        {
            "certificateNumber": "E-2",
            "validFrom": "2024-05-01",
            "validTo": None,
            "certification": {"slug": energy.slug},
        },
    ]


@pytest.mark.parametrize(
    ("valid_to", "on", "friendly"),
    [
        pytest.param(date(2023, 12, 31), "2022-12-31", False, id="the day before valid_from"),
        pytest.param(date(2023, 12, 31), "2023-01-01", True, id="on valid_from"),
        pytest.param(date(2023, 12, 31), "2023-07-15", True, id="inside the validity"),
        pytest.param(date(2023, 12, 31), "2023-12-31", True, id="on valid_to"),
        pytest.param(date(2023, 12, 31), "2024-01-01", False, id="the day after valid_to"),
        pytest.param(None, "2099-12-31", True, id="open-ended, long after"),
        pytest.param(None, "2022-12-31", False, id="open-ended, before valid_from"),
    ],
)
async def test_climate_pledge_friendly_follows_the_certificate_validity(
    gql: GraphQLClient, db: Database, valid_to: date | None, on: str, friendly: bool
) -> None:
    product = await factories.make_product(db)
    certification = await factories.make_certification(db)
    await factories.make_product_certification(
        db, product, certification, valid_from=date(2023, 1, 1), valid_to=valid_to
    )

    data = await gql.data(PRODUCT, asin=product.asin, on=on)

    assert data["product"]["climatePledgeFriendly"] is friendly


async def test_climate_pledge_friendly_is_true_when_any_certificate_is_valid(
    gql: GraphQLClient, db: Database
) -> None:
    product = await factories.make_product(db)
    certification = await factories.make_certification(db)
    for valid_from, valid_to in [(date(2020, 1, 1), date(2020, 12, 31)), (date(2022, 1, 1), None)]:
        await factories.make_product_certification(
            db, product, certification, valid_from=valid_from, valid_to=valid_to
        )

    friendly = [
        (await gql.data(PRODUCT, asin=product.asin, on=day))["product"]["climatePledgeFriendly"]
        for day in ["2020-06-01", "2021-06-01", "2023-06-01"]
    ]

    assert friendly == [True, False, True]


async def test_climate_pledge_friendly_is_false_without_certificates(
    gql: GraphQLClient, db: Database
) -> None:
    product = await factories.make_product(db)

    data = await gql.data(PRODUCT, asin=product.asin, on="2024-01-01")

    assert data["product"]["climatePledgeFriendly"] is False


async def test_brand_company_is_the_linked_company_or_null(
    gql: GraphQLClient, db: Database
) -> None:
    brand = await factories.make_company(db)
    branded = await factories.make_product(db, brand_company_id=brand.id)
    unbranded = await factories.make_product(db)

    brands = [
        (await gql.data(PRODUCT, asin=product.asin))["product"]["brandCompany"]
        for product in (branded, unbranded)
    ]

    assert brands == [{"slug": brand.slug}, None]


@pytest.mark.parametrize(
    ("cents", "currency", "amount"),
    [
        pytest.param(1299, "USD", "12.99", id="dollars and cents"),
        pytest.param(5, "EUR", "0.05", id="cents only"),
        pytest.param(100, "GBP", "1.00", id="whole units keep two decimals"),
        pytest.param(0, "USD", "0.00", id="free"),
        pytest.param(900719925474099312, "USD", "9007199254740993.12", id="beyond float"),
    ],
)
async def test_price_is_an_exact_decimal_string_with_its_currency(
    gql: GraphQLClient, db: Database, cents: int, currency: str, amount: str
) -> None:
    product = await factories.make_product(db, price_cents=cents, price_currency=currency)

    data = await gql.data(PRODUCT, asin=product.asin)

    assert data["product"]["price"] == {"amount": amount, "currency": currency}


COMPANY = """
query($slug: String!) {
  company(slug: $slug) {
    signature { signedOn netZeroTargetYear provenance }
    emissionsReports { year scope1Tco2e scope2Tco2e scope3Tco2e totalTco2e }
  }
}
"""


async def test_company_signature_is_returned_for_a_signatory(
    gql: GraphQLClient, db: Database
) -> None:
    company = await factories.make_company(db)
    await factories.make_signature(
        db,
        company,
        signed_on=date(2019, 9, 19),
        net_zero_target_year=2039,
        provenance=models.Provenance.SOURCED,
    )

    data = await gql.data(COMPANY, slug=company.slug)

    assert data["company"]["signature"] == {
        "signedOn": "2019-09-19",
        "netZeroTargetYear": 2039,
        "provenance": "SOURCED",
    }


async def test_company_signature_is_null_for_a_non_signatory(
    gql: GraphQLClient, db: Database
) -> None:
    await factories.make_signature(db, await factories.make_company(db))
    company = await factories.make_company(db)

    data = await gql.data(COMPANY, slug=company.slug)

    assert data["company"] == {"signature": None, "emissionsReports": []}


async def test_company_emissions_reports_are_ordered_by_year_with_their_total(
    gql: GraphQLClient, db: Database
) -> None:
    company = await factories.make_company(db)
    other = await factories.make_company(db)
    await factories.make_emissions_report(db, other, year=2022)
    scopes = {2024: (10, 20, 30), 2020: (1, 2, 3_000_000_000), 2022: (0, 0, 0)}
    for year, (scope_1, scope_2, scope_3) in scopes.items():
        await factories.make_emissions_report(
            db,
            company,
            year=year,
            scope_1_tco2e=scope_1,
            scope_2_tco2e=scope_2,
            scope_3_tco2e=scope_3,
        )

    data = await gql.data(COMPANY, slug=company.slug)

    assert data["company"]["emissionsReports"] == [
        {
            "year": year,
            "scope1Tco2e": scopes[year][0],
            "scope2Tco2e": scopes[year][1],
            "scope3Tco2e": scopes[year][2],
            "totalTco2e": sum(scopes[year]),
        }
        for year in (2020, 2022, 2024)
    ]


@pytest.fixture
async def two_signatories_of_three(db: Database) -> None:
    for name in ("Zeta", "Alpha"):
        await factories.make_signature(db, await factories.make_company(db, name=name))
    await factories.make_company(db, name="Beta")


@pytest.mark.usefixtures("two_signatories_of_three")
async def test_signatories_lists_only_companies_that_signed(gql: GraphQLClient) -> None:
    data = await gql.data("{ signatories(first: 10) { nodes { name signature { signedOn } } } }")

    assert [node["name"] for node in data["signatories"]["nodes"]] == ["Alpha", "Zeta"]
    assert all(node["signature"] is not None for node in data["signatories"]["nodes"])


@pytest.mark.usefixtures("two_signatories_of_three")
async def test_signatories_total_count_counts_only_companies_that_signed(
    gql: GraphQLClient,
) -> None:
    data = await gql.data("{ signatories { totalCount } companies { totalCount } }")

    assert data == {"signatories": {"totalCount": 2}, "companies": {"totalCount": 3}}


async def test_carbon_project_issuances_are_its_own_by_vintage_and_point_back_to_it(
    gql: GraphQLClient, db: Database
) -> None:
    project = await factories.make_project(db)
    other = await factories.make_project(db)
    await factories.make_issuance(db, other, vintage=2021)
    for vintage in (2022, 2019, 2020):
        await factories.make_issuance(db, project, vintage=vintage)

    data = await gql.data(
        """
        query($slug: String!) {
          carbonProject(slug: $slug) { issuances { vintage project { slug } } }
        }
        """,
        slug=project.slug,
    )

    assert data["carbonProject"]["issuances"] == [
        {"vintage": vintage, "project": {"slug": project.slug}} for vintage in (2019, 2020, 2022)
    ]


async def test_retirement_shows_its_project_and_quantity(gql: GraphQLClient, db: Database) -> None:
    project = await factories.make_project(db, name="Retired from")
    await factories.make_retirement(
        db, project, beneficiary_name="First", quantity=350, retired_on=date(2025, 3, 1)
    )
    await factories.make_retirement(
        db, project, beneficiary_name="Second", quantity=50, retired_on=date(2025, 2, 1)
    )

    data = await gql.data(
        "{ retirements(first: 10) { nodes { beneficiaryName quantity project { name } } } }"
    )

    assert data["retirements"]["nodes"] == [
        {"beneficiaryName": "First", "quantity": 350, "project": {"name": "Retired from"}},
        {"beneficiaryName": "Second", "quantity": 50, "project": {"name": "Retired from"}},
    ]
