"""`orderBy` lists: several keys in their directions, an id tie-break, cursors bound to order."""

from __future__ import annotations

from typing import Any

import pytest

import models
from models.db import Database
from tests import factories
from tests.fixtures.graphql import GraphQLClient

# (title, brand, price in cents), inserted out of order; (price, title) repeats three times.
ROWS = [
    ("kiwi", "b", 500),
    ("apple", "a", 1000),
    ("fig", "c", 500),
    ("apple", "c", 1000),
    ("date", "a", 250),
    ("fig", "a", 500),
    ("apple", "b", 1000),
    ("lime", "b", 1000),
    ("pear", "c", 250),
    ("fig", "b", 500),
    ("date", "c", 250),
]

PRODUCTS = """
query($orderBy: [ProductOrder!], $first: Int, $after: String, $last: Int, $before: String) {
  products(orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
    nodes { asin }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""
ATTRIBUTES = {"TITLE": "title", "BRAND": "brand", "PRICE": "price_cents", "ASIN": "asin"}


@pytest.fixture
async def products(db: Database) -> list[models.Product]:
    return [
        await factories.make_product(db, title=title, brand=brand, price_cents=cents)
        for title, brand, cents in ROWS
    ]


def order_by(*terms: tuple[str, str]) -> list[dict[str, str]]:
    return [{"field": field, "direction": direction} for field, direction in terms]


def expected_asins(products: list[models.Product], order: list[dict[str, str]]) -> list[str]:
    """The ASINs in the given order, ties broken on id in the last key's direction."""
    ordered = list(products)
    last_descending = order[-1]["direction"] == "DESC"
    keys = [(ATTRIBUTES[term["field"]], term["direction"] == "DESC") for term in order]
    for attribute, descending in reversed([*keys, ("id", last_descending)]):
        # Stable sorts from the least significant key up give the combined order.
        ordered.sort(key=lambda p: getattr(p, attribute), reverse=descending)
    return [product.asin for product in ordered]


def asins(connection: dict[str, Any]) -> list[str]:
    return [node["asin"] for node in connection["nodes"]]


ORDERS = [
    pytest.param(order_by(("PRICE", "DESC"), ("TITLE", "ASC")), id="price desc, title asc"),
    pytest.param(order_by(("PRICE", "ASC"), ("TITLE", "DESC")), id="price asc, title desc"),
    pytest.param(order_by(("BRAND", "ASC"), ("PRICE", "DESC")), id="brand asc, price desc"),
    pytest.param(order_by(("TITLE", "DESC")), id="title desc"),
    pytest.param(order_by(("PRICE", "ASC"), ("BRAND", "ASC"), ("TITLE", "ASC")), id="three keys"),
]


@pytest.mark.parametrize("order", ORDERS)
async def test_order_by_list_sorts_by_each_key_then_id_in_the_last_direction(
    gql: GraphQLClient, products: list[models.Product], order: list[dict[str, str]]
) -> None:
    data = await gql.data(PRODUCTS, orderBy=order, first=100)

    assert asins(data["products"]) == expected_asins(products, order)


async def test_price_desc_then_title_asc_breaks_equal_pairs_by_ascending_id(
    gql: GraphQLClient, products: list[models.Product]
) -> None:
    data = await gql.data(PRODUCTS, orderBy=order_by(("PRICE", "DESC"), ("TITLE", "ASC")), first=3)

    apples = sorted((p for p in products if p.title == "apple"), key=lambda p: p.id or 0)
    assert asins(data["products"]) == [p.asin for p in apples]


async def walk(gql: GraphQLClient, order: list[dict[str, str]], *, backward: bool) -> list[str]:
    """Every ASIN met while paging three at a time to the end, in the order met."""
    seen: list[str] = []
    cursor = None
    for _ in range(len(ROWS) + 1):
        if backward:
            page = (await gql.data(PRODUCTS, orderBy=order, last=3, before=cursor))["products"]
            seen = asins(page) + seen
            more, cursor = page["pageInfo"]["hasPreviousPage"], page["pageInfo"]["startCursor"]
        else:
            page = (await gql.data(PRODUCTS, orderBy=order, first=3, after=cursor))["products"]
            seen += asins(page)
            more, cursor = page["pageInfo"]["hasNextPage"], page["pageInfo"]["endCursor"]
        if not more:
            return seen
    pytest.fail(f"paging never reached the end after {seen}")


@pytest.mark.parametrize("backward", [False, True], ids=["forward", "backward"])
@pytest.mark.parametrize("order", ORDERS)
async def test_paging_under_an_ordering_returns_each_product_once_in_that_order(
    gql: GraphQLClient,
    products: list[models.Product],
    order: list[dict[str, str]],
    backward: bool,
) -> None:
    seen = await walk(gql, order, backward=backward)

    assert seen == expected_asins(products, order)


@pytest.mark.parametrize(
    "order",
    [
        pytest.param(order_by(("PRICE", "ASC")), id="another field"),
        pytest.param(order_by(("TITLE", "DESC")), id="the same field, other direction"),
        pytest.param(order_by(("TITLE", "ASC"), ("PRICE", "ASC")), id="one more key"),
    ],
)
async def test_cursor_made_under_title_asc_is_refused_under_another_order_with_invalid_cursor(
    gql: GraphQLClient, products: list[models.Product], order: list[dict[str, str]]
) -> None:
    page = await gql.data(PRODUCTS, orderBy=order_by(("TITLE", "ASC")), first=2)
    cursor = page["products"]["pageInfo"]["endCursor"]

    errors = await gql.errors(PRODUCTS, orderBy=order, first=2, after=cursor)

    assert [(error["extensions"]["code"], error["path"]) for error in errors] == [
        ("INVALID_CURSOR", ["products"])
    ]


async def test_cursor_made_under_title_asc_is_accepted_under_the_default_order(
    gql: GraphQLClient, products: list[models.Product]
) -> None:
    page = await gql.data(PRODUCTS, orderBy=order_by(("TITLE", "ASC")), first=2)
    cursor = page["products"]["pageInfo"]["endCursor"]

    data = await gql.data(PRODUCTS, orderBy=None, first=2, after=cursor)

    assert asins(data["products"]) == expected_asins(products, order_by(("TITLE", "ASC")))[2:4]


@pytest.mark.parametrize(
    ("order", "search"),
    [
        pytest.param(order_by(("PRICE", "ASC"), ("PRICE", "ASC")), None, id="same field twice"),
        pytest.param(
            order_by(("TITLE", "ASC"), ("PRICE", "ASC"), ("TITLE", "DESC")),
            None,
            id="same field twice in both directions",
        ),
        pytest.param(order_by(("RELEVANCE", "DESC")), None, id="relevance without search"),
        pytest.param(order_by(("TITLE", "ASC"), ("RELEVANCE", "ASC")), None, id="relevance second"),
        pytest.param(
            order_by(("RELEVANCE", "DESC"), ("RELEVANCE", "ASC")), "apple", id="relevance twice"
        ),
    ],
)
async def test_unusable_order_by_is_refused_with_bad_user_input_on_order_by(
    gql: GraphQLClient, products: list[models.Product], order: list[dict[str, str]], search: str
) -> None:
    query = """
    query($orderBy: [ProductOrder!], $search: String) {
      products(orderBy: $orderBy, search: $search, first: 5) { nodes { asin } }
    }
    """

    errors = await gql.errors(query, orderBy=order, search=search)

    assert [(error["extensions"]["code"], error["extensions"]["field"]) for error in errors] == [
        ("BAD_USER_INPUT", "orderBy")
    ]


@pytest.mark.parametrize(
    ("query", "order", "expected"),
    [
        pytest.param(
            "query($orderBy: [CompanyOrder!]) { list: companies(first: 10, orderBy: $orderBy)"
            " { nodes { key: slug } } }",
            order_by(("SECTOR", "DESC"), ("NAME", "ASC")),
            ["c-retail-a", "c-retail-b", "c-energy-b", "c-energy-a"],
            id="companies by sector desc, name asc",
        ),
        pytest.param(
            "query($orderBy: [CompanyOrder!]) { list: companies(first: 10, orderBy: $orderBy)"
            " { nodes { key: slug } } }",
            order_by(("HQ_COUNTRY", "ASC"), ("SLUG", "DESC")),
            ["c-retail-b", "c-energy-b", "c-retail-a", "c-energy-a"],
            id="companies by country asc, slug desc",
        ),
    ],
)
async def test_company_order_by_list_sorts_by_each_key(
    gql: GraphQLClient,
    db: Database,
    query: str,
    order: list[dict[str, str]],
    expected: list[str],
) -> None:
    for slug, name, sector, country in [
        ("c-energy-a", "Volt", "Energy", "US"),
        ("c-retail-a", "Aisle", "Retail", "US"),
        ("c-energy-b", "Amp", "Energy", "DE"),
        ("c-retail-b", "Basket", "Retail", "DE"),
    ]:
        await factories.make_company(db, slug=slug, name=name, sector=sector, hq_country=country)

    data = await gql.data(query, orderBy=order)

    assert [node["key"] for node in data["list"]["nodes"]] == expected
