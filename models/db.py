"""Engine and session factories, and the per-operation database handle."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.ext.asyncio import AsyncSession as SAAsyncSession
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from .settings import DatabaseSettings

T = TypeVar("T")


def create_engine(settings: DatabaseSettings) -> AsyncEngine:
    """Build the async engine; SQLite gets foreign keys, WAL, SAVEPOINTs and fts5_phrases()."""
    url = settings.url
    # Non-ASCII text is stored as itself in JSON columns, as PostgreSQL's jsonb does, so
    # searching the JSON text for an element works the same on both databases.
    options: dict[str, Any] = {"echo": settings.echo, "json_serializer": _json_dumps}
    if url.startswith("sqlite"):
        engine = create_async_engine(url, **options)
        _configure_sqlite(engine)
        return engine
    return create_async_engine(
        url, pool_size=settings.pool_size, pool_pre_ping=settings.pool_pre_ping, **options
    )


def _json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _configure_sqlite(engine: AsyncEngine) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT; SQLAlchemy's documented recipe
    # ("Serializable isolation / Savepoints / Transactional DDL") takes BEGIN over.
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 5000")
        # LIKE is case-sensitive on PostgreSQL; make SQLite agree (ILIKE-style filters use lower()).
        cursor.execute("PRAGMA case_sensitive_like = ON")
        cursor.close()
        dbapi_connection.create_function("fts5_phrases", 1, fts5_phrases, deterministic=True)

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(_SQLITE_IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


# SQLite serialises writers; a write transaction that began as a reader could not upgrade once
# another writer committed (SQLITE_BUSY_SNAPSHOT), so writes take the write lock at BEGIN.
_SQLITE_IMMEDIATE = "pledgegraph_begin_immediate"


def fts5_phrases(text: str | None) -> str:
    """Search text as an FTS5 query of quoted words (all must match), never as FTS5 syntax."""
    words = (text or "").split()
    return " ".join('"' + word.replace('"', '""') + '"' for word in words) or '""'


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that never expire loaded rows on commit (no hidden I/O in async code)."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


def create_write_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for write transactions: on SQLite they hold the write lock from BEGIN on."""
    if engine.dialect.name == "sqlite":
        engine = engine.execution_options(**{_SQLITE_IMMEDIATE: True})
    return create_sessionmaker(engine)


def create_read_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for reads: on PostgreSQL without BEGIN and ROLLBACK (autocommit).

    Under READ COMMITTED every statement sees its own snapshot anyway, so a read-only request
    loses nothing by running outside a transaction, and saves two round trips (profiled: the
    largest cost of a small request after execution itself). Writes get a transaction of
    their own (`Database.atomic`). SQLite keeps transactions: its BEGIN is emitted by our
    SAVEPOINT recipe, and a local file has no round trips to save.
    """
    if engine.dialect.name == "postgresql":
        engine = engine.execution_options(isolation_level="AUTOCOMMIT")
    return create_sessionmaker(engine)


class Database:
    """One AsyncSession per GraphQL operation, used by one coroutine at a time.

    Strawberry resolves sibling fields concurrently and an AsyncSession refuses concurrent use,
    so every call takes a lock for the duration of its statement only; dataloaders keep the
    number of statements per request small, so serialising them costs little.

    With `writes`, the session is for reads only (see `create_read_sessionmaker`) and each
    `atomic()` block opens a transactional session of its own; without, one session serves
    both and a block is a SAVEPOINT in it (tests, whose session lives in a transaction that
    is rolled back, and the key command line).
    """

    def __init__(
        self, session: AsyncSession, *, writes: Callable[[], AsyncSession] | None = None
    ) -> None:
        self._reads = session
        self._writes = writes
        self._writing: AsyncSession | None = None
        self._lock = asyncio.Lock()

    @property
    def session(self) -> AsyncSession:
        """Where statements go: the open write block's session, else the read session."""
        return self._writing or self._reads

    @property
    def dialect_name(self) -> str:
        """ "postgresql" or "sqlite": a few statements take a better form on PostgreSQL."""
        bind = self.session.bind
        assert bind is not None
        return bind.dialect.name

    async def all(
        self, statement: SelectOfScalar[T], params: dict[str, Any] | None = None
    ) -> Sequence[T]:
        """Rows of one entity or column; `params` fill the statement's named bind parameters."""
        async with self._lock:
            return (await self.session.exec(statement, params=params)).all()

    async def rows(
        self, statement: Any, params: dict[str, Any] | None = None
    ) -> list[tuple[Any, ...]]:
        """Rows of several entities or columns: an entity with computed sort values, a count,
        an aggregate; `params` fill the statement's named bind parameters."""
        async with self._lock:
            # SQLAlchemy's own execute: SQLModel's exec() would return only the first column of
            # a statement built from select(Model), and its execute() is deprecated.
            result = await SAAsyncSession.execute(self.session, statement, params)
            return [tuple(row) for row in result.all()]

    async def plain_rows(
        self, statement: Any, params: dict[str, Any] | None = None
    ) -> Sequence[Sequence[Any]]:
        """Rows of a statement of columns only, through SQLAlchemy Core, for less CPU.

        The ORM session wraps every result row of a statement that mentions mapped columns
        (all of ours) even when it selects no entity: on a page of certificates that cost a
        third of the statement, and more than the query itself on bulk reads (exports). Pending
        changes are flushed first, as the session would have done itself.
        """
        async with self._lock:
            session = self.session
            if session.new or session.dirty or session.deleted:
                await session.flush()
            connection = await session.connection()
            return (await connection.execute(statement, params)).all()

    async def first(self, statement: SelectOfScalar[T]) -> T | None:
        async with self._lock:
            return (await self.session.exec(statement.limit(1))).first()

    async def execute(self, statement: Any) -> None:
        """A statement that returns no rows (a bulk DELETE or UPDATE)."""
        async with self._lock:
            await SAAsyncSession.execute(self.session, statement)

    async def save(self, *rows: SQLModel) -> None:
        """Write new `rows` and every pending change now (ids are assigned), uncommitted."""
        async with self._lock:
            self.session.add_all(rows)
            await self.session.flush()

    @asynccontextmanager
    async def atomic(self) -> AsyncIterator[None]:
        """One all-or-nothing write: committed when the block ends, undone if it raises.

        A completed block commits at once, so each mutation of an operation is durable on its
        own. Mutations run one at a time (GraphQL executes mutation fields serially), so no
        sibling statement interleaves with the block.
        """
        assert self._writing is None, "write blocks do not nest"
        if self._writes is None:
            async with self._savepoint():
                yield
            return
        async with self._writes() as session:
            self._writing = session
            try:
                yield
            except BaseException:
                async with self._lock:
                    await session.rollback()
                raise
            else:
                async with self._lock:
                    await session.commit()
            finally:
                self._writing = None

    @asynccontextmanager
    async def _savepoint(self) -> AsyncIterator[None]:
        # A refused write (a constraint violation, which on PostgreSQL aborts the transaction)
        # undoes only its own statements and leaves the session usable for the rest.
        async with self._lock:
            savepoint = await self.session.begin_nested()
        try:
            yield
        except BaseException:
            async with self._lock:
                # Also after a failed flush, which leaves the savepoint inactive but pending.
                await savepoint.rollback()
            raise
        async with self._lock:
            await savepoint.commit()
            await self.session.commit()

    async def close(self) -> None:
        async with self._lock:
            await self._reads.close()
