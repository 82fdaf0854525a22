"""N+1 guard: nested fields cost a fixed number of SQL statements, whatever the page size."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date

import pytest

from models.db import Database
from tests import factories
from tests.fixtures.database import StatementCounter
from tests.fixtures.graphql import GraphQLClient

PAGE_SIZES = (5, 50)

PRODUCTS = """
query($first: Int!) {
  page: products(first: $first) {
    items: nodes {
      title
      certifications { validFrom certification { name issuer } }
      brandCompany { name hqCountry }
    }
  }
}
"""
SIGNATORIES = """
query($first: Int!) {
  page: signatories(first: $first) {
    items: edges {
      node {
        name
        signature { signedOn }
        emissionsReports { year totalTco2e }
      }
    }
  }
}
"""


async def products_with_certificates_and_brands(db: Database) -> None:
    """Products sharing a few brands and certifications, so loaders must batch and dedupe."""
    brands = [await factories.make_company(db) for _ in range(4)]
    certifications = [await factories.make_certification(db) for _ in range(3)]
    for i in range(max(PAGE_SIZES)):
        product = await factories.make_product(db, brand_company_id=brands[i % 4].id)
        for j in range(2):
            certification = certifications[(i + j) % 3]
            await factories.make_product_certification(db, product, certification)


async def signatories_with_reports(db: Database) -> None:
    for _ in range(max(PAGE_SIZES)):
        company = await factories.make_company(db)
        await factories.make_signature(db, company, signed_on=date(2021, 4, 22))
        for year in (2022, 2023):
            await factories.make_emissions_report(db, company, year=year)


@dataclass(frozen=True)
class NestedQuery:
    document: str
    build: Callable[[Database], Awaitable[None]]
    statements: int


@pytest.mark.parametrize(
    "nested",
    [
        # page + product_certifications joined to certifications + companies
        pytest.param(
            NestedQuery(PRODUCTS, products_with_certificates_and_brands, 3), id="products"
        ),
        # page + pledge_signatures + emissions_reports
        pytest.param(NestedQuery(SIGNATORIES, signatories_with_reports, 3), id="signatories"),
    ],
)
async def test_nested_query_costs_the_same_statements_for_any_page_size(
    gql: GraphQLClient, db: Database, statements: StatementCounter, nested: NestedQuery
) -> None:
    await nested.build(db)
    counts = []
    for size in PAGE_SIZES:
        statements.reset()
        data = await gql.data(nested.document, first=size)
        counts.append(statements.count)
        assert len(data["page"]["items"]) == size

    assert counts == [nested.statements] * len(PAGE_SIZES), statements.statements
