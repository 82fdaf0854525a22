"""Alembic migrations build exactly the models' schema and tear it down again, on each backend."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table on the metadata)
from models.base import View, described_by_models
from tests.fixtures.database import BACKENDS, downgrade, empty_database, migrate


@asynccontextmanager
async def connect(url: str) -> AsyncIterator[AsyncConnection]:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            yield connection
    finally:
        await engine.dispose()


def differences(connection: Connection) -> list[Any]:
    options = {"compare_type": True, "include_object": described_by_models}
    context = MigrationContext.configure(connection, opts=options)
    return list(compare_metadata(context, SQLModel.metadata))


def table_names(connection: Connection) -> list[str]:
    return sorted(sa.inspect(connection).get_table_names())


@pytest.mark.parametrize("backend_name", BACKENDS)
async def test_upgrade_head_matches_the_models_and_downgrade_base_removes_everything(
    backend_name: str, tmp_path: Path
) -> None:
    async with empty_database(backend_name, tmp_path) as url:
        await migrate(url)
        async with connect(url) as connection:
            assert await connection.run_sync(differences) == []

        await downgrade(url)
        async with connect(url) as connection:
            assert await connection.run_sync(table_names) == ["alembic_version"]


def view_columns(connection: Connection) -> dict[str, dict[str, type | None]]:
    """Per view: its columns, with the Python type of each where the database declares one."""
    inspector = sa.inspect(connection)
    return {
        view: {
            column["name"]: None
            if isinstance(column["type"], sa.types.NullType)  # SQLite: an undeclared type
            else column["type"].python_type
            for column in inspector.get_columns(view)
        }
        for view in inspector.get_view_names()
    }


def related(a: type, b: type) -> bool:
    return issubclass(a, b) or issubclass(b, a)


@pytest.mark.parametrize("backend_name", BACKENDS)
async def test_every_view_has_its_model_s_columns_and_downgrade_drops_it(
    backend_name: str, tmp_path: Path
) -> None:
    # Autogenerate compares tables only: views are checked against their models here, down to
    # whether a sum reads back as an integer or a PostgreSQL numeric (a Decimal).
    async with empty_database(backend_name, tmp_path) as url:
        await migrate(url)
        async with connect(url) as connection:
            views = await connection.run_sync(view_columns)

        await downgrade(url)
        async with connect(url) as connection:
            after = await connection.run_sync(view_columns)

    assert set(views) == set(View.metadata.tables)
    for name, table in View.metadata.tables.items():
        assert list(views[name]) == [column.name for column in table.columns], name
        for column in table.columns:
            declared = views[name][column.name]
            assert declared is None or related(column.type.python_type, declared), column.name
    assert after == {}
