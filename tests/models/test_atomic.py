"""Database.atomic: a completed write is committed at once, a failed one leaves nothing behind."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from models import Company
from models.db import Database, create_sessionmaker


@pytest.fixture
async def slugs(engine: AsyncEngine) -> AsyncIterator[list[str]]:
    """Two unique slugs; whatever rows carry them are deleted afterwards (these tests commit)."""
    made = [f"atomic-{uuid.uuid4().hex[:12]}" for _ in range(2)]
    yield made
    async with engine.begin() as connection:
        await connection.execute(sa.delete(Company).where(col(Company.slug).in_(made)))


def company(slug: str) -> Company:
    return Company(slug=slug, name=slug, sector="Retail", hq_country="US")


async def committed_slugs(engine: AsyncEngine, slugs: list[str]) -> list[str]:
    """What another connection sees: only committed rows."""
    async with engine.connect() as other:
        rows = await other.execute(
            select(col(Company.slug)).where(col(Company.slug).in_(slugs)).order_by(Company.slug)
        )
        return [row[0] for row in rows]


async def test_each_completed_block_commits_and_a_failed_one_writes_nothing(
    engine: AsyncEngine, slugs: list[str]
) -> None:
    kept, undone = slugs
    async with create_sessionmaker(engine)() as session:
        db = Database(session)
        async with db.atomic():
            await db.save(company(kept))
        # Committed before the request ends: another connection sees it already.
        assert await committed_slugs(engine, slugs) == [kept]

        async def refused_after_writing() -> None:
            async with db.atomic():
                await db.save(company(undone))
                raise RuntimeError("refused after writing")

        with pytest.raises(RuntimeError):
            await refused_after_writing()

        assert await db.first(select(Company).where(col(Company.slug) == undone)) is None
    assert await committed_slugs(engine, slugs) == [kept]
