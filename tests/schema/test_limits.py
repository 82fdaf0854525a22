"""Limits before execution: tokens, depth, aliases and cost refuse with a code, run no SQL."""

from __future__ import annotations

from functools import _lru_cache_wrapper
from typing import Any, cast

import pytest
from graphql import get_introspection_query
from strawberry.extensions.validation_cache import DEFAULT_MAXSIZE as VALIDATION_CACHE_SIZE
from strawberry.extensions.validation_cache import _get_validate_cache

from models.db import Database
from resolvers.viewer import Role, Viewer
from schema.context import Context
from schema.limits import caller_of
from schema.settings import ApiSettings
from tests import factories
from tests.fixtures.database import StatementCounter
from tests.fixtures.graphql import GraphQLClient


def nested(hops: int) -> str:
    """A document 2 + 3 × hops levels deep: companies, then products → brandCompany hops."""
    hop = "products(first: 1) { nodes { brandCompany { "
    return "{ companies(first: 1) { nodes { " + hop * hops + "name" + " } } }" * hops + " } } }"


async def refusal(gql: GraphQLClient, document: str, **variables: Any) -> dict[str, Any]:
    """The one error of an operation refused before execution (so without data)."""
    result = await gql.execute(document, **variables)
    assert result.data is None
    assert result.errors is not None
    [error] = [error.formatted for error in result.errors]
    return dict(error)


async def test_depth_within_the_limit_runs(gql: GraphQLClient, db: Database) -> None:
    company = await factories.make_company(db)
    await factories.make_product(db, brand_company_id=company.id)

    data = await gql.data(nested(3))  # 11 levels

    assert data["companies"]["nodes"][0]["products"]["nodes"][0]["brandCompany"] is not None


async def test_too_deep_an_operation_is_refused_before_any_sql(
    gql: GraphQLClient, statements: StatementCounter
) -> None:
    statements.reset()

    error = await refusal(gql, nested(4))  # 14 levels

    assert error["extensions"] == {"code": "MAX_DEPTH_EXCEEDED", "depth": 14, "maximum": 12}
    assert "14 levels deep" in error["message"]
    assert "at most 12" in error["message"]
    assert statements.count == 0


async def test_depth_counts_through_fragments(gql: GraphQLClient) -> None:
    document = """
    { companies(first: 1) { nodes { ...Deep } } }
    fragment Deep on Company { products(first: 1) { nodes { brandCompany { name } } } }
    """

    error = await refusal(gql.with_settings(ApiSettings(max_depth=4)), document)

    assert error["extensions"] == {"code": "MAX_DEPTH_EXCEEDED", "depth": 5, "maximum": 4}


def far_too_deep_inline() -> str:
    return "{ companies(first: 1) { nodes { " + "... { " * 300 + "name" + " }" * 302 + " }"


def far_too_deep_fragments() -> str:
    chain = [f"fragment F{i} on Company {{ ...F{i + 1} }}" for i in range(300)]
    return "{ companies(first: 1) { nodes { ...F0 } } } fragment F300 on Company { name } " + (
        " ".join(chain)
    )


@pytest.mark.parametrize(
    "document",
    [far_too_deep_inline(), far_too_deep_fragments()],
    ids=["nested in the document", "nested through fragments"],
)
async def test_nesting_beyond_what_graphql_core_walks_gets_the_depth_code(
    gql: GraphQLClient, document: str
) -> None:
    result = await gql.execute(document)

    assert result.errors is not None
    assert [error.formatted["extensions"] for error in result.errors] == [
        {"code": "MAX_DEPTH_EXCEEDED"}
    ]


async def test_deep_introspection_is_refused_with_the_depth_code(gql: GraphQLClient) -> None:
    document = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }"

    error = await refusal(gql, document)

    assert error["extensions"] == {"code": "MAX_DEPTH_EXCEEDED"}


async def test_graphiql_introspection_passes_every_limit_and_costs_nothing(
    gql: GraphQLClient,
) -> None:
    result = await gql.execute(get_introspection_query(descriptions=True))

    assert result.errors is None
    assert result.extensions is not None
    assert result.extensions["cost"]["requested"] == 0


async def test_too_many_aliases_are_refused_before_any_sql(
    gql: GraphQLClient, statements: StatementCounter
) -> None:
    document = "{ " + " ".join(f'c{i}: company(slug: "c{i}") {{ name }}' for i in range(31)) + " }"
    statements.reset()

    error = await refusal(gql, document)

    assert error["extensions"] == {"code": "MAX_ALIASES_EXCEEDED", "aliases": 31, "maximum": 30}
    assert "31 aliases" in error["message"]
    assert statements.count == 0


async def test_aliases_in_a_fragment_count_at_every_spread(gql: GraphQLClient) -> None:
    names = " ".join(f"n{i}: name" for i in range(10))
    document = (
        '{ a: company(slug: "a") { ...Names } b: company(slug: "b") { ...Names }'
        ' c: company(slug: "c") { ...Names } }'
        f" fragment Names on Company {{ {names} }}"
    )

    error = await refusal(gql, document)

    assert error["extensions"] == {"code": "MAX_ALIASES_EXCEEDED", "aliases": 33, "maximum": 30}


async def test_aliases_in_introspection_count_too(gql: GraphQLClient) -> None:
    many_lists = " ".join(f"t{i}: types {{ name }}" for i in range(31))

    error = await refusal(gql, f"{{ __schema {{ {many_lists} }} }}")

    assert error["extensions"] == {"code": "MAX_ALIASES_EXCEEDED", "aliases": 31, "maximum": 30}


async def test_repeated_spreads_are_counted_without_expanding_them(gql: GraphQLClient) -> None:
    # Each fragment spreads the next one twice: 2**60 aliases once expanded, which a walk that
    # expands every spread (as strawberry's limiters do) would never finish counting.
    chain = [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(60)]
    chain.append("fragment F60 on Query { alias: __typename }")

    error = await refusal(gql, "{ ...F0 } " + " ".join(chain))

    assert error["extensions"]["code"] == "MAX_ALIASES_EXCEEDED"
    assert error["extensions"]["aliases"] == 2**60


async def test_too_many_tokens_are_refused_while_parsing(gql: GraphQLClient) -> None:
    result = await gql.execute("{ " + "__typename " * 5000 + "}")

    assert result.errors is not None
    [error] = [error.formatted for error in result.errors]
    assert error["extensions"] == {"code": "MAX_TOKENS_EXCEEDED"}
    assert "more than 5000 tokens" in error["message"]
    assert result.extensions == {}  # nothing parsed, so nothing costed


async def test_a_syntax_error_keeps_its_parse_code(gql: GraphQLClient) -> None:
    result = await gql.execute("{ products(first: 1) { nodes { title } }")

    assert result.errors is not None
    assert [error.formatted["extensions"] for error in result.errors] == [
        {"code": "GRAPHQL_PARSE_FAILED"}
    ]


EXPENSIVE = """
query($outer: Int!, $inner: Int!) {
  products(first: $outer) {
    nodes { brandCompany { products(first: $inner) { nodes { title } } } }
  }
}
"""


async def test_an_operation_over_the_maximum_cost_is_refused_before_any_sql(
    gql: GraphQLClient, statements: StatementCounter
) -> None:
    statements.reset()

    result = await gql.execute(EXPENSIVE, outer=100, inner=100)

    requested = 1 + 100 * (1 + 1 + (1 + 100))
    assert result.data is None
    assert result.errors is not None
    [error] = [error.formatted for error in result.errors]
    assert error["extensions"] == {
        "code": "MAX_COST_EXCEEDED",
        "requested": requested,
        "maximum": 5000,
    }
    assert f"may cost {requested} points" in error["message"]
    assert result.extensions is not None
    assert result.extensions["cost"]["requested"] == requested
    assert result.extensions["cost"]["actual"] == 0
    assert statements.count == 0


async def test_the_same_document_with_smaller_pages_runs(gql: GraphQLClient) -> None:
    result = await gql.execute(EXPENSIVE, outer=10, inner=10)

    assert result.errors is None
    assert result.extensions is not None
    assert result.extensions["cost"]["requested"] == 1 + 10 * (1 + 1 + (1 + 10))


async def test_limits_come_from_the_settings(gql: GraphQLClient) -> None:
    strict = gql.with_settings(
        ApiSettings(max_depth=2, max_aliases=1, max_cost=10, budget_capacity=10)
    )

    assert await strict.data("{ companies(first: 1) { nodes { name } } }") == {
        "companies": {"nodes": []}
    }
    depth = await refusal(strict, "{ companies(first: 1) { nodes { signature { signedOn } } } }")
    aliases = await refusal(strict, "{ a: __typename b: __typename }")
    cost = await refusal(strict, "{ companies(first: 10) { nodes { name } } }")

    assert [error["extensions"]["code"] for error in (depth, aliases, cost)] == [
        "MAX_DEPTH_EXCEEDED",
        "MAX_ALIASES_EXCEEDED",
        "MAX_COST_EXCEEDED",
    ]


async def test_validation_errors_report_the_cost_block_without_a_requested_cost(
    gql: GraphQLClient,
) -> None:
    result = await gql.execute("{ noSuchField }")

    assert result.extensions is not None
    assert result.extensions["cost"] == {
        "requested": None,
        "actual": 0,
        "maximum": 5000,
        "remaining": None,  # no budget in this context
        "capacity": 10_000,
        "leakPerSecond": 500,
    }


async def test_the_limits_keep_the_validation_cache_working(gql: GraphQLClient) -> None:
    # Rules made anew per request (as `lambda: QueryDepthLimiter(...)` does) would miss it.
    cache = cast("_lru_cache_wrapper[Any]", _get_validate_cache(VALIDATION_CACHE_SIZE))
    document = "{ carbonProjects(first: 1) { totalCount } }"
    await gql.data(document)
    hits = cache.cache_info().hits

    await gql.data(document)

    assert cache.cache_info().hits == hits + 1


def test_settings_refuse_a_maximum_cost_no_budget_could_pay() -> None:
    with pytest.raises(ValueError, match="API_MAX_COST"):
        ApiSettings(max_cost=20_000, budget_capacity=10_000)


@pytest.mark.parametrize(
    ("viewer", "client_address", "caller"),
    [
        (Viewer(), "203.0.113.7", "ip:203.0.113.7"),
        (Viewer(), None, "ip:unknown"),
        (Viewer(role=Role.PARTNER, company_id=3, api_key_id=42), "203.0.113.7", "key:42"),
    ],
    ids=["anonymous", "anonymous without an address", "an API key"],
)
def test_the_caller_is_the_api_key_else_the_client_address(
    db: Database, viewer: Viewer, client_address: str | None, caller: str
) -> None:
    context = Context.for_db(db, viewer, client_address=client_address)

    assert caller_of(context) == caller
