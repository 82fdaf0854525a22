"""Aggregates: figures computed by the database in one statement, matching Python's arithmetic
over the same rows, under the lists' filters and row scope, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from graphql import parse, validate
from strawberry.types import arguments as strawberry_arguments

import models
import resolvers.aggregate as aggregates
import schema.types.aggregate as aggregate_types
from models.db import Database
from resolvers.statements import Recent
from resolvers.viewer import ANONYMOUS, Role, Viewer
from schema import execution
from schema.cost import requested_cost
from schema.execution import NORMAL_PATH
from schema.root import schema
from tests import factories
from tests.fixtures.database import StatementCounter
from tests.fixtures.graphql import GraphQLClient

ADMIN = Viewer(role=Role.ADMIN)


async def _catalogue(db: Database) -> list[tuple[models.Product, list[models.Certification]]]:
    """Products with prices, categories and certificates of several categories and years."""
    carbon = await factories.make_certification(db, category=models.CertificationCategory.CARBON)
    carbon_2 = await factories.make_certification(db, category=models.CertificationCategory.CARBON)
    organic = await factories.make_certification(db, category=models.CertificationCategory.ORGANIC)
    plan = [
        (models.ProductCategory.HOUSEHOLD, 1299, [(carbon, date(2021, 3, 1))]),
        (
            models.ProductCategory.HOUSEHOLD,
            500,
            [(carbon, date(2022, 5, 1)), (carbon_2, date(2022, 6, 1))],
        ),
        (
            models.ProductCategory.BEAUTY,
            2001,
            [(organic, date(2021, 12, 31)), (carbon, date(2023, 1, 1))],
        ),
        (models.ProductCategory.BEAUTY, 750, [(organic, date(2022, 1, 1))]),
        (models.ProductCategory.GROCERY, 333, []),
    ]
    made = []
    for category, cents, certificates in plan:
        product = await factories.make_product(db, category=category, price_cents=cents)
        for certification, valid_from in certificates:
            await factories.make_product_certification(
                db, product, certification, valid_from=valid_from
            )
        made.append((product, [c for c, _ in certificates]))
    return made


async def test_totals_and_groups_match_python_arithmetic_in_one_statement(
    db: Database, gql: GraphQLClient, statements: StatementCounter
) -> None:
    catalogue = await _catalogue(db)
    statements.reset()
    data = await gql.data(
        """
        {
          productsAggregate(groupBy: [CATEGORY, CERTIFICATION_CATEGORY]) {
            count
            sum { price { amount currency } }
            avg { price { amount } }
            min { price { amount } }
            max { price { amount } }
            groups {
              keys { category certificationCategory }
              count
              sum { price { amount } }
              avg { price { amount } }
            }
            hasMoreGroups
          }
        }
        """
    )
    assert statements.count == 1
    figures = data["productsAggregate"]
    prices = [product.price_cents for product, _ in catalogue]
    assert figures["count"] == len(catalogue)
    assert figures["sum"]["price"] == {"amount": str(Decimal(sum(prices)) / 100), "currency": "USD"}
    assert Decimal(figures["avg"]["price"]["amount"]) == (
        Decimal(sum(prices)) / len(prices) / 100
    ).quantize(Decimal("0.0001"))
    assert figures["min"]["price"]["amount"] == str(Decimal(min(prices)) / 100)
    assert figures["max"]["price"]["amount"] == str(Decimal(max(prices)) / 100)

    # A product counts once per certification category it holds (twice-carbon counts once).
    expected: dict[tuple[str, str | None], list[int]] = defaultdict(list)
    for product, certifications in catalogue:
        categories: set[str | None] = {c.category.name for c in certifications} or {None}
        for category in categories:
            expected[(product.category.name, category)].append(product.price_cents)
    groups = {
        (g["keys"]["category"], g["keys"]["certificationCategory"]): g for g in figures["groups"]
    }
    assert set(groups) == set(expected)
    for key, cents in expected.items():
        assert groups[key]["count"] == len(cents)
        assert Decimal(groups[key]["sum"]["price"]["amount"]) == Decimal(sum(cents)) / 100
        assert Decimal(groups[key]["avg"]["price"]["amount"]) == (
            Decimal(sum(cents)) / len(cents) / 100
        ).quantize(Decimal("0.0001"))
    # Ordered by the keys (nulls last) when no orderBy is given.
    keys = [
        (g["keys"]["category"], g["keys"]["certificationCategory"] or "~")
        for g in figures["groups"]
    ]
    assert keys == sorted(keys, key=lambda k: (k[0].lower(), k[1].lower()))
    assert figures["hasMoreGroups"] is False


async def test_where_filters_like_the_list_and_having_order_first_pick_the_top_groups(
    db: Database, gql: GraphQLClient
) -> None:
    catalogue = await _catalogue(db)
    data = await gql.data(
        """
        {
          productsAggregate(
            where: {certificationCategory: {eq: CARBON}}
            groupBy: [CATEGORY]
            having: {count: {gte: 1}, sum: {price: {gt: "5.00"}}}
            orderBy: [{field: SUM_PRICE, direction: DESC}]
            first: 1
          ) {
            count
            groups { keys { category } count sum { price { amount } } }
            hasMoreGroups
          }
        }
        """
    )
    figures = data["productsAggregate"]
    carbon = [p for p, certs in catalogue if any(c.category.name == "CARBON" for c in certs)]
    assert figures["count"] == len(carbon)
    by_category: dict[str, int] = defaultdict(int)
    for product in carbon:
        by_category[product.category.name] += product.price_cents
    passing = sorted(
        ((total, name) for name, total in by_category.items() if total > 500), reverse=True
    )
    top_total, top_name = passing[0]
    assert figures["groups"] == [
        {
            "keys": {"category": top_name},
            "count": sum(1 for p in carbon if p.category.name == top_name),
            "sum": {"price": {"amount": str(Decimal(top_total) / 100)}},
        }
    ]
    assert figures["hasMoreGroups"] is (len(passing) > 1)


async def test_averages_compare_exactly_in_having(db: Database, gql: GraphQLClient) -> None:
    project = await factories.make_project(db)
    for vintage, quantities in {2020: [1, 2], 2021: [1, 1, 2]}.items():
        for quantity in quantities:
            await factories.make_issuance(
                db, project, vintage=vintage, total_quantity=quantity + 1, buffer_quantity=1
            )
    query = """
        query ($avg: Decimal!) {
          issuancesAggregate(groupBy: [VINTAGE], having: {avg: {issuedQuantity: {gt: $avg}}}) {
            groups { keys { vintage } avg { issuedQuantity } }
          }
        }
    """
    # 2020 averages 1.5, 2021 averages 1.3333…: only exact arithmetic separates them at 1.3334.
    data = await gql.data(query, avg="1.3334")
    assert data["issuancesAggregate"]["groups"] == [
        {"keys": {"vintage": 2020}, "avg": {"issuedQuantity": "1.5000"}}
    ]
    data = await gql.data(query, avg="1.3333")
    assert [g["avg"]["issuedQuantity"] for g in data["issuancesAggregate"]["groups"]] == [
        "1.5000",
        "1.3333",
    ]


async def test_time_buckets_are_the_same_on_both_databases(
    db: Database, gql: GraphQLClient
) -> None:
    """Dates bucket by their calendar; instants by UTC (23:30 at UTC-2 on 31 March is April)."""
    buyer = await factories.make_company(db)
    project = await factories.make_project(db)
    minus_two = timezone(timedelta(hours=-2))
    for moment in (
        datetime(2024, 3, 31, 23, 30, tzinfo=minus_two),
        datetime(2024, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(2025, 1, 1, 0, 0, tzinfo=UTC),
    ):
        await factories.make_purchase(db, buyer, project, purchased_at=moment.astimezone(UTC))
    for day in (date(2023, 1, 1), date(2023, 3, 31), date(2023, 4, 1), date(2023, 12, 31)):
        await factories.make_retirement(db, project, retired_on=day)
    data = await gql.as_viewer(ADMIN).data(
        """
        {
          y: purchasesAggregate(groupBy: [PURCHASED_AT_YEAR]) {
            groups { keys { purchasedAtYear } count }
          }
          q: purchasesAggregate(groupBy: [PURCHASED_AT_QUARTER]) {
            groups { keys { purchasedAtQuarter } count }
          }
          m: purchasesAggregate(groupBy: [PURCHASED_AT_MONTH]) {
            groups { keys { purchasedAtMonth } count }
          }
          r: retirementsAggregate(groupBy: [RETIRED_ON_QUARTER, RETIRED_ON_MONTH]) {
            groups { keys { retiredOnQuarter retiredOnMonth } count }
          }
        }
        """
    )
    assert data["y"]["groups"] == [
        {"keys": {"purchasedAtYear": 2024}, "count": 2},
        {"keys": {"purchasedAtYear": 2025}, "count": 1},
    ]
    assert [(g["keys"]["purchasedAtQuarter"], g["count"]) for g in data["q"]["groups"]] == [
        ("2024-Q2", 1),
        ("2024-Q4", 1),
        ("2025-Q1", 1),
    ]
    assert [g["keys"]["purchasedAtMonth"] for g in data["m"]["groups"]] == [
        "2024-04",
        "2024-12",
        "2025-01",
    ]
    assert [tuple(g["keys"].values()) for g in data["r"]["groups"]] == [
        ("2023-Q1", "2023-01"),
        ("2023-Q1", "2023-03"),
        ("2023-Q2", "2023-04"),
        ("2023-Q4", "2023-12"),
    ]


BY_CATEGORY_AND_YEAR = """
query ($where: ProductWhere) {
  productsAggregate(where: $where, groupBy: [CERTIFICATION_CATEGORY, CERTIFICATE_VALID_FROM_YEAR]) {
    groups { keys { certificationCategory certificateValidFromYear } count }
  }
}
"""


async def test_products_by_certificate_category_and_year_read_without_joining_every_product(
    db: Database, gql: GraphQLClient, statements: StatementCounter
) -> None:
    """Unfiltered, the groups come from the certificates alone plus an anti-join for products
    without one; the answer is the one the join gives (forced here by a filter that keeps every
    product): two carbon certificates of one year count the product once, and a product
    without certificates is the null group."""
    await _catalogue(db)
    statements.reset()
    unfiltered = await gql.data(BY_CATEGORY_AND_YEAR)
    (statement,) = statements.statements
    assert "JOIN products" not in statement
    assert "NOT (EXISTS" in statement
    every = {"category": {"in": ["HOUSEHOLD", "BEAUTY", "GROCERY"]}}
    statements.reset()
    joined = await gql.data(BY_CATEGORY_AND_YEAR, where=every)
    assert "LEFT OUTER JOIN" in statements.statements[0]
    expected = [
        ("CARBON", 2021, 1),
        ("CARBON", 2022, 1),
        ("CARBON", 2023, 1),
        ("ORGANIC", 2021, 1),
        ("ORGANIC", 2022, 1),
        (None, None, 1),
    ]
    for data in (unfiltered, joined):
        groups = data["productsAggregate"]["groups"]
        assert [(*g["keys"].values(), g["count"]) for g in groups] == expected


async def test_counts_read_off_the_certificates_filter_and_order_like_the_join(
    db: Database, gql: GraphQLClient, statements: StatementCounter
) -> None:
    """Without the join, a group's count is still its distinct products, so `having` and
    `orderBy` on it agree with the joined statement's."""
    carbon = await factories.make_certification(db, category=models.CertificationCategory.CARBON)
    carbon_2 = await factories.make_certification(db, category=models.CertificationCategory.CARBON)
    organic = await factories.make_certification(db, category=models.CertificationCategory.ORGANIC)
    held = [[carbon, carbon_2], [carbon], [carbon_2], [organic], [], []]
    for certifications in held:
        product = await factories.make_product(db, category=models.ProductCategory.HOUSEHOLD)
        for certification in certifications:
            await factories.make_product_certification(
                db, product, certification, valid_from=date(2022, 3, 1)
            )
    query = """
    query ($where: ProductWhere) {
      productsAggregate(
        where: $where
        groupBy: [CERTIFICATION_CATEGORY, CERTIFICATE_VALID_FROM_YEAR]
        having: {count: {gte: 2}}
        orderBy: [{field: COUNT, direction: DESC}]
      ) {
        groups { keys { certificationCategory certificateValidFromYear } count }
      }
    }
    """
    statements.reset()
    unfiltered = await gql.data(query)
    assert "NOT (EXISTS" in statements.statements[0]
    joined = await gql.data(query, where={"category": {"in": ["HOUSEHOLD"]}})
    for data in (unfiltered, joined):
        groups = data["productsAggregate"]["groups"]
        assert [(*g["keys"].values(), g["count"]) for g in groups] == [
            ("CARBON", 2022, 3),
            (None, None, 2),
        ]


async def test_current_certifications_count_only_certificates_valid_today(
    db: Database, gql: GraphQLClient
) -> None:
    """Climate Pledge Friendly products by certification: an expired or future certificate
    makes no product friendly today, though CERTIFICATION (every certificate) counts it."""
    today = datetime.now(UTC).date()
    month = timedelta(days=30)
    carbon = await factories.make_certification(
        db, slug="carbon", category=models.CertificationCategory.CARBON
    )
    organic = await factories.make_certification(
        db, slug="organic", category=models.CertificationCategory.ORGANIC
    )
    expired = {"valid_from": today - 12 * month, "valid_to": today - month}
    current = {"valid_from": today - month, "valid_to": today + month}
    open_ended = {"valid_from": today}
    future = {"valid_from": today + month}
    held = [
        [(organic, expired), (carbon, current)],
        [(carbon, open_ended)],
        [(organic, expired)],
        [(organic, future)],
    ]
    for certificates in held:
        product = await factories.make_product(db, category=models.ProductCategory.HOUSEHOLD)
        for certification, validity in certificates:
            await factories.make_product_certification(db, product, certification, **validity)
    query = """
    query ($where: ProductWhere) {
      now: productsAggregate(where: $where, groupBy: [CURRENT_CERTIFICATION]) {
        groups { keys { currentCertification { slug } } count }
      }
      nowByCategory: productsAggregate(where: $where, groupBy: [CURRENT_CERTIFICATION_CATEGORY]) {
        groups { keys { currentCertificationCategory } count }
      }
      ever: productsAggregate(where: $where, groupBy: [CERTIFICATION]) {
        groups { keys { certification { slug } } count }
      }
    }
    """
    for where in (None, {"category": {"in": ["HOUSEHOLD"]}}):
        data = await gql.data(query, where=where)
        now = data["now"]["groups"]
        assert [
            ((g["keys"]["currentCertification"] or {}).get("slug"), g["count"]) for g in now
        ] == [
            ("carbon", 2),
            (None, 2),
        ]
        by_category = data["nowByCategory"]["groups"]
        assert [(g["keys"]["currentCertificationCategory"], g["count"]) for g in by_category] == [
            ("CARBON", 2),
            (None, 2),
        ]
        ever = data["ever"]["groups"]
        assert sorted((g["keys"]["certification"]["slug"], g["count"]) for g in ever) == [
            ("carbon", 2),
            ("organic", 3),
        ]


async def _holdings(db: Database) -> dict[str, Any]:
    """Two companies holding blocks of one project, and the exchange's unsold inventory."""
    owner = await factories.make_company(db, slug="owner")
    other = await factories.make_company(db, slug="other")
    project = await factories.make_project(db)
    issuance = await factories.make_issuance(db, project, total_quantity=1100, buffer_quantity=100)
    await factories.make_block(
        db,
        issuance,
        serial_start=1,
        serial_end=100,
        status=models.CreditStatus.HELD,
        owner_company_id=owner.id,
    )
    await factories.make_block(
        db,
        issuance,
        serial_start=101,
        serial_end=130,
        status=models.CreditStatus.HELD,
        owner_company_id=owner.id,
    )
    await factories.make_block(
        db,
        issuance,
        serial_start=131,
        serial_end=400,
        status=models.CreditStatus.HELD,
        owner_company_id=other.id,
    )
    await factories.make_block(db, issuance, serial_start=401, serial_end=1000)
    return {"owner": owner, "other": other}


HOLDINGS = """
{
  creditBlocksAggregate(groupBy: [OWNER, STATUS]) {
    count
    sum { quantity }
    groups { keys { owner { slug } status } count sum { quantity } }
  }
}
"""


@pytest.mark.parametrize("who", ["anonymous", "owner", "other", "admin"])
async def test_private_blocks_are_aggregated_only_for_their_owner_and_admins(
    db: Database, gql: GraphQLClient, who: str
) -> None:
    companies = await _holdings(db)
    viewer = {
        "anonymous": ANONYMOUS,
        "owner": Viewer(role=Role.PARTNER, company_id=companies["owner"].id),
        "other": Viewer(role=Role.PARTNER, company_id=companies["other"].id),
        "admin": ADMIN,
    }[who]
    figures = (await gql.as_viewer(viewer).data(HOLDINGS))["creditBlocksAggregate"]
    groups = [
        (
            (g["keys"]["owner"] or {}).get("slug"),
            g["keys"]["status"],
            g["count"],
            g["sum"]["quantity"],
        )
        for g in figures["groups"]
    ]
    matrix: dict[str, list[tuple[str | None, str, int, int]]] = {
        "anonymous": [],
        "owner": [("owner", "HELD", 2, 130)],
        "other": [("other", "HELD", 1, 270)],
        "admin": [
            ("other", "HELD", 1, 270),
            ("owner", "HELD", 2, 130),
            (None, "AVAILABLE", 1, 600),
        ],
    }
    expected = matrix[who]
    assert sorted(groups, key=str) == sorted(expected, key=str)
    assert figures["count"] == sum(g[2] for g in expected)
    assert figures["sum"]["quantity"] == (sum(g[3] for g in expected) or None)


async def test_a_request_shape_is_built_once_per_viewer_and_never_crosses_viewers_or_values(
    db: Database, gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    companies = await _holdings(db)
    built: list[object] = []
    build = aggregates._Builder.statement

    def counted(builder: Any) -> Any:
        built.append(builder.viewer)
        return build(builder)

    monkeypatch.setattr(aggregates._Builder, "statement", counted)
    monkeypatch.setattr(aggregates, "_SHAPES", Recent(512))
    owner = Viewer(role=Role.PARTNER, company_id=companies["owner"].id)
    other = Viewer(role=Role.PARTNER, company_id=companies["other"].id)
    query = """
    query Blocks($status: CreditStatus!) {
      creditBlocksAggregate(where: {status: {eq: $status}}) { count sum { quantity } }
    }
    """

    async def blocks(viewer: Viewer, status: str) -> tuple[int, int | None]:
        data = await gql.as_viewer(viewer).data(query, status=status)
        figures = data["creditBlocksAggregate"]
        return figures["count"], figures["sum"]["quantity"]

    assert await blocks(owner, "HELD") == (2, 130)
    assert await blocks(owner, "HELD") == (2, 130)
    assert await blocks(ANONYMOUS, "HELD") == (0, None)
    assert await blocks(other, "HELD") == (1, 270)
    assert await blocks(owner, "AVAILABLE") == (0, None)
    assert await blocks(owner, "HELD") == (2, 130)
    # Built on the first request of each (viewer, filter values), reused afterwards.
    assert built == [owner, ANONYMOUS, other, owner]


async def test_argument_values_are_converted_once_and_never_serve_other_values(
    db: Database, gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    for category, cents in (
        (models.ProductCategory.BEAUTY, 500),
        (models.ProductCategory.HOME, 900),
    ):
        await factories.make_product(db, category=category, price_cents=cents)
    conversions: list[dict[str, Any]] = []
    convert = strawberry_arguments.convert_arguments

    def counted(values: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        conversions.append(values)
        return convert(values, *args, **kwargs)

    monkeypatch.setattr(execution, "convert_arguments", counted)
    monkeypatch.setattr(execution, "_CONVERTED", Recent(512))
    query = """
    query Priced($category: ProductCategory!) {
      productsAggregate(where: {category: {eq: $category}}, groupBy: [CATEGORY]) {
        groups { keys { category } sum { price { amount } } }
      }
    }
    """

    async def priced(category: str) -> list[Any]:
        data = await gql.data(query, category=category)
        return [
            (group["keys"]["category"], group["sum"]["price"]["amount"])
            for group in data["productsAggregate"]["groups"]
        ]

    assert await priced("BEAUTY") == [("BEAUTY", "5.00")]
    assert await priced("HOME") == [("HOME", "9.00")]
    assert await priced("BEAUTY") == [("BEAUTY", "5.00")]
    assert await priced("HOME") == [("HOME", "9.00")]
    # One conversion per distinct set of values, the first time each is sent.
    assert len(conversions) == 2
    assert [c["where"]["category"]["eq"] for c in conversions] == ["beauty", "home"]


_OWNER = (
    "fragment Owner on CreditBlockAggregateKeys { owner { slug creditEligibility { eligible } } }"
)
_ELIGIBLE = "owner { slug creditEligibility { eligible } }"


@pytest.mark.parametrize(
    ("keys", "fragments"),
    [
        (f"keys {{ {_ELIGIBLE} status }}", ""),
        (f"keys {{ ... on CreditBlockAggregateKeys {{ {_ELIGIBLE} }} status }}", ""),
        ("keys { ...Owner status }", _OWNER),
    ],
)
async def test_actual_cost_counts_each_group_and_what_costs_under_the_objects_its_keys_name(
    db: Database, gql: GraphQLClient, keys: str, fragments: str
) -> None:
    await _holdings(db)
    query = f"""
    {{
      creditBlocksAggregate(groupBy: [OWNER, STATUS]) {{
        count
        sum {{ quantity }}
        groups {{ {keys} count sum {{ quantity }} }}
      }}
    }}
    {fragments}
    """
    result = await gql.as_viewer(ADMIN).execute(query)
    assert result.errors is None
    assert result.extensions is not None
    # The statement, three groups, and the eligibility of the two owners named (the inventory
    # has none). The owners themselves are read by the aggregate's statement: they cost nothing.
    assert result.extensions["cost"]["actual"] == 1 + 3 + 2
    assert result.data is not None
    groups = result.data["creditBlocksAggregate"]["groups"]
    assert sum(group["keys"]["owner"] is not None for group in groups) == 2


# (query, whether the answer completes from its figures): every kind of field, aliases,
# __typename, fragments, @skip and @include, money, null keys, objects named by keys.
# How each answer is completed: written by the database (PostgreSQL; filled from the figures on
# SQLite), filled from the figures by Python, or walked as objects by the executor.
WRITTEN, FILLED, OBJECTS = "written", "filled", "objects"
_ANSWERS = [
    (
        """query($no: Boolean!) {
          productsAggregate(groupBy: [CATEGORY, CURRENCY], orderBy: [{field: COUNT}]) {
            __typename count n: count hasMoreGroups
            sum { price { amount currency } __typename } avg { price { amount } }
            min { price { currency amount } } max { p: price { amount } }
            groups {
              __typename
              keys { category __typename c: currency @skip(if: $no) marketplace }
              count sum { price { amount } } avg { price { amount } }
            }
          }
        }""",
        FILLED,  # money is an object with a currency: Python's
    ),
    (
        """query($no: Boolean!) {
          productsAggregate(groupBy: [CERTIFICATION, CERTIFICATE_VALID_FROM_QUARTER]) {
            ...Totals
            groups {
              ... on ProductAggregateGroup { count }
              keys {
                certification @include(if: $no) { slug }
                certification { name ...Names }
                certificateValidFromQuarter
              }
            }
          }
        }
        fragment Totals on ProductAggregate { count sum { price { amount } } }
        fragment Names on Certification { issuer }""",
        FILLED,
    ),
    (
        """query($no: Boolean!) {
          creditBlocksAggregate(groupBy: [OWNER, STATUS, VINTAGE]) {
            count
            groups {
              keys { owner { slug name } status vintage @include(if: $no) }
              count sum { quantity }
            }
          }
        }""",
        WRITTEN,
    ),
    (
        """query($no: Boolean!) {
          productsAggregate(
            groupBy: [CERTIFICATION_CATEGORY, CERTIFICATE_VALID_FROM_YEAR,
                      CERTIFICATE_VALID_FROM_QUARTER, CERTIFICATE_VALID_FROM_MONTH, CERTIFICATION]
            orderBy: [{field: COUNT, direction: DESC}]
            first: 3
          ) {
            __typename hasMoreGroups more: hasMoreGroups
            groups {
              __typename
              keys {
                __typename certificationCategory certificateValidFromYear
                q: certificateValidFromQuarter certificateValidFromMonth @skip(if: $no)
                certification { __typename slug category t: __typename }
              }
              count n: count
            }
            other: groups { count }
          }
        }""",
        WRITTEN,
    ),
    (
        """query($no: Boolean!) {
          creditBlocksAggregate(groupBy: [OWNER, STATUS], having: {count: {gte: 1}}) {
            count sum { quantity } min { quantity } max { quantity __typename }
            groups {
              keys { owner { name } status } min { quantity @skip(if: $no) } max { quantity }
            }
          }
        }""",
        WRITTEN,
    ),
    (
        """query($no: Boolean!) {
          creditBlocksAggregate(groupBy: [OWNER]) {
            groups { keys { owner { slug } } avg { quantity } count @skip(if: $no) }
          }
        }""",
        FILLED,  # averages are rounded half-even: Python's
    ),
    (
        """query($no: Boolean!) {
          creditBlocksAggregate(groupBy: [OWNER]) {
            groups {
              keys { owner { slug creditBlocks(first: 1) { totalCount } } }
              count @skip(if: $no)
            }
          }
        }""",
        OBJECTS,  # a connection under a key's object needs its resolver
    ),
]


@pytest.mark.parametrize(("query", "path"), _ANSWERS)
async def test_answers_complete_by_the_database_or_their_figures_exactly_as_the_executor_does(
    db: Database,
    gql: GraphQLClient,
    monkeypatch: pytest.MonkeyPatch,
    query: str,
    path: str,
) -> None:
    await _catalogue(db)
    await _holdings(db)
    admin = gql.as_viewer(ADMIN)
    taken: list[str] = []
    answer = aggregates.AggregateQuery.answer
    objects = aggregate_types._Answer.objects

    async def written(query: Any, db: Database, parts: Any) -> Any:
        data = await answer(query, db, parts)
        if data is not None:
            taken.append(WRITTEN)
        return data

    async def walked(answer: Any) -> Any:
        taken.append(OBJECTS)
        return await objects(answer)

    monkeypatch.setattr(aggregates.AggregateQuery, "answer", written)
    monkeypatch.setattr(aggregate_types._Answer, "objects", walked)
    answered = await admin.execute(query, no=False)
    expected = FILLED if path == WRITTEN and db.dialect_name == "sqlite" else path
    assert taken == ([] if expected == FILLED else [expected])

    async def not_written(*_: Any) -> Any:
        return None

    monkeypatch.setattr(aggregates.AggregateQuery, "answer", not_written)
    filled = await admin.execute(query, no=False)

    async def normal_path(*_: Any) -> Any:
        return NORMAL_PATH

    monkeypatch.setattr(aggregate_types._Answer, "complete", normal_path)
    executed = await admin.execute(query, no=False)
    assert answered.errors is None
    assert filled.errors is None
    assert executed.errors is None
    assert answered.data
    # Same values, same key order (the response's JSON text).
    assert json.dumps(answered.data) == json.dumps(executed.data)
    assert json.dumps(filled.data) == json.dumps(executed.data)


async def test_group_by_without_groups_selected_gives_the_totals(
    db: Database, gql: GraphQLClient
) -> None:
    await _catalogue(db)
    data = await gql.data("{ productsAggregate(groupBy: [CATEGORY]) { count hasMoreGroups } }")
    assert data["productsAggregate"] == {"count": 5, "hasMoreGroups": False}


async def test_sums_beyond_64_bits_are_written_exactly(db: Database, gql: GraphQLClient) -> None:
    """No float on the way: the standard library reads the database's JSON when a sum goes
    beyond what orjson reads as an integer. (SQLite's sum() refuses to overflow 64 bits.)"""
    if db.dialect_name == "sqlite":
        pytest.skip("SQLite's sum() raises on integer overflow")
    big = 2**63 - 1  # three of them add up beyond 2**64, where orjson reads floats
    for slug in ("a", "b", "c"):
        company = await factories.make_company(db, slug=slug)
        await factories.make_emissions_report(db, company, scope_1_tco2e=big)
    data = await gql.data(
        """{ emissionsReportsAggregate(groupBy: [YEAR]) {
               groups { keys { year } sum { scope1Tco2e } } } }"""
    )
    assert data["emissionsReportsAggregate"]["groups"] == [
        {"keys": {"year": 2024}, "sum": {"scope1Tco2e": 3 * big}}
    ]


async def test_public_credit_totals_by_project_name_no_holder(
    db: Database, gql: GraphQLClient
) -> None:
    """Anyone sees credits held per issuance, as `credits { held }` shows them: never whose."""
    await _holdings(db)
    data = await gql.data(
        """{ issuancesAggregate(groupBy: [PROJECT_PRIORITY_AREA, VINTAGE]) {
               groups { keys { projectPriorityArea vintage }
                        sum { issuedQuantity availableCredits heldCredits retiredCredits } } } }"""
    )
    assert data["issuancesAggregate"]["groups"] == [
        {
            "keys": {"projectPriorityArea": "LAND_RESTORATION", "vintage": 2023},
            "sum": {
                "issuedQuantity": 1000,
                "availableCredits": 600,
                "heldCredits": 400,
                "retiredCredits": 0,
            },
        }
    ]


async def test_retired_credits_per_beneficiary_and_claim_year_meet_their_reported_emissions(
    db: Database, gql: GraphQLClient, statements: StatementCounter
) -> None:
    acme = await factories.make_company(db, slug="acme", name="Acme")
    await factories.make_emissions_report(db, acme, year=2024)  # 100 + 200 + 3000
    project = await factories.make_project(db)
    for quantity, year in ((10, 2024), (15, 2024), (7, 2023)):
        await factories.make_retirement(
            db, project, quantity=quantity, claim_year=year, beneficiary_company_id=acme.id
        )
    statements.reset()
    data = await gql.data(
        """{ retirementsAggregate(groupBy: [BENEFICIARY, CLAIM_YEAR, BENEFICIARY_REPORTED_TCO2E],
                                  orderBy: [{field: CLAIM_YEAR, direction: DESC}]) {
               groups { keys { beneficiary { slug } claimYear beneficiaryReportedTco2e }
                        sum { quantity } } } }"""
    )
    assert statements.count == 1  # the figures with the companies the keys name
    assert data["retirementsAggregate"]["groups"] == [
        {
            "keys": {
                "beneficiary": {"slug": "acme"},
                "claimYear": 2024,
                "beneficiaryReportedTco2e": 3300,
            },
            "sum": {"quantity": 25},
        },
        {
            "keys": {
                "beneficiary": {"slug": "acme"},
                "claimYear": 2023,
                "beneficiaryReportedTco2e": None,
            },
            "sum": {"quantity": 7},
        },
    ]
    reports = await gql.data(
        """{ emissionsReportsAggregate(groupBy: [YEAR]) {
               groups { keys { year } sum { totalTco2e retiredCredits } } } }"""
    )
    assert reports["emissionsReportsAggregate"]["groups"] == [
        {"keys": {"year": 2024}, "sum": {"totalTco2e": 3300, "retiredCredits": 25}}
    ]


async def test_signatories_by_year_joined_and_sector(db: Database, gql: GraphQLClient) -> None:
    for sector, signed in (
        ("Retail", date(2020, 1, 5)),
        ("Retail", date(2021, 7, 1)),
        ("Energy", date(2021, 2, 1)),
    ):
        company = await factories.make_company(db, sector=sector)
        await factories.make_signature(db, company, signed_on=signed)
    await factories.make_company(db, sector="Retail")  # not a signatory
    data = await gql.data(
        """{ signatoriesAggregate(groupBy: [SIGNED_ON_YEAR]) {
               count groups { keys { signedOnYear } count } }
             companiesAggregate(groupBy: [SECTOR], orderBy: [{field: COUNT, direction: DESC}]) {
               groups { keys { sector } count } } }"""
    )
    assert data["signatoriesAggregate"] == {
        "count": 3,
        "groups": [
            {"keys": {"signedOnYear": 2020}, "count": 1},
            {"keys": {"signedOnYear": 2021}, "count": 2},
        ],
    }
    assert data["companiesAggregate"]["groups"] == [
        {"keys": {"sector": "Retail"}, "count": 3},
        {"keys": {"sector": "Energy"}, "count": 1},
    ]


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        pytest.param("groupBy: [CATEGORY], first: 1001", "first", id="first over 1000"),
        pytest.param("groupBy: [CATEGORY], first: -1", "first", id="negative first"),
        pytest.param(
            "groupBy: [CATEGORY], orderBy: [{field: BRAND}]", "orderBy", id="order by ungrouped key"
        ),
        pytest.param("having: {count: {gt: 1}}", "having", id="having without groups"),
        pytest.param("orderBy: [{field: COUNT}]", "orderBy", id="order without groups"),
        pytest.param("groupBy: [CATEGORY, CATEGORY]", "groupBy", id="a dimension twice"),
        pytest.param(
            'groupBy: [CATEGORY], having: {sum: {price: {gt: "0.0000001"}}}',
            "having",
            id="too many decimals",
        ),
    ],
)
async def test_bad_combinations_are_bad_user_input_naming_the_argument(
    gql: GraphQLClient, arguments: str, field: str
) -> None:
    errors = await gql.errors(f"{{ productsAggregate({arguments}) {{ count }} }}")
    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": field}


async def test_groups_need_group_by(gql: GraphQLClient) -> None:
    errors = await gql.errors("{ productsAggregate { groups { count } } }")
    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "groups"}


async def test_having_on_a_key_is_refused_by_the_schema(gql: GraphQLClient) -> None:
    errors = await gql.errors(
        "{ productsAggregate(groupBy: [CATEGORY], having: {category: {eq: 1}}) { count } }"
    )
    assert errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_one_statement_whatever_the_number_of_groups(
    db: Database, gql: GraphQLClient, statements: StatementCounter
) -> None:
    for category in list(models.ProductCategory)[:6]:
        await factories.make_product(db, category=category)
    counts = []
    for first in (1, 6):
        statements.reset()
        data = await gql.data(
            """query ($first: Int) {
                 productsAggregate(groupBy: [CATEGORY, MARKETPLACE], first: $first) {
                   count groups { keys { category marketplace } count max { price { amount } } }
                 }
               }""",
            first=first,
        )
        assert len(data["productsAggregate"]["groups"]) == first
        counts.append(statements.count)
    assert counts == [1, 1]


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        pytest.param("{ productsAggregate { count sum { price { amount } } } }", 1, id="totals"),
        pytest.param(
            "{ productsAggregate(groupBy: [CATEGORY], first: 20)"
            " { groups { keys { category } } } }",
            1 + 20 * 1,
            id="groups multiply by first",
        ),
        pytest.param(
            "{ productsAggregate(groupBy: [BRAND_COMPANY])"
            " { groups { keys { brandCompany { name } } } } }",
            1 + 100 * 1,
            id="100 groups unless first; objects named by keys come with them",
        ),
        pytest.param(
            "{ productsAggregate(groupBy: [BRAND_COMPANY], first: 10)"
            " { groups { keys { brandCompany { name signature { signedOn } } } } } }",
            1 + 10 * (1 + 1),
            id="what costs under an object named by a key counts",
        ),
    ],
)
def test_cost_of_an_aggregate(document: str, expected: int) -> None:
    parsed = parse(document)
    assert validate(schema._schema, parsed) == []
    assert requested_cost(schema._schema, parsed, None, {}) == expected


async def test_objects_named_by_keys_are_read_by_the_same_statement_only_when_selected(
    db: Database, gql: GraphQLClient, statements: StatementCounter
) -> None:
    project = await factories.make_project(db)
    acme = await factories.make_company(db, slug="acme", name="Acme")
    bolt = await factories.make_company(db, slug="bolt", name="Bolt")
    for company, quantity, year in ((acme, 10, 2024), (bolt, 20, 2024), (acme, 5, 2023)):
        await factories.make_retirement(
            db, project, quantity=quantity, claim_year=year, beneficiary_company_id=company.id
        )
    statements.reset()
    data = await gql.data(
        """{ retirementsAggregate(groupBy: [BENEFICIARY, CLAIM_YEAR],
                                  orderBy: [{field: SUM_QUANTITY, direction: DESC}]) {
               groups { ...Named sum { quantity } } } }
           fragment Named on RetirementAggregateGroup { keys { who: beneficiary { name } } }"""
    )
    (statement,) = statements.statements  # the figures with every company the keys name
    assert "JOIN companies AS named_0" in statement
    assert [
        (g["keys"]["who"]["name"], g["sum"]["quantity"])
        for g in data["retirementsAggregate"]["groups"]
    ] == [
        ("Bolt", 20),
        ("Acme", 10),
        ("Acme", 5),
    ]
    statements.reset()
    data = await gql.data(
        "{ retirementsAggregate(groupBy: [BENEFICIARY, CLAIM_YEAR]) { groups { count } } }"
    )
    (statement,) = statements.statements
    assert "companies" not in statement  # no key read: no company read
    assert sorted(g["count"] for g in data["retirementsAggregate"]["groups"]) == [1, 1, 1]
