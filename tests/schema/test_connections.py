"""Keyset Cursor Connections: paging both ways, pageInfo, totalCount, argument and cursor errors."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from models.db import Database
from tests import factories
from tests.fixtures.graphql import GraphQLClient

# Repeated titles, inserted out of order: only the id tie-break gives a total order.
TITLES = ["pear", "apple", "fig", "apple", "kiwi", "apple", "fig", "date", "pear", "lime"] * 2
TITLES += ["banana", "apple", "cherry", "fig", "grape"]

PAGE = """
query($first: Int, $after: String, $last: Int, $before: String) {
  products(first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { asin } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


@pytest.fixture
async def ordered_asins(db: Database) -> list[str]:
    """Products with repeated titles; their ASINs in (title, id) order."""
    products = [await factories.make_product(db, title=title) for title in TITLES]
    return [p.asin for p in sorted(products, key=lambda p: (p.title, p.id))]


async def walk(gql: GraphQLClient, size: int, *, backward: bool) -> list[dict[str, Any]]:
    """Every page, following endCursor forwards or startCursor backwards until the end."""
    pages: list[dict[str, Any]] = []
    cursor = None
    for _ in range(len(TITLES) + 1):
        arguments = (
            {"last": size, "before": cursor} if backward else {"first": size, "after": cursor}
        )
        pages.append((await gql.data(PAGE, **arguments))["products"])
        page_info = pages[-1]["pageInfo"]
        if not page_info["hasPreviousPage" if backward else "hasNextPage"]:
            return pages
        cursor = page_info["startCursor" if backward else "endCursor"]
    pytest.fail(f"paging never reached the end: {pages}")


def asins(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["asin"] for edge in connection["edges"]]


def flags(pages: list[dict[str, Any]], name: str) -> list[bool]:
    return [page["pageInfo"][name] for page in pages]


@pytest.mark.parametrize("size", [7, 5, 100])
async def test_paging_forward_returns_every_product_once_in_title_then_id_order(
    gql: GraphQLClient, ordered_asins: list[str], size: int
) -> None:
    pages = await walk(gql, size, backward=False)

    starts = range(0, len(ordered_asins), size)
    assert [asins(page) for page in pages] == [ordered_asins[i : i + size] for i in starts]
    assert flags(pages, "hasNextPage") == [True] * (len(pages) - 1) + [False]
    assert flags(pages, "hasPreviousPage") == [False] + [True] * (len(pages) - 1)


@pytest.mark.parametrize("size", [7, 5, 100])
async def test_paging_backward_returns_the_same_sequence_page_by_page_from_the_end(
    gql: GraphQLClient, ordered_asins: list[str], size: int
) -> None:
    pages = await walk(gql, size, backward=True)

    ends = range(len(ordered_asins), 0, -size)
    assert [asins(page) for page in pages] == [ordered_asins[max(0, i - size) : i] for i in ends]
    assert flags(pages, "hasPreviousPage") == [True] * (len(pages) - 1) + [False]
    assert flags(pages, "hasNextPage") == [False] + [True] * (len(pages) - 1)


async def test_page_cursors_are_the_first_and_last_edge_cursors(
    gql: GraphQLClient, ordered_asins: list[str]
) -> None:
    page = (await gql.data(PAGE, first=4))["products"]

    cursors = [edge["cursor"] for edge in page["edges"]]
    assert len(set(cursors)) == 4
    assert page["pageInfo"]["startCursor"] == cursors[0]
    assert page["pageInfo"]["endCursor"] == cursors[-1]


async def test_page_info_is_empty_when_there_are_no_products(gql: GraphQLClient) -> None:
    data = await gql.data(PAGE, first=10)

    assert data["products"] == {
        "edges": [],
        "pageInfo": {
            "hasNextPage": False,
            "hasPreviousPage": False,
            "startCursor": None,
            "endCursor": None,
        },
    }


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("{ products { totalCount } }", id="without first"),
        pytest.param("{ products(first: 3) { totalCount nodes { asin } } }", id="with a page"),
    ],
)
async def test_total_count_counts_every_product(
    gql: GraphQLClient, ordered_asins: list[str], query: str
) -> None:
    data = await gql.data(query)

    assert data["products"]["totalCount"] == len(ordered_asins) == len(TITLES)


async def test_first_zero_returns_no_items(gql: GraphQLClient, ordered_asins: list[str]) -> None:
    data = await gql.data("{ products(first: 0) { edges { cursor } nodes { asin } } }")

    assert data == {"products": {"edges": [], "nodes": []}}


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("{ products { edges { cursor } } }", id="edges without first or last"),
        pytest.param("{ products { nodes { asin } } }", id="nodes without first or last"),
        pytest.param("{ products { pageInfo { hasNextPage } } }", id="pageInfo without first"),
        pytest.param("{ products(first: 101) { nodes { asin } } }", id="first over 100"),
        pytest.param("{ products(first: -1) { nodes { asin } } }", id="negative first"),
        pytest.param("{ products(last: 101) { nodes { asin } } }", id="last over 100"),
        pytest.param("{ products(first: 2, last: 2) { nodes { asin } } }", id="first and last"),
        pytest.param("{ products(first: 101) { totalCount } }", id="first over 100, count only"),
    ],
)
async def test_connection_refuses_bad_page_arguments_with_bad_user_input(
    gql: GraphQLClient, ordered_asins: list[str], query: str
) -> None:
    errors = await gql.errors(query)

    assert [(error["extensions"]["code"], error["path"]) for error in errors] == [
        ("BAD_USER_INPUT", ["products"])
    ]


def forged(payload: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


CURSOR_QUERY = "query($after: String) { products(first: 5, after: $after) { nodes { asin } } }"


@pytest.mark.parametrize(
    "cursor",
    [
        pytest.param("abc", id="not base64 of anything"),
        pytest.param("", id="empty"),
        pytest.param("é!*", id="not base64 at all"),
        pytest.param(base64.urlsafe_b64encode(b"\xff\xfe\x00junk").decode(), id="binary"),
        pytest.param(forged("junk"), id="json string"),
        pytest.param(forged([1, 2]), id="json list"),
        pytest.param(forged({"v": 1, "o": "TITLE_ASC"}), id="no sort values"),
        pytest.param(forged({"v": 2, "o": "TITLE_ASC", "k": ["a", 1]}), id="unknown version"),
        pytest.param(forged({"v": 1, "o": "NAME_ASC", "k": ["a", 1]}), id="another ordering"),
        pytest.param(forged({"v": 1, "o": "TITLE_ASC", "k": ["a"]}), id="too few values"),
        pytest.param(forged({"v": 1, "o": "TITLE_ASC", "k": ["a", 1, 2]}), id="too many values"),
        pytest.param(forged({"v": 1, "o": "TITLE_ASC", "k": "a,1"}), id="values not a list"),
        pytest.param(forged({"v": 1, "o": "TITLE_ASC", "k": [1, 1]}), id="number for title"),
        pytest.param(forged({"v": 1, "o": "TITLE_ASC", "k": [None, 1]}), id="null title"),
        pytest.param(forged({"v": 1, "o": "TITLE_ASC", "k": ["a", "1"]}), id="string for id"),
        pytest.param(forged({"v": 1, "o": "TITLE_ASC", "k": ["a", True]}), id="boolean for id"),
        pytest.param(forged({"v": 1, "o": "TITLE_ASC", "k": ["a", 1.5]}), id="float for id"),
        pytest.param(forged({"v": 1, "o": "TITLE_ASC", "k": ["a", 10**30]}), id="id too large"),
        pytest.param(forged({"v": 1, "o": "TITLE_ASC", "k": ["a\x00", 1]}), id="NUL in title"),
    ],
)
async def test_forged_cursor_is_refused_with_invalid_cursor(
    gql: GraphQLClient, ordered_asins: list[str], cursor: str
) -> None:
    errors = await gql.errors(CURSOR_QUERY, after=cursor)

    assert [error["extensions"]["code"] for error in errors] == ["INVALID_CURSOR"]


async def test_cursor_from_another_connection_is_refused_with_invalid_cursor(
    gql: GraphQLClient, db: Database, ordered_asins: list[str]
) -> None:
    await factories.make_issuance(db, await factories.make_project(db))
    issuances = await gql.data("{ issuances(first: 1) { pageInfo { endCursor } } }")

    errors = await gql.errors(CURSOR_QUERY, after=issuances["issuances"]["pageInfo"]["endCursor"])

    assert [error["extensions"]["code"] for error in errors] == ["INVALID_CURSOR"]


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(
            """
            query { products(first: 3) { ...Page } }
            fragment Page on ProductConnection {
              edges { node { asin } } nodes { asin } pageInfo { hasNextPage }
            }
            """,
            id="named fragment",
        ),
        pytest.param(
            """
            query {
              products(first: 3) {
                ... on ProductConnection {
                  edges { node { asin } } nodes { asin } pageInfo { hasNextPage }
                }
              }
            }
            """,
            id="inline fragment",
        ),
        pytest.param(
            """
            query { products(first: 3) { ...Outer } }
            fragment Outer on ProductConnection { ...Items pageInfo { hasNextPage } }
            fragment Items on ProductConnection { edges { node { asin } } nodes { asin } }
            """,
            id="fragment within a fragment",
        ),
        pytest.param(
            """
            query { ...Root }
            fragment Root on Query {
              products(first: 3) { edges { node { asin } } nodes { asin } pageInfo { hasNextPage } }
            }
            """,
            id="fragment on the query root",
        ),
    ],
)
async def test_page_is_fetched_when_selected_through_fragments(
    gql: GraphQLClient, ordered_asins: list[str], query: str
) -> None:
    data = await gql.data(query)

    first_three = ordered_asins[:3]
    assert data["products"] == {
        "edges": [{"node": {"asin": asin}} for asin in first_three],
        "nodes": [{"asin": asin} for asin in first_three],
        "pageInfo": {"hasNextPage": True},
    }
