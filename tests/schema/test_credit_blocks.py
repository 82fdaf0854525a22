"""CreditBlock and Purchase as their owner sees them: fields, filters, ordering and paging."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import models
from models.db import Database
from resolvers.viewer import Role, Viewer
from tests import factories
from tests.fixtures.graphql import GraphQLClient


@pytest.fixture
async def owner(db: Database) -> models.Company:
    return await factories.make_company(db, slug="owner")


@pytest.fixture
def as_owner(gql: GraphQLClient, owner: models.Company) -> GraphQLClient:
    return gql.as_viewer(Viewer(role=Role.PARTNER, company_id=owner.id))


async def test_a_held_block_shows_its_serials_status_issuance_and_purchase(
    db: Database, owner: models.Company, as_owner: GraphQLClient
) -> None:
    project = await factories.make_project(db, slug="mangroves")
    issuance = await factories.make_issuance(db, project, vintage=2022, serial_prefix="VCS-9")
    purchase = await factories.make_purchase(
        db,
        owner,
        project,
        quantity=40,
        unit_price_cents=1850,
        vintage=2022,
        purchased_at=datetime(2024, 6, 1, 9, 30, tzinfo=UTC),
    )
    await factories.make_block(
        db,
        issuance,
        serial_start=11,
        serial_end=50,
        registry_serial="VCS-9-11-50",
        status=models.CreditStatus.HELD,
        owner_company_id=owner.id,
        purchase_id=purchase.id,
        created_at=datetime(2024, 6, 1, 9, 30, tzinfo=UTC),
    )

    data = await as_owner.data(
        """
        {
          creditBlocks(first: 5) {
            nodes {
              serialStart serialEnd quantity registrySerial status createdAt vintage
              issuance { serialPrefix } project { slug } owner { slug } retirement { id }
              purchase {
                quantity vintage purchasedAt
                unitPrice { amount currency } totalPrice { amount currency }
                buyer { slug } project { slug }
              }
            }
          }
        }
        """
    )

    assert data["creditBlocks"]["nodes"] == [
        {
            "serialStart": 11,
            "serialEnd": 50,
            "quantity": 40,
            "registrySerial": "VCS-9-11-50",
            "status": "HELD",
            "createdAt": "2024-06-01T09:30:00+00:00",
            "vintage": 2022,
            "issuance": {"serialPrefix": "VCS-9"},
            "project": {"slug": "mangroves"},
            "owner": {"slug": "owner"},
            "retirement": None,
            "purchase": {
                "quantity": 40,
                "vintage": 2022,
                "purchasedAt": "2024-06-01T09:30:00+00:00",
                "unitPrice": {"amount": "18.50", "currency": "USD"},
                "totalPrice": {"amount": "740.00", "currency": "USD"},
                "buyer": {"slug": "owner"},
                "project": {"slug": "mangroves"},
            },
        }
    ]


PURCHASES = """
query($where: PurchaseWhere) { purchases(first: 10, where: $where) { nodes { quantity } } }
"""


@pytest.fixture
async def purchases_in_june(db: Database, owner: models.Company) -> None:
    """Purchases of 1, 2 and 3 credits at 22:00, 23:00 and 00:00 UTC around 1 June 2024."""
    project = await factories.make_project(db)
    start = datetime(2024, 5, 31, 22, tzinfo=UTC)
    for n in range(3):
        at = start + timedelta(hours=n)
        await factories.make_purchase(db, owner, project, quantity=n + 1, purchased_at=at)


@pytest.mark.parametrize(
    ("bounds", "quantities"),
    [
        pytest.param({"gte": "2024-06-01T00:00:00Z"}, [3], id="from midnight UTC"),
        pytest.param({"gte": "2024-06-01T00:00:00+02:00"}, [1, 2, 3], id="from midnight CEST"),
        pytest.param({"lt": "2024-06-01T00:00:00+01:00"}, [1], id="before midnight BST"),
        pytest.param({"gt": "2024-05-31T22:00Z", "lte": "2024-05-31T23:00Z"}, [2], id="between"),
    ],
)  # fmt: skip
async def test_purchased_at_filters_compare_instants_whatever_their_offset(
    as_owner: GraphQLClient, purchases_in_june: None, bounds: dict[str, str], quantities: list[int]
) -> None:
    data = await as_owner.data(PURCHASES, where={"purchasedAt": bounds})

    assert sorted(node["quantity"] for node in data["purchases"]["nodes"]) == quantities


@pytest.mark.parametrize(
    "bounds",
    [
        pytest.param({"gte": "2024-06-01T00:00:00"}, id="no offset"),
        pytest.param({"gte": "2024-06-02T00:00:00Z", "lte": "2024-06-01T00:00:00Z"}, id="inverted"),
    ],
)
async def test_a_purchased_at_range_without_offset_or_inverted_is_bad_user_input(
    as_owner: GraphQLClient, bounds: dict[str, str]
) -> None:
    errors = await as_owner.errors(PURCHASES, where={"purchasedAt": bounds})

    assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in errors] == [
        ("BAD_USER_INPUT", "purchasedAt")
    ]


async def test_an_inverted_vintage_range_on_blocks_is_bad_user_input(
    as_owner: GraphQLClient,
) -> None:
    errors = await as_owner.errors(
        "{ creditBlocks(where: {vintage: {gte: 2030, lte: 2020}}) { totalCount } }"
    )

    assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in errors] == [
        ("BAD_USER_INPUT", "vintage")
    ]


BY_QUANTITY = """
query($after: String) {
  creditBlocks(first: 2, after: $after, orderBy: [{field: QUANTITY, direction: DESC}]) {
    nodes { quantity }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def test_a_partner_pages_through_its_own_blocks_only_and_a_cursor_carries_no_rows(
    db: Database, gql: GraphQLClient, owner: models.Company, as_owner: GraphQLClient
) -> None:
    other = await factories.make_company(db)
    issuance = await factories.make_issuance(db, await factories.make_project(db))
    start = issuance.serial_start
    # The owner's blocks of 50, 30, 20 and 10 credits among the other company's 40 and 25.
    for holder, quantity in [
        (owner, 50),
        (other, 40),
        (owner, 30),
        (other, 25),
        (owner, 20),
        (owner, 10),
    ]:
        await factories.make_block(
            db,
            issuance,
            serial_start=start,
            serial_end=start + quantity - 1,
            status=models.CreditStatus.HELD,
            owner_company_id=holder.id,
        )
        start += quantity  # fmt: skip

    seen: list[int] = []
    cursors: list[str] = []
    cursor = None
    for _ in range(3):
        page = (await as_owner.data(BY_QUANTITY, after=cursor))["creditBlocks"]
        seen += [node["quantity"] for node in page["nodes"]]
        cursor = page["pageInfo"]["endCursor"]
        cursors.append(cursor)
        if not page["pageInfo"]["hasNextPage"]:
            break
    as_other = gql.as_viewer(Viewer(role=Role.PARTNER, company_id=other.id))
    after_owner_s_first_page = await as_other.data(BY_QUANTITY, after=cursors[0])

    assert seen == [50, 30, 20, 10]
    # The owner's cursor is a position (after 30 credits), not a view into the owner's rows.
    assert [n["quantity"] for n in after_owner_s_first_page["creditBlocks"]["nodes"]] == [25]


async def test_company_credit_blocks_page_with_cursors_within_that_company(
    db: Database, owner: models.Company, as_owner: GraphQLClient
) -> None:
    issuance = await factories.make_issuance(db, await factories.make_project(db))
    for n in range(5):
        await factories.make_block(
            db,
            issuance,
            serial_start=1 + 10 * n,
            serial_end=10 + 10 * n,
            status=models.CreditStatus.HELD,
            owner_company_id=owner.id,
            created_at=datetime(2024, 1, 1 + n, tzinfo=UTC),
        )
    query = """
    query($after: String) {
      company(slug: "owner") {
        creditBlocks(first: 2, after: $after) {
          nodes { serialStart }
          pageInfo { hasNextPage endCursor }
        }
      }
    }
    """

    seen: list[int] = []
    cursor = None
    for _ in range(4):
        page = (await as_owner.data(query, after=cursor))["company"]["creditBlocks"]
        seen += [node["serialStart"] for node in page["nodes"]]
        cursor = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break

    assert seen == [41, 31, 21, 11, 1]


async def test_purchases_filter_by_the_vintage_ordered_at_root_and_under_the_company(
    db: Database, owner: models.Company, as_owner: GraphQLClient
) -> None:
    project = await factories.make_project(db)
    for quantity, vintage in [(1, 2019), (2, 2021), (3, 2023), (4, None)]:
        await factories.make_purchase(db, owner, project, quantity=quantity, vintage=vintage)
    where = {"vintage": {"gte": 2020}}

    root = await as_owner.data(PURCHASES, where=where)
    nested = await as_owner.data(
        """query($where: PurchaseWhere) { company(slug: "owner") {
            purchases(first: 10, where: $where) { totalCount nodes { quantity } } } }""",
        where=where,
    )

    # A purchase that named no vintage matches no vintage range.
    assert sorted(node["quantity"] for node in root["purchases"]["nodes"]) == [2, 3]
    assert nested["company"]["purchases"]["totalCount"] == 2
