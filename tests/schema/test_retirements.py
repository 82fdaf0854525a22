"""Retirements, public records: per beneficiary company and per project, filtered and ordered."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

import models
from models.db import Database
from schema.settings import ApiSettings
from tests import factories
from tests.fixtures.database import StatementCounter
from tests.fixtures.graphql import GraphQLClient

REASON = models.RetirementReason


@pytest.fixture
async def retirements(db: Database) -> None:
    """Retirements told apart by their quantities: 10, 30 and 20 for acme, 5 for beta, and 7
    for a beneficiary that is no company of ours."""
    acme = await factories.make_company(db, slug="acme")
    beta = await factories.make_company(db, slug="beta")
    forest = await factories.make_project(db, slug="forest")
    stoves = await factories.make_project(db, slug="stoves")
    for project, beneficiary, quantity, claim_year, retired_on, reason in [
        (forest, acme, 10, 2023, date(2024, 1, 10), REASON.RESIDUAL_EMISSIONS),
        (forest, acme, 30, None, date(2024, 5, 1), REASON.CORPORATE_TARGET),
        (stoves, acme, 20, 2024, date(2025, 2, 1), REASON.RESIDUAL_EMISSIONS),
        (stoves, beta, 5, 2022, date(2023, 6, 1), REASON.RESIDUAL_EMISSIONS),
        (forest, None, 7, 2024, date(2025, 3, 1), REASON.ENVIRONMENTAL_BENEFIT),
    ]:
        await factories.make_retirement(
            db,
            project,
            quantity=quantity,
            beneficiary_company_id=beneficiary.id if beneficiary else None,
            claim_year=claim_year,
            retired_on=retired_on,
            reason=reason,
        )


def quantities(connection: dict[str, Any]) -> list[int]:
    return [node["quantity"] for node in connection["nodes"]]


async def test_a_company_s_retirements_are_those_on_its_behalf_and_public(
    gql: GraphQLClient, retirements: None
) -> None:
    data = await gql.data(
        """
        { companies(first: 10, where: {slug: {in: ["acme", "beta"]}}) { nodes {
            slug retirements(first: 10) { totalCount nodes { quantity beneficiary { slug } } }
        } } }
        """
    )

    found = {c["slug"]: c["retirements"] for c in data["companies"]["nodes"]}
    assert quantities(found["acme"]) == [20, 30, 10]  # newest first
    assert found["acme"]["totalCount"] == 3
    assert {n["beneficiary"]["slug"] for n in found["acme"]["nodes"]} == {"acme"}
    assert quantities(found["beta"]) == [5]
    assert found["beta"]["totalCount"] == 1


async def test_a_project_s_retirements_page_per_project(
    gql: GraphQLClient, retirements: None
) -> None:
    data = await gql.data(
        """
        { carbonProjects(first: 10, where: {slug: {in: ["forest", "stoves"]}}) { nodes {
            slug
            retirements(first: 2) {
              totalCount nodes { quantity project { slug } } pageInfo { hasNextPage }
            }
        } } }
        """
    )

    found = {p["slug"]: p["retirements"] for p in data["carbonProjects"]["nodes"]}
    assert quantities(found["forest"]) == [7, 30]
    assert found["forest"]["totalCount"] == 3
    assert found["forest"]["pageInfo"]["hasNextPage"] is True
    assert {n["project"]["slug"] for n in found["forest"]["nodes"]} == {"forest"}
    assert quantities(found["stoves"]) == [20, 5]
    assert found["stoves"]["pageInfo"]["hasNextPage"] is False


FILTERS = [
    pytest.param({"project": {"slug": {"eq": "stoves"}}}, {20, 5}, id="project"),
    pytest.param(
        {"project": {"slug": {"eq": "forest"}}, "beneficiary": {"slug": {"eq": "acme"}}},
        {10, 30},
        id="project and beneficiary",
    ),
    pytest.param({"claimYear": {"gte": 2023}}, {10, 20, 7}, id="claim year: never a null one"),
    pytest.param({"reason": {"in": ["CORPORATE_TARGET"]}}, {30}, id="reason"),
    pytest.param({"retiredOn": {"lt": "2024-02-01"}}, {5, 10}, id="retired on"),
    pytest.param(
        {"OR": [{"project": {"slug": {"eq": "stoves"}}}, {"claimYear": {"eq": 2023}}]},
        {20, 5, 10},
        id="OR",
    ),
]


@pytest.mark.parametrize(("where", "expected"), FILTERS)
async def test_retirement_filters_match_and_count_the_same_records(
    gql: GraphQLClient, retirements: None, where: dict[str, Any], expected: set[int]
) -> None:
    data = await gql.data(
        """query($where: RetirementWhere) {
            retirements(first: 100, where: $where) { totalCount nodes { quantity } } }""",
        where=where,
    )

    assert set(quantities(data["retirements"])) == expected
    assert data["retirements"]["totalCount"] == len(expected)


PAGE = """
query($first: Int, $after: String, $last: Int, $before: String, $orderBy: [RetirementOrder!]) {
  retirements(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy) {
    nodes { quantity }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        # No claim year sorts before every year; ties break on id (the order made above).
        pytest.param([{"field": "CLAIM_YEAR"}], [30, 5, 10, 20, 7], id="claim year"),
        pytest.param(
            [{"field": "CLAIM_YEAR", "direction": "DESC"}], [7, 20, 10, 5, 30], id="claim desc"
        ),
        pytest.param(
            [{"field": "QUANTITY", "direction": "DESC"}], [30, 20, 10, 7, 5], id="quantity"
        ),
        pytest.param([{"field": "RETIRED_ON"}], [5, 10, 30, 20, 7], id="retired on"),
    ],
)
async def test_retirements_page_forwards_and_backwards_in_every_ordering(
    gql: GraphQLClient, retirements: None, order: list[dict[str, str]], expected: list[int]
) -> None:
    forwards: list[int] = []
    cursor = None
    while True:
        page = (await gql.data(PAGE, first=2, after=cursor, orderBy=order))["retirements"]
        forwards += quantities(page)
        cursor = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
    backwards: list[int] = []
    cursor = None
    while True:
        page = (await gql.data(PAGE, last=2, before=cursor, orderBy=order))["retirements"]
        backwards = quantities(page) + backwards
        cursor = page["pageInfo"]["startCursor"]
        if not page["pageInfo"]["hasPreviousPage"]:
            break

    assert forwards == expected
    assert backwards == expected


async def test_a_company_s_retirements_page_by_claim_year_with_cursors(
    gql: GraphQLClient, retirements: None
) -> None:
    query = """
    query($after: String) { company(slug: "acme") {
      retirements(first: 1, after: $after, orderBy: [{field: CLAIM_YEAR, direction: DESC}]) {
        nodes { quantity claimYear } pageInfo { hasNextPage endCursor }
      }
    } }
    """
    seen: list[tuple[int, int | None]] = []
    cursor = None
    for _ in range(4):
        page = (await gql.data(query, after=cursor))["company"]["retirements"]
        seen += [(node["quantity"], node["claimYear"]) for node in page["nodes"]]
        cursor = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break

    assert seen == [(20, 2024), (10, 2023), (30, None)]


async def test_an_inverted_claim_year_range_is_bad_user_input(
    gql: GraphQLClient, retirements: None
) -> None:
    errors = await gql.errors(
        "{ retirements(first: 1, where: {claimYear: {gte: 2025, lte: 2020}}) { totalCount } }"
    )

    assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in errors] == [
        ("BAD_USER_INPUT", "claimYear")
    ]


SIZES = (5, 100)


async def test_company_retirements_cost_the_same_statements_for_5_and_100_companies(
    gql: GraphQLClient, db: Database, statements: StatementCounter
) -> None:
    project = await factories.make_project(db, name="Retired Project")
    companies = [
        models.Company(slug=f"r-{n}", name=f"Retiring {n:03d}", sector="Retail", hq_country="US")
        for n in range(max(SIZES))
    ]
    db.session.add_all(companies)
    await db.session.flush()
    for company in companies:
        for quantity in (3, 4):
            await factories.make_retirement(
                db, project, quantity=quantity, beneficiary_company_id=company.id
            )
    roomy = gql.with_settings(ApiSettings(max_cost=50_000, budget_capacity=50_000))
    query = """
    query($first: Int!) {
      companies(first: $first, where: {name: {startsWith: "Retiring "}}) { nodes {
        retirements(first: 5, orderBy: [{field: QUANTITY}]) {
          totalCount nodes { quantity project { name } }
        }
      } }
    }
    """
    counts = []
    for size in SIZES:
        statements.reset()
        data = await roomy.data(query, first=size)
        counts.append(statements.count)
        pages = [c["retirements"] for c in data["companies"]["nodes"]]
        assert len(pages) == size
        assert all(page["totalCount"] == 2 and quantities(page) == [3, 4] for page in pages)

    # companies page + retirements pages + retirement counts + projects
    assert counts == [4, 4], statements.statements
