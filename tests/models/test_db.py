"""The engine factory and the database handle: pool settings, prepared statements."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import col

from models import Certification, CertificationCategory
from models.base import enum_type
from models.db import Database, Prepared, create_engine
from models.settings import DatabaseSettings
from tests.factories import make_certification
from tests.fixtures.database import StatementCounter


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
