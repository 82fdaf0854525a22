"""The credit exchange through the API: issue, buy, retire, cancel; typed refusals; the books."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlmodel import func, select
from strawberry.relay import to_base64

import models
from models.db import Database
from resolvers.viewer import Role, Viewer
from tests import factories
from tests.books import assert_books_balance
from tests.exchange_world import ADMIN, LAST_YEAR, PRICE_CENTS, make_buyer
from tests.fixtures.graphql import GraphQLClient

RECORD = """
mutation ($input: IssuanceRecordInput!) {
  issuanceRecord(input: $input) {
    issuance { id issuedQuantity serialStart serialEnd provenance credits { issued available } }
    userErrors { field message code }
  }
}"""
PURCHASE = """
mutation ($input: CreditsPurchaseInput!) {
  creditsPurchase(input: $input) {
    purchase {
      id quantity vintage unitPrice { amount currency } totalPrice { amount currency }
      buyer { slug }
      creditBlocks(first: 10, orderBy: [{field: SERIAL_START}]) {
        nodes { serialStart serialEnd quantity status }
      }
    }
    replayed
    userErrors { field message code }
  }
}"""
RETIRE = """
mutation ($input: CreditsRetireInput!) {
  creditsRetire(input: $input) {
    retirement { id quantity claimYear reason beneficiaryName project { slug } }
    replayed
    userErrors { field message code }
  }
}"""
CANCEL = """
mutation ($input: CreditBlockCancelInput!) {
  creditBlockCancel(input: $input) {
    creditBlock { id quantity status serialStart serialEnd }
    userErrors { field message code }
  }
}"""


def gid(type_name: str, row_id: int | None) -> str:
    return to_base64(type_name, row_id)


def partner_of(company: models.Company) -> Viewer:
    return Viewer(role=Role.PARTNER, company_id=company.id)


async def eligible_buyer(db: Database, *, reported: int = 1_000_000) -> models.Company:
    """A company meeting all three buyer conditions, with `reported` tonnes for last year."""
    return await make_buyer(db, reported={LAST_YEAR: reported})


async def project_on_offer(db: Database, **overrides: Any) -> models.CarbonProject:
    return await factories.make_project(db, offer_price_cents=PRICE_CENTS, **overrides)


async def record(
    gql: GraphQLClient, project: models.CarbonProject, **overrides: Any
) -> dict[str, Any]:
    values = {
        "projectId": gid("CarbonProject", project.id),
        "vintage": 2023,
        "issuedOn": "2024-03-01",
        "totalQuantity": 1000,
        "bufferQuantity": 100,
        "serialPrefix": f"VCS-{project.id}-2023",
        "serialStart": 1,
    } | overrides
    data = await gql.as_viewer(ADMIN).data(RECORD, input=values)
    return dict(data["issuanceRecord"])


async def buy(
    gql: GraphQLClient,
    buyer: models.Company,
    project: models.CarbonProject,
    quantity: int,
    **extra: Any,
) -> dict[str, Any]:
    values = {"projectId": gid("CarbonProject", project.id), "quantity": quantity} | extra
    data = await gql.as_viewer(partner_of(buyer)).data(PURCHASE, input=values)
    return dict(data["creditsPurchase"])


async def retire(
    gql: GraphQLClient,
    holder: models.Company,
    project: models.CarbonProject,
    quantity: int,
    **extra: Any,
) -> dict[str, Any]:
    values = {
        "projectId": gid("CarbonProject", project.id),
        "quantity": quantity,
        "reason": "RESIDUAL_EMISSIONS",
        "claimYear": LAST_YEAR,
    } | extra
    data = await gql.as_viewer(partner_of(holder)).data(RETIRE, input=values)
    return dict(data["creditsRetire"])


async def count(db: Database, model: type[Any]) -> int:
    rows = await db.rows(select(func.count()).select_from(model))
    return int(rows[0][0])


async def snapshot(db: Database) -> tuple[int, ...]:
    """Row counts of every ledger table: a refused write must leave them all unchanged."""
    tables = (
        models.Issuance,
        models.CreditBlock,
        models.Purchase,
        models.Retirement,
        models.LedgerEvent,
        models.IdempotencyKey,
    )
    return tuple([await count(db, table) for table in tables])


async def test_an_admin_records_an_issuance_into_the_inventory(
    gql: GraphQLClient, db: Database
) -> None:
    project = await project_on_offer(db)

    payload = await record(gql, project, serialStart=5001, sourceUrl="https://registry.example/1")

    assert payload["userErrors"] == []
    issuance = payload["issuance"]
    assert issuance["issuedQuantity"] == 900
    assert (issuance["serialStart"], issuance["serialEnd"]) == (5001, 5900)
    assert issuance["provenance"] == "SOURCED"
    assert issuance["credits"] == {"issued": 900, "available": 900}
    await assert_books_balance(db)


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"bufferQuantity": 1000}, ["input", "bufferQuantity"], "INVALID_INPUT"),
        ({"vintage": 2025}, ["input", "vintage"], "INVALID_INPUT"),
        ({"totalQuantity": 0}, ["input", "totalQuantity"], "INVALID_INPUT"),
        ({"serialStart": -1}, ["input", "serialStart"], "INVALID_INPUT"),
        ({"serialPrefix": " "}, ["input", "serialPrefix"], "BLANK"),
        ({"issuedOn": "2999-01-01"}, ["input", "issuedOn"], "INVALID_INPUT"),
        ({"sourceUrl": "ftp://x"}, ["input", "sourceUrl"], "INVALID_INPUT"),
    ],
)
async def test_an_issuance_with_bad_input_is_refused(
    gql: GraphQLClient, db: Database, overrides: dict[str, Any], field: list[str], code: str
) -> None:
    project = await project_on_offer(db)
    before = await snapshot(db)

    payload = await record(gql, project, **overrides)

    assert payload["issuance"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert await snapshot(db) == before


async def test_a_serial_prefix_is_unique_within_its_project(
    gql: GraphQLClient, db: Database
) -> None:
    project = await project_on_offer(db)
    await record(gql, project, serialPrefix="VCS-1")

    payload = await record(gql, project, serialPrefix="VCS-1", vintage=2022)

    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "serialPrefix"], "ALREADY_EXISTS")
    ]


async def test_a_vintage_outside_the_crediting_period_is_refused(
    gql: GraphQLClient, db: Database
) -> None:
    project = await project_on_offer(db, crediting_period_start=date(2024, 1, 1))

    payload = await record(gql, project, vintage=2023)

    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "vintage"], "INVALID_INPUT")
    ]


async def test_only_admins_record_issuances_or_cancel(gql: GraphQLClient, db: Database) -> None:
    project = await project_on_offer(db)
    partner = partner_of(await eligible_buyer(db))
    values = {
        "projectId": gid("CarbonProject", project.id),
        "vintage": 2023,
        "issuedOn": "2024-03-01",
        "totalQuantity": 10,
        "bufferQuantity": 1,
        "serialPrefix": "X",
        "serialStart": 1,
    }

    errors = await gql.as_viewer(partner).errors(RECORD, input=values)
    cancel = {"creditBlockId": gid("CreditBlock", 1), "note": "no"}
    cancel_errors = await gql.as_viewer(partner).errors(CANCEL, input=cancel)

    assert [e["extensions"]["code"] for e in errors + cancel_errors] == ["FORBIDDEN", "FORBIDDEN"]


async def test_a_purchase_splits_the_inventory_exactly(gql: GraphQLClient, db: Database) -> None:
    buyer = await eligible_buyer(db)
    project = await project_on_offer(db)
    await record(gql, project)

    payload = await buy(gql, buyer, project, 250)

    assert payload["userErrors"] == []
    assert payload["replayed"] is False
    purchase = payload["purchase"]
    assert purchase["quantity"] == 250
    assert purchase["vintage"] == 2023
    assert purchase["unitPrice"] == {"amount": "25.50", "currency": "USD"}
    assert purchase["totalPrice"] == {"amount": "6375.00", "currency": "USD"}
    assert purchase["buyer"] == {"slug": buyer.slug}
    assert purchase["creditBlocks"]["nodes"] == [
        {"serialStart": 1, "serialEnd": 250, "quantity": 250, "status": "HELD"}
    ]
    events = await db.all(select(models.LedgerEvent.kind).order_by(models.LedgerEvent.id))  # type: ignore[arg-type]
    assert events == [
        models.LedgerEventKind.ISSUED,
        models.LedgerEventKind.SPLIT,
        models.LedgerEventKind.PURCHASED,
    ]
    await assert_books_balance(db)


async def test_a_purchase_takes_the_oldest_vintage_first_and_spans_blocks(
    gql: GraphQLClient, db: Database
) -> None:
    buyer = await eligible_buyer(db)
    project = await project_on_offer(db)
    await record(gql, project, vintage=2023, serialPrefix="B", issuedOn="2024-05-01")
    await record(gql, project, vintage=2021, serialPrefix="A", issuedOn="2022-05-01")

    payload = await buy(gql, buyer, project, 1000)

    purchase = payload["purchase"]
    assert purchase["vintage"] is None  # two vintages in one order
    assert sorted(block["quantity"] for block in purchase["creditBlocks"]["nodes"]) == [100, 900]
    vintage_only = await buy(gql, buyer, project, 900, vintage=2023)
    assert [(e["field"], e["code"]) for e in vintage_only["userErrors"]] == [
        (["input", "quantity"], "INSUFFICIENT_CREDITS")
    ]
    assert "Only 800 credits of vintage 2023" in vintage_only["userErrors"][0]["message"]
    await assert_books_balance(db)


async def test_buying_more_than_the_inventory_writes_nothing(
    gql: GraphQLClient, db: Database
) -> None:
    buyer = await eligible_buyer(db)
    project = await project_on_offer(db)
    await record(gql, project)
    before = await snapshot(db)

    payload = await buy(gql, buyer, project, 901, idempotencyKey="k-1")

    assert payload["purchase"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["INSUFFICIENT_CREDITS"]
    assert await snapshot(db) == before  # the idempotency key too: a retry may succeed later


async def test_an_ineligible_buyer_gets_one_error_per_unmet_condition(
    gql: GraphQLClient, db: Database
) -> None:
    stranger = await factories.make_company(db)
    project = await project_on_offer(db)
    await record(gql, project)
    before = await snapshot(db)

    payload = await buy(gql, stranger, project, 10)

    assert payload["purchase"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["INELIGIBLE_BUYER"] * 3
    messages = " ".join(e["message"] for e in payload["userErrors"])
    assert "net-zero target" in messages
    assert "public emissions report" in messages
    assert "residual emissions" in messages
    assert await snapshot(db) == before


async def test_credits_not_on_offer_or_above_the_limit_are_not_sold(
    gql: GraphQLClient, db: Database
) -> None:
    buyer = await eligible_buyer(db)
    unpriced = await factories.make_project(db)
    priced = await project_on_offer(db)
    await record(gql, unpriced)
    await record(gql, priced)

    not_for_sale = await buy(gql, buyer, unpriced, 10)
    too_dear = await buy(gql, buyer, priced, 10, maxUnitPrice="25.49")
    affordable = await buy(gql, buyer, priced, 10, maxUnitPrice="25.50")

    assert [e["code"] for e in not_for_sale["userErrors"]] == ["NOT_FOR_SALE"]
    assert [(e["field"], e["code"]) for e in too_dear["userErrors"]] == [
        (["input", "maxUnitPrice"], "PRICE_ABOVE_LIMIT")
    ]
    assert affordable["userErrors"] == []


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"maxUnitPrice": "1.001"}, "maxUnitPrice"),
        ({"idempotencyKey": "x" * 101}, "idempotencyKey"),
        ({"idempotencyKey": "tab\there"}, "idempotencyKey"),
        ({"vintage": 1800}, "vintage"),
    ],
)
async def test_bad_purchase_input_is_a_typed_error(
    gql: GraphQLClient, db: Database, extra: dict[str, Any], field: str
) -> None:
    buyer = await eligible_buyer(db)
    project = await project_on_offer(db)
    await record(gql, project)
    values = {"quantity": 10} | extra

    payload = await buy(gql, buyer, project, **values)

    assert payload["purchase"] is None
    assert [e["field"] for e in payload["userErrors"]] == [["input", field]]


async def test_who_may_buy(gql: GraphQLClient, db: Database) -> None:
    buyer = await eligible_buyer(db)
    other = await eligible_buyer(db)
    project = await project_on_offer(db)
    await record(gql, project)
    values = {"projectId": gid("CarbonProject", project.id), "quantity": 1}

    anonymous = await gql.errors(PURCHASE, input=values)
    for_another = await gql.as_viewer(partner_of(buyer)).errors(
        PURCHASE, input=values | {"companyId": gid("Company", other.id)}
    )
    admin_without_company = await gql.as_viewer(ADMIN).data(PURCHASE, input=values)
    admin_for_buyer = await gql.as_viewer(ADMIN).data(
        PURCHASE, input=values | {"companyId": gid("Company", buyer.id)}
    )

    assert anonymous[0]["extensions"]["code"] == "FORBIDDEN"
    assert for_another[0]["extensions"]["code"] == "FORBIDDEN"
    assert [
        (e["field"], e["code"]) for e in admin_without_company["creditsPurchase"]["userErrors"]
    ] == [(["input", "companyId"], "BLANK")]
    assert admin_for_buyer["creditsPurchase"]["purchase"]["buyer"] == {"slug": buyer.slug}


async def test_the_same_idempotency_key_replays_the_first_purchase(
    gql: GraphQLClient, db: Database
) -> None:
    buyer = await eligible_buyer(db)
    project = await project_on_offer(db)
    await record(gql, project)

    first = await buy(gql, buyer, project, 100, idempotencyKey="order-42")
    after_first = await snapshot(db)
    again = await buy(gql, buyer, project, 100, idempotencyKey="order-42")
    changed = await buy(gql, buyer, project, 101, idempotencyKey="order-42")

    assert again["replayed"] is True
    assert again["purchase"] == first["purchase"]
    assert await snapshot(db) == after_first
    assert [(e["field"], e["code"]) for e in changed["userErrors"]] == [
        (["input", "idempotencyKey"], "IDEMPOTENCY_KEY_REUSED")
    ]
    # Keys are per company: another buyer's identical key is a new order.
    other = await eligible_buyer(db)
    theirs = await buy(gql, other, project, 100, idempotencyKey="order-42")
    assert theirs["replayed"] is False
    assert theirs["purchase"]["id"] != first["purchase"]["id"]
    await assert_books_balance(db)


async def test_a_retirement_is_final_public_and_splits_holdings(
    gql: GraphQLClient, db: Database
) -> None:
    holder = await eligible_buyer(db)
    project = await project_on_offer(db)
    await record(gql, project)
    await buy(gql, holder, project, 300)

    payload = await retire(gql, holder, project, 120, note="FY residual emissions")

    assert payload["userErrors"] == []
    retirement = payload["retirement"]
    assert retirement["quantity"] == 120
    assert retirement["claimYear"] == LAST_YEAR
    assert retirement["beneficiaryName"] == holder.name
    assert retirement["project"] == {"slug": project.slug}
    public = await gql.data("{ retirements(first: 5) { nodes { quantity beneficiary { slug } } } }")
    assert public["retirements"]["nodes"] == [
        {"quantity": 120, "beneficiary": {"slug": holder.slug}}
    ]
    held = await db.all(
        select(models.CreditBlock).where(models.CreditBlock.owner_company_id == holder.id)
    )
    live = {(b.status, b.quantity) for b in held if b.status is not models.CreditStatus.SPLIT}
    assert live == {(models.CreditStatus.RETIRED, 120), (models.CreditStatus.HELD, 180)}
    await assert_books_balance(db)


async def test_retiring_more_than_held_or_than_reported_is_refused(
    gql: GraphQLClient, db: Database
) -> None:
    holder = await eligible_buyer(db, reported=150)
    project = await project_on_offer(db)
    await record(gql, project)
    await buy(gql, holder, project, 300)
    await retire(gql, holder, project, 100)
    before = await snapshot(db)

    too_many = await retire(gql, holder, project, 301)
    over_claim = await retire(gql, holder, project, 51)
    unreported_year = await retire(gql, holder, project, 1, claimYear=LAST_YEAR - 1)

    assert [e["code"] for e in too_many["userErrors"]] == ["INSUFFICIENT_CREDITS"]
    assert [e["code"] for e in over_claim["userErrors"]] == ["CLAIM_EXCEEDS_REPORTED_EMISSIONS"]
    assert "at most 50 more tonnes" in over_claim["userErrors"][0]["message"]
    assert [e["code"] for e in unreported_year["userErrors"]] == [
        "CLAIM_EXCEEDS_REPORTED_EMISSIONS"
    ]
    assert await snapshot(db) == before
    assert (await retire(gql, holder, project, 50))["userErrors"] == []
    await assert_books_balance(db)


async def test_a_partner_retires_only_its_own_credits(gql: GraphQLClient, db: Database) -> None:
    holder = await eligible_buyer(db)
    other = await eligible_buyer(db)
    project = await project_on_offer(db)
    await record(gql, project)
    await buy(gql, holder, project, 300)

    nothing_held = await retire(gql, other, project, 1)
    errors = await gql.as_viewer(partner_of(other)).errors(
        RETIRE,
        input={
            "companyId": gid("Company", holder.id),
            "projectId": gid("CarbonProject", project.id),
            "quantity": 1,
            "reason": "OTHER",
            "claimYear": LAST_YEAR,
        },
    )

    assert [e["code"] for e in nothing_held["userErrors"]] == ["INSUFFICIENT_CREDITS"]
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"


async def test_retirement_replays_by_idempotency_key(gql: GraphQLClient, db: Database) -> None:
    holder = await eligible_buyer(db)
    project = await project_on_offer(db)
    await record(gql, project)
    await buy(gql, holder, project, 300)

    first = await retire(gql, holder, project, 10, idempotencyKey="r-1")
    again = await retire(gql, holder, project, 10, idempotencyKey="r-1")
    reused_for_a_purchase = await buy(gql, holder, project, 10, idempotencyKey="r-1")

    assert again["replayed"] is True
    assert again["retirement"] == first["retirement"]
    assert await count(db, models.Retirement) == 1
    assert [e["code"] for e in reused_for_a_purchase["userErrors"]] == ["IDEMPOTENCY_KEY_REUSED"]


async def test_an_admin_cancels_part_of_a_block_and_retired_credits_stay_final(
    gql: GraphQLClient, db: Database
) -> None:
    holder = await eligible_buyer(db)
    project = await project_on_offer(db)
    await record(gql, project)
    bought = await buy(gql, holder, project, 300)
    assert bought["userErrors"] == []
    await retire(gql, holder, project, 100)
    blocks = await db.all(
        select(models.CreditBlock)
        .where(models.CreditBlock.owner_company_id == holder.id)
        .order_by(models.CreditBlock.id)  # type: ignore[arg-type]
    )
    retired = next(b for b in blocks if b.status is models.CreditStatus.RETIRED)
    held = next(b for b in blocks if b.status is models.CreditStatus.HELD)
    admin = gql.as_viewer(ADMIN)

    partial = await admin.data(
        CANCEL, input={"creditBlockId": gid("CreditBlock", held.id), "quantity": 50, "note": "fix"}
    )
    again = await admin.data(
        CANCEL, input={"creditBlockId": gid("CreditBlock", retired.id), "note": "fix"}
    )
    split = await admin.data(
        CANCEL, input={"creditBlockId": gid("CreditBlock", held.id), "note": "fix"}
    )

    cancelled = partial["creditBlockCancel"]["creditBlock"]
    assert (cancelled["quantity"], cancelled["status"]) == (50, "CANCELLED")
    assert cancelled["serialStart"] == held.serial_start
    assert [e["code"] for e in again["creditBlockCancel"]["userErrors"]] == ["ALREADY_RETIRED"]
    assert [e["code"] for e in split["creditBlockCancel"]["userErrors"]] == ["INVALID_INPUT"]
    await assert_books_balance(db)


async def test_an_admin_acting_for_a_missing_company_is_not_found(
    gql: GraphQLClient, db: Database
) -> None:
    project = await project_on_offer(db)
    await record(gql, project)
    missing = gid("Company", 2_000_000_000)
    purchase = {"companyId": missing, "projectId": gid("CarbonProject", project.id), "quantity": 1}
    retirement = purchase | {"reason": "OTHER", "claimYear": LAST_YEAR}

    bought = await gql.as_viewer(ADMIN).data(PURCHASE, input=purchase)
    retired = await gql.as_viewer(ADMIN).data(RETIRE, input=retirement)

    for payload in (bought["creditsPurchase"], retired["creditsRetire"]):
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
            (["input", "companyId"], "NOT_FOUND")
        ]


async def test_a_field_sent_as_null_or_left_out_is_the_same_request(
    gql: GraphQLClient, db: Database
) -> None:
    buyer = await eligible_buyer(db)
    project = await project_on_offer(db)
    await record(gql, project)

    first = await buy(gql, buyer, project, 10, idempotencyKey="same")
    again = await buy(gql, buyer, project, 10, idempotencyKey="same", vintage=None)

    assert again["userErrors"] == []
    assert again["replayed"] is True
    assert again["purchase"]["id"] == first["purchase"]["id"]
