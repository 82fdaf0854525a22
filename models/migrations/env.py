"""Alembic environment: async engine; DATABASE_URL unless the caller passes "database_url"."""

import asyncio
import logging

from alembic import context
from sqlalchemy import pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table on the metadata)
from models.base import described_by_models
from models.settings import DatabaseSettings

config = context.config
target_metadata = SQLModel.metadata
if not logging.getLogger().handlers:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")


def database_url() -> str:
    url = config.attributes.get("database_url")
    return DatabaseSettings(url=url).url if url else DatabaseSettings().url


def configure(connection: Connection | None = None, **options: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=described_by_models,
        # SQLite cannot ALTER most things in place; batch mode rebuilds the table instead.
        render_as_batch=database_url().startswith("sqlite"),
        compare_type=True,
        **options,
    )


def run_migrations_offline() -> None:
    configure(url=database_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def do_run_migrations(connection: Connection) -> None:
    configure(connection)
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    engine = create_async_engine(database_url(), poolclass=pool.NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(do_run_migrations)
    await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_async_migrations())
