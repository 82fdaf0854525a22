"""Lookups by human key, and Relay `node`/`nodes` by global id."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from strawberry.relay import to_base64

from models.db import Database
from tests import factories
from tests.fixtures.graphql import GraphQLClient

LOOKUPS = [
    pytest.param(
        "query($key: String!) { found: company(slug: $key) { key: slug } }",
        factories.make_company,
        "slug",
        id="company by slug",
    ),
    pytest.param(
        "query($key: String!) { found: product(asin: $key) { key: asin } }",
        factories.make_product,
        "asin",
        id="product by asin",
    ),
    pytest.param(
        "query($key: String!) { found: certification(slug: $key) { key: slug } }",
        factories.make_certification,
        "slug",
        id="certification by slug",
    ),
    pytest.param(
        "query($key: String!) { found: carbonProject(slug: $key) { key: slug } }",
        factories.make_project,
        "slug",
        id="carbon project by slug",
    ),
]

Make = Callable[..., Awaitable[Any]]


@pytest.mark.parametrize(("query", "make", "key"), LOOKUPS)
async def test_lookup_returns_the_object_when_the_key_exists(
    gql: GraphQLClient, db: Database, query: str, make: Make, key: str
) -> None:
    await make(db)  # a neighbour the lookup must not return
    row = await make(db)

    data = await gql.data(query, key=getattr(row, key))

    assert data == {"found": {"key": getattr(row, key)}}


@pytest.mark.parametrize(("query", "make", "key"), LOOKUPS)
async def test_lookup_returns_null_when_the_key_is_unknown(
    gql: GraphQLClient, db: Database, query: str, make: Make, key: str
) -> None:
    await make(db)

    assert await gql.data(query, key="X000000000") == {"found": None}


NODE = """
query($id: ID!) {
  node(id: $id) {
    __typename
    id
    ...Identity
  }
}
"""
NODES = """
query($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename
    id
    ...Identity
  }
}
"""
IDENTITY = """
fragment Identity on Node {
  ... on Company { key: slug }
  ... on Product { key: asin }
  ... on Certification { key: slug }
  ... on CarbonProject { key: slug }
  ... on Issuance { key: serialPrefix }
  ... on Retirement { key: beneficiaryName }
  ... on EmissionsReport { year }
}
"""
IDS = """
query($company: String!, $product: String!, $certification: String!, $project: String!) {
  company(slug: $company) { id emissionsReports { id } }
  product(asin: $product) { id }
  certification(slug: $certification) { id }
  carbonProject(slug: $project) { id issuances { id } }
  retirements(first: 1) { nodes { id } }
}
"""


@dataclass(frozen=True)
class Known:
    """An object the API returned, as `node` must return it again."""

    typename: str
    id: str
    identity: dict[str, Any]

    def as_node(self) -> dict[str, Any]:
        return {"__typename": self.typename, "id": self.id, **self.identity}


@pytest.fixture
async def known(gql: GraphQLClient, db: Database) -> dict[str, Known]:
    """One object of every Node type, with the global id the API gives it."""
    company = await factories.make_company(db)
    await factories.make_emissions_report(db, company, year=2022)
    product = await factories.make_product(db)
    certification = await factories.make_certification(db)
    project = await factories.make_project(db)
    await factories.make_issuance(db, project, serial_prefix="VCS-KNOWN")
    await factories.make_retirement(db, beneficiary_name="Known beneficiary")
    data = await gql.data(
        IDS,
        company=company.slug,
        product=product.asin,
        certification=certification.slug,
        project=project.slug,
    )
    found: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
        ("Company", data["company"], {"key": company.slug}),
        ("EmissionsReport", data["company"]["emissionsReports"][0], {"year": 2022}),
        ("Product", data["product"], {"key": product.asin}),
        ("Certification", data["certification"], {"key": certification.slug}),
        ("CarbonProject", data["carbonProject"], {"key": project.slug}),
        ("Issuance", data["carbonProject"]["issuances"][0], {"key": "VCS-KNOWN"}),
        ("Retirement", data["retirements"]["nodes"][0], {"key": "Known beneficiary"}),
    ]
    return {typename: Known(typename, item["id"], identity) for typename, item, identity in found}


NODE_TYPES = [
    "Company",
    "EmissionsReport",
    "Product",
    "Certification",
    "CarbonProject",
    "Issuance",
    "Retirement",
]


@pytest.mark.parametrize("typename", NODE_TYPES)
async def test_node_returns_the_same_object_for_its_id(
    gql: GraphQLClient, known: dict[str, Known], typename: str
) -> None:
    data = await gql.data(NODE + IDENTITY, id=known[typename].id)

    assert data == {"node": known[typename].as_node()}


def missing(typename: str) -> str:
    return to_base64(typename, 2_000_000_000)


async def test_node_returns_null_for_an_unknown_row(gql: GraphQLClient) -> None:
    assert await gql.data(NODE + IDENTITY, id=missing("Company")) == {"node": None}


async def test_nodes_keeps_the_order_asked_and_returns_null_for_a_missing_one(
    gql: GraphQLClient, known: dict[str, Known]
) -> None:
    order = ["Retirement", "Product", None, "Company", "Issuance", "EmissionsReport"]
    ids = [known[name].id if name else missing("Product") for name in order]

    data = await gql.data(NODES + IDENTITY, ids=ids)

    assert data == {"nodes": [known[name].as_node() if name else None for name in order]}


async def test_nodes_returns_objects_of_one_type_in_the_order_asked(
    gql: GraphQLClient, db: Database
) -> None:
    companies = [await factories.make_company(db) for _ in range(3)]
    ids = [to_base64("Company", company.id) for company in reversed(companies)]

    data = await gql.data(NODES + IDENTITY, ids=ids)

    assert [node["key"] for node in data["nodes"]] == [c.slug for c in reversed(companies)]


@pytest.mark.parametrize(
    "global_id",
    [
        pytest.param("not an id!", id="not base64"),
        pytest.param(base64.b64encode(b"Company").decode(), id="no separator"),
        pytest.param(to_base64("Company", "abc"), id="non-numeric key"),
        pytest.param(to_base64("Company", "-1"), id="negative key"),
        pytest.param(to_base64("Company", ""), id="empty key"),
        pytest.param(to_base64("Company", "²"), id="non-ASCII digit key"),
        pytest.param(to_base64("Company", "9" * 30), id="key beyond any integer column"),
    ],
)
async def test_node_refuses_a_malformed_id_with_invalid_id(
    gql: GraphQLClient, global_id: str
) -> None:
    errors = await gql.errors(NODE + IDENTITY, id=global_id)

    assert [error["extensions"]["code"] for error in errors] == ["INVALID_ID"]


@pytest.mark.parametrize(
    "typename",
    [
        pytest.param("Nonexistent", id="no such type"),
        pytest.param("ProductCategory", id="an enum"),
        pytest.param("PageInfo", id="an object type that is not a Node"),
        pytest.param("PledgeSignature", id="an entity type that is not a Node"),
        pytest.param("Query", id="the query root"),
        pytest.param("Node", id="the Node interface itself"),
    ],
)
async def test_node_refuses_an_id_of_a_type_that_is_not_a_node_with_invalid_id(
    gql: GraphQLClient, typename: str
) -> None:
    errors = await gql.errors(NODE + IDENTITY, id=to_base64(typename, 1))

    assert [error["extensions"]["code"] for error in errors] == ["INVALID_ID"]
