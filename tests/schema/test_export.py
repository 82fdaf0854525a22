"""Bulk exports over HTTP: the GraphQL lists' rows, filters, order, cursors and scope, streamed."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from graphql import GraphQLObjectType, get_named_type, is_leaf_type
from sqlalchemy.ext.asyncio import AsyncConnection, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.relay import to_base64

import models
from models import ApiKeyRole, CreditStatus
from models.db import Database
from resolvers.export import EXPORTS, Kind
from resolvers.viewer import Role, Viewer
from schema.app import create_app
from schema.budget import MemoryBudget
from schema.export import ExportSlots, row_schema
from schema.root import schema
from schema.settings import ApiSettings
from schema.types.node import NODE_BY_MODEL
from tests import factories
from tests.fixtures.database import StatementCounter
from tests.fixtures.graphql import GraphQLClient
from tests.fixtures.http import serve


def gid(row: Any) -> str:
    return to_base64(NODE_BY_MODEL[type(row)].__name__, row.id)


@asynccontextmanager
async def exporting(
    connection: AsyncConnection, app_options: dict[str, Any] | None = None, **settings: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """The app on the test connection, with these settings (small pages make many pages)."""
    sessionmaker = async_sessionmaker(
        bind=connection,
        class_=AsyncSession,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
    )
    app = create_app(
        sessionmaker=sessionmaker, api_settings=ApiSettings(**settings), **(app_options or {})
    )
    async with serve(app) as client:
        yield client


@pytest.fixture
async def small_pages(connection: AsyncConnection) -> AsyncIterator[httpx.AsyncClient]:
    async with exporting(connection, export_page_size=2) as client:
        yield client


async def ndjson(
    client: httpx.AsyncClient, entity: str, key: str | None = None, **params: Any
) -> list[dict[str, Any]]:
    response = await get(client, f"/export/{entity}.ndjson", key, **params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/x-ndjson"
    assert response.text == "" or response.text.endswith("\n")
    return [json.loads(line) for line in response.text.splitlines()]


async def get(
    client: httpx.AsyncClient, path: str, key: str | None = None, **params: Any
) -> httpx.Response:
    encoded = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return await client.get(path, params=encoded, headers=headers)


def error(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert body["extensions"]["requestId"] == response.headers["x-request-id"]
    (only,) = body["errors"]
    return dict(only["extensions"])


# --- a small world of every entity -------------------------------------------------------------


@dataclass
class World:
    keys: dict[str, str]  # viewer -> API key (anonymous: none)
    companies: dict[str, models.Company]
    products: list[models.Product]
    blocks: dict[str, models.CreditBlock]
    purchases: dict[str, models.Purchase]


@pytest.fixture
async def world(db: Database) -> World:
    owner = await factories.make_company(db, slug="owner", name="Owner")
    other = await factories.make_company(db, slug="other", name="Other")
    await factories.make_signature(db, owner, signed_on=date(2020, 9, 1))
    fsc = await factories.make_certification(db, name="FSC; Forest", slug="fsc")
    organic = await factories.make_certification(
        db, name="Organic", slug="organic", category=models.CertificationCategory.ORGANIC
    )
    products = []
    for n, (title, category, price) in enumerate(
        [
            ('Soap, "extra" mild', models.ProductCategory.BEAUTY, 1299),
            ("Crème brûlée kit\nwith torch", models.ProductCategory.KITCHEN, 4500),
            ("Shampoo bar", models.ProductCategory.BEAUTY, 850),
            ("Face cream", models.ProductCategory.BEAUTY, 2000),
            ("Toothbrush", models.ProductCategory.BEAUTY, 399),
        ]
    ):
        product = await factories.make_product(
            db, title=title, category=category, price_cents=price, brand_company_id=owner.id
        )
        products.append(product)
        if n % 2 == 0:
            await factories.make_product_certification(db, product, fsc)
            # The same certification twice (two validity periods) is named once.
            await factories.make_product_certification(
                db, product, fsc, valid_from=date(2024, 1, 1)
            )
        if n != 4:
            await factories.make_product_certification(db, product, organic)
    forest = await factories.make_project(db, slug="forest")
    issuance = await factories.make_issuance(db, forest, vintage=2023, total_quantity=1100)
    owner_purchase = await factories.make_purchase(
        db, owner, forest, quantity=50, purchased_at=datetime(2024, 6, 1, tzinfo=UTC)
    )
    other_purchase = await factories.make_purchase(
        db, other, forest, quantity=20, purchased_at=datetime(2025, 2, 1, tzinfo=UTC)
    )
    retirement = await factories.make_retirement(db, beneficiary_company_id=owner.id)

    async def block(start: int, end: int, **fields: Any) -> models.CreditBlock:
        return await factories.make_block(
            db, issuance, serial_start=start, serial_end=end, **fields
        )

    parent = await block(1, 100, status=CreditStatus.SPLIT)
    blocks = {
        "split_parent": parent,
        "owner_held": await block(
            1,
            50,
            status=CreditStatus.HELD,
            owner_company_id=owner.id,
            purchase_id=owner_purchase.id,
            parent_block_id=parent.id,
        ),
        "inventory": await block(51, 100, parent_block_id=parent.id),
        "owner_retired": await block(
            101,
            130,
            status=CreditStatus.RETIRED,
            owner_company_id=owner.id,
            retirement_id=retirement.id,
        ),
        "other_held": await block(
            131,
            150,
            status=CreditStatus.HELD,
            owner_company_id=other.id,
            purchase_id=other_purchase.id,
        ),
    }
    keys = {
        "owner": (await factories.make_api_key(db, ApiKeyRole.PARTNER, owner)).key,
        "other": (await factories.make_api_key(db, ApiKeyRole.PARTNER, other)).key,
        "admin": (await factories.make_api_key(db)).key,
    }
    # GraphQL reads rows back as a new request would, not the objects this session made.
    db.session.expunge_all()
    return World(
        keys=keys,
        companies={"owner": owner, "other": other},
        products=products,
        blocks=blocks,
        purchases={"owner_purchase": owner_purchase, "other_purchase": other_purchase},
    )


ADMIN_VIEWER = Viewer(role=Role.ADMIN)


# --- the export is the GraphQL list ------------------------------------------------------------


def _leaf_fields(entity: str) -> list[str]:
    """Export columns that the list's node type also has as a scalar or enum field."""
    connection = get_named_type(schema._schema.query_type.fields[entity].type)  # type: ignore[union-attr]
    assert isinstance(connection, GraphQLObjectType)
    node = get_named_type(connection.fields["nodes"].type)
    assert isinstance(node, GraphQLObjectType)
    shared = [name for name in EXPORTS[entity].names if name in node.fields]
    return [name for name in shared if is_leaf_type(get_named_type(node.fields[name].type))]


async def graphql_list(
    gql: GraphQLClient, entity: str, fields: str, **arguments: Any
) -> list[dict[str, Any]]:
    """Every edge of a root connection, page by page."""
    edges: list[dict[str, Any]] = []
    after = None
    declared = "".join(f", ${name}: {kind}" for name, (kind, _) in arguments.items())
    passed = "".join(f", {name}: ${name}" for name in arguments)
    query = (
        f"query ($after: String{declared}) {{ {entity}(first: 100, after: $after{passed}) {{"
        f" edges {{ cursor node {{ {fields} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"
    )
    values = {name: value for name, (_, value) in arguments.items()}
    while True:
        data = (await gql.data(query, after=after, **values))[entity]
        edges += data["edges"]
        if not data["pageInfo"]["hasNextPage"]:
            return edges
        after = data["pageInfo"]["endCursor"]


@pytest.mark.parametrize("entity", list(EXPORTS))
async def test_every_export_is_its_graphql_list_row_for_row(
    small_pages: httpx.AsyncClient, gql: GraphQLClient, world: World, entity: str
) -> None:
    fields = _leaf_fields(entity)
    edges = await graphql_list(gql.as_viewer(ADMIN_VIEWER), entity, " ".join(fields))

    rows = await ndjson(small_pages, entity, world.keys["admin"])

    assert edges, "the world has rows of every entity"
    assert [row["_cursor"] for row in rows] == [edge["cursor"] for edge in edges]
    assert [{f: row[f] for f in fields} for row in rows] == [edge["node"] for edge in edges]


PRODUCT_FIELDS = """
id asin title brand category marketplace provenance
price { amount currency } brandCompany { id }
certifications { certification { name } }
"""


async def test_products_match_the_graphql_list_under_the_same_where_and_order_by(
    small_pages: httpx.AsyncClient, gql: GraphQLClient, world: World
) -> None:
    where = {"category": {"eq": "BEAUTY"}, "price": {"gte": "5.00"}}
    order = [{"field": "PRICE", "direction": "DESC"}]
    edges = await graphql_list(
        gql,
        "products",
        PRODUCT_FIELDS,
        where=("ProductWhere", where),
        orderBy=("[ProductOrder!]", order),
    )

    rows = await ndjson(small_pages, "products", where=where, orderBy=order)

    expected = [
        {
            "id": node["id"],
            "asin": node["asin"],
            "title": node["title"],
            "brand": node["brand"],
            "brandCompanyId": node["brandCompany"]["id"],
            "category": node["category"],
            "marketplace": node["marketplace"],
            "price": node["price"]["amount"],
            "priceCurrency": node["price"]["currency"],
            "provenance": node["provenance"],
            "certifications": sorted({c["certification"]["name"] for c in node["certifications"]}),
            "_cursor": edge["cursor"],
        }
        for edge in edges
        for node in [edge["node"]]
    ]
    assert rows == expected
    assert [row["title"] for row in rows] == ["Face cream", 'Soap, "extra" mild', "Shampoo bar"]
    assert rows[1]["certifications"] == ["FSC; Forest", "Organic"]
    assert [row["price"] for row in rows] == ["20.00", "12.99", "8.50"]


async def test_each_row_matches_its_schema_and_the_schema_lists_the_columns_in_order(
    client: httpx.AsyncClient, world: World
) -> None:
    for entity in EXPORTS:
        response = await client.get(f"/export/{entity}.schema.json")
        published = response.json()
        rows = await ndjson(client, entity, world.keys["admin"])

        assert response.status_code == 200
        assert published == row_schema(entity)
        assert rows
        for row in rows:
            assert list(row) == list(published["properties"]) == published["required"]
            for name, value in row.items():
                assert _matches(published["properties"][name], value), (entity, name, value)


def _matches(spec: dict[str, Any], value: Any) -> bool:
    types = spec["type"] if isinstance(spec["type"], list) else [spec["type"]]
    python = {
        "string": str,
        "integer": int,
        "boolean": bool,
        "array": list,
        "null": type(None),
    }
    if not any(isinstance(value, python[t]) for t in types):
        return False
    if "enum" in spec and value not in spec["enum"]:
        return False
    if spec.get("format") == "date" and value is not None:
        date.fromisoformat(value)
    if spec.get("format") == "date-time" and value is not None:
        assert datetime.fromisoformat(value).utcoffset() is not None
    return True


def test_every_export_mirrors_a_root_list_with_where_and_order_by() -> None:
    fields = schema._schema.query_type.fields  # type: ignore[union-attr]
    for entity, shape in EXPORTS.items():
        assert {"where", "orderBy"} <= set(fields[entity].args), entity
        assert len(set(shape.names)) == len(shape.names), entity
        assert all(c.kind is not Kind.ID or c.refers_to is not None for c in shape.columns)


# --- CSV ---------------------------------------------------------------------------------------


async def test_csv_quotes_commas_quotes_newlines_and_keeps_non_ascii(
    small_pages: httpx.AsyncClient, world: World
) -> None:
    where = {"asin": {"in": [p.asin for p in world.products[:2]]}}
    rows = await ndjson(small_pages, "products", where=where)

    response = await get(small_pages, "/export/products.csv", where=where)

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8; header=present"
    raw = response.content
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert b'"Soap, ""extra"" mild"' in raw
    assert '"Crème brûlée kit\nwith torch"'.encode() in raw
    assert raw.count(b"\r\n") == 3  # the header and two rows; the title's \n stays inside
    header, *records = list(csv.reader(io.StringIO(response.content.decode(), newline="")))
    assert header == [*EXPORTS["products"].names, "_cursor"]
    as_text = [
        [";".join(v) if isinstance(v, list) else "" if v is None else str(v) for v in row.values()]
        for row in rows
    ]
    certifications = header.index("certifications")
    # A `;` inside a name is escaped, so the list splits back exactly.
    assert records[1][certifications] == r"FSC\; Forest;Organic"
    records[1][certifications] = "FSC; Forest;Organic"
    assert records == as_text


async def test_csv_writes_booleans_nulls_and_lists_as_text(
    client: httpx.AsyncClient, db: Database
) -> None:
    await factories.make_certification(
        db, slug="solo", carbon_related=False, marketplaces=["us", "jp"], url=None
    )

    response = await get(client, "/export/certifications.csv", where={"slug": {"eq": "solo"}})

    header, record = list(csv.reader(io.StringIO(response.text, newline="")))
    row = dict(zip(header, record, strict=True))
    assert (row["carbonRelated"], row["amazonOwned"]) == ("false", "false")
    assert (row["url"], row["marketplaces"]) == ("", "US;JP")


# --- resuming ----------------------------------------------------------------------------------


async def test_resuming_after_any_row_gives_exactly_the_remaining_rows(
    small_pages: httpx.AsyncClient, world: World
) -> None:
    order = [{"field": "TITLE", "direction": "DESC"}]
    rows = await ndjson(small_pages, "products", orderBy=order)

    assert len(rows) == 5
    for i, row in enumerate(rows):
        rest = await ndjson(small_pages, "products", orderBy=order, after=row["_cursor"])
        assert rest == rows[i + 1 :]


async def test_a_graphql_end_cursor_resumes_an_export_and_a_row_cursor_pages_graphql(
    small_pages: httpx.AsyncClient, gql: GraphQLClient, world: World
) -> None:
    page = await gql.data("{ products(first: 2) { pageInfo { endCursor } } }")
    rows = await ndjson(small_pages, "products")

    rest = await ndjson(small_pages, "products", after=page["products"]["pageInfo"]["endCursor"])
    graphql_rest = await gql.data(
        "query ($after: String) { products(first: 10, after: $after) { nodes { id } } }",
        after=rows[1]["_cursor"],
    )

    assert rest == rows[2:]
    assert [n["id"] for n in graphql_rest["products"]["nodes"]] == [r["id"] for r in rows[2:]]


async def test_a_csv_resumes_from_its_cursor_column(
    small_pages: httpx.AsyncClient, world: World
) -> None:
    response = await get(small_pages, "/export/products.csv")
    header, *records = list(csv.reader(io.StringIO(response.text, newline="")))
    cursor = records[2][header.index("_cursor")]

    resumed = await get(small_pages, "/export/products.csv", after=cursor)

    assert list(csv.reader(io.StringIO(resumed.text, newline=""))) == [header, *records[3:]]


# --- scope -------------------------------------------------------------------------------------

VISIBLE_BLOCKS = {
    "anonymous": set(),
    "owner": {"owner_held", "owner_retired"},
    "other": {"other_held"},
    "admin": {"split_parent", "owner_held", "inventory", "owner_retired", "other_held"},
}
VISIBLE_PURCHASES = {
    "anonymous": set(),
    "owner": {"owner_purchase"},
    "other": {"other_purchase"},
    "admin": {"owner_purchase", "other_purchase"},
}


@pytest.mark.parametrize("viewer", list(VISIBLE_BLOCKS))
async def test_credit_blocks_and_purchases_export_only_the_viewer_s_rows(
    client: httpx.AsyncClient, world: World, viewer: str
) -> None:
    key = world.keys.get(viewer)
    block_names = {gid(b): n for n, b in world.blocks.items()}
    purchase_names = {gid(p): n for n, p in world.purchases.items()}

    blocks = await ndjson(client, "creditBlocks", key)
    purchases = await ndjson(client, "purchases", key)
    csv_blocks = await get(client, "/export/creditBlocks.csv", key)

    assert {block_names[row["id"]] for row in blocks} == VISIBLE_BLOCKS[viewer]
    assert {purchase_names[row["id"]] for row in purchases} == VISIBLE_PURCHASES[viewer]
    assert len(csv_blocks.text.splitlines()) == 1 + len(VISIBLE_BLOCKS[viewer])


@pytest.mark.parametrize(
    ("viewer", "parent", "purchase"),
    [("owner", None, "owner_purchase"), ("admin", "split_parent", "owner_purchase")],
)
async def test_a_block_never_names_a_row_its_reader_may_not_see(
    client: httpx.AsyncClient,
    world: World,
    viewer: str,
    parent: str | None,
    purchase: str,
) -> None:
    rows = await ndjson(client, "creditBlocks", world.keys[viewer])

    (held,) = [row for row in rows if row["id"] == gid(world.blocks["owner_held"])]
    assert held["parentBlockId"] == (gid(world.blocks[parent]) if parent else None)
    assert held["purchaseId"] == gid(world.purchases[purchase])
    assert held["ownerId"] == gid(world.companies["owner"])


async def test_a_filter_cannot_reach_past_the_scope(
    client: httpx.AsyncClient, world: World
) -> None:
    other = {"owner": {"slug": {"eq": "other"}}}

    rows = await ndjson(client, "creditBlocks", world.keys["owner"], where=other)

    assert rows == []


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        ("/export/nothing.ndjson", {}, 404, "NOT_FOUND"),
        ("/export/products.xml", {}, 404, "NOT_FOUND"),
        ("/export/products", {}, 404, "NOT_FOUND"),
        ("/export/products.ndjson", {"where": "{not json"}, 400, "BAD_USER_INPUT"),
        (
            "/export/products.ndjson",
            {"where": {"category": {"eq": "SHOES"}}},
            400,
            "BAD_USER_INPUT",
        ),
        ("/export/products.ndjson", {"where": {"colour": {"eq": "red"}}}, 400, "BAD_USER_INPUT"),
        ("/export/products.csv", {"where": {"price": {"gte": "1.005"}}}, 400, "BAD_USER_INPUT"),
        (
            "/export/issuances.csv",
            {"where": {"vintage": {"gte": 2030, "lte": 2020}}},
            400,
            "BAD_USER_INPUT",
        ),
        (
            "/export/purchases.ndjson",
            {"where": {"purchasedAt": {"gte": "2024-01-01T00:00:00"}}},
            400,
            "BAD_USER_INPUT",
        ),
        ("/export/products.ndjson", {"orderBy": [{"field": "RELEVANCE"}]}, 400, "BAD_USER_INPUT"),
        ("/export/products.ndjson", {"orderBy": [{"field": "COLOUR"}]}, 400, "BAD_USER_INPUT"),
        ("/export/products.ndjson", {"limit": "5"}, 400, "BAD_USER_INPUT"),
        ("/export/products.ndjson", {"after": "not-a-cursor"}, 400, "INVALID_CURSOR"),
    ],
)
async def test_bad_input_is_refused_before_the_stream_with_a_code(
    client: httpx.AsyncClient, path: str, params: dict[str, Any], status: int, code: str
) -> None:
    response = await get(client, path, **params)

    assert response.status_code == status, response.text
    assert error(response)["code"] == code


async def test_a_cursor_of_another_ordering_is_refused(
    small_pages: httpx.AsyncClient, world: World
) -> None:
    (first, *_) = await ndjson(small_pages, "products")

    response = await get(
        small_pages, "/export/products.ndjson", orderBy=[{"field": "PRICE"}], after=first["_cursor"]
    )

    assert response.status_code == 400
    assert error(response)["code"] == "INVALID_CURSOR"


async def test_a_bad_key_gets_401_as_on_graphql(client: httpx.AsyncClient) -> None:
    response = await get(client, "/export/products.ndjson", "pg_not-a-key")

    assert response.status_code == 401
    assert error(response)["code"] == "UNAUTHENTICATED"


async def test_anonymous_callers_get_an_empty_export_of_a_private_entity(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await get(client, "/export/creditBlocks.csv")

    assert response.status_code == 200
    assert response.text == ",".join([*EXPORTS["creditBlocks"].names, "_cursor"]) + "\r\n"


# --- statements and limits ---------------------------------------------------------------------


@pytest.mark.parametrize("products", [5, 9])
async def test_each_page_of_products_costs_two_statements_whatever_its_rows(
    small_pages: httpx.AsyncClient, db: Database, statements: StatementCounter, products: int
) -> None:
    certification = await factories.make_certification(db)
    for _ in range(products):
        product = await factories.make_product(db)
        await factories.make_product_certification(db, product, certification)
    statements.reset()

    rows = await ndjson(small_pages, "products")

    pages = -(-products // 2)  # the last page is short, so no empty page follows
    assert len(rows) == products
    assert statements.count == 2 * pages, statements.statements


async def test_an_export_that_does_not_fit_the_budget_gets_429_before_it_starts(
    connection: AsyncConnection, world: World
) -> None:
    budget = MemoryBudget(capacity=25, leak_per_second=1, clock=lambda: 0.0)
    options = {"budget": budget}
    async with exporting(
        connection, options, export_page_size=1000, export_rows_per_point=100
    ) as c:
        first = await get(c, "/export/products.ndjson")
        second = await get(c, "/export/products.ndjson")
        third = await get(c, "/export/products.ndjson")

    assert (first.status_code, second.status_code) == (200, 200)  # 10 points each
    assert third.status_code == 429
    assert error(third)["code"] == "RATE_LIMITED"
    assert third.headers["retry-after"] == "5"


async def test_a_caller_runs_a_limited_number_of_exports_at_once(
    connection: AsyncConnection, world: World
) -> None:
    slots = ExportSlots()
    assert slots.take("ip:127.0.0.1", 1)
    async with exporting(connection, {"export_slots": slots}, max_exports_per_caller=1) as c:
        refused = await get(c, "/export/products.ndjson")
        slots.give_back("ip:127.0.0.1")
        served = await get(c, "/export/products.ndjson")

    assert refused.status_code == 429
    assert error(refused)["code"] == "TOO_MANY_EXPORTS"
    assert served.status_code == 200
    assert slots.running == {}  # the finished export gave its slot back


def test_list_values_are_typed_in_the_schema() -> None:
    properties = row_schema("products")["properties"]

    assert properties["certifications"]["type"] == "array"
    assert properties["price"]["pattern"]
    assert properties["brandCompanyId"]["type"] == ["string", "null"]


async def test_later_pages_wait_for_the_budget_instead_of_failing(
    connection: AsyncConnection, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [0.0]
    waits: list[float] = []

    async def sleep(seconds: float) -> None:  # the budget's clock moves instead of the test's
        waits.append(seconds)
        now[0] += seconds

    monkeypatch.setattr("schema.export.asyncio.sleep", sleep)
    budget = MemoryBudget(capacity=3, leak_per_second=1, clock=lambda: now[0])
    options = {"budget": budget}
    async with exporting(connection, options, export_page_size=2, export_rows_per_point=1) as c:
        rows = await ndjson(c, "products")

    assert len(rows) == 5  # three pages of 2 points each through a bucket of 3
    assert waits == [1, 2]
