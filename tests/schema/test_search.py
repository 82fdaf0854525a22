"""Full-text product search: stemmed, all words, ranked, pageable, safe with any input, indexed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from models.db import Database
from resolvers.product import list_products
from resolvers.viewer import ANONYMOUS
from tests import factories
from tests.fixtures.graphql import GraphQLClient

# title -> brand. Keys are unique, so a result is named by its title.
CATALOGUE = {
    "Eco Soap Bar": "Eco Soap Co",
    "Eco Soap Refill": "Refillery",
    "Soap Dish for eco homes": "Homeware",
    "Hand Soap": "Method",
    "Laundry Detergent": "Persil",
    "DETERGENT Pods": "Tide",
    "Eco Bottle": "Klean",
    "Bamboo Toothbrush": "Eco Smile",
    "Ceramic Mug": "Potter",
}
SOAPS = ["Eco Soap Bar", "Eco Soap Refill", "Soap Dish for eco homes", "Hand Soap"]

SEARCH = """
query($search: String, $where: ProductWhere, $orderBy: [ProductOrder!], $first: Int,
      $after: String) {
  products(search: $search, where: $where, orderBy: $orderBy, first: $first, after: $after) {
    totalCount
    edges { cursor node { title } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


@pytest.fixture
async def catalogue(db: Database) -> None:
    for title, brand in CATALOGUE.items():
        await factories.make_product(db, title=title, brand=brand)


def titles(data: dict[str, Any]) -> list[str]:
    return [edge["node"]["title"] for edge in data["products"]["edges"]]


@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize(
    ("search", "expected"),
    [
        pytest.param("soap", SOAPS, id="one word in titles"),
        pytest.param("SoAP", SOAPS, id="any case"),
        pytest.param("  soap  ", SOAPS, id="surrounding spaces"),
        pytest.param("detergents", ["Laundry Detergent", "DETERGENT Pods"], id="stemmed plural"),
        pytest.param("klean", ["Eco Bottle"], id="a word of the brand only"),
        pytest.param("bamboo smile", ["Bamboo Toothbrush"], id="one word each in title and brand"),
        pytest.param(
            "eco soap",
            ["Eco Soap Bar", "Eco Soap Refill", "Soap Dish for eco homes"],
            id="all words must match",
        ),
        pytest.param("soap xylophone", [], id="one word matching nothing"),
        pytest.param("xylophone", [], id="no match"),
    ],
)
async def test_search_returns_products_whose_title_or_brand_hold_every_word(
    gql: GraphQLClient, search: str, expected: list[str]
) -> None:
    data = await gql.data(SEARCH, search=search, first=100)

    assert sorted(titles(data)) == sorted(expected)
    assert data["products"]["totalCount"] == len(expected)


@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize("order", [None, [{"field": "RELEVANCE", "direction": "DESC"}]])
async def test_search_ranks_the_product_matching_in_title_and_brand_first(
    gql: GraphQLClient, order: list[dict[str, str]] | None
) -> None:
    data = await gql.data(SEARCH, search="eco soap", orderBy=order, first=100)

    assert titles(data)[0] == "Eco Soap Bar"


@pytest.mark.usefixtures("catalogue")
async def test_search_with_relevance_ascending_puts_the_best_match_last(
    gql: GraphQLClient,
) -> None:
    order = [{"field": "RELEVANCE", "direction": "ASC"}]

    data = await gql.data(SEARCH, search="eco soap", orderBy=order, first=100)

    assert titles(data)[-1] == "Eco Soap Bar"
    assert len(titles(data)) == 3


@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize(
    ("where", "order", "expected"),
    [
        pytest.param(
            {"title": {"startsWith": "eco"}},
            None,
            ["Eco Soap Bar", "Eco Soap Refill"],
            id="with a title filter",
        ),
        pytest.param({"brand": {"eq": "Method"}}, None, ["Hand Soap"], id="with a brand filter"),
        pytest.param(
            {"OR": [{"brand": {"eq": "Method"}}, {"brand": {"eq": "Homeware"}}]},
            [{"field": "TITLE", "direction": "ASC"}],
            ["Hand Soap", "Soap Dish for eco homes"],
            id="with an OR filter, by title",
        ),
        pytest.param(
            None,
            [{"field": "TITLE", "direction": "DESC"}],
            sorted(SOAPS, reverse=True),
            id="by title descending",
        ),
    ],
)
async def test_search_combines_with_where_and_order_by(
    gql: GraphQLClient,
    where: dict[str, Any] | None,
    order: list[dict[str, str]] | None,
    expected: list[str],
) -> None:
    data = await gql.data(SEARCH, search="soap", where=where, orderBy=order, first=100)

    if order is None:
        assert sorted(titles(data)) == sorted(expected)
    else:
        assert titles(data) == expected
    assert data["products"]["totalCount"] == len(expected)


@pytest.fixture
async def many_soaps(db: Database) -> list[str]:
    """Twelve soaps of three match strengths (ties included); their titles."""
    made = []
    for i in range(12):
        strength = i % 3
        title = f"Soap {i:02d}" + " soap" * strength
        brand = "Soapworks" if strength == 2 else f"Maker {i}"
        made.append((await factories.make_product(db, title=title, brand=brand)).title)
    await factories.make_product(db, title="Candle", brand="Wax")
    return made


@pytest.mark.parametrize(
    ("size", "order"),
    [
        pytest.param(5, None, id="by relevance, five a page"),
        pytest.param(2, None, id="by relevance, two a page"),
        pytest.param(4, [{"field": "PRICE", "direction": "ASC"}], id="by price"),
    ],
)
async def test_paging_through_search_results_returns_each_match_once_in_order(
    gql: GraphQLClient, many_soaps: list[str], size: int, order: list[dict[str, str]] | None
) -> None:
    whole = titles(await gql.data(SEARCH, search="soap", orderBy=order, first=100))
    seen: list[str] = []
    cursor = None
    for _ in range(len(many_soaps)):
        data = await gql.data(SEARCH, search="soap", orderBy=order, first=size, after=cursor)
        seen += titles(data)
        if not data["products"]["pageInfo"]["hasNextPage"]:
            break
        cursor = data["products"]["pageInfo"]["endCursor"]

    assert seen == whole
    assert sorted(seen) == sorted(many_soaps)


async def test_search_cursor_is_refused_without_the_search(
    gql: GraphQLClient, many_soaps: list[str]
) -> None:
    page = await gql.data(SEARCH, search="soap", first=2)

    errors = await gql.errors(SEARCH, first=2, after=page["products"]["pageInfo"]["endCursor"])

    assert [error["extensions"]["code"] for error in errors] == ["INVALID_CURSOR"]


@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize(
    "search",
    [
        '"soap',
        'soap"',
        '"soap"',
        "soap*",
        "soap:*",
        "soap:",
        "(soap",
        "soap)",
        "(soap)",
        "soap!",
        "+soap",
        "soap^",
        "{soap}",
        "soap;",
    ],
)
async def test_search_reads_syntax_characters_next_to_a_word_as_that_word(
    gql: GraphQLClient, search: str
) -> None:
    data = await gql.data(SEARCH, search=search, first=100)

    assert sorted(titles(data)) == sorted(SOAPS)


@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize(
    "search",
    [
        "soap OR eco",
        "eco -soap",
        "-soap",
        "-",
        "*",
        ":",
        '"',
        '""',
        "'",
        "()",
        "NEAR(eco soap)",
        "NEAR(eco soap, 2)",
        "eco NOT soap",
        "eco AND soap",
        "soap & !eco",
        "soap | eco",
        "soap <-> eco",
        "title:soap",
        "^",
        "a:b:c",
        "OR",
        "the",
        "\\",
        "soap's",
        "%_",
    ],
)
async def test_search_with_query_syntax_never_errors(gql: GraphQLClient, search: str) -> None:
    data = await gql.data(SEARCH, search=search, first=100)

    assert set(titles(data)) <= set(CATALOGUE)
    assert data["products"]["totalCount"] == len(titles(data))


@pytest.mark.parametrize(
    "search",
    [
        pytest.param("", id="empty"),
        pytest.param("   ", id="spaces"),
        pytest.param("\t\n ", id="tabs and newlines"),
        pytest.param("s" * 201, id="201 characters"),
        pytest.param("soap " * 40 + "s", id="201 characters of words"),
        pytest.param("soap\x00eco", id="a NUL character"),
        pytest.param("soap\x00", id="a trailing NUL character"),
    ],
)
async def test_unusable_search_text_is_refused_with_bad_user_input(
    gql: GraphQLClient, search: str
) -> None:
    errors = await gql.errors(SEARCH, search=search, first=5)

    assert [(error["extensions"]["code"], error["extensions"]["field"]) for error in errors] == [
        ("BAD_USER_INPUT", "search")
    ]


@pytest.mark.usefixtures("catalogue")
async def test_search_of_200_characters_is_accepted(gql: GraphQLClient) -> None:
    search = "soap " * 39 + "soaps"
    assert len(search) == 200

    data = await gql.data(SEARCH, search=search, first=100)

    assert sorted(titles(data)) == sorted(SOAPS)


@dataclass(frozen=True)
class PlanCheck:
    """How to ask one backend for its plan, and what the plan must mention."""

    setup: tuple[str, ...]
    explain: str
    mentions: tuple[str, ...]


PLAN_CHECKS = {
    # Tiny tables make any planner prefer a sequential scan; forbid it to see the index is usable.
    "postgresql": PlanCheck(
        ("SET LOCAL enable_seqscan = off",), "EXPLAIN ", ("ix_products_search",)
    ),
    "sqlite": PlanCheck((), "EXPLAIN QUERY PLAN ", ("products_fts", "VIRTUAL TABLE")),
}


@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize("search", ["soap", "eco soap", "detergents"])
async def test_search_statement_is_answered_from_the_full_text_index(
    connection: AsyncConnection, backend: str, search: str
) -> None:
    check = PLAN_CHECKS[backend]
    statement = list_products(viewer=ANONYMOUS, search_text=search).statement
    sql = statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    for setup in check.setup:
        await connection.exec_driver_sql(setup)

    rows = (await connection.exec_driver_sql(check.explain + str(sql))).all()

    plan = "\n".join(str(row[-1]) for row in rows)
    for mention in check.mentions:
        assert mention in plan, plan
