"""Engine and session factories, and the per-operation database handle."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.ext.asyncio import AsyncSession as SAAsyncSession
from sqlalchemy.util import greenlet_spawn
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


class Prepared:
    """A statement run many times (built once per shape, e.g. an aggregate's): on PostgreSQL it
    is compiled once and its text goes straight to the driver.

    SQLAlchemy's execution does per-call work that such a statement does not need: a cache key
    walked over the whole statement, parameter processing and result wrapping. On W4 (one
    aggregate) that cost about 0.14 ms of a request's 1.2 ms of CPU. SQLite runs the statement
    through SQLAlchemy, as does a statement the driver path cannot take (see `_compile`).
    """

    __slots__ = ("_compiled", "_tried", "statement")

    def __init__(self, statement: Any) -> None:
        self.statement = statement
        self._compiled: _Compiled | None = None
        self._tried = False

    def compiled(self, dialect: Dialect) -> _Compiled | None:
        """The statement compiled for PostgreSQL, or None when it must go through SQLAlchemy."""
        if not self._tried:
            self._compiled = _compile(self.statement, dialect)
            self._tried = True
        return self._compiled


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A statement's text, its parameters in position order, and SQLAlchemy's conversions
    between the driver's values and ours (e.g. enum members and their stored strings)."""

    compiled: Any
    text: str
    names: tuple[str, ...]
    binds: dict[str, Callable[[Any], Any]]
    results: tuple[tuple[int, Callable[[Any], Any]], ...]  # (column position, conversion)

    def arguments(self, params: dict[str, Any] | None) -> list[Any]:
        values = self.compiled.construct_params(params, escape_names=False)
        binds = self.binds
        return [binds[name](values[name]) if name in binds else values[name] for name in self.names]

    def rows(self, records: Sequence[Sequence[Any]]) -> Sequence[Sequence[Any]]:
        if not self.results:
            return records
        rows = []
        for record in records:
            row = list(record)
            for position, convert in self.results:
                row[position] = convert(row[position])
            rows.append(row)
        return rows


def _compile(statement: Any, dialect: Dialect) -> _Compiled | None:
    """The driver path for `statement`, or None where SQLAlchemy must run it: parameters that
    expand at execution (IN lists), or a result type whose conversion depends on what the
    driver reports (PostgreSQL's numeric types)."""
    compiled = statement.compile(dialect=dialect)
    if compiled.post_compile_params or compiled.literal_execute_params:
        return None
    results: list[tuple[int, Callable[[Any], Any]]] = []
    for position, column in enumerate(statement.selected_columns):
        try:
            convert = column.type.dialect_impl(dialect).result_processor(dialect, None)
        except Exception:  # it needs the driver's column type to decide
            return None
        if convert is not None:
            results.append((position, convert))
    binds = {}
    for name, bind in compiled.binds.items():
        convert = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if convert is not None:
            binds[name] = convert
    names = tuple(compiled.positiontup or ())
    return _Compiled(compiled, compiled.string, names, binds, tuple(results))


async def _fetch_borrowed(
    engine: AsyncEngine, compiled: _Compiled, params: dict[str, Any] | None
) -> Sequence[Sequence[Any]]:
    """The statement's records, on a driver connection borrowed from the pool. Reads run in
    autocommit (see `create_read_sessionmaker`): no transaction to begin or end."""
    borrowed = await engine.raw_connection()
    driver = borrowed.driver_connection
    assert driver is not None
    try:
        records: Sequence[Sequence[Any]] = await driver.fetch(
            compiled.text, *compiled.arguments(params)
        )
    except BaseException:
        # A connection the database dropped must leave the pool, as SQLAlchemy's own
        # disconnect handling would make it.
        await greenlet_spawn(borrowed.invalidate if driver.is_closed() else borrowed.close)
        raise
    await greenlet_spawn(borrowed.close)
    return records


def _watched(connection: Any) -> bool:
    """Whether something listens to the statements SQLAlchemy sends (tracing, the tests'
    statement counts): then every statement goes through SQLAlchemy, where they see it."""
    return bool(connection.sync_connection.dispatch.before_cursor_execute)


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
        self,
        session: AsyncSession | async_sessionmaker[AsyncSession],
        *,
        writes: Callable[[], AsyncSession] | None = None,
    ) -> None:
        """`session`, or a sessionmaker whose session opens at its first use: a request
        answered without one (a compiled read's borrowed connection) never pays for opening
        and closing it."""
        self._session: AsyncSession | None = None
        self._open: async_sessionmaker[AsyncSession] | None = None
        if isinstance(session, async_sessionmaker):
            self._open, self._bind = session, session.kw["bind"]
        else:
            self._session, self._bind = session, session.bind
        self._writes = writes
        self._writing: AsyncSession | None = None
        self._lock = asyncio.Lock()

    @property
    def _reads(self) -> AsyncSession:
        if self._session is None:
            assert self._open is not None
            self._session = self._open()
        return self._session

    @property
    def session(self) -> AsyncSession:
        """Where statements go: the open write block's session, else the read session."""
        return self._writing or self._reads

    @property
    def dialect_name(self) -> str:
        """ "postgresql" or "sqlite": a few statements take a better form on PostgreSQL."""
        bind = self._writing.bind if self._writing else self._bind
        assert bind is not None
        return str(bind.dialect.name)

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
        changes are flushed first, as the session would have done itself. A `Prepared`
        statement goes to the driver itself on PostgreSQL, except in a write block: there
        SQLAlchemy begins the transaction on its first statement, which must not be ours.
        """
        async with self._lock:
            session = self._writing or self._session  # none opened yet: nothing to flush
            if session is not None and (session.new or session.dirty or session.deleted):
                await session.flush()
            engine = self._lendable_engine()
            if isinstance(statement, Prepared) and engine is not None:
                compiled = statement.compiled(engine.dialect)
                if compiled is not None:
                    return compiled.rows(await _fetch_borrowed(engine, compiled, params))
            connection = await self.session.connection()
            if isinstance(statement, Prepared):
                compiled = (
                    statement.compiled(connection.dialect)
                    if connection.dialect.name == "postgresql"
                    and self._writing is None
                    and not _watched(connection)
                    else None
                )
                if compiled is not None:
                    driver = (await connection.get_raw_connection()).driver_connection
                    assert driver is not None
                    records = await driver.fetch(compiled.text, *compiled.arguments(params))
                    return compiled.rows(records)
                statement = statement.statement
            return (await connection.execute(statement, params)).all()

    def _lendable_engine(self) -> AsyncEngine | None:
        """The engine a prepared read may borrow a driver connection from for its statement
        alone: on PostgreSQL, outside a write block, while the read session holds no connection
        (it keeps one from its first statement to its close) and nothing listens to SQLAlchemy's
        statements. Checking a connection out and in through the session cost more CPU than a
        small aggregate's statement itself (W4: about 0.1 ms of 0.6 in process)."""
        bind = self._bind
        if (
            self._writing is None
            and isinstance(bind, AsyncEngine)
            and bind.dialect.name == "postgresql"
            and (self._session is None or not self._session.in_transaction())
            and not bind.sync_engine.dispatch.before_cursor_execute
        ):
            return bind
        return None

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
            if self._session is not None:
                await self._session.close()
