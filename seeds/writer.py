"""Bulk, idempotent inserts: COPY on PostgreSQL, executemany on SQLite; existing rows are kept."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

CHUNK_ROWS = 20_000

Row = dict[str, Any]
T = TypeVar("T")


def chunks(items: Iterable[T], size: int = CHUNK_ROWS) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class BulkWriter:
    """Writes rows that carry explicit primary keys, so a second run inserts nothing.

    Values go through each column type's own bind processor, exactly as SQLAlchemy would send
    them, so JSON, enums and dates are stored the same way as rows the app writes. On
    PostgreSQL a table that was empty when the run began is loaded with COPY straight into it;
    otherwise rows go through a staging table and INSERT ... ON CONFLICT DO NOTHING.
    """

    def __init__(self, connection: AsyncConnection, *, on_rows: Callable[[int], object]) -> None:
        self._connection = connection
        self._dialect = connection.dialect
        self._on_rows = on_rows
        self._empty_at_start: dict[str, bool] = {}
        self.inserted: dict[str, int] = {}
        self._sequenced: set[str] = set()  # tables with an id sequence

    async def write(self, table: sa.Table, rows: Iterable[Row]) -> None:
        to_record = self._record_builder(table)
        for chunk in chunks(rows):
            records = [to_record(row) for row in chunk]
            if self._dialect.name == "postgresql":
                inserted = await self._copy(table, records)
            else:
                inserted = await self._executemany(table, records)
            self.inserted[table.name] = self.inserted.get(table.name, 0) + inserted
            if "id" in table.c:
                self._sequenced.add(table.name)
            self._on_rows(len(chunk))

    async def finish(self) -> None:
        """Move PostgreSQL's id sequences past the explicit ids, so the app's inserts fit."""
        if self._dialect.name != "postgresql":
            return
        for name in self._sequenced:
            await self._connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'),"
                f" GREATEST((SELECT max(id) FROM {name}), 1))"
            )

    def _record_builder(self, table: sa.Table) -> Callable[[Row], tuple[Any, ...]]:
        names = [column.name for column in table.columns]
        processors = [
            (i, process)
            for i, column in enumerate(table.columns)
            if (process := column.type.dialect_impl(self._dialect).bind_processor(self._dialect))
        ]

        def to_record(row: Row) -> tuple[Any, ...]:
            values = [row.get(name) for name in names]
            for i, process in processors:
                if values[i] is not None:
                    values[i] = process(values[i])
            return tuple(values)

        return to_record

    async def _executemany(self, table: sa.Table, records: list[tuple[Any, ...]]) -> int:
        names = ", ".join(column.name for column in table.columns)
        marks = ", ".join("?" for _ in table.columns)
        # rowcount sums each statement's own changes; rows ignored as duplicates add nothing.
        result = await self._connection.exec_driver_sql(
            f"INSERT OR IGNORE INTO {table.name} ({names}) VALUES ({marks})", records
        )
        return int(result.rowcount)

    async def _copy(self, table: sa.Table, records: list[tuple[Any, ...]]) -> int:
        names = [column.name for column in table.columns]
        driver = await self._driver()
        if await self._was_empty(table):
            await driver.copy_records_to_table(table.name, records=records, columns=names)
            return len(records)
        stage = f"stage_{table.name}"
        await self._connection.exec_driver_sql(
            f"CREATE TEMP TABLE IF NOT EXISTS {stage} (LIKE {table.name}) ON COMMIT DROP"
        )
        await self._connection.exec_driver_sql(f"TRUNCATE {stage}")
        await driver.copy_records_to_table(stage, records=records, columns=names)
        result = await self._connection.exec_driver_sql(
            f"INSERT INTO {table.name} SELECT * FROM {stage} ON CONFLICT DO NOTHING"
        )
        return int(result.rowcount)

    async def _was_empty(self, table: sa.Table) -> bool:
        if table.name not in self._empty_at_start:
            result = await self._connection.execute(
                sa.select(sa.literal(1)).select_from(table).limit(1)
            )
            self._empty_at_start[table.name] = result.first() is None
        return self._empty_at_start[table.name]

    async def _driver(self) -> Any:
        raw = await self._connection.get_raw_connection()
        return raw.driver_connection
