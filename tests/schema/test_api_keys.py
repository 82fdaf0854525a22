"""`viewer`, and API key management in GraphQL: admins only, typed refusals, keys shown once."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import func, select
from strawberry import relay

import models
from models import ApiKeyRole
from models.db import Database
from resolvers.api_keys import authenticate
from resolvers.errors import Unauthenticated
from resolvers.viewer import ANONYMOUS, Viewer
from schema.root import schema
from tests import factories
from tests.fixtures.graphql import GraphQLClient

VIEWER = """
query {
  viewer { role company { slug } apiKey { id name prefix role firstParty company { slug } } }
}
"""
API_KEYS = """
query ApiKeys($where: ApiKeyWhere, $orderBy: [ApiKeyOrder!]) {
  apiKeys(first: 10, where: $where, orderBy: $orderBy) {
    totalCount
    nodes { name prefix role firstParty revokedAt company { slug } }
  }
}
"""
CREATE = """
mutation Create($input: ApiKeyCreateInput!) {
  apiKeyCreate(input: $input) {
    secret
    apiKey { id name prefix role firstParty createdAt revokedAt company { slug } }
    userErrors { field message code }
  }
}
"""
REVOKE = """
mutation Revoke($id: ID!) {
  apiKeyRevoke(input: {id: $id}) {
    apiKey { prefix revokedAt }
    userErrors { field message code }
  }
}
"""
NODE = "query Node($id: ID!) { node(id: $id) { ... on ApiKey { name } } }"


def global_id(api_key: models.ApiKey) -> str:
    return str(relay.GlobalID("ApiKey", str(api_key.id)))


async def key_count(db: Database) -> int:
    ((count,),) = await db.rows(select(func.count()).select_from(models.ApiKey))
    return int(count)


async def caller(db: Database, key: str) -> Viewer:
    return await authenticate(db, f"Bearer {key}")


@pytest.fixture
async def admin(gql: GraphQLClient) -> GraphQLClient:
    made = await factories.make_api_key(gql.db, name="Ops")
    return gql.as_viewer(await caller(gql.db, made.key))


@pytest.fixture
async def partner(gql: GraphQLClient) -> GraphQLClient:
    company = await factories.make_company(gql.db, slug="acme")
    made = await factories.make_api_key(gql.db, ApiKeyRole.PARTNER, company, name="Acme")
    return gql.as_viewer(await caller(gql.db, made.key))


async def test_viewer_without_a_key_is_anonymous(gql: GraphQLClient) -> None:
    data = await gql.data(VIEWER)

    assert data == {"viewer": {"role": "ANONYMOUS", "company": None, "apiKey": None}}


async def test_viewer_with_a_partner_key_names_its_company_and_key(
    partner: GraphQLClient,
) -> None:
    data = await partner.data(VIEWER)

    key = data["viewer"].pop("apiKey")
    assert data == {"viewer": {"role": "PARTNER", "company": {"slug": "acme"}}}
    assert key["name"] == "Acme"
    assert key["role"] == "PARTNER"
    assert key["company"] == {"slug": "acme"}
    assert partner.viewer.api_key_id is not None
    assert key["id"] == str(relay.GlobalID("ApiKey", str(partner.viewer.api_key_id)))


async def test_viewer_with_an_admin_key_is_admin_without_a_company(admin: GraphQLClient) -> None:
    data = await admin.data(VIEWER)

    assert data["viewer"]["role"] == "ADMIN"
    assert data["viewer"]["company"] is None
    assert data["viewer"]["apiKey"]["name"] == "Ops"


def test_api_key_type_never_exposes_the_key_or_its_hash() -> None:
    fields = set(schema._schema.type_map["ApiKey"].fields)  # type: ignore[attr-defined]

    assert fields == {
        "id",
        "name",
        "prefix",
        "role",
        "company",
        "firstParty",
        "createdAt",
        "revokedAt",
    }


def assert_forbidden(errors: list[Any], path: str) -> None:
    assert [(error["path"], error["extensions"]["code"]) for error in errors] == [
        ([path], "FORBIDDEN")
    ]


async def test_keys_are_private_to_their_company_and_admins(
    gql: GraphQLClient, partner: GraphQLClient, admin: GraphQLClient
) -> None:
    other = await factories.make_company(gql.db, slug="globex")
    await factories.make_api_key(gql.db, ApiKeyRole.PARTNER, other, name="Globex")

    def names(data: dict[str, Any]) -> tuple[int, list[str]]:
        page = data["apiKeys"]
        return page["totalCount"], sorted(node["name"] for node in page["nodes"])

    assert names(await gql.data(API_KEYS)) == (0, [])
    assert names(await partner.data(API_KEYS)) == (1, ["Acme"])
    assert names(await admin.data(API_KEYS)) == (3, ["Acme", "Globex", "Ops"])


async def test_admin_lists_keys_with_filters(admin: GraphQLClient) -> None:
    company = await factories.make_company(admin.db, slug="globex")
    partner_key = await factories.make_api_key(
        admin.db, ApiKeyRole.PARTNER, company, name="Globex", first_party=True
    )
    spare = await factories.make_api_key(admin.db, name="Spare")
    revoked = await admin.data(REVOKE, id=global_id(spare.api_key))
    assert revoked["apiKeyRevoke"]["userErrors"] == []

    everything = await admin.data(API_KEYS, orderBy=[{"field": "NAME"}])
    working = await admin.data(API_KEYS, where={"revoked": False}, orderBy=[{"field": "NAME"}])
    partners = await admin.data(API_KEYS, where={"role": {"eq": "PARTNER"}})
    gone = await admin.data(API_KEYS, where={"revoked": True})

    assert [node["name"] for node in everything["apiKeys"]["nodes"]] == ["Globex", "Ops", "Spare"]
    assert everything["apiKeys"]["totalCount"] == 3
    assert [node["name"] for node in working["apiKeys"]["nodes"]] == ["Globex", "Ops"]
    assert partners["apiKeys"]["nodes"] == [
        {
            "name": "Globex",
            "prefix": partner_key.api_key.prefix,
            "role": "PARTNER",
            "firstParty": True,
            "revokedAt": None,
            "company": {"slug": "globex"},
        }
    ]
    [spare_node] = gone["apiKeys"]["nodes"]
    assert spare_node["name"] == "Spare"
    assert spare_node["revokedAt"] is not None


async def test_keys_list_newest_first_by_default(admin: GraphQLClient) -> None:
    await factories.make_api_key(admin.db, name="Second")
    await factories.make_api_key(admin.db, name="Third")

    data = await admin.data(API_KEYS)

    assert [node["name"] for node in data["apiKeys"]["nodes"]] == ["Third", "Second", "Ops"]


async def test_keys_page_with_cursors_over_creation_times(admin: GraphQLClient) -> None:
    for name in ("Second", "Third", "Fourth"):
        await factories.make_api_key(admin.db, name=name)
    query = """
    query Page($after: String) {
      apiKeys(first: 2, after: $after) { nodes { name } pageInfo { hasNextPage endCursor } }
    }
    """

    first = (await admin.data(query))["apiKeys"]
    second = (await admin.data(query, after=first["pageInfo"]["endCursor"]))["apiKeys"]

    assert [node["name"] for node in first["nodes"] + second["nodes"]] == [
        "Fourth",
        "Third",
        "Second",
        "Ops",
    ]
    assert (first["pageInfo"]["hasNextPage"], second["pageInfo"]["hasNextPage"]) == (True, False)


async def test_admin_filters_keys_by_first_party(admin: GraphQLClient) -> None:
    await factories.make_api_key(admin.db, name="Web app", first_party=True)

    data = await admin.data(API_KEYS, where={"firstParty": True})

    assert [node["name"] for node in data["apiKeys"]["nodes"]] == ["Web app"]


async def test_admin_creates_a_partner_key_that_works_and_is_shown_once(
    admin: GraphQLClient,
) -> None:
    company = await factories.make_company(admin.db, slug="initech")
    variables = {"name": "Initech", "role": "PARTNER", "companySlug": "initech"}

    data = await admin.data(CREATE, input=variables)

    payload = data["apiKeyCreate"]
    assert payload["userErrors"] == []
    key = payload["apiKey"]
    assert (key["name"], key["role"], key["company"], key["revokedAt"]) == (
        "Initech",
        "PARTNER",
        {"slug": "initech"},
        None,
    )
    assert key["createdAt"].endswith("+00:00")
    assert payload["secret"].startswith(f"pgk_{key['prefix']}_")
    viewer = await caller(admin.db, payload["secret"])
    assert (viewer.role, viewer.company_id) == ("partner", company.id)
    # Shown once: nothing readable afterwards holds the key.
    listed = await admin.data(API_KEYS)
    assert payload["secret"] not in str(listed)


async def test_admin_creates_a_first_party_admin_key(admin: GraphQLClient) -> None:
    data = await admin.data(CREATE, input={"name": "Web app", "role": "ADMIN", "firstParty": True})

    payload = data["apiKeyCreate"]
    assert (payload["apiKey"]["role"], payload["apiKey"]["firstParty"]) == ("ADMIN", True)
    viewer = await caller(admin.db, payload["secret"])
    assert viewer.is_admin
    assert viewer.first_party


@pytest.mark.parametrize(
    ("key_input", "user_errors"),
    [
        (
            {"name": "", "role": "ADMIN"},
            [(["input", "name"], "INVALID_INPUT")],
        ),
        (
            {"name": "Ops 2", "role": "ADMIN", "companySlug": "acme"},
            [(["input", "companySlug"], "INVALID_INPUT")],
        ),
        (
            {"name": "Acme 2", "role": "PARTNER"},
            [(["input", "companySlug"], "INVALID_INPUT")],
        ),
        (
            {"name": "Nobody", "role": "PARTNER", "companySlug": "no-such-company"},
            [(["input", "companySlug"], "NOT_FOUND")],
        ),
        (
            {"name": " ", "role": "PARTNER", "companySlug": "no-such-company"},
            [(["input", "name"], "INVALID_INPUT"), (["input", "companySlug"], "NOT_FOUND")],
        ),
    ],
    ids=[
        "empty name",
        "admin with a company",
        "partner without a company",
        "unknown company",
        "two problems",
    ],
)
async def test_refused_create_has_typed_user_errors_and_writes_nothing(
    admin: GraphQLClient,
    key_input: dict[str, Any],
    user_errors: list[tuple[list[str], str]],
) -> None:
    await factories.make_company(admin.db, slug="acme")
    before = await key_count(admin.db)

    data = await admin.data(CREATE, input=key_input)

    payload = data["apiKeyCreate"]
    assert (payload["apiKey"], payload["secret"]) == (None, None)
    assert [(error["field"], error["code"]) for error in payload["userErrors"]] == user_errors
    assert all(error["message"] for error in payload["userErrors"])
    assert await key_count(admin.db) == before


@pytest.mark.parametrize("who", ["anonymous", "partner"])
async def test_only_admins_create_keys(
    gql: GraphQLClient, partner: GraphQLClient, who: str
) -> None:
    client = partner if who == "partner" else gql
    before = await key_count(gql.db)

    errors = await client.errors(CREATE, input={"name": "Mine", "role": "ADMIN"})

    assert_forbidden(errors, "apiKeyCreate")
    assert await key_count(gql.db) == before


@pytest.mark.parametrize("who", ["anonymous", "partner"])
async def test_only_admins_revoke_keys(
    gql: GraphQLClient, partner: GraphQLClient, who: str
) -> None:
    client = partner if who == "partner" else gql
    target = await factories.make_api_key(gql.db)

    errors = await client.errors(REVOKE, id=global_id(target.api_key))

    assert_forbidden(errors, "apiKeyRevoke")
    assert (await caller(gql.db, target.key)).is_admin


async def test_admin_revokes_a_key_which_then_stops_working(admin: GraphQLClient) -> None:
    target = await factories.make_api_key(admin.db)

    data = await admin.data(REVOKE, id=global_id(target.api_key))

    payload = data["apiKeyRevoke"]
    assert payload["userErrors"] == []
    assert payload["apiKey"]["prefix"] == target.api_key.prefix
    assert payload["apiKey"]["revokedAt"] is not None
    with pytest.raises(Unauthenticated, match="revoked"):
        await caller(admin.db, target.key)
    again = await admin.data(REVOKE, id=global_id(target.api_key))
    assert again["apiKeyRevoke"]["apiKey"] == payload["apiKey"]


@pytest.mark.parametrize(
    "make_id",
    [
        pytest.param(lambda company: str(relay.GlobalID("ApiKey", "999999")), id="missing key"),
        pytest.param(
            lambda company: str(relay.GlobalID("Company", str(company.id))), id="a company's id"
        ),
        pytest.param(lambda company: "not an id", id="malformed id"),
        pytest.param(
            lambda company: str(relay.GlobalID("ApiKey", "99999999999")), id="id out of range"
        ),
    ],
)
async def test_revoking_what_is_not_a_key_is_a_not_found_user_error(
    admin: GraphQLClient, make_id: Any
) -> None:
    company = await factories.make_company(admin.db)

    data = await admin.data(REVOKE, id=make_id(company))

    assert data["apiKeyRevoke"] == {
        "apiKey": None,
        "userErrors": [
            {"field": ["input", "id"], "message": "No API key has this id.", "code": "NOT_FOUND"}
        ],
    }


async def test_node_shows_a_key_to_admins_and_its_company_only(
    gql: GraphQLClient, admin: GraphQLClient
) -> None:
    company = await factories.make_company(gql.db)
    made = await factories.make_api_key(gql.db, ApiKeyRole.PARTNER, company, name="Holder")
    holder = gql.as_viewer(await caller(gql.db, made.key))
    other_company = await factories.make_company(gql.db)
    other = await factories.make_api_key(gql.db, ApiKeyRole.PARTNER, other_company)
    stranger = gql.as_viewer(await caller(gql.db, other.key))
    key_id = global_id(made.api_key)

    assert await admin.data(NODE, id=key_id) == {"node": {"name": "Holder"}}
    assert await holder.data(NODE, id=key_id) == {"node": {"name": "Holder"}}
    for client in (stranger, gql.as_viewer(ANONYMOUS)):
        # Exactly as for an id that does not exist: no error, no hint that it does.
        assert await client.data(NODE, id=key_id) == {"node": None}


async def test_node_still_resolves_other_types_for_anyone(gql: GraphQLClient) -> None:
    company = await factories.make_company(gql.db, name="Visible")
    query = "query Node($id: ID!) { node(id: $id) { ... on Company { name } } }"

    data = await gql.data(query, id=str(relay.GlobalID("Company", str(company.id))))

    assert data == {"node": {"name": "Visible"}}
