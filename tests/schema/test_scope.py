"""Private types through every read path: each viewer sees exactly its rows, counts included."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from graphql import GraphQLNamedType, GraphQLObjectType, get_named_type
from strawberry.relay import to_base64

import models
from models.db import Database
from resolvers.scope import PRIVATE
from resolvers.viewer import ANONYMOUS, Role, Viewer
from schema.root import schema
from schema.types.node import NODE_BY_MODEL, NODE_TYPES
from tests import factories
from tests.fixtures.database import StatementCounter
from tests.fixtures.graphql import GraphQLClient

VIEWERS = ("anonymous", "owner", "other", "admin")
BLOCKS = ("split_parent", "owner_held", "inventory", "owner_retired", "other_held", "cancelled")
# Which blocks and purchases each viewer may see: owners their own, admins all.
VISIBLE_BLOCKS = {
    "anonymous": set(),
    "owner": {"owner_held", "owner_retired"},
    "other": {"other_held"},
    "admin": set(BLOCKS),
}
VISIBLE_PURCHASES = {
    "anonymous": set(),
    "owner": {"owner_purchase"},
    "other": {"other_purchase"},
    "admin": {"owner_purchase", "other_purchase"},
}


@dataclass
class World:
    """Two companies with holdings and purchases, the exchange's inventory, and the viewers."""

    companies: dict[str, models.Company]
    issuances: dict[str, models.Issuance]
    blocks: dict[str, models.CreditBlock]
    purchases: dict[str, models.Purchase]
    viewers: dict[str, Viewer]

    def name_of(self, global_id: str) -> str:
        """The test's name for the block or purchase behind a global id."""
        return self.names[global_id]

    @property
    def names(self) -> dict[str, str]:
        rows = {**self.blocks, **self.purchases}
        return {gid(row): name for name, row in rows.items()}


def gid(row: Any) -> str:
    """The global id of a row, as the API spells it."""
    return to_base64(NODE_BY_MODEL[type(row)].__name__, row.id)


@pytest.fixture
async def world(db: Database) -> World:
    owner = await factories.make_company(db, slug="owner")
    other = await factories.make_company(db, slug="other")
    forest = await factories.make_project(db, slug="forest")
    cookstoves = await factories.make_project(db, slug="cookstoves")
    main = await factories.make_issuance(db, forest, vintage=2023, total_quantity=1100)
    old = await factories.make_issuance(db, cookstoves, vintage=2019, serial_start=5001)
    owner_purchase = await factories.make_purchase(
        db, owner, forest, quantity=50, purchased_at=datetime(2024, 6, 1, tzinfo=UTC)
    )
    other_purchase = await factories.make_purchase(
        db, other, cookstoves, quantity=50, purchased_at=datetime(2025, 2, 1, tzinfo=UTC)
    )
    retirement = await factories.make_retirement(db, beneficiary_company_id=owner.id)

    async def block(issuance: models.Issuance, start: int, end: int, **fields: Any) -> Any:
        return await factories.make_block(
            db, issuance, serial_start=start, serial_end=end, **fields
        )

    split_parent = await block(main, 1, 100, status=models.CreditStatus.SPLIT)
    blocks = {
        "split_parent": split_parent,
        "owner_held": await block(
            main,
            1,
            50,
            status=models.CreditStatus.HELD,
            owner_company_id=owner.id,
            purchase_id=owner_purchase.id,
            parent_block_id=split_parent.id,
        ),
        "inventory": await block(main, 51, 100, parent_block_id=split_parent.id),
        "owner_retired": await block(
            main,
            101,
            130,
            status=models.CreditStatus.RETIRED,
            owner_company_id=owner.id,
            retirement_id=retirement.id,
        ),
        "other_held": await block(
            old,
            5001,
            5050,
            status=models.CreditStatus.HELD,
            owner_company_id=other.id,
            purchase_id=other_purchase.id,
        ),
        "cancelled": await block(main, 131, 140, status=models.CreditStatus.CANCELLED),
    }
    return World(
        companies={"owner": owner, "other": other},
        issuances={"main": main, "old": old},
        blocks=blocks,
        purchases={"owner_purchase": owner_purchase, "other_purchase": other_purchase},
        viewers={
            "anonymous": ANONYMOUS,
            "owner": Viewer(role=Role.PARTNER, company_id=owner.id),
            "other": Viewer(role=Role.PARTNER, company_id=other.id),
            "admin": Viewer(role=Role.ADMIN),
        },
    )


def names(world: World, connection: dict[str, Any]) -> set[str]:
    return {world.name_of(node["id"]) for node in connection["nodes"]}


def owned_by(world: World, company: str) -> set[str]:
    company_id = world.companies[company].id
    return {n for n, b in world.blocks.items() if b.owner_company_id == company_id}


def test_the_private_types_are_the_ones_this_matrix_covers() -> None:
    private = {name for name, node in NODE_TYPES.items() if node.model in PRIVATE}

    assert private == {"ApiKey", "CreditBlock", "Purchase"}


# Root connections -----------------------------------------------------------------------------

ROOT = """
{
  creditBlocks(first: 100) { totalCount nodes { id } }
  purchases(first: 100) { totalCount nodes { id } }
}
"""
COUNTS_ONLY = "{ creditBlocks { totalCount } purchases { totalCount } }"


@pytest.mark.parametrize("viewer", VIEWERS)
async def test_root_connections_list_exactly_the_viewer_s_rows(
    gql: GraphQLClient, world: World, viewer: str
) -> None:
    data = await gql.as_viewer(world.viewers[viewer]).data(ROOT)

    assert names(world, data["creditBlocks"]) == VISIBLE_BLOCKS[viewer]
    assert names(world, data["purchases"]) == VISIBLE_PURCHASES[viewer]
    assert data["creditBlocks"]["totalCount"] == len(VISIBLE_BLOCKS[viewer])
    assert data["purchases"]["totalCount"] == len(VISIBLE_PURCHASES[viewer])


@pytest.mark.parametrize("viewer", VIEWERS)
async def test_root_total_count_alone_counts_only_the_viewer_s_rows(
    gql: GraphQLClient, world: World, viewer: str
) -> None:
    data = await gql.as_viewer(world.viewers[viewer]).data(COUNTS_ONLY)

    assert data == {
        "creditBlocks": {"totalCount": len(VISIBLE_BLOCKS[viewer])},
        "purchases": {"totalCount": len(VISIBLE_PURCHASES[viewer])},
    }


async def test_anonymous_root_connections_are_empty_pages_not_errors(
    gql: GraphQLClient, world: World
) -> None:
    data = await gql.data(
        "{ creditBlocks(first: 5) { totalCount edges { cursor } pageInfo { hasNextPage"
        " endCursor } } }"
    )

    assert data == {
        "creditBlocks": {
            "totalCount": 0,
            "edges": [],
            "pageInfo": {"hasNextPage": False, "endCursor": None},
        }
    }


# Nested connections ---------------------------------------------------------------------------

UNDER_COMPANIES = """
{
  companies(first: 10) {
    nodes {
      slug
      creditBlocks(first: 100) { totalCount nodes { id } }
      purchases(first: 100) { totalCount nodes { id } }
    }
  }
}
"""


@pytest.mark.parametrize("viewer", VIEWERS)
async def test_company_connections_hold_only_what_the_viewer_may_see_of_that_company(
    gql: GraphQLClient, world: World, viewer: str
) -> None:
    data = await gql.as_viewer(world.viewers[viewer]).data(UNDER_COMPANIES)

    found = {node["slug"]: node for node in data["companies"]["nodes"]}
    for company in ("owner", "other"):
        blocks = VISIBLE_BLOCKS[viewer] & owned_by(world, company)
        purchases = VISIBLE_PURCHASES[viewer] & {f"{company}_purchase"}
        assert names(world, found[company]["creditBlocks"]) == blocks, company
        assert found[company]["creditBlocks"]["totalCount"] == len(blocks), company
        assert names(world, found[company]["purchases"]) == purchases, company
        assert found[company]["purchases"]["totalCount"] == len(purchases), company


UNDER_ISSUANCES = """
{
  issuances(first: 10) {
    nodes { vintage creditBlocks(first: 100) { totalCount nodes { id } } }
  }
}
"""


@pytest.mark.parametrize("viewer", VIEWERS)
async def test_issuance_credit_blocks_hold_only_the_viewer_s_blocks_of_that_issuance(
    gql: GraphQLClient, world: World, viewer: str
) -> None:
    data = await gql.as_viewer(world.viewers[viewer]).data(UNDER_ISSUANCES)

    found = {node["vintage"]: node["creditBlocks"] for node in data["issuances"]["nodes"]}
    for name, issuance in world.issuances.items():
        of_issuance = {n for n, b in world.blocks.items() if b.issuance_id == issuance.id}
        expected = VISIBLE_BLOCKS[viewer] & of_issuance
        assert names(world, found[issuance.vintage]) == expected, name
        assert found[issuance.vintage]["totalCount"] == len(expected), name


async def test_issuance_credit_totals_stay_public_while_its_blocks_are_hidden(
    gql: GraphQLClient, world: World
) -> None:
    data = await gql.data(
        "query($id: ID!) { node(id: $id) { ... on Issuance {"
        " credits { held retired } creditBlocks { totalCount } } } }",
        id=gid(world.issuances["main"]),
    )

    assert data["node"] == {
        "credits": {"held": 50, "retired": 30},
        "creditBlocks": {"totalCount": 0},
    }


@pytest.mark.parametrize("viewer", VIEWERS)
async def test_purchase_credit_blocks_hold_the_viewer_s_blocks_of_its_purchases(
    gql: GraphQLClient, world: World, viewer: str
) -> None:
    data = await gql.as_viewer(world.viewers[viewer]).data(
        "{ purchases(first: 10) { nodes { id creditBlocks(first: 10) { nodes { id } } } } }"
    )

    found = {world.name_of(node["id"]): node["creditBlocks"] for node in data["purchases"]["nodes"]}
    expected = {"owner_purchase": {"owner_held"}, "other_purchase": {"other_held"}}
    assert {name: names(world, page) for name, page in found.items()} == {
        name: expected[name] for name in VISIBLE_PURCHASES[viewer]
    }


# node and nodes -------------------------------------------------------------------------------

NODE = "query($id: ID!) { node(id: $id) { id } }"
MISSING_BLOCK = to_base64("CreditBlock", 2_000_000_000)


@pytest.mark.parametrize("viewer", VIEWERS)
async def test_node_finds_a_private_row_only_for_a_viewer_who_may_see_it(
    gql: GraphQLClient, world: World, viewer: str
) -> None:
    client = gql.as_viewer(world.viewers[viewer])
    rows = {**world.blocks, **world.purchases}
    visible = VISIBLE_BLOCKS[viewer] | VISIBLE_PURCHASES[viewer]

    found = {name: (await client.data(NODE, id=gid(row)))["node"] for name, row in rows.items()}

    assert found == {
        name: {"id": gid(row)} if name in visible else None for name, row in rows.items()
    }


@pytest.mark.parametrize("viewer", ["anonymous", "other"])
async def test_a_hidden_row_answers_node_exactly_as_a_missing_one(
    gql: GraphQLClient, world: World, viewer: str
) -> None:
    client = gql.as_viewer(world.viewers[viewer])

    hidden = await client.execute(NODE, id=gid(world.blocks["owner_held"]))
    missing = await client.execute(NODE, id=MISSING_BLOCK)

    assert (hidden.data, hidden.errors) == (missing.data, missing.errors) == ({"node": None}, None)


@pytest.mark.parametrize("viewer", VIEWERS)
async def test_nodes_returns_null_in_place_of_every_row_the_viewer_may_not_see(
    gql: GraphQLClient, world: World, viewer: str
) -> None:
    rows = [*world.blocks.values(), *world.purchases.values()]
    ids = [gid(row) for row in rows] + [MISSING_BLOCK]
    visible = VISIBLE_BLOCKS[viewer] | VISIBLE_PURCHASES[viewer]

    data = await gql.as_viewer(world.viewers[viewer]).data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", ids=ids
    )

    expected = [{"id": i} if world.names.get(i) in visible else None for i in ids]
    assert data["nodes"] == expected


# To-one fields reaching private rows ----------------------------------------------------------

LINEAGE = """
query($id: ID!) {
  node(id: $id) {
    ... on CreditBlock { parentBlock { id } purchase { id } owner { slug } retirement { id } }
  }
}
"""


@pytest.mark.parametrize(
    ("viewer", "parent"), [pytest.param("owner", None, id="owner"), ("admin", "split_parent")]
)
async def test_parent_block_is_shown_only_when_the_viewer_may_see_the_parent(
    gql: GraphQLClient, world: World, viewer: str, parent: str | None
) -> None:
    data = await gql.as_viewer(world.viewers[viewer]).data(
        LINEAGE, id=gid(world.blocks["owner_held"])
    )

    assert data["node"] == {
        "parentBlock": None if parent is None else {"id": gid(world.blocks[parent])},
        "purchase": {"id": gid(world.purchases["owner_purchase"])},
        "owner": {"slug": "owner"},
        "retirement": None,
    }


# Filters whose counts could tell what they may not show ---------------------------------------

BLOCK_FILTERS: list[tuple[str, dict[str, Any], Callable[[World, models.CreditBlock], bool]]] = [
    ("held", {"status": {"eq": "HELD"}}, lambda w, b: b.status == "held"),
    (
        "owned by owner",
        {"owner": {"slug": {"eq": "owner"}}},
        lambda w, b: b.owner_company_id == w.companies["owner"].id,
    ),
    (
        "project",
        {"project": {"slug": {"eq": "forest"}}},
        lambda w, b: b.issuance_id == w.issuances["main"].id,
    ),
    (
        "vintage",
        {"vintage": {"lte": 2020}},
        lambda w, b: b.issuance_id == w.issuances["old"].id,
    ),
    (
        "issuance",
        {"issuance": {"vintage": {"eq": 2023}}},
        lambda w, b: b.issuance_id == w.issuances["main"].id,
    ),
    (
        "OR of statuses",
        {"OR": [{"status": {"eq": "AVAILABLE"}}, {"status": {"in": ["SPLIT", "CANCELLED"]}}]},
        lambda w, b: b.owner_company_id is None,
    ),
]


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize(
    ("where", "matches"), [pytest.param(f, m, id=name) for name, f, m in BLOCK_FILTERS]
)
async def test_filtered_block_counts_count_only_the_viewer_s_matching_blocks(
    gql: GraphQLClient,
    world: World,
    viewer: str,
    where: dict[str, Any],
    matches: Callable[[World, models.CreditBlock], bool],
) -> None:
    data = await gql.as_viewer(world.viewers[viewer]).data(
        "query($where: CreditBlockWhere) { creditBlocks(where: $where) { totalCount } }",
        where=where,
    )

    expected = {n for n in VISIBLE_BLOCKS[viewer] if matches(world, world.blocks[n])}
    assert data["creditBlocks"]["totalCount"] == len(expected)
    if viewer == "admin":
        assert expected, "the filter matches some block, so a zero elsewhere is the scope's"


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize(
    ("where", "matching"),
    [
        pytest.param({"buyer": {"slug": {"eq": "owner"}}}, {"owner_purchase"}, id="buyer"),
        pytest.param({"project": {"slug": {"eq": "forest"}}}, {"owner_purchase"}, id="project"),
        pytest.param(
            {"purchasedAt": {"gte": "2025-01-01T00:00:00+00:00"}},
            {"other_purchase"},
            id="purchased at",
        ),
    ],
)
async def test_filtered_purchase_counts_count_only_the_viewer_s_matching_purchases(
    gql: GraphQLClient, world: World, viewer: str, where: dict[str, Any], matching: set[str]
) -> None:
    data = await gql.as_viewer(world.viewers[viewer]).data(
        "query($where: PurchaseWhere) { purchases(where: $where) { totalCount } }", where=where
    )

    assert data["purchases"]["totalCount"] == len(matching & VISIBLE_PURCHASES[viewer])


@pytest.mark.parametrize("viewer", ["anonymous", "other"])
async def test_a_filtered_count_under_another_company_is_zero(
    gql: GraphQLClient, world: World, viewer: str
) -> None:
    data = await gql.as_viewer(world.viewers[viewer]).data(
        """
        {
          company(slug: "owner") {
            held: creditBlocks(where: {status: {eq: HELD}}) { totalCount }
            retired: creditBlocks(where: {status: {eq: RETIRED}}) { totalCount }
            purchases(where: {project: {slug: {eq: "forest"}}}) { totalCount }
          }
        }
        """
    )

    assert data["company"] == {
        "held": {"totalCount": 0},
        "retired": {"totalCount": 0},
        "purchases": {"totalCount": 0},
    }


# Every connection of a private type, wherever it hangs ----------------------------------------


def private_connections() -> list[tuple[str, str]]:
    """(parent type, field) for every field of the schema that pages through a private type."""
    private = {name for name, node in NODE_TYPES.items() if node.model in PRIVATE}
    found = []
    for type_name, graphql_type in schema._schema.type_map.items():
        if not isinstance(graphql_type, GraphQLObjectType) or type_name.startswith("__"):
            continue
        for field_name, field in graphql_type.fields.items():
            result: GraphQLNamedType = get_named_type(field.type)
            if result.name.endswith("Connection") and result.name[: -len("Connection")] in private:
                found.append((type_name, field_name))
    return sorted(found)


def test_the_private_connections_are_the_known_ones() -> None:
    assert private_connections() == [
        ("Company", "creditBlocks"),
        ("Company", "purchases"),
        ("Issuance", "creditBlocks"),
        ("Purchase", "creditBlocks"),
        ("Query", "apiKeys"),
        ("Query", "creditBlocks"),
        ("Query", "purchases"),
    ]


@pytest.mark.parametrize(("parent", "field"), private_connections())
async def test_every_private_connection_is_empty_for_anonymous_callers(
    gql: GraphQLClient, world: World, parent: str, field: str
) -> None:
    selection = f"{field}(first: 100) {{ totalCount nodes {{ id }} }}"
    if parent == "Query":
        data = await gql.data(f"{{ {selection} }}")
        assert data[field] == {"totalCount": 0, "nodes": []}
        return
    rows: dict[str, Any] = {
        "Company": world.companies["owner"],
        "Issuance": world.issuances["main"],
        "Purchase": world.purchases["owner_purchase"],
    }
    assert parent in rows, f"add a {parent} with private rows under it to this test"
    data = await gql.data(
        f"query($id: ID!) {{ node(id: $id) {{ ... on {parent} {{ {selection} }} }} }}",
        id=gid(rows[parent]),
    )
    parent_is_private = parent in {t for t, node in NODE_TYPES.items() if node.model in PRIVATE}
    assert data["node"] == (None if parent_is_private else {field: {"totalCount": 0, "nodes": []}})


# Statement counts: the scope is a condition in the statement, never a statement of its own -----

HOLDINGS = """
query($first: Int!) {
  creditBlocks(first: $first) {
    totalCount
    nodes {
      quantity vintage createdAt
      project { name }
      owner { name }
      purchase { quantity }
      parentBlock { id }
      retirement { retiredOn }
    }
  }
}
"""
PER_COMPANY = """
query($first: Int!) {
  companies(first: $first) {
    nodes {
      creditBlocks(first: 3) { totalCount nodes { quantity } }
      purchases(first: 3) { totalCount nodes { totalPrice { amount } buyer { name } } }
    }
  }
}
"""
SIZES = (5, 50)


async def many_holdings(db: Database) -> Viewer:
    """50 companies; the first holds 50 bought blocks split from inventory, some retired."""
    companies = [await factories.make_company(db) for _ in range(max(SIZES))]
    owner = companies[0]
    project = await factories.make_project(db)
    issuance = await factories.make_issuance(db, project, total_quantity=10_000, buffer_quantity=0)
    parent = await factories.make_block(db, issuance, status=models.CreditStatus.SPLIT)
    retirement = await factories.make_retirement(db, beneficiary_company_id=owner.id)
    for n in range(max(SIZES)):
        purchase = await factories.make_purchase(db, owner, project)
        retired = n % 5 == 0
        await factories.make_block(
            db,
            issuance,
            serial_start=1 + 10 * n,
            serial_end=10 + 10 * n,
            status=models.CreditStatus.RETIRED if retired else models.CreditStatus.HELD,
            owner_company_id=owner.id,
            purchase_id=purchase.id,
            parent_block_id=parent.id,
            retirement_id=retirement.id if retired else None,
        )
    return Viewer(role=Role.PARTNER, company_id=owner.id)


@pytest.mark.parametrize(
    ("viewer", "statements_expected"),
    [
        # page + count + issuances + projects + companies + purchases + parent blocks
        # + retirements
        pytest.param("owner", 8, id="owner"),
        pytest.param("admin", 8, id="admin"),
        # page + count: nothing to prefetch
        pytest.param("anonymous", 2, id="anonymous"),
    ],
)
async def test_a_scoped_root_connection_costs_the_same_statements_for_any_page_size(
    gql: GraphQLClient,
    db: Database,
    statements: StatementCounter,
    viewer: str,
    statements_expected: int,
) -> None:
    owner = await many_holdings(db)
    client = gql.as_viewer(
        {"owner": owner, "admin": Viewer(role=Role.ADMIN), "anonymous": ANONYMOUS}[viewer]
    )
    counts = []
    for size in SIZES:
        statements.reset()
        data = await client.data(HOLDINGS, first=size)
        counts.append(statements.count)
        assert len(data["creditBlocks"]["nodes"]) == (0 if viewer == "anonymous" else size)

    assert counts == [statements_expected] * len(SIZES), statements.statements


@pytest.mark.parametrize("viewer", ["owner", "admin", "anonymous"])
async def test_scoped_nested_connections_cost_the_same_statements_for_any_viewer_and_size(
    gql: GraphQLClient, db: Database, statements: StatementCounter, viewer: str
) -> None:
    owner = await many_holdings(db)
    client = gql.as_viewer(
        {"owner": owner, "admin": Viewer(role=Role.ADMIN), "anonymous": ANONYMOUS}[viewer]
    )
    counts = []
    for size in SIZES:
        statements.reset()
        await client.data(PER_COMPANY, first=size)
        counts.append(statements.count)

    # companies + blocks pages + blocks counts + purchases pages + purchases counts, and the
    # buyers of the purchases when the viewer sees any
    expected = 5 if viewer == "anonymous" else 6
    assert counts == [expected] * len(SIZES), statements.statements


@pytest.mark.parametrize("viewer", ["owner", "admin", "anonymous"])
async def test_nodes_of_private_types_cost_one_statement_per_type_for_any_viewer(
    gql: GraphQLClient, world: World, statements: StatementCounter, viewer: str
) -> None:
    ids = [gid(row) for row in [*world.blocks.values(), *world.purchases.values()]]
    statements.reset()

    await gql.as_viewer(world.viewers[viewer]).data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", ids=ids
    )

    assert statements.count == 2, statements.statements
