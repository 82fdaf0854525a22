"""API keys: made at random, stored only as a hash, and authenticated strictly."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import func, select

import models
from models import ApiKeyRole
from models.db import Database
from resolvers import api_keys
from resolvers.api_keys import NewApiKey, Refused, authenticate
from resolvers.errors import NotFound, Unauthenticated
from resolvers.viewer import ANONYMOUS, Role, Viewer
from tests import factories
from tests.fixtures.database import StatementCounter


async def key_count(db: Database) -> int:
    ((count,),) = await db.rows(select(func.count()).select_from(models.ApiKey))
    return int(count)


async def stored_text(db: Database, api_key: models.ApiKey) -> list[str]:
    """Every value of the key's row as the database holds it, read past the ORM."""
    table = models.ApiKey.__table__  # type: ignore[attr-defined]
    [row] = await db.rows(sa.select(table).where(table.c.id == api_key.id))
    return [str(value) for value in row]


async def test_a_key_is_stored_only_as_the_sha256_of_the_whole_key(db: Database) -> None:
    made = await factories.make_api_key(db)
    secret = made.key.rsplit("_", 1)[1]

    values = await stored_text(db, made.api_key)

    assert made.api_key.secret_hash == hashlib.sha256(made.key.encode()).hexdigest()
    assert not [value for value in values if made.key in value or secret in value]
    assert made.api_key.prefix in values


async def test_keys_carry_256_random_bits_after_a_public_prefix(db: Database) -> None:
    made = [await factories.make_api_key(db) for _ in range(3)]

    for key in made:
        marker, prefix, secret = key.key.split("_")
        assert (marker, prefix) == ("pgk", key.api_key.prefix)
        assert len(secret) == 64
        int(secret, 16)  # hex: 64 digits are 256 bits
    assert len({key.key.split("_")[2] for key in made}) == 3
    assert len({key.api_key.prefix for key in made}) == 3


async def test_no_header_is_anonymous_without_a_statement(
    db: Database, statements: StatementCounter
) -> None:
    assert await authenticate(db, None) is ANONYMOUS
    assert statements.count == 0


async def test_admin_key_authenticates_as_admin_in_one_statement(
    db: Database, statements: StatementCounter
) -> None:
    made = await factories.make_api_key(db, first_party=True)
    statements.reset()

    viewer = await authenticate(db, f"Bearer {made.key}")

    assert viewer == Viewer(
        role=Role.ADMIN, company_id=None, api_key_id=made.api_key.id, first_party=True
    )
    assert statements.count == 1


async def test_partner_key_authenticates_as_a_partner_of_its_company(db: Database) -> None:
    company = await factories.make_company(db)
    made = await factories.make_api_key(db, ApiKeyRole.PARTNER, company)

    # The scheme is case-insensitive (RFC 7235); surrounding spaces are not part of the key.
    viewer = await authenticate(db, f"  bearer   {made.key} ")

    assert viewer == Viewer(role=Role.PARTNER, company_id=company.id, api_key_id=made.api_key.id)


def _flip_last(text: str) -> str:
    return text[:-1] + ("0" if text[-1] != "0" else "1")


@pytest.mark.parametrize(
    ("header", "message"),
    [
        pytest.param(lambda key: key, api_keys.BEARER_ONLY, id="key without a scheme"),
        pytest.param(lambda key: f"Basic {key}", api_keys.BEARER_ONLY, id="Basic scheme"),
        pytest.param(lambda key: "", api_keys.BEARER_ONLY, id="empty header"),
        pytest.param(lambda key: "Bearer", api_keys.MALFORMED, id="Bearer without a key"),
        pytest.param(lambda key: f"Bearer {key[:-1]}", api_keys.MALFORMED, id="truncated key"),
        pytest.param(lambda key: f"Bearer {key}0", api_keys.MALFORMED, id="key too long"),
        pytest.param(lambda key: f"Bearer {key.upper()}", api_keys.MALFORMED, id="upper case"),
        pytest.param(lambda key: f"Bearer {key} {key}", api_keys.MALFORMED, id="two keys"),
        pytest.param(
            lambda key: "Bearer " + key.replace("pgk_", "xyz_"), api_keys.MALFORMED, id="marker"
        ),
        pytest.param(lambda key: f"Bearer {_flip_last(key)}", api_keys.NOT_VALID, id="secret"),
        pytest.param(
            lambda key: "Bearer pgk_000000000000_" + key.rsplit("_", 1)[1],
            api_keys.NOT_VALID,
            id="unknown prefix",
        ),
    ],
)
async def test_a_bad_header_is_refused_never_taken_as_anonymous(
    db: Database, header: Any, message: str
) -> None:
    made = await factories.make_api_key(db)

    with pytest.raises(Unauthenticated) as refused:
        await authenticate(db, header(made.key))

    assert refused.value.message == message


async def test_a_revoked_key_stops_working(db: Database) -> None:
    made = await factories.make_api_key(db)
    assert (await authenticate(db, f"Bearer {made.key}")).is_admin

    await api_keys.revoke_api_key(db, made.api_key)

    with pytest.raises(Unauthenticated, match="revoked"):
        await authenticate(db, f"Bearer {made.key}")


async def test_revoking_twice_keeps_the_first_revocation(db: Database) -> None:
    made = await factories.make_api_key(db)
    first = (await api_keys.revoke_api_key(db, made.api_key)).revoked_at

    again = await api_keys.revoke_api_key(db, made.api_key)

    assert first is not None
    assert again.revoked_at == first


async def test_hashes_are_compared_in_constant_time(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = await factories.make_api_key(db)
    compared: list[tuple[Any, Any]] = []
    real_compare_digest = hmac.compare_digest

    def compare_digest(a: Any, b: Any) -> bool:
        compared.append((a, b))
        return real_compare_digest(a, b)

    monkeypatch.setattr(hmac, "compare_digest", compare_digest)
    with pytest.raises(Unauthenticated):
        await authenticate(db, f"Bearer {_flip_last(made.key)}")
    await authenticate(db, f"Bearer {made.key}")

    stored = made.api_key.secret_hash.encode()
    assert compared == [
        (stored, hashlib.sha256(_flip_last(made.key).encode()).hexdigest().encode()),
        (stored, stored),
    ]


async def test_partner_key_is_bound_to_the_company_with_the_slug(db: Database) -> None:
    company = await factories.make_company(db)

    made = await api_keys.create_api_key(
        db, name="  Acme reporting ", role=ApiKeyRole.PARTNER, company_slug=company.slug
    )

    assert isinstance(made, NewApiKey)
    assert (made.api_key.name, made.api_key.company_id) == ("Acme reporting", company.id)
    assert made.api_key.revoked_at is None


@pytest.mark.parametrize(
    ("name", "role", "slug", "refusals"),
    [
        ("", ApiKeyRole.ADMIN, None, [("name", "InvalidInput")]),
        ("   ", ApiKeyRole.ADMIN, None, [("name", "InvalidInput")]),
        ("x" * 101, ApiKeyRole.ADMIN, None, [("name", "InvalidInput")]),
        ("Ops", ApiKeyRole.ADMIN, "{company}", [("companySlug", "InvalidInput")]),
        ("Acme", ApiKeyRole.PARTNER, None, [("companySlug", "InvalidInput")]),
        ("Acme", ApiKeyRole.PARTNER, "no-such-company", [("companySlug", "NotFound")]),
        (
            "",
            ApiKeyRole.PARTNER,
            "no-such-company",
            [("name", "InvalidInput"), ("companySlug", "NotFound")],
        ),
    ],
    ids=[
        "empty name",
        "blank name",
        "name too long",
        "admin with a company",
        "partner without a company",
        "unknown company",
        "every problem at once",
    ],
)
async def test_refused_input_writes_nothing(
    db: Database,
    name: str,
    role: ApiKeyRole,
    slug: str | None,
    refusals: list[tuple[str, str]],
) -> None:
    company = await factories.make_company(db)
    before = await key_count(db)

    result = await api_keys.create_api_key(
        db, name=name, role=role, company_slug=slug.format(company=company.slug) if slug else None
    )

    assert isinstance(result, Refused)
    assert [(error.field, type(error).__name__) for error in result.errors] == refusals
    assert all(error.message for error in result.errors)
    assert await key_count(db) == before


async def test_unknown_company_names_the_slug(db: Database) -> None:
    result = await api_keys.create_api_key(
        db, name="Acme", role=ApiKeyRole.PARTNER, company_slug="no-such-company"
    )

    assert isinstance(result, Refused)
    [error] = result.errors
    assert isinstance(error, NotFound)
    assert "no-such-company" in error.message


async def test_command_line_list_has_every_key_newest_first_with_company_slugs(
    db: Database,
) -> None:
    company = await factories.make_company(db)
    older = await factories.make_api_key(db)
    newer = await factories.make_api_key(db, ApiKeyRole.PARTNER, company)

    listed = [(key.id, slug) for key, slug in await api_keys.all_api_keys(db)]

    assert listed == [(newer.api_key.id, company.slug), (older.api_key.id, None)]
