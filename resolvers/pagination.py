"""Keyset pagination: orderings with a primary-key tie-break, opaque cursors bound to them."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql import ColumnElement
from sqlmodel.sql.expression import SelectOfScalar

from models.db import Database

from .errors import InvalidCursor, InvalidInput
from .rows import columns, reader, row_type
from .statements import built_once

T = TypeVar("T")

MAX_PAGE_SIZE = 100
_CURSOR_VERSION = 1


@dataclass(frozen=True)
class SortKey:
    """One ORDER BY term over a non-nullable column or a computed expression.

    `attribute` names the row attribute holding the value; None marks a computed expression
    (e.g. a search rank), which is selected alongside the row so cursors can carry it.
    """

    column: Any  # a mapped column attribute, e.g. col(Product.title), or an SQL expression
    attribute: str | None
    descending: bool = False
    # For a nullable attribute: the value its NULL sorts as; `column` must then be
    # `coalesce(attribute's column, null_as)` (see nullable_sort_key), since keysets never
    # compare with NULL.
    null_as: Any = None


@dataclass(frozen=True)
class Ordering:
    """A total order: the requested keys followed by the primary key.

    `name` is part of every cursor, so a cursor made under one ordering is refused under another.
    """

    name: str
    keys: tuple[SortKey, ...]

    @property
    def computed(self) -> list[Any]:
        return [key.column for key in self.keys if key.attribute is None]

    def values_of(self, row: Any, computed: Sequence[Any] = ()) -> list[Any]:
        extra = iter(computed)
        values = []
        for key in self.keys:
            value = next(extra) if key.attribute is None else getattr(row, key.attribute)
            values.append(key.null_as if value is None else value)
        return values


def nullable_sort_key(column: Any, attribute: str, *, null_as: Any) -> SortKey:
    """A sort key over a nullable column: NULL sorts as `null_as` (e.g. 0 before every year)."""
    return SortKey(sa.func.coalesce(column, null_as), attribute, null_as=null_as)


@dataclass(frozen=True)
class PageRequest:
    """Validated Relay arguments: `first`/`after` forwards or `last`/`before` backwards."""

    size: int
    backwards: bool
    cursor: str | None

    @classmethod
    def from_arguments(
        cls,
        *,
        first: int | None,
        after: str | None,
        last: int | None,
        before: str | None,
    ) -> PageRequest:
        if first is not None and last is not None:
            raise InvalidInput("Pass either `first` or `last`, not both.", field="first")
        if first is None and last is None:
            raise InvalidInput(
                f"Pass `first` or `last` (1 to {MAX_PAGE_SIZE}) to read a page.",
                field="first",
            )
        if before is not None and last is None:
            raise InvalidInput("`before` goes with `last`.", field="before")
        if after is not None and first is None:
            raise InvalidInput("`after` goes with `first`.", field="after")
        backwards = last is not None
        size = last if backwards else first
        name = "last" if backwards else "first"
        assert size is not None
        if not 0 <= size <= MAX_PAGE_SIZE:
            raise InvalidInput(
                f"`{name}` must be between 0 and {MAX_PAGE_SIZE}; got {size}.",
                field=name,
            )
        return cls(size=size, backwards=backwards, cursor=before if backwards else after)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of rows with their cursors."""

    rows: Sequence[T]
    has_next_page: bool = False
    has_previous_page: bool = False
    # Each row's sort values under `ordering`: cursors are encoded only if a client reads one
    # (edges or pageInfo); most listings ask for `nodes` alone.
    sort_values: Sequence[Sequence[Any]] = ()
    ordering: Ordering | None = None

    @cached_property
    def cursors(self) -> list[str]:
        ordering = self.ordering
        if ordering is None:
            return []
        return [encode_cursor(ordering, values) for values in self.sort_values]


# One encoder for every cursor: json.dumps with options builds a new encoder per call.
_compact_json = json.JSONEncoder(separators=(",", ":")).encode


def encode_cursor(ordering: Ordering, values: Sequence[Any]) -> str:
    return cursor_encoder(ordering)(values)


def cursor_encoder(ordering: Ordering) -> Callable[[Sequence[Any]], str]:
    """Encodes cursors of one ordering, its fixed part made once (exports encode one per row).

    The payload is `{"v": version, "o": ordering name, "k": sort values}` as compact JSON,
    base64url without padding.
    """
    head = _compact_json({"v": _CURSOR_VERSION, "o": ordering.name})[:-1] + ',"k":'

    def encode(values: Sequence[Any]) -> str:
        raw = (head + _compact_json([_to_json(v) for v in values]) + "}").encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    return encode


def decode_cursor(ordering: Ordering, cursor: str) -> list[Any]:
    """Turn a cursor back into sort values, refusing forged ones and other orderings'."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(payload, dict) or payload.get("v") != _CURSOR_VERSION:
            raise ValueError("unknown cursor version")
        values = payload["k"]
        if not isinstance(values, list) or len(values) != len(ordering.keys):
            raise ValueError("wrong number of sort values")
    except (
        ValueError,
        KeyError,
        TypeError,
        binascii.Error,
        UnicodeDecodeError,
    ) as error:
        raise InvalidCursor("The cursor is not valid for this connection.") from error
    if payload.get("o") != ordering.name:
        raise InvalidCursor(
            "The cursor was made for another ordering; start again without a cursor."
        )
    try:
        return [_from_json(key, value) for key, value in zip(ordering.keys, values, strict=True)]
    except (ValueError, TypeError) as error:
        raise InvalidCursor("The cursor is not valid for this connection.") from error


def _to_json(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _from_json(key: SortKey, value: Any) -> Any:
    """A sort value from a cursor, checked against its column: forged values never reach SQL."""
    column_type = key.column.type
    while isinstance(column_type, sa.TypeDecorator):  # e.g. SQLModel's AutoString over String
        column_type = column_type.impl_instance
    if isinstance(column_type, sa.String):
        if not isinstance(value, str) or "\x00" in value:
            raise TypeError("expected text")
        return value
    if isinstance(column_type, sa.Integer):
        bits = 63 if isinstance(column_type, sa.BigInteger) else 31
        if (
            not isinstance(value, int)
            or isinstance(value, bool)
            or not -(2**bits) <= value < 2**bits
        ):
            raise TypeError("expected an integer in the column's range")
        return value
    if isinstance(column_type, sa.Float):
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise TypeError("expected a number")
        return float(value)
    if isinstance(column_type, sa.DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column_type, sa.Date):
        return date.fromisoformat(value)
    raise TypeError(f"no cursor decoding for {column_type!r}")


def _after(keys: Sequence[SortKey], values: Sequence[Any], *, reverse: bool) -> ColumnElement[bool]:
    """Rows strictly after `values` in the ordering (before it when `reverse`)."""
    directions = {key.descending != reverse for key in keys}
    if len(directions) == 1:
        # One direction throughout: a row-value comparison, which both databases answer from a
        # composite index.
        left = sa.tuple_(*(key.column for key in keys))
        right = sa.tuple_(
            *(sa.literal(v, key.column.type) for key, v in zip(keys, values, strict=True))
        )
        return left < right if directions.pop() else left > right
    clauses = []
    for i, key in enumerate(keys):
        equal = [k.column == v for k, v in zip(keys[:i], values[:i], strict=True)]
        beyond = key.column < values[i] if key.descending != reverse else key.column > values[i]
        clauses.append(sa.and_(*equal, beyond))
    return sa.or_(*clauses)


def order_by(ordering: Ordering, *, reverse: bool = False) -> list[ColumnElement[Any]]:
    return [
        key.column.desc() if key.descending != reverse else key.column.asc()
        for key in ordering.keys
    ]


def keyset_window(
    statement: Any, ordering: Ordering, after: Sequence[Any] | None, size: int
) -> Any:
    """`statement` in `ordering`, from just after the sort values `after` (the start when
    None), at most `size` rows: one step of a walk through a whole listing (exports)."""
    ordered = statement.order_by(None).order_by(*order_by(ordering))
    if after is not None:
        ordered = ordered.where(_after(ordering.keys, after, reverse=False))
    return ordered.limit(size)


def _keyset(statement: Any, ordering: Ordering, request: PageRequest) -> Any:
    """The statement restricted to rows beyond the request's cursor."""
    if request.cursor is None:
        return statement
    values = decode_cursor(ordering, request.cursor)
    return statement.where(_after(ordering.keys, values, reverse=request.backwards))


def _page(rows: list[tuple[Any, ...]], ordering: Ordering, request: PageRequest) -> Page[Any]:
    """Rows fetched with LIMIT size+1 (entity first, computed sort values after) as a page."""
    has_more = len(rows) > request.size
    rows = rows[: request.size]
    if request.backwards:
        rows.reverse()
    came_from_cursor = request.cursor is not None
    return Page(
        rows=[row[0] for row in rows],
        has_next_page=came_from_cursor if request.backwards else has_more,
        has_previous_page=has_more if request.backwards else came_from_cursor,
        sort_values=[ordering.values_of(row[0], row[1:]) for row in rows],
        ordering=ordering,
    )


async def fetch_page(
    db: Database,
    model: type[T],
    statement: SelectOfScalar[T],
    ordering: Ordering,
    request: PageRequest,
) -> Page[T]:
    """Read one page of read rows (resolvers.rows) with LIMIT n+1; the cost does not grow with
    the cursor's position."""
    if request.size == 0:
        return Page(rows=[])
    ordered = statement.order_by(None).order_by(*order_by(ordering, reverse=request.backwards))
    limited = _keyset(ordered, ordering, request).limit(request.size + 1)
    selected = limited.with_only_columns(
        *columns(model), *ordering.computed, maintain_column_froms=True
    )
    width, make = len(row_type(model).names), reader(model)
    rows = [(make(row), *row[width:]) for row in await db.plain_rows(selected)]
    return _page(rows, ordering, request)


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: they are constants
class Nesting:
    """How child rows hang off a parent.

    `belongs_to(parent_id)` is the condition for one parent (used per parent, in a LATERAL
    subquery on PostgreSQL); `parent` is the expression giving each row's parent id, reached
    through `joins` (used to partition a window over a batch of parents on SQLite, and for
    counts).
    """

    parent: Any
    belongs_to: Callable[[Any], Any]
    joins: tuple[tuple[Any, Any], ...] = ()
    # For unfiltered counts: (parent ids) -> SELECT parent, count ... answered from the link
    # table's index alone, without joining the child table.
    direct_count: Callable[[Sequence[int]], Any] | None = None

    def apply(self, statement: Any, parent_ids: Sequence[int]) -> Any:
        for target, onclause in self.joins:
            statement = statement.join(target, onclause)
        return statement.where(self.parent.in_(set(parent_ids)))


async def fetch_pages(
    db: Database,
    listing: Listing[T],
    nesting: Nesting,
    parent_ids: Sequence[int],
    request: PageRequest,
) -> list[Page[T]]:
    """One page per parent in a single statement: each parent gets its own first N rows, never
    N rows shared by the whole batch."""
    if request.size == 0:
        return [Page(rows=[])] * len(parent_ids)
    assert not listing.ordering.computed, "nested connections order by columns only"
    if db.dialect_name == "postgresql":
        statement = _lateral_pages(listing, nesting, request)
        rows = await db.plain_rows(statement, {"parent_ids": list(parent_ids)})
    else:
        rows = await db.plain_rows(_windowed_pages(listing, nesting, parent_ids, request))
    grouped: dict[int, list[tuple[Any, ...]]] = {}
    make = reader(listing.model)
    for row in rows:  # the child's columns, then its parent's id
        grouped.setdefault(row[-1], []).append((make(row),))
    return [_page(grouped.get(p, []), listing.ordering, request) for p in parent_ids]


def _lateral_pages(listing: Listing[Any], nesting: Nesting, request: PageRequest) -> Any:
    """PostgreSQL: for each parent, an index-ordered LIMIT N+1 scan (a LATERAL subquery), so a
    page costs the same whatever the parent's number of rows. Parent ids are bound as
    `parent_ids`."""
    if not listing.unfiltered or request.cursor is not None:
        # Filters and cursors carry values of their own: built for this request only.
        return _build_lateral_pages(listing, nesting, request)
    # First pages of unfiltered nested connections, the usual case: only the parents vary.
    ordering, size, backwards = listing.ordering.name, request.size, request.backwards
    return built_once(
        ("first pages", listing.model, nesting, ordering, size, backwards),
        lambda: _build_lateral_pages(listing, nesting, request),
    )


def _build_lateral_pages(listing: Listing[Any], nesting: Nesting, request: PageRequest) -> Any:
    parents = (
        sa.func.unnest(sa.bindparam("parent_ids", type_=ARRAY(sa.Integer)))
        .table_valued("id")
        .render_derived(name="parents")
    )
    ordered = listing.statement.where(nesting.belongs_to(parents.c.id)).order_by(
        *order_by(listing.ordering, reverse=request.backwards)
    )
    page = (
        _keyset(ordered, listing.ordering, request)
        .add_columns(parents.c.id.label("parent_id"))
        .limit(request.size + 1)
        .lateral("page")
    )
    return (
        sa.select(*columns(listing.model, page), page.c.parent_id)
        .select_from(parents)
        .join(page, sa.true())
    )


def _windowed_pages(
    listing: Listing[Any], nesting: Nesting, parent_ids: Sequence[int], request: PageRequest
) -> Any:
    """Elsewhere (SQLite has no LATERAL): ROW_NUMBER() partitioned by parent over the batch."""
    position = (
        sa.func.row_number()
        .over(
            partition_by=nesting.parent,
            order_by=order_by(listing.ordering, reverse=request.backwards),
        )
        .label("position")
    )
    inner = _keyset(nesting.apply(listing.statement, parent_ids), listing.ordering, request)
    ranked = inner.add_columns(nesting.parent.label("parent_id"), position).subquery()
    return (
        sa.select(*columns(listing.model, ranked), ranked.c.parent_id)
        .where(ranked.c.position <= request.size + 1)
        .order_by(ranked.c.parent_id, ranked.c.position)
    )


async def count_per_parent(
    db: Database, listing: Listing[Any], nesting: Nesting, parent_ids: Sequence[int]
) -> list[int]:
    """How many rows each parent has, in one grouped statement."""
    if nesting.direct_count is not None and listing.unfiltered:
        counted = nesting.direct_count(parent_ids)
    else:
        statement = nesting.apply(listing.statement, parent_ids)
        counted = statement.with_only_columns(
            nesting.parent, sa.func.count(), maintain_column_froms=True
        ).group_by(nesting.parent)
    counts = {parent: int(n) for parent, n in await db.rows(counted)}
    return [counts.get(parent_id, 0) for parent_id in parent_ids]


async def count_rows(db: Database, statement: SelectOfScalar[Any]) -> int:
    """The number of rows the statement would return, ignoring its ordering."""
    counted = sa.select(sa.func.count()).select_from(statement.order_by(None).subquery())
    ((count,),) = await db.rows(counted)
    return int(count)


@dataclass(frozen=True)
class Listing(Generic[T]):
    """What a connection pages through: a scoped, filtered statement and its ordering."""

    model: type[T]
    statement: SelectOfScalar[T]
    ordering: Ordering
    unfiltered: bool = False  # every row of the table, so counts may skip the table itself

    async def page(self, db: Database, request: PageRequest) -> Page[T]:
        return await fetch_page(db, self.model, self.statement, self.ordering, request)

    async def count(self, db: Database) -> int:
        return await count_rows(db, self.statement)
