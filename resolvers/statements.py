"""Statements built once per shape and reused, their varying values bound as parameters."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from datetime import date
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

S = TypeVar("S")
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

# Building a statement costs SQLAlchemy more CPU than PostgreSQL takes to run a small one
# (profiled: lookups, by-key loaders and LATERAL pages, ~1 ms per request), so each shape is
# built once. Shapes come from code, not from requests, so the bound is never reached in
# practice; it only keeps a mistake from growing memory without end.
_MAX_SHAPES = 4096
_built: dict[Hashable, object] = {}


def built_once(shape: Hashable, build: Callable[[], S]) -> S:
    """The statement of this shape (a tuple naming its use first), built on first use."""
    statement = _built.get(shape)
    if statement is None:
        statement = build()
        if len(_built) < _MAX_SHAPES:
            _built[shape] = statement
    return statement  # type: ignore[return-value]


class Recent(Generic[K, V]):
    """The values of the most recently used keys, at most `size`: for statements whose shape
    comes from a request (an aggregate's arguments), which callers can vary without end."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._values: OrderedDict[K, V] = OrderedDict()

    def find(self, key: K) -> V | None:
        """The value of `key`, or None when it is not kept."""
        try:
            self._values.move_to_end(key)
        except KeyError:
            return None
        return self._values[key]

    def put(self, key: K, value: V) -> None:
        """Keep `value` for `key` (the most recent)."""
        self._values[key] = value
        self._values.move_to_end(key)
        if len(self._values) > self._size:
            self._values.popitem(last=False)

    def get(self, key: K, build: Callable[[], V]) -> V:
        """The value of `key`, built on a miss (nothing is kept when `build` raises)."""
        try:
            self._values.move_to_end(key)
            return self._values[key]
        except KeyError:
            value = build()
            self.put(key, value)
            return value


def frozen(value: Any) -> Hashable:
    """A spec (nested dicts and lists of scalars) as a hashable value; equal specs give equal
    values. Each scalar keeps its type, so `True`, `1` and `1.0` stay apart."""
    if isinstance(value, Mapping):
        return tuple(sorted((key, frozen(item)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        return tuple(frozen(item) for item in value)
    return (type(value), value)


class _KeysIn(ColumnElement[bool]):
    """`column IN (:name)` for a list bound as `name` at execution; see `keys_in`."""

    inherit_cache = True
    type = sa.Boolean()
    # SQLAlchemy declares this as an instance attribute holding a list.
    _traverse_internals = [  # noqa: RUF012
        ("column", InternalTraversal.dp_clauseelement),
        ("name", InternalTraversal.dp_string),
    ]

    def __init__(self, column: Any, name: str) -> None:
        self.column = column
        self.name = name


def keys_in(column: Any, name: str) -> ColumnElement[bool]:
    """Whether `column` is one of the keys bound as `name` (a list) at execution.

    PostgreSQL gets `column = ANY(:name)`, one array parameter: the statement's text, and so
    asyncpg's prepared statement and its plan, is the same whatever the number of keys, where
    an IN list is rendered and planned anew for each length (profiled: a third less CPU to
    read a hundred rows by id). Other databases get an expanding IN list.
    """
    return _KeysIn(column, name)


@compiles(_KeysIn)
def _in_list(element: _KeysIn, compiler: Any, **kw: Any) -> str:
    return str(
        compiler.process(element.column.in_(sa.bindparam(element.name, expanding=True)), **kw)
    )


@compiles(_KeysIn, "postgresql")
def _any_of_array(element: _KeysIn, compiler: Any, **kw: Any) -> str:
    array = sa.bindparam(element.name, type_=ARRAY(element.column.type))
    return str(compiler.process(element.column == sa.any_(array), **kw))


class _UTCToday(ColumnElement[date]):
    """Today's date in UTC, as the database computes it; see `utc_today`."""

    inherit_cache = True
    type = sa.Date()


def utc_today() -> ColumnElement[date]:
    """Today in UTC, computed by the database when the statement runs, so a statement built
    once stays right after midnight (and whatever the server's time zone)."""
    return _UTCToday()


@compiles(_UTCToday)
def _sqlite_today(_element: _UTCToday, _compiler: Any, **_kw: Any) -> str:
    return "date('now')"  # SQLite's clock is UTC; dates are stored as YYYY-MM-DD text


@compiles(_UTCToday, "postgresql")
def _postgresql_today(_element: _UTCToday, _compiler: Any, **_kw: Any) -> str:
    return "CAST(timezone('UTC', now()) AS DATE)"
