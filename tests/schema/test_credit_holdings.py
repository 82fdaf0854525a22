"""Credit holdings: a company's live blocks added up by project, vintage and status, private to
it, paged, filtered and ordered like every connection, and batched per parent."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

import models
from models.db import Database
from resolvers.viewer import ANONYMOUS, Role, Viewer
from schema.settings import ApiSettings
from tests import factories
from tests.fixtures.database import StatementCounter
from tests.fixtures.graphql import GraphQLClient
from tests.schema import test_mutations_exchange as exchange

HELD = models.CreditStatus.HELD
RETIRED = models.CreditStatus.RETIRED
CANCELLED = models.CreditStatus.CANCELLED
SPLIT = models.CreditStatus.SPLIT

# (owner, project, vintage, status): what a holding is the sum of.
Group = tuple[str, str, int, str]


@dataclass
class World:
    """Two companies' blocks (split parents, inventory and ownerless cancellations among them)."""

    viewers: dict[str, Viewer]
    # Per group: total credits, number of blocks and lowest block id (the holding's key).
    groups: dict[Group, tuple[int, int, int]]

    def of(self, *owners: str) -> set[Group]:
        return {group for group in self.groups if group[0] in owners}


@pytest.fixture
async def world(db: Database) -> World:
    owner = await factories.make_company(db, slug="owner")
    other = await factories.make_company(db, slug="other")
    forest = await factories.make_project(db, slug="forest", name="Alpha Forest")
    stoves = await factories.make_project(db, slug="stoves", name="Beta Cookstoves")
    forest_2021 = await factories.make_issuance(db, forest, vintage=2021)
    forest_2023 = await factories.make_issuance(db, forest, vintage=2023)
    stoves_2019 = await factories.make_issuance(db, stoves, vintage=2019)
    retirement = await factories.make_retirement(db, forest)
    companies = {"owner": owner, "other": other}
    projects = {forest_2021.id: "forest", forest_2023.id: "forest", stoves_2019.id: "stoves"}
    found: dict[Group, list[models.CreditBlock]] = defaultdict(list)

    async def block(
        issuance: models.Issuance, start: int, end: int, status: str, holder: str | None = None
    ) -> models.CreditBlock:
        made = await factories.make_block(
            db,
            issuance,
            serial_start=start,
            serial_end=end,
            status=status,
            owner_company_id=companies[holder].id if holder else None,
            retirement_id=retirement.id if status == RETIRED else None,
        )
        if holder is not None and status != SPLIT:
            found[holder, projects[issuance.id], issuance.vintage, str(status).upper()].append(made)
        return made

    await block(forest_2021, 1, 10, HELD, "owner")
    await block(forest_2021, 11, 30, HELD, "owner")
    parent = await block(forest_2021, 31, 60, SPLIT, "owner")
    await block(forest_2021, 31, 45, RETIRED, "owner")
    await block(forest_2021, 46, 60, HELD, "owner")
    await block(forest_2023, 1, 40, RETIRED, "owner")
    await block(forest_2023, 41, 60, HELD, "other")
    await block(forest_2023, 61, 900, models.CreditStatus.AVAILABLE)
    await block(stoves_2019, 1, 5, CANCELLED, "owner")
    await block(stoves_2019, 6, 105, HELD, "owner")
    await block(stoves_2019, 106, 110, CANCELLED)  # withdrawn from inventory: nobody's
    assert parent.id is not None
    return World(
        viewers={
            "anonymous": ANONYMOUS,
            "owner": Viewer(role=Role.PARTNER, company_id=owner.id),
            "other": Viewer(role=Role.PARTNER, company_id=other.id),
            "admin": Viewer(role=Role.ADMIN),
        },
        groups={
            group: (sum(b.quantity for b in blocks), len(blocks), min(b.id or 0 for b in blocks))
            for group, blocks in found.items()
        },
    )


NODE = "owner { slug } project { slug } vintage status quantity blockCount"


def group_of(node: dict[str, Any]) -> Group:
    return (node["owner"]["slug"], node["project"]["slug"], node["vintage"], node["status"])


def groups_in(connection: dict[str, Any]) -> set[Group]:
    return {group_of(node) for node in connection["nodes"]}


async def test_holdings_add_up_live_blocks_per_project_vintage_and_status(
    gql: GraphQLClient, world: World
) -> None:
    data = await gql.as_viewer(world.viewers["owner"]).data(
        f"{{ creditHoldings(first: 10) {{ totalCount nodes {{ {NODE} }} }} }}"
    )

    # By project name, vintage and status: split parents, other owners and inventory left out.
    assert data["creditHoldings"] == {
        "totalCount": 5,
        "nodes": [
            {**node(world, "forest", 2021, "HELD"), "quantity": 45, "blockCount": 3},
            {**node(world, "forest", 2021, "RETIRED"), "quantity": 15, "blockCount": 1},
            {**node(world, "forest", 2023, "RETIRED"), "quantity": 40, "blockCount": 1},
            {**node(world, "stoves", 2019, "CANCELLED"), "quantity": 5, "blockCount": 1},
            {**node(world, "stoves", 2019, "HELD"), "quantity": 100, "blockCount": 1},
        ],
    }


def node(world: World, project: str, vintage: int, status: str) -> dict[str, Any]:
    return {
        "owner": {"slug": "owner"},
        "project": {"slug": project},
        "vintage": vintage,
        "status": status,
    }


async def test_holdings_follow_the_blocks_they_add_up(
    db: Database, gql: GraphQLClient, world: World
) -> None:
    as_owner = gql.as_viewer(world.viewers["owner"])
    query = """
    { creditHoldings(first: 10, where: {status: {eq: HELD}, vintage: {eq: 2019}}) {
        nodes { quantity blockCount } } }
    """
    before = await as_owner.data(query)
    stoves = await factories.make_issuance(
        db, await factories.make_project(db, slug="more-stoves"), vintage=2019
    )
    await factories.make_block(
        db,
        stoves,
        serial_start=1,
        serial_end=7,
        status=HELD,
        owner_company_id=world.viewers["owner"].company_id,
    )

    after = await as_owner.data(query)

    assert before["creditHoldings"]["nodes"] == [{"quantity": 100, "blockCount": 1}]
    assert sorted(n["quantity"] for n in after["creditHoldings"]["nodes"]) == [7, 100]


# Scope ------------------------------------------------------------------------------------------

VISIBLE = {"anonymous": (), "owner": ("owner",), "other": ("other",), "admin": ("owner", "other")}


@pytest.mark.parametrize("viewer", VISIBLE)
async def test_root_holdings_are_the_viewer_s_company_s_or_all_for_admins(
    gql: GraphQLClient, world: World, viewer: str
) -> None:
    client = gql.as_viewer(world.viewers[viewer])

    page = await client.data(
        f"{{ creditHoldings(first: 100) {{ totalCount nodes {{ {NODE} }} }} }}"
    )
    count = await client.data("{ creditHoldings { totalCount } }")

    expected = world.of(*VISIBLE[viewer])
    assert groups_in(page["creditHoldings"]) == expected
    assert page["creditHoldings"]["totalCount"] == len(expected)
    assert count["creditHoldings"]["totalCount"] == len(expected)


@pytest.mark.parametrize("viewer", VISIBLE)
async def test_company_holdings_show_only_what_the_viewer_may_see_of_that_company(
    gql: GraphQLClient, world: World, viewer: str
) -> None:
    data = await gql.as_viewer(world.viewers[viewer]).data(
        f"""
        {{ companies(first: 10) {{ nodes {{
            slug creditHoldings(first: 100) {{ totalCount nodes {{ {NODE} }} }}
        }} }} }}
        """
    )

    found = {company["slug"]: company["creditHoldings"] for company in data["companies"]["nodes"]}
    for company in ("owner", "other"):
        expected = world.of(company) if company in VISIBLE[viewer] else set()
        assert groups_in(found[company]) == expected, company
        assert found[company]["totalCount"] == len(expected), company


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [("admin", ("other",)), ("owner", ()), ("anonymous", ())],
)
async def test_the_owner_filter_narrows_what_the_viewer_may_see_and_never_widens_it(
    gql: GraphQLClient, world: World, viewer: str, expected: tuple[str, ...]
) -> None:
    data = await gql.as_viewer(world.viewers[viewer]).data(
        f"""{{ creditHoldings(first: 100, where: {{owner: {{slug: {{eq: "other"}}}}}}) {{
            totalCount nodes {{ {NODE} }} }} }}"""
    )

    assert groups_in(data["creditHoldings"]) == world.of(*expected)
    assert data["creditHoldings"]["totalCount"] == len(world.of(*expected))


# Filters ----------------------------------------------------------------------------------------

FOREST_2021_HELD = ("forest", 2021, "HELD")
FOREST_2021_RETIRED = ("forest", 2021, "RETIRED")
FOREST_2023_RETIRED = ("forest", 2023, "RETIRED")
STOVES_2019_CANCELLED = ("stoves", 2019, "CANCELLED")
STOVES_2019_HELD = ("stoves", 2019, "HELD")
FILTERS: list[tuple[str, dict[str, Any], set[tuple[str, int, str]]]] = [
    ("project", {"project": {"slug": {"eq": "stoves"}}}, {STOVES_2019_CANCELLED, STOVES_2019_HELD}),
    (
        "project name",
        {"project": {"name": {"contains": "forest"}}},
        {FOREST_2021_HELD, FOREST_2021_RETIRED, FOREST_2023_RETIRED},
    ),
    (
        "vintage range",
        {"vintage": {"gte": 2020, "lte": 2022}},
        {FOREST_2021_HELD, FOREST_2021_RETIRED},
    ),
    (
        "status in",
        {"status": {"in": ["RETIRED", "CANCELLED"]}},
        {FOREST_2021_RETIRED, FOREST_2023_RETIRED, STOVES_2019_CANCELLED},
    ),
    ("never split or available", {"status": {"in": ["SPLIT", "AVAILABLE"]}}, set()),
    (
        "OR",
        {"OR": [{"vintage": {"eq": 2023}}, {"status": {"eq": "CANCELLED"}}]},
        {FOREST_2023_RETIRED, STOVES_2019_CANCELLED},
    ),
    (
        "AND",
        {"AND": [{"status": {"eq": "HELD"}}, {"project": {"slug": {"eq": "forest"}}}]},
        {FOREST_2021_HELD},
    ),
]


@pytest.mark.parametrize(
    ("where", "expected"), [pytest.param(w, e, id=name) for name, w, e in FILTERS]
)
async def test_holding_filters_match_and_count_the_same_groups(
    gql: GraphQLClient, world: World, where: dict[str, Any], expected: set[tuple[str, int, str]]
) -> None:
    data = await gql.as_viewer(world.viewers["owner"]).data(
        f"""query($where: CreditHoldingWhere) {{
            creditHoldings(first: 100, where: $where) {{ totalCount nodes {{ {NODE} }} }} }}""",
        where=where,
    )

    assert {g[1:] for g in groups_in(data["creditHoldings"])} == expected
    assert data["creditHoldings"]["totalCount"] == len(expected)


# Orderings and cursors --------------------------------------------------------------------------

PROJECT_NAMES = {"forest": "Alpha Forest", "stoves": "Beta Cookstoves"}
STATUS_VALUES = {"HELD": "held", "RETIRED": "retired", "CANCELLED": "cancelled"}
SORT_VALUES: dict[str, Callable[[Group, tuple[int, int, int]], Any]] = {
    "PROJECT": lambda group, totals: PROJECT_NAMES[group[1]],
    "VINTAGE": lambda group, totals: group[2],
    "STATUS": lambda group, totals: STATUS_VALUES[group[3]],
    "QUANTITY": lambda group, totals: totals[0],
}
ORDERS = [
    [("QUANTITY", "DESC")],
    [("VINTAGE", "ASC")],
    [("STATUS", "ASC"), ("QUANTITY", "DESC")],
    [("PROJECT", "DESC"), ("VINTAGE", "ASC")],
]


def expected_order(
    world: World, order: list[tuple[str, str]], owners: tuple[str, ...]
) -> list[Group]:
    """The groups sorted as the API must: each key in its direction, then the key (lowest block
    id) in the last key's direction."""
    groups = sorted(
        world.of(*owners), key=lambda g: world.groups[g][2], reverse=order[-1][1] == "DESC"
    )
    for field, direction in reversed(order):
        groups.sort(
            key=lambda g: SORT_VALUES[field](g, world.groups[g]), reverse=direction == "DESC"
        )
    return groups


PAGE = f"""
query($first: Int, $after: String, $last: Int, $before: String, $orderBy: [CreditHoldingOrder!]) {{
  creditHoldings(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy) {{
    nodes {{ {NODE} }}
    pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
  }}
}}
"""


@pytest.mark.parametrize("order", ORDERS, ids=lambda o: ",".join(f"{f}_{d}" for f, d in o))
async def test_holdings_page_forwards_and_backwards_in_every_ordering(
    gql: GraphQLClient, world: World, order: list[tuple[str, str]]
) -> None:
    admin = gql.as_viewer(world.viewers["admin"])
    order_by = [{"field": field, "direction": direction} for field, direction in order]

    forwards: list[Group] = []
    cursor = None
    while True:
        page = (await admin.data(PAGE, first=2, after=cursor, orderBy=order_by))["creditHoldings"]
        forwards += [group_of(node) for node in page["nodes"]]
        cursor = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
    backwards: list[Group] = []
    cursor = None
    while True:
        page = (await admin.data(PAGE, last=2, before=cursor, orderBy=order_by))["creditHoldings"]
        backwards = [group_of(node) for node in page["nodes"]] + backwards
        cursor = page["pageInfo"]["startCursor"]
        if not page["pageInfo"]["hasPreviousPage"]:
            break

    expected = expected_order(world, order, ("owner", "other"))
    assert forwards == expected
    assert backwards == expected


async def test_company_holdings_page_within_each_company(gql: GraphQLClient, world: World) -> None:
    query = """
    query($after: String) {
      companies(first: 10, where: {slug: {in: ["owner", "other"]}}) { nodes {
        slug
        creditHoldings(first: 2, after: $after, orderBy: [{field: QUANTITY, direction: DESC}]) {
          nodes { quantity } pageInfo { hasNextPage endCursor }
        }
      } }
    }
    """
    admin = gql.as_viewer(world.viewers["admin"])

    first = await admin.data(query)
    pages = {c["slug"]: c["creditHoldings"] for c in first["companies"]["nodes"]}
    second = await admin.data(query, after=pages["owner"]["pageInfo"]["endCursor"])
    owner_next = next(c for c in second["companies"]["nodes"] if c["slug"] == "owner")

    assert [n["quantity"] for n in pages["owner"]["nodes"]] == [100, 45]
    assert pages["owner"]["pageInfo"]["hasNextPage"] is True
    assert [n["quantity"] for n in pages["other"]["nodes"]] == [20]
    assert pages["other"]["pageInfo"]["hasNextPage"] is False
    assert [n["quantity"] for n in owner_next["creditHoldings"]["nodes"]] == [40, 15]


# Bad input --------------------------------------------------------------------------------------


async def test_a_cursor_of_another_ordering_is_refused(gql: GraphQLClient, world: World) -> None:
    admin = gql.as_viewer(world.viewers["admin"])
    page = await admin.data(PAGE, first=1, orderBy=[{"field": "QUANTITY"}])
    cursor = page["creditHoldings"]["pageInfo"]["endCursor"]

    errors = await admin.errors(PAGE, first=1, after=cursor, orderBy=[{"field": "VINTAGE"}])

    assert [error["extensions"]["code"] for error in errors] == ["INVALID_CURSOR"]


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        pytest.param(
            "first: 10, where: {vintage: {gte: 2030, lte: 2020}}", "vintage", id="inverted"
        ),
        pytest.param("first: 101", "first", id="page too large"),
        pytest.param("first: -1", "first", id="negative page"),
        pytest.param(
            "first: 5, orderBy: [{field: VINTAGE}, {field: VINTAGE, direction: DESC}]",
            "orderBy",
            id="key twice",
        ),
    ],
)
async def test_bad_holdings_arguments_are_bad_user_input(
    gql: GraphQLClient, world: World, arguments: str, field: str
) -> None:
    errors = await gql.as_viewer(world.viewers["owner"]).errors(
        f"{{ creditHoldings({arguments}) {{ totalCount nodes {{ quantity }} }} }}"
    )

    assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in errors] == [
        ("BAD_USER_INPUT", field)
    ]


async def test_an_unknown_status_is_a_validation_error(gql: GraphQLClient, world: World) -> None:
    errors = await gql.errors(
        '{ creditHoldings(first: 1, where: {status: {eq: "held"}}) { totalCount } }'
    )

    assert len(errors) == 1
    assert "CreditStatus" in errors[0]["message"]


# Statements -------------------------------------------------------------------------------------

SIZES = (5, 100)


async def companies_with_holdings(db: Database) -> None:
    companies = [
        models.Company(slug=f"h-{n}", name=f"Holder {n:03d}", sector="Retail", hq_country="US")
        for n in range(max(SIZES))
    ]
    db.session.add_all(companies)
    await db.session.flush()
    project = await factories.make_project(db)
    issuances = [
        await factories.make_issuance(db, project, vintage=v, total_quantity=2100)
        for v in (2021, 2022)
    ]
    issuance_ids = [issuance.id for issuance in issuances if issuance.id is not None]
    db.session.add_all(
        models.CreditBlock(
            issuance_id=issuance_id,
            serial_start=20 * n + 1,
            serial_end=20 * n + 10 + v,
            quantity=10 + v,
            status=HELD,
            owner_company_id=company.id,
            created_at=datetime(2024, 1, 1, tzinfo=UTC),
        )
        for n, company in enumerate(companies)
        for v, issuance_id in enumerate(issuance_ids)
    )
    await db.session.flush()


async def test_company_holdings_cost_the_same_statements_for_5_and_100_companies(
    gql: GraphQLClient, db: Database, statements: StatementCounter
) -> None:
    await companies_with_holdings(db)
    admin = gql.as_viewer(Viewer(role=Role.ADMIN)).with_settings(
        ApiSettings(max_cost=50_000, budget_capacity=50_000)
    )
    query = """
    query($first: Int!) {
      companies(first: $first, where: {name: {startsWith: "Holder "}}) { nodes {
        creditHoldings(first: 10) { totalCount nodes { vintage quantity project { name } } }
      } }
    }
    """
    counts = []
    for size in SIZES:
        statements.reset()
        data = await admin.data(query, first=size)
        counts.append(statements.count)
        holdings = [c["creditHoldings"] for c in data["companies"]["nodes"]]
        assert len(holdings) == size
        assert all(h["totalCount"] == 2 for h in holdings)
        assert all([n["quantity"] for n in h["nodes"]] == [10, 11] for h in holdings)

    # companies page + holdings pages + holdings counts + projects
    assert counts == [4, 4], statements.statements


async def test_holdings_and_retirements_follow_purchases_and_retirements_through_the_api(
    gql: GraphQLClient, db: Database
) -> None:
    holder = await exchange.eligible_buyer(db)
    project = await exchange.project_on_offer(db)
    await exchange.record(gql, project)
    await exchange.buy(gql, holder, project, 300)
    await exchange.retire(gql, holder, project, 120)

    data = await gql.as_viewer(exchange.partner_of(holder)).data(
        """
        query($company: String!, $project: String!) {
          company(slug: $company) {
            creditHoldings(first: 10) { nodes { vintage status quantity blockCount } }
            retirements(first: 10) { nodes { quantity project { slug } } }
          }
          carbonProject(slug: $project) { credits { issued available held retired } }
        }
        """,
        company=holder.slug,
        project=project.slug,
    )

    assert data["company"]["creditHoldings"]["nodes"] == [
        {"vintage": 2023, "status": "HELD", "quantity": 180, "blockCount": 1},
        {"vintage": 2023, "status": "RETIRED", "quantity": 120, "blockCount": 1},
    ]
    assert data["company"]["retirements"]["nodes"] == [
        {"quantity": 120, "project": {"slug": project.slug}}
    ]
    assert data["carbonProject"]["credits"] == {
        "issued": 900,
        "available": 600,
        "held": 180,
        "retired": 120,
    }
