"""Query cost: what documents request before execution, what they spend, and the field notes."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import parse, validate

from models.db import Database
from resolvers.statements import Recent
from schema import cost as costs_module
from schema.cost import LIST_SIZE, Kind, requested_cost
from schema.root import schema
from tests import factories
from tests.fixtures.graphql import GraphQLClient


def cost(document: str, **variables: Any) -> int:
    parsed = parse(document)
    assert validate(schema._schema, parsed) == []
    return requested_cost(schema._schema, parsed, None, variables)


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        pytest.param("{ __typename }", 0, id="typename is free"),
        pytest.param("{ __schema { types { name fields { name } } } }", 0, id="introspection"),
        pytest.param('{ company(slug: "x") { name hqCountry } }', 1, id="an object"),
        pytest.param(
            '{ company(slug: "x") { name signature { signedOn } } }', 2, id="object in object"
        ),
        pytest.param("{ products(first: 10) { nodes { title } } }", 1 + 10 * 1, id="nodes"),
        pytest.param(
            "{ products(first: 10) { edges { cursor node { title } } } }",
            1 + 10 * 1,
            id="edges cost what nodes cost",
        ),
        pytest.param(
            "{ products(first: 10) { totalCount pageInfo { hasNextPage endCursor } } }",
            1 + 1,
            id="totalCount counts 1, pageInfo nothing",
        ),
        pytest.param(
            "{ products(first: 10) { nodes { title brandCompany { name } } } }",
            1 + 10 * (1 + 1),
            id="objects under each item",
        ),
        pytest.param(
            """{ companies(first: 10) {
                 nodes { name products(first: 5) { nodes { title brandCompany { name } } } }
               } }""",
            1 + 10 * (1 + (1 + 5 * (1 + 1))),
            id="nested connections multiply",
        ),
        pytest.param(
            "{ products { totalCount } }", 1 + 1, id="no first or last: only a count is read"
        ),
        pytest.param(
            "{ products { nodes { title } } }", 1 + 100, id="no first or last: the largest page"
        ),
        pytest.param(
            "{ products(first: 5000) { nodes { title } } }",
            1 + 100,
            id="a page size over 100 counts as 100",
        ),
        pytest.param(
            "{ carbonProjects(first: 2) { nodes { issuances { vintage } } } }",
            1 + 2 * (1 + LIST_SIZE * 1),
            id="an unpaged list",
        ),
        pytest.param(
            '{ nodes(ids: ["a", "b", "c"]) { id } }', 3, id="nodes(ids:) counts one per id"
        ),
        pytest.param(
            """{ a: products(first: 3) { nodes { title } }
                 b: products(first: 4) { nodes { title } } }""",
            (1 + 3) + (1 + 4),
            id="aliases add up",
        ),
    ],
)
def test_requested_cost_of_a_document(document: str, expected: int) -> None:
    assert cost(document) == expected


FIRST = "query($n: Int) { products(first: $n) { nodes { title } } }"
LAST = "query($n: Int) { products(last: $n) { nodes { title } } }"
DEFAULTED = "query($n: Int = 20) { products(first: $n) { nodes { title } } }"


@pytest.mark.parametrize(
    ("document", "variables", "expected"),
    [
        (FIRST, {"n": 3}, 1 + 3),
        (LAST, {"n": 7}, 1 + 7),
        (FIRST, {"n": None}, 1 + 100),
        (DEFAULTED, {}, 1 + 20),
        (DEFAULTED, {"n": 2}, 1 + 2),
    ],
    ids=["first", "last", "null", "default value", "default overridden"],
)
def test_page_size_comes_from_variables(
    document: str, variables: dict[str, Any], expected: int
) -> None:
    assert cost(document, **variables) == expected


NESTED_WITH_FRAGMENTS = """
query {
  companies(first: 10) { nodes { ...CompanyProducts } }
}
fragment CompanyProducts on Company {
  products(first: 5) { nodes { ...ProductBrand } }
}
fragment ProductBrand on Product { title brandCompany { name } }
"""

NESTED_WITH_INLINE_FRAGMENTS = """
query {
  companies(first: 10) {
    nodes { ... on Company { products(first: 5) { nodes { ... { brandCompany { name } } } } } }
  }
}
"""

FRAGMENT_ON_THE_CONNECTION = """
query {
  few: products(first: 2) { ...Titles }
  many: products(first: 40) { ...Titles }
}
fragment Titles on ProductConnection { nodes { title } }
"""


def test_fragments_carry_their_parents_multiplier() -> None:
    spelled_out = cost(
        "{ companies(first: 10) {"
        " nodes { products(first: 5) { nodes { title brandCompany { name } } } } } }"
    )

    assert spelled_out == 1 + 10 * (1 + (1 + 5 * (1 + 1)))
    assert cost(NESTED_WITH_FRAGMENTS) == spelled_out
    assert cost(NESTED_WITH_INLINE_FRAGMENTS) == spelled_out


def test_a_fragment_on_a_connection_takes_the_page_size_of_each_spread() -> None:
    assert cost(FRAGMENT_ON_THE_CONNECTION) == (1 + 2) + (1 + 40)


def test_a_fragment_counts_at_every_spread_without_walking_it_each_time() -> None:
    # F0 spreads F1 twice, F1 spreads F2 twice... : 2**60 copies of the leaf, each costing 2.
    chain = [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(60)]
    chain.append("fragment F60 on Query { products(first: 1) { nodes { title } } }")

    assert cost("{ ...F0 }\n" + "\n".join(chain)) == 2**60 * 2


CONDITIONAL = """
query($withBrand: Boolean!, $withoutTitle: Boolean!) {
  products(first: 10) {
    nodes {
      title @skip(if: $withoutTitle)
      brandCompany @include(if: $withBrand) { name }
      ... @include(if: $withBrand) { alsoBrand: brandCompany { name } }
      certifications @skip(if: true) { validFrom }
    }
  }
}
"""


@pytest.mark.parametrize(
    ("with_brand", "expected"),
    # Each product counts 1, its brand company 1 under each of the two conditional selections;
    # the skipped certifications would add a list to each product.
    [(True, 1 + 10 * (1 + 1 + 1)), (False, 1 + 10 * 1)],
    ids=["included", "skipped"],
)
def test_skip_and_include_are_honoured(with_brand: bool, expected: int) -> None:
    assert cost(CONDITIONAL, withBrand=with_brand, withoutTitle=False) == expected


def test_every_field_describes_its_cost_by_its_rule() -> None:
    fields = {
        (type_name, field_name): field.description or ""
        for type_name, type_ in schema._schema.type_map.items()
        if not type_name.startswith("__")
        for field_name, field in getattr(type_, "fields", {}).items()
        if hasattr(field, "args")  # output fields only
    }

    assert fields
    assert [key for key, text in fields.items() if "Cost: " not in text] == []
    assert fields["Query", "products"].endswith(Kind.CONNECTION.note)
    assert fields["ProductConnection", "totalCount"].endswith(Kind.COUNT.note)
    assert fields["ProductConnection", "nodes"].endswith(Kind.PAGE_NODES.note)
    assert fields["Product", "brandCompany"].endswith(Kind.OBJECT.note)
    assert fields["Product", "title"].endswith(Kind.FREE.note)
    assert fields["CarbonProject", "issuances"].endswith(Kind.LIST.note)
    assert fields["Query", "nodes"].endswith(Kind.LIST_BY_IDS.note)


async def test_cost_notes_reach_graphiql_through_introspection(gql: GraphQLClient) -> None:
    data = await gql.data('{ __type(name: "Query") { fields { name description } } }')

    descriptions = {field["name"]: field["description"] for field in data["__type"]["fields"]}
    assert descriptions["products"].startswith("Products, by title")
    assert descriptions["products"].endswith(Kind.CONNECTION.note)


COMPANY_PRODUCTS = """
query($slug: String!) {
  companies(first: 10, where: {slug: {eq: $slug}}) {
    totalCount
    nodes { name products(first: 5) { nodes { title brandCompany { name } } } }
  }
}
"""


async def test_actual_cost_counts_what_came_back(gql: GraphQLClient, db: Database) -> None:
    company = await factories.make_company(db)
    for _ in range(3):
        await factories.make_product(db, brand_company_id=company.id)

    result = await gql.execute(COMPANY_PRODUCTS, slug=company.slug)

    assert result.errors is None
    assert result.extensions is not None
    report = result.extensions["cost"]
    assert report["requested"] == 1 + 1 + 10 * (1 + (1 + 5 * (1 + 1)))
    # One company (1) with a page of 3 products (1), each with its brand company (1 + 1).
    assert report["actual"] == 1 + 1 + 1 * (1 + (1 + 3 * (1 + 1)))


NULL_AND_EMPTY = """
query($slug: String!) {
  missing: company(slug: "no-such-company") { name }
  found: company(slug: $slug) { products(first: 5) { nodes { title } } }
}
"""


async def test_actual_cost_skips_nulls_and_empty_pages(gql: GraphQLClient, db: Database) -> None:
    company = await factories.make_company(db)
    await factories.make_product(db, brand_company_id=None)

    result = await gql.execute(NULL_AND_EMPTY, slug=company.slug)

    assert result.errors is None
    assert result.extensions is not None
    assert result.extensions["cost"]["requested"] == 1 + (1 + 1 + 5)
    assert result.extensions["cost"]["actual"] == 0 + (1 + 1 + 0)


def test_a_requested_cost_is_worked_out_once_per_document_and_variable_values(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(costs_module, "_REQUESTED", Recent(8))
    walks: list[object] = []
    walk = costs_module._Walk.requested

    def counted(self: Any) -> int:
        walks.append(self)
        return walk(self)

    monkeypatch.setattr(costs_module._Walk, "requested", counted)
    document = parse("query($n: Int) { products(first: $n) { nodes { asin } } }")
    assert validate(schema._schema, document) == []

    costs = [requested_cost(schema._schema, document, None, {"n": n}) for n in (5, 7, 5, 7, 5)]

    assert costs == [1 + 5, 1 + 7, 1 + 5, 1 + 7, 1 + 5]
    assert len(walks) == 2
    # The same text parsed again is another document: worked out anew, never mistaken.
    again = parse("query($n: Int) { products(first: $n) { nodes { asin } } }")
    assert requested_cost(schema._schema, again, None, {"n": 5}) == 1 + 5
    assert len(walks) == 3
