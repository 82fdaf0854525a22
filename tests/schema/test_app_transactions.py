"""The app on its own engine: reads run outside transactions, each write commits on its own."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from models import ApiKey, Company
from models.db import Database, create_read_sessionmaker, create_sessionmaker
from models.settings import DatabaseSettings
from schema.app import create_app
from tests import factories
from tests.fixtures.http import serve

CREATE = """
mutation ($input: CompanyCreateInput!) {
  companyCreate(input: $input) { company { slug } userErrors { field code } }
}"""


@pytest.fixture
async def committed_admin_key(engine: AsyncEngine) -> AsyncIterator[str]:
    """An admin key committed to the test database (the app reads it on its own connections);
    deleted afterwards, with the companies the test made."""
    async with create_sessionmaker(engine)() as session:
        made = await factories.make_api_key(Database(session), name=f"tx-{uuid.uuid4().hex}")
    yield made.key
    async with engine.begin() as connection:
        await connection.execute(sa.delete(Company).where(col(Company.slug).like("tx-%")))
        await connection.execute(sa.delete(ApiKey).where(col(ApiKey.id) == made.api_key.id))


async def company_slugs(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as other:
        rows = await other.execute(select(col(Company.slug)).where(col(Company.slug).like("tx-%")))
        return sorted(row[0] for row in rows)


async def post(client: httpx.AsyncClient, key: str, slug: str) -> dict[str, Any]:
    variables = {"input": {"slug": slug, "name": slug, "sector": "Retail", "hqCountry": "DE"}}
    response = await client.post(
        "/graphql",
        json={"query": CREATE, "variables": variables},
        headers={"Authorization": f"Bearer {key}"},
    )
    payload: dict[str, Any] = response.json()["data"]["companyCreate"]
    return payload


async def test_each_mutation_commits_and_a_refused_one_writes_nothing(
    engine: AsyncEngine, database_url: str, committed_admin_key: str
) -> None:
    app = create_app(database_settings=DatabaseSettings(url=database_url))
    async with serve(app) as client:
        made = await post(client, committed_admin_key, "tx-kept")
        again = await post(client, committed_admin_key, "tx-kept")  # the slug is taken

    assert made == {"company": {"slug": "tx-kept"}, "userErrors": []}
    assert again["userErrors"] == [{"field": ["input", "slug"], "code": "ALREADY_EXISTS"}]
    assert await company_slugs(engine) == ["tx-kept"]


async def test_a_read_holds_no_transaction_open_on_postgresql(engine: AsyncEngine) -> None:
    async with create_read_sessionmaker(engine)() as session:
        connection = await session.connection()
        if engine.dialect.name == "sqlite":
            # SQLite keeps its transactions: a local file has no round trips to save.
            assert await connection.get_isolation_level() != "AUTOCOMMIT"
            return
        [(pid,)] = await Database(session).rows(sa.select(sa.func.pg_backend_pid()))
        async with engine.connect() as other:
            state = await other.scalar(
                sa.text("SELECT state FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
            )

    # In a transaction it would be "idle in transaction" until the request ended.
    assert state == "idle"
