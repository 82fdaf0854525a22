"""Authentication through the real app: a key that is sent must work, or the request gets a 401."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from strawberry import relay

from models import ApiKeyRole
from models.db import Database
from resolvers import api_keys
from tests import factories

VIEWER = {"query": "{ viewer { role company { slug } } }"}


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def post(
    client: httpx.AsyncClient, body: dict[str, Any], headers: dict[str, str] | None = None
) -> httpx.Response:
    return await client.post("/graphql", json=body, headers=headers)


def body(response: httpx.Response) -> dict[str, Any]:
    """The response body without its request id (a fresh one every time)."""
    content: dict[str, Any] = response.json()
    assert content.pop("extensions")["requestId"] == response.headers["x-request-id"]
    return content


def assert_unauthenticated(response: httpx.Response, message: str) -> None:
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer ")
    assert body(response) == {
        "errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]
    }


async def test_without_a_key_the_caller_is_anonymous(client: httpx.AsyncClient) -> None:
    response = await post(client, VIEWER)

    assert response.status_code == 200
    assert body(response) == {"data": {"viewer": {"role": "ANONYMOUS", "company": None}}}


async def test_a_partner_key_makes_the_caller_that_partner(
    client: httpx.AsyncClient, db: Database
) -> None:
    company = await factories.make_company(db, slug="acme")
    made = await factories.make_api_key(db, ApiKeyRole.PARTNER, company)

    response = await post(client, VIEWER, bearer(made.key))

    assert response.status_code == 200
    assert body(response) == {"data": {"viewer": {"role": "PARTNER", "company": {"slug": "acme"}}}}


@pytest.mark.parametrize(
    ("header", "message"),
    [
        pytest.param(lambda key: f"Bearer {key[:-1]}", api_keys.MALFORMED, id="malformed key"),
        pytest.param(
            lambda key: f"Bearer {key[:-1]}{'1' if key[-1] == '0' else '0'}",
            api_keys.NOT_VALID,
            id="wrong secret",
        ),
        pytest.param(lambda key: f"Token {key}", api_keys.BEARER_ONLY, id="another scheme"),
    ],
)
async def test_a_bad_key_gets_401_with_a_graphql_shaped_body(
    client: httpx.AsyncClient, db: Database, header: Any, message: str
) -> None:
    made = await factories.make_api_key(db)

    response = await post(client, VIEWER, {"Authorization": header(made.key)})

    assert_unauthenticated(response, message)


async def test_a_bad_key_is_refused_on_get_too(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql", params={"query": VIEWER["query"]}, headers=bearer("pgk_nonsense")
    )

    assert_unauthenticated(response, api_keys.MALFORMED)


async def test_two_authorization_headers_are_refused(
    client: httpx.AsyncClient, db: Database
) -> None:
    made = await factories.make_api_key(db)
    headers = [("Authorization", f"Bearer {made.key}"), ("Authorization", "Bearer other")]

    response = await client.post("/graphql", json=VIEWER, headers=headers)

    assert_unauthenticated(response, "Send one Authorization header, not several.")


async def test_a_key_revoked_over_the_api_stops_working(
    client: httpx.AsyncClient, db: Database
) -> None:
    admin = await factories.make_api_key(db)
    target = await factories.make_api_key(db, name="Leaked")
    assert (await post(client, VIEWER, bearer(target.key))).status_code == 200
    revoke = {
        "query": "mutation R($id: ID!) { apiKeyRevoke(input: {id: $id}) { userErrors { code } } }",
        "variables": {"id": str(relay.GlobalID("ApiKey", str(target.api_key.id)))},
    }

    revoked = await post(client, revoke, bearer(admin.key))
    after = await post(client, VIEWER, bearer(target.key))

    assert body(revoked) == {"data": {"apiKeyRevoke": {"userErrors": []}}}
    assert_unauthenticated(after, api_keys.REVOKED)
    assert (await post(client, VIEWER, bearer(admin.key))).status_code == 200


async def test_a_key_made_over_the_api_works_at_once(
    client: httpx.AsyncClient, db: Database
) -> None:
    admin = await factories.make_api_key(db)
    create = {
        "query": 'mutation { apiKeyCreate(input: {name: "New", role: ADMIN}) { secret } }',
    }

    made = await post(client, create, bearer(admin.key))
    secret = made.json()["data"]["apiKeyCreate"]["secret"]
    response = await post(client, VIEWER, bearer(secret))

    assert body(response) == {"data": {"viewer": {"role": "ADMIN", "company": None}}}


async def test_graphiql_opens_without_a_key(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")


async def test_a_partner_calling_an_admin_mutation_gets_forbidden_not_401(
    client: httpx.AsyncClient, db: Database
) -> None:
    company = await factories.make_company(db)
    partner = await factories.make_api_key(db, ApiKeyRole.PARTNER, company)
    create = {"query": 'mutation { apiKeyCreate(input: {name: "Mine", role: ADMIN}) { secret } }'}

    response = await post(client, create, bearer(partner.key))

    assert response.status_code != 401
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "FORBIDDEN"}
    assert error["message"] == "Only an admin API key may create or revoke API keys."
