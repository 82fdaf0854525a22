"""Connections under a parent page per parent; certifications count distinct products; credits."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

import models
from models.db import Database
from resolvers.viewer import Role, Viewer
from tests import factories
from tests.fixtures.graphql import GraphQLClient

# How many products each brand company has; titles are "<slug> <n>", inserted out of order.
PRODUCT_COUNTS = {"alpha": 5, "bravo": 5, "charlie": 2, "delta": 0}
SCRAMBLE = [3, 0, 4, 1, 2]

COMPANY_PRODUCTS = """
query($first: Int, $after: String, $last: Int, $before: String, $where: ProductWhere,
      $orderBy: [ProductOrder!]) {
  companies(first: 10) {
    nodes {
      slug
      products(first: $first, after: $after, last: $last, before: $before, where: $where,
               orderBy: $orderBy) {
        totalCount
        nodes { title }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }
  }
}
"""
ONE_COMPANY = """
query($slug: String!, $first: Int, $after: String, $last: Int, $before: String) {
  company(slug: $slug) {
    products(first: $first, after: $after, last: $last, before: $before) {
      nodes { title }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}
"""


@pytest.fixture
async def brands(db: Database) -> dict[str, list[str]]:
    """Companies with 5, 5, 2 and 0 products; each company's titles in title order."""
    titles: dict[str, list[str]] = {}
    for slug, count in PRODUCT_COUNTS.items():
        company = await factories.make_company(db, slug=slug, name=slug.title())
        for n in (i for i in SCRAMBLE if i < count):
            await factories.make_product(
                db, title=f"{slug} {n}", brand_company_id=company.id, price_cents=100 * (n + 1)
            )
        titles[slug] = [f"{slug} {n}" for n in range(count)]
    return titles


def per_company(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {node["slug"]: node["products"] for node in data["companies"]["nodes"]}


def titles_of(connection: dict[str, Any]) -> list[str]:
    return [node["title"] for node in connection["nodes"]]


@pytest.mark.parametrize(
    ("arguments", "window", "more"),
    [
        pytest.param({"first": 2}, slice(None, 2), "hasNextPage", id="first 2"),
        pytest.param({"last": 3}, slice(-3, None), "hasPreviousPage", id="last 3"),
    ],
)
async def test_company_products_page_gives_each_company_its_own_window(
    gql: GraphQLClient,
    brands: dict[str, list[str]],
    arguments: dict[str, int],
    window: slice,
    more: str,
) -> None:
    data = per_company(await gql.data(COMPANY_PRODUCTS, **arguments))

    assert {slug: titles_of(page) for slug, page in data.items()} == {
        slug: titles[window] for slug, titles in brands.items()
    }
    flags = {slug: page["pageInfo"][more] for slug, page in data.items()}
    assert flags == {"alpha": True, "bravo": True, "charlie": False, "delta": False}
    other = "hasPreviousPage" if more == "hasNextPage" else "hasNextPage"
    assert [page["pageInfo"][other] for page in data.values()] == [False] * len(brands)


async def test_same_page_shape_for_other_parents_reads_those_parents(
    gql: GraphQLClient, brands: dict[str, list[str]]
) -> None:
    # One statement per page shape is reused across requests (PostgreSQL); the parents are a
    # parameter, so each request must still see its own company's products.
    for slug in ("alpha", "charlie", "bravo", "delta", "alpha"):
        data = await gql.data(ONE_COMPANY, slug=slug, first=3)
        assert titles_of(data["company"]["products"]) == brands[slug][:3]


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(
            "{ companies(first: 10) { nodes { slug products { totalCount } } } }", id="alone"
        ),
        pytest.param(
            "{ companies(first: 10) { nodes { slug products(first: 1) { totalCount } } } }",
            id="with first",
        ),
    ],
)
async def test_company_products_total_count_counts_each_company_s_products(
    gql: GraphQLClient, brands: dict[str, list[str]], query: str
) -> None:
    data = per_company(await gql.data(query))

    assert {slug: page["totalCount"] for slug, page in data.items()} == PRODUCT_COUNTS


@pytest.mark.parametrize(("size", "backward"), [(2, False), (1, False), (2, True), (3, True)])
async def test_company_products_cursor_pages_through_that_company_only(
    gql: GraphQLClient, brands: dict[str, list[str]], size: int, backward: bool
) -> None:
    seen: list[str] = []
    cursor = None
    for _ in range(len(brands["alpha"]) + 1):
        arguments = (
            {"last": size, "before": cursor} if backward else {"first": size, "after": cursor}
        )
        data = await gql.data(ONE_COMPANY, slug="alpha", **arguments)
        page = data["company"]["products"]
        info = page["pageInfo"]
        if backward:
            seen = titles_of(page) + seen
            more, cursor = info["hasPreviousPage"], info["startCursor"]
        else:
            seen += titles_of(page)
            more, cursor = info["hasNextPage"], info["endCursor"]
        if not more:
            break

    assert seen == brands["alpha"]


@pytest.mark.parametrize(
    ("where", "order", "expected"),
    [
        pytest.param(
            {"price": {"gte": "3"}},
            None,
            {"alpha": (["alpha 2", "alpha 3"], 3), "bravo": (["bravo 2", "bravo 3"], 3),
             "charlie": ([], 0)},
            id="where",
        ),
        pytest.param(
            None,
            [{"field": "PRICE", "direction": "DESC"}],
            {"alpha": (["alpha 4", "alpha 3"], 5), "bravo": (["bravo 4", "bravo 3"], 5),
             "charlie": (["charlie 1", "charlie 0"], 2)},
            id="orderBy",
        ),
        pytest.param(
            {"price": {"lte": "4"}},
            [{"field": "TITLE", "direction": "DESC"}],
            {"alpha": (["alpha 3", "alpha 2"], 4), "bravo": (["bravo 3", "bravo 2"], 4),
             "charlie": (["charlie 1", "charlie 0"], 2)},
            id="where and orderBy",
        ),
    ],
)  # fmt: skip
async def test_company_products_where_and_order_by_apply_within_each_company(
    gql: GraphQLClient,
    brands: dict[str, list[str]],
    where: dict[str, Any] | None,
    order: list[dict[str, str]] | None,
    expected: dict[str, tuple[list[str], int]],
) -> None:
    data = per_company(await gql.data(COMPANY_PRODUCTS, first=2, where=where, orderBy=order))

    pages = {slug: (titles_of(data[slug]), data[slug]["totalCount"]) for slug in expected}
    assert pages == expected


async def test_company_products_in_two_shapes_in_one_query_page_independently(
    gql: GraphQLClient, brands: dict[str, list[str]]
) -> None:
    query = """
    query($slug: String!) {
      company(slug: $slug) {
        cheap: products(first: 1, orderBy: [{field: PRICE}]) { nodes { title } }
        dear: products(first: 1, orderBy: [{field: PRICE, direction: DESC}]) { nodes { title } }
      }
    }
    """

    data = await gql.data(query, slug="bravo")

    assert data["company"] == {
        "cheap": {"nodes": [{"title": "bravo 0"}]},
        "dear": {"nodes": [{"title": "bravo 4"}]},
    }


CERTIFICATION_PRODUCTS = """
query($first: Int, $after: String) {
  certifications(first: 10) {
    nodes {
      slug
      products(first: $first, after: $after) {
        totalCount
        nodes { asin }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}
"""


@pytest.fixture
async def holders(db: Database) -> dict[str, list[str]]:
    """Certifications and the ASINs holding them (in title order); some hold one twice."""
    certifications = {
        slug: await factories.make_certification(db, slug=slug)
        for slug in ("cert-x", "cert-y", "cert-z")
    }
    products = [await factories.make_product(db, title=f"held {i}") for i in range(5)]
    holdings = {"cert-x": [0, 1, 2, 3], "cert-y": [1, 4], "cert-z": []}
    for slug, indexes in holdings.items():
        for i in indexes:
            await factories.make_product_certification(db, products[i], certifications[slug])
    # A renewed certificate: the same product holds cert-x twice, and cert-y twice.
    for slug, i in (("cert-x", 0), ("cert-x", 2), ("cert-y", 4)):
        await factories.make_product_certification(
            db, products[i], certifications[slug], valid_from=date(2025, 1, 1)
        )
    return {slug: [products[i].asin for i in indexes] for slug, indexes in holdings.items()}


def per_certification(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {node["slug"]: node["products"] for node in data["certifications"]["nodes"]}


async def test_certification_products_lists_and_counts_each_product_once(
    gql: GraphQLClient, holders: dict[str, list[str]]
) -> None:
    data = per_certification(await gql.data(CERTIFICATION_PRODUCTS, first=10))

    assert {slug: [n["asin"] for n in page["nodes"]] for slug, page in data.items()} == holders
    assert {slug: page["totalCount"] for slug, page in data.items()} == {
        slug: len(asins) for slug, asins in holders.items()
    }


@pytest.mark.parametrize(
    ("where", "counts"),
    [
        pytest.param(None, {"cert-x": 4, "cert-y": 2, "cert-z": 0}, id="all products"),
        pytest.param(
            {"title": {"startsWith": "held"}},
            {"cert-x": 4, "cert-y": 2, "cert-z": 0},
            id="filtered, every product",
        ),
        pytest.param(
            {"title": {"in": ["held 2", "held 4"]}},
            {"cert-x": 1, "cert-y": 1, "cert-z": 0},
            id="filtered, products holding one twice",
        ),
    ],
)
async def test_certification_products_total_count_alone_counts_distinct_products(
    gql: GraphQLClient,
    holders: dict[str, list[str]],
    where: dict[str, Any] | None,
    counts: dict[str, int],
) -> None:
    query = """
    query($where: ProductWhere) {
      certifications(first: 10) { nodes { slug products(where: $where) { totalCount } } }
    }
    """

    data = per_certification(await gql.data(query, where=where))

    assert {slug: page["totalCount"] for slug, page in data.items()} == counts


async def test_certification_products_pages_per_certification_without_repeats(
    gql: GraphQLClient, holders: dict[str, list[str]]
) -> None:
    first = per_certification(await gql.data(CERTIFICATION_PRODUCTS, first=2))
    cursor = first["cert-x"]["pageInfo"]["endCursor"]
    query = """
    query($slug: String!, $after: String) {
      certification(slug: $slug) { products(first: 2, after: $after) { nodes { asin } } }
    }
    """

    rest = await gql.data(query, slug="cert-x", after=cursor)

    assert {slug: [n["asin"] for n in page["nodes"]] for slug, page in first.items()} == {
        slug: asins[:2] for slug, asins in holders.items()
    }
    assert {slug: page["pageInfo"]["hasNextPage"] for slug, page in first.items()} == {
        "cert-x": True,
        "cert-y": False,
        "cert-z": False,
    }
    assert [n["asin"] for n in rest["certification"]["products"]["nodes"]] == holders["cert-x"][2:]


CREDITS = "credits { issued available held retired cancelled }"
PROJECT_CREDITS = f"""
query {{
  carbonProjects(first: 10) {{
    nodes {{ slug {CREDITS} issuances {{ serialPrefix {CREDITS} }} }}
  }}
}}
"""


def totals(issued: int, available: int, held: int, retired: int, cancelled: int) -> dict[str, int]:
    return {
        "issued": issued,
        "available": available,
        "held": held,
        "retired": retired,
        "cancelled": cancelled,
    }


async def test_credit_totals_count_live_blocks_by_status_and_leave_split_parents_out(
    gql: GraphQLClient, db: Database
) -> None:
    owner = await factories.make_company(db)
    retirement = await factories.make_retirement(db)
    project = await factories.make_project(db, slug="p-blocks")
    untouched = await factories.make_project(db, slug="p-untouched")
    await factories.make_project(db, slug="p-empty")
    first = await factories.make_issuance(
        db, project, serial_prefix="I-1", total_quantity=1000, buffer_quantity=100
    )
    second = await factories.make_issuance(
        db, project, serial_prefix="I-2", total_quantity=500, buffer_quantity=0, vintage=2024
    )
    await factories.make_issuance(db, untouched, serial_prefix="I-3", total_quantity=300)
    status = models.CreditStatus
    parent = await factories.make_block(
        db, first, serial_start=1, serial_end=300, status=status.SPLIT
    )
    blocks: list[tuple[models.Issuance, int, int, models.CreditStatus]] = [
        (first, 1, 100, status.AVAILABLE),
        (first, 101, 200, status.HELD),
        (first, 201, 300, status.RETIRED),
        (first, 301, 400, status.CANCELLED),
        (first, 401, 900, status.AVAILABLE),
        (second, 1, 200, status.RETIRED),
        (second, 201, 500, status.AVAILABLE),
    ]
    for issuance, start, end, state in blocks:
        owned = state in (status.HELD, status.RETIRED)
        await factories.make_block(
            db,
            issuance,
            serial_start=start,
            serial_end=end,
            status=state,
            owner_company_id=owner.id if owned else None,
            retirement_id=retirement.id if state == status.RETIRED else None,
            parent_block_id=parent.id if issuance is first and end <= 300 else None,
        )

    data = await gql.data(PROJECT_CREDITS)

    projects = {node["slug"]: node for node in data["carbonProjects"]["nodes"]}
    assert projects["p-blocks"]["issuances"] == [
        {"serialPrefix": "I-1", "credits": totals(900, 600, 100, 100, 100)},
        {"serialPrefix": "I-2", "credits": totals(500, 300, 0, 200, 0)},
    ]
    assert projects["p-blocks"]["credits"] == totals(1400, 900, 100, 300, 100)
    assert projects["p-untouched"]["credits"] == totals(200, 0, 0, 0, 0)
    assert projects["p-empty"] == {
        "slug": "p-empty",
        "credits": totals(0, 0, 0, 0, 0),
        "issuances": [],
    }


SAME_ALIAS_TWO_RELATIONS = """
{
  a: company(slug: "buyer") { list: products(first: 5) { totalCount nodes { title } } }
  b: company(slug: "buyer") { list: purchases(first: 5) { totalCount nodes { quantity } } }
}
"""


async def test_one_alias_on_two_relations_of_a_type_reads_each_relation(
    gql: GraphQLClient, db: Database
) -> None:
    buyer = await factories.make_company(db, slug="buyer")
    await factories.make_product(db, title="Soap", brand_company_id=buyer.id)
    project = await factories.make_project(db)
    await factories.make_purchase(db, buyer, project, quantity=7)
    await factories.make_purchase(db, buyer, project, quantity=8)

    admin = gql.as_viewer(Viewer(role=Role.ADMIN))
    data = await admin.data(SAME_ALIAS_TWO_RELATIONS)

    assert data["a"]["list"] == {"totalCount": 1, "nodes": [{"title": "Soap"}]}
    assert data["b"]["list"]["totalCount"] == 2
    assert sorted(node["quantity"] for node in data["b"]["list"]["nodes"]) == [7, 8]
