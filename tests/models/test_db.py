"""The engine factory and the database handle: pool settings, prepared statements."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Certification, CertificationCategory
from models.base import enum_type
from models.db import Database, Prepared, create_engine, create_read_sessionmaker
from models.settings import DatabaseSettings
from tests.factories import make_certification
from tests.fixtures.database import StatementCounter

POOL_SIZE = DatabaseSettings().pool_size


@pytest.mark.parametrize("pre_ping", [False, True])
async def test_pool_pre_ping_follows_the_setting(pre_ping: bool) -> None:
    engine = create_engine(
        DatabaseSettings(url="postgresql://postgres@127.0.0.1/unused", pool_pre_ping=pre_ping)
    )
    try:
        assert engine.pool._pre_ping is pre_ping
    finally:
        await engine.dispose()


def test_pool_pre_ping_is_off_unless_asked_for() -> None:
    assert DatabaseSettings().pool_pre_ping is False


async def _certifications(db: Database) -> None:
    for category, marketplaces in (
        (CertificationCategory.CARBON, ["us"]),
        (CertificationCategory.FORESTRY, ["de", "fr"]),
        (CertificationCategory.FORESTRY, ["us"]),
    ):
        await make_certification(db, category=category, marketplaces=marketplaces)


def _by_category() -> Any:
    category, marketplaces = col(Certification.category), col(Certification.marketplaces)
    return (
        sa.select(category, marketplaces, sa.func.count())
        .where(category != sa.bindparam("not", type_=enum_type(CertificationCategory, "category")))
        .group_by(category, marketplaces)
        .order_by(category, sa.func.count())
    )


async def test_a_prepared_statement_reads_what_sqlalchemy_reads(db: Database) -> None:
    """On PostgreSQL it goes to the driver; its parameters and results are converted as
    SQLAlchemy converts them (enum members to stored strings and back, JSON decoded)."""
    await _certifications(db)
    statement = _by_category()
    params = {"not": CertificationCategory.RECYCLED}
    through_sqlalchemy = [tuple(row) for row in await db.plain_rows(statement, params)]
    prepared = Prepared(statement)
    first = [tuple(row) for row in await db.plain_rows(prepared, params)]
    again = [tuple(row) for row in await db.plain_rows(prepared, {"not": "forestry"})]
    assert first == through_sqlalchemy
    assert first == [
        (CertificationCategory.CARBON, ["us"], 1),
        (CertificationCategory.FORESTRY, ["de", "fr"], 1),
        (CertificationCategory.FORESTRY, ["us"], 1),
    ]
    assert type(first[0][0]) is CertificationCategory
    assert again == [(CertificationCategory.CARBON, ["us"], 1)]
    if db.dialect_name == "postgresql":
        assert prepared.compiled(_dialect(db)) is not None  # it took the driver path


async def test_a_prepared_statement_with_an_in_list_goes_through_sqlalchemy(
    db: Database,
) -> None:
    await _certifications(db)
    statement = sa.select(sa.func.count()).where(
        col(Certification.category).in_(
            [CertificationCategory.CARBON, CertificationCategory.RECYCLED]
        )
    )
    prepared = Prepared(statement)
    assert [tuple(row) for row in await db.plain_rows(prepared)] == [(1,)]
    assert prepared.compiled(_dialect(db)) is None


async def test_statements_reach_sqlalchemy_listeners_even_when_prepared(
    db: Database, statements: StatementCounter
) -> None:
    await _certifications(db)
    statements.reset()
    await db.plain_rows(Prepared(_by_category()), {"not": "carbon"})
    assert statements.count == 1


def _dialect(db: Database) -> Any:
    bind = db.session.bind
    assert bind is not None
    return bind.dialect


def _echo() -> Any:
    """A prepared statement over no table: an enum parameter and a number, read back."""
    category = sa.bindparam("category", type_=enum_type(CertificationCategory, "category"))
    return sa.select(category.label("category"), (sa.bindparam("n", type_=sa.Integer) * 2))


@pytest.fixture
async def app_db(engine: AsyncEngine) -> AsyncIterator[Database]:
    """A handle on a read session of the engine itself, as the app has (outside any test's
    transaction: it sees no test's rows)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite reads go through SQLAlchemy")
    db = Database(create_read_sessionmaker(engine))
    try:
        yield db
    finally:
        await db.close()


async def test_a_prepared_read_borrows_a_pooled_driver_connection_for_its_statement_alone(
    app_db: Database, engine: AsyncEngine
) -> None:
    checked_out = engine.pool.checkedout()  # type: ignore[attr-defined]
    rows = await app_db.plain_rows(Prepared(_echo()), {"category": "forestry", "n": 21})
    assert [tuple(row) for row in rows] == [(CertificationCategory.FORESTRY, 42)]
    assert engine.pool.checkedout() == checked_out  # type: ignore[attr-defined]
    with pytest.raises(asyncpg.DataError):  # an integer out of range: refused, returned
        await app_db.plain_rows(Prepared(_echo()), {"category": "forestry", "n": 2**40})
    assert engine.pool.checkedout() == checked_out  # type: ignore[attr-defined]


async def test_a_borrowed_connection_the_database_drops_leaves_the_pool(app_db: Database) -> None:
    killed = Prepared(sa.select(sa.func.pg_terminate_backend(sa.func.pg_backend_pid())))
    with pytest.raises(asyncpg.PostgresError):
        await app_db.plain_rows(killed)
    # Were the dead connection back in the pool, the next statement would fail on it.
    for n in range(POOL_SIZE + 1):
        rows = await app_db.plain_rows(Prepared(_echo()), {"category": "carbon", "n": n})
        assert [tuple(row) for row in rows] == [(CertificationCategory.CARBON, 2 * n)]


class _CountingSessionmaker(async_sessionmaker[AsyncSession]):
    opened = 0

    def __call__(self, **local_kw: Any) -> AsyncSession:
        self.opened += 1
        return super().__call__(**local_kw)


async def test_a_handle_on_a_sessionmaker_opens_its_session_at_first_use(
    engine: AsyncEngine,
) -> None:
    sessionmaker = _CountingSessionmaker(bind=engine, class_=AsyncSession)
    unused = Database(sessionmaker)
    assert unused.dialect_name == engine.dialect.name
    await unused.close()
    assert sessionmaker.opened == 0
    used = Database(sessionmaker)
    assert [tuple(row) for row in await used.rows(sa.select(sa.literal(1)))] == [(1,)]
    await used.close()
    assert sessionmaker.opened == 1
    if engine.dialect.name == "postgresql":  # a prepared read borrows a connection instead
        borrowing = Database(sessionmaker)
        rows = await borrowing.plain_rows(Prepared(_echo()), {"category": "carbon", "n": 1})
        assert [tuple(row) for row in rows] == [(CertificationCategory.CARBON, 2)]
        await borrowing.close()
        assert sessionmaker.opened == 1
