"""No N+1: the issue's nested queries cost the same, known number of statements at 5 and 100."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlmodel import SQLModel

import models
from models.db import Database
from schema.settings import ApiSettings
from tests import factories
from tests.fixtures.database import StatementCounter
from tests.fixtures.graphql import GraphQLClient

SIZES = (5, 100)
PRODUCTS_PER_COMPANY = 12


def pk(row: SQLModel) -> int:
    """The primary key of a flushed row."""
    key = getattr(row, "id", None)
    assert isinstance(key, int)
    return key


async def add_all(db: Database, rows: list[Any]) -> None:
    db.session.add_all(rows)
    await db.session.flush()


async def some_certifications(db: Database, count: int) -> list[models.Certification]:
    return [await factories.make_certification(db) for _ in range(count)]


async def certify(
    db: Database, products: list[models.Product], certifications: list[models.Certification]
) -> None:
    """Two certificates per product, of two neighbouring certifications."""
    await add_all(
        db,
        [
            models.ProductCertification(
                product_id=pk(product),
                certification_id=pk(certifications[(i + j) % len(certifications)]),
                certificate_number=f"N-{product.id}-{j}",
                valid_from=date(2023, 1, 1),
            )
            for i, product in enumerate(products)
            for j in range(2)
        ],
    )


def product(n: int, **fields: Any) -> models.Product:
    return models.Product(
        asin=f"N{n:09d}",
        title=f"Nested {n:05d}",
        brand="Brand",
        category=models.ProductCategory.HOME,
        marketplace=models.Marketplace.US,
        price_cents=100 + n,
        price_currency="USD",
        **fields,
    )


async def products_with_certifications_and_brands(db: Database) -> None:
    brands = [await factories.make_company(db) for _ in range(7)]
    products = [product(n, brand_company_id=brands[n % 7].id) for n in range(max(SIZES))]
    await add_all(db, products)
    await certify(db, products, await some_certifications(db, 5))


async def companies_with_products(db: Database) -> None:
    companies = [
        models.Company(slug=f"n-{n}", name=f"Nested Co {n:03d}", sector="Retail", hq_country="US")
        for n in range(max(SIZES))
    ]
    await add_all(db, companies)
    products = [
        product(c * PRODUCTS_PER_COMPANY + p, brand_company_id=company.id)
        for c, company in enumerate(companies)
        for p in range(PRODUCTS_PER_COMPANY)
    ]
    await add_all(db, products)
    await certify(db, products, await some_certifications(db, 4))


async def certifications_with_products(db: Database) -> None:
    products = [product(n) for n in range(30)]
    await add_all(db, products)
    await certify(db, products, await some_certifications(db, max(SIZES)))


async def projects_with_issuances_and_blocks(db: Database) -> None:
    owner = await factories.make_company(db)
    projects = [
        models.CarbonProject(
            slug=f"np-{n}",
            issuing_registry=models.Registry.VERRA,
            registry_project_id=f"NP{n}",
            name=f"Nested Project {n:03d}",
            country="BR",
            project_type=models.ProjectType.ARR,
            mitigation_type=models.MitigationType.REMOVAL,
            status=models.ProjectStatus.REGISTERED,
        )
        for n in range(max(SIZES))
    ]
    await add_all(db, projects)
    issuances = [
        models.Issuance(
            project_id=pk(project),
            vintage=2020 + v,
            issued_on=date(2024, 1, 1),
            total_quantity=110,
            buffer_quantity=10,
            issued_quantity=100,
            serial_prefix=f"NP-{project.id}-{v}",
            serial_start=1,
            serial_end=100,
        )
        for project in projects
        for v in range(2)
    ]
    await add_all(db, issuances)
    created = datetime(2024, 1, 1, tzinfo=UTC)
    blocks: list[SQLModel] = []
    for issuance in issuances:
        blocks.append(
            models.CreditBlock(
                issuance_id=pk(issuance),
                serial_start=1,
                serial_end=40,
                quantity=40,
                status=models.CreditStatus.HELD,
                owner_company_id=owner.id,
                created_at=created,
            )
        )
        blocks.append(
            models.CreditBlock(
                issuance_id=pk(issuance),
                serial_start=41,
                serial_end=100,
                quantity=60,
                status=models.CreditStatus.AVAILABLE,
                created_at=created,
            )
        )
    await add_all(db, blocks)


def check_products(page: dict[str, Any], size: int) -> None:
    assert len(page["nodes"]) == size
    assert all(len(node["certifications"]) == 2 for node in page["nodes"])
    assert all(node["brandCompany"]["hqCountry"] == "US" for node in page["nodes"])


def check_companies(page: dict[str, Any], size: int) -> None:
    assert len(page["nodes"]) == size
    for company in page["nodes"]:
        assert company["products"]["totalCount"] == PRODUCTS_PER_COMPANY
        assert len(company["products"]["nodes"]) == 10
        assert all(len(node["certifications"]) == 2 for node in company["products"]["nodes"])


def check_certifications(page: dict[str, Any], size: int) -> None:
    assert len(page["nodes"]) == size
    # Product i holds certifications i and i + 1 (in name order) for i below 30.
    held = [1] + [2] * 29 + [1] + [0] * (max(SIZES) - 31)
    assert [node["products"]["totalCount"] for node in page["nodes"]] == held[:size]


def check_projects(page: dict[str, Any], size: int) -> None:
    assert len(page["nodes"]) == size
    for project in page["nodes"]:
        assert project["credits"] == {"issued": 200, "available": 120, "held": 80}
        assert [i["credits"] for i in project["issuances"]] == [{"issued": 100, "retired": 0}] * 2


@dataclass(frozen=True)
class Shape:
    """A query shape, the data it reads, what every page must hold, and its statement cost."""

    document: str
    build: Callable[[Database], Awaitable[None]]
    check: Callable[[dict[str, Any], int], None]
    statements: int


PRODUCTS = Shape(
    """
    query($first: Int!) {
      page: products(first: $first) {
        nodes {
          title
          certifications { certification { name issuer } }
          brandCompany { name hqCountry }
        }
      }
    }
    """,
    products_with_certifications_and_brands,
    check_products,
    # products page + certificates with their certifications + brand companies
    3,
)
COMPANIES = Shape(
    """
    query($first: Int!) {
      page: companies(first: $first) {
        nodes {
          name
          products(first: 10) {
            totalCount
            nodes { title certifications { certification { name } } }
          }
        }
      }
    }
    """,
    companies_with_products,
    check_companies,
    # companies page + windowed products pages + grouped counts + certificates (joined)
    4,
)
CERTIFICATIONS = Shape(
    """
    query($first: Int!) {
      page: certifications(first: $first) { nodes { name products { totalCount } } }
    }
    """,
    certifications_with_products,
    check_certifications,
    # certifications page + one statement of counts
    2,
)
PROJECTS = Shape(
    """
    query($first: Int!) {
      page: carbonProjects(first: $first) {
        nodes {
          name
          credits { issued available held }
          issuances { vintage credits { issued retired } }
        }
      }
    }
    """,
    projects_with_issuances_and_blocks,
    check_projects,
    # projects page + project totals (blocks, issued) + issuances + issuance totals (same two)
    6,
)


@pytest.mark.parametrize(
    "shape",
    [
        pytest.param(PRODUCTS, id="products with certifications and brand"),
        pytest.param(COMPANIES, id="companies with their first 10 products"),
        pytest.param(CERTIFICATIONS, id="certifications with product counts"),
        pytest.param(PROJECTS, id="projects with credits and issuances"),
    ],
)
async def test_nested_query_costs_the_same_known_statements_at_5_and_100(
    gql: GraphQLClient, db: Database, statements: StatementCounter, shape: Shape
) -> None:
    await shape.build(db)
    # 100 companies with 10 products each is over the default maximum cost per request.
    roomy = gql.with_settings(ApiSettings(max_cost=50_000, budget_capacity=50_000))
    counts = []
    for size in SIZES:
        statements.reset()
        data = await roomy.data(shape.document, first=size)
        counts.append(statements.count)
        shape.check(data["page"], size)

    assert counts[0] == counts[1], statements.statements
    assert counts == [shape.statements] * len(SIZES), statements.statements


# How one statement pages every parent separately: a LIMIT per parent in a LATERAL subquery
# on PostgreSQL (index-ordered, so it reads only the page), a window partitioned by parent on
# SQLite (which has no LATERAL).
PER_PARENT_PAGING = {
    "postgresql": ("JOIN LATERAL", "LIMIT"),
    "sqlite": ("ROW_NUMBER() OVER", "PARTITION BY"),
}


async def test_nested_connection_pages_per_parent_in_one_statement(
    gql: GraphQLClient, db: Database, statements: StatementCounter
) -> None:
    await companies_with_products(db)
    statements.reset()

    await gql.data(COMPANIES.document, first=5)

    markers = PER_PARENT_PAGING[db.dialect_name]
    # The paging statements name each row's parent; the certificates' statement also numbers
    # rows in a window (each certification's first certificate), but names no parent.
    paged = [
        sql
        for sql in statements.statements
        if markers[0] in sql.upper() and "PARENT_ID" in sql.upper()
    ]
    assert len(paged) == 1, statements.statements
    assert markers[1] in paged[0].upper()
