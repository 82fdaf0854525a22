"""The Relay Node interface for types backed by a table row, and global-id lookups."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from sqlmodel import SQLModel
from strawberry import relay
from strawberry.relay.types import GlobalIDValueError

from resolvers.errors import InvalidId
from resolvers.loaders import load_by_id
from resolvers.rows import is_row_of, row_type
from schema.context import Info

# Primary keys are 32-bit INTEGER columns; a larger number cannot name a row.
MAX_ROW_ID = 2**31 - 1

NODE_TYPES: dict[str, type[ModelNode]] = {}
# By model and by the model's read-row class (resolvers.rows).
NODE_BY_MODEL: dict[type[Any], type[ModelNode]] = {}


class ModelNode(relay.Node):
    """A Node whose objects are rows of `model`; `id` is an opaque global ID."""

    model: ClassVar[type[SQLModel]]
    read_row: ClassVar[type[Any]]  # the model's read-row class (resolvers.rows)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        NODE_TYPES[cls.__name__] = cls
        NODE_BY_MODEL[cls.model] = cls
        cls.read_row = row_type(cls.model)
        NODE_BY_MODEL[cls.read_row] = cls

    @classmethod
    async def prefetch(cls, info: Info, rows: Sequence[Any], fields: set[str]) -> None:
        """Load, in one batch, the relations `fields` asks for on a page of rows.

        Types with relations override this; their field resolvers then find the values in the
        loaders' caches and return them without awaiting (see resolvers.loaders.ready_or_load).
        """

    @classmethod
    def is_type_of(cls, obj: Any, _info: Any) -> bool:
        # Resolvers return model rows (read rows or instances), not instances of this class
        # (strawberry pitfall P14).
        return type(obj) is cls.read_row or isinstance(obj, cls) or is_row_of(obj, cls.model)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        ids = [_row_id(node_id) for node_id in node_ids]
        return await load_by_id(info.context.db, cls.model, ids, viewer=info.context.viewer)


async def resolve_global_ids(info: Info, global_ids: Sequence[str]) -> list[Any]:
    """Rows for global ids, in the order given: one query per type.

    None where the row is missing or out of the viewer's scope, the two alike, so a null says
    nothing about whether a private row exists.
    """
    wanted = [_parse(global_id) for global_id in global_ids]
    by_type: defaultdict[type[ModelNode], set[int]] = defaultdict(set)
    for node_type, row_id in wanted:
        by_type[node_type].add(row_id)
    found: dict[tuple[type[ModelNode], int], Any] = {}
    for node_type, row_ids in by_type.items():
        ordered = sorted(row_ids)
        rows = await load_by_id(
            info.context.db, node_type.model, ordered, viewer=info.context.viewer
        )
        found.update(((node_type, i), row) for i, row in zip(ordered, rows, strict=True))
    return [found[key] for key in wanted]


def row_id(global_id: str, node_type: type[ModelNode], *, field: str) -> int:
    """The row id in a global id given in an input; INVALID_ID unless it names a `node_type`."""
    try:
        named, row = _parse(global_id)
    except InvalidId as error:
        raise InvalidId(error.message, field=field) from error
    if named is not node_type:
        raise InvalidId(f"The ID does not name a {node_type.__name__}.", field=field)
    return row


def _parse(global_id: str) -> tuple[type[ModelNode], int]:
    try:
        parsed = relay.GlobalID.from_id(global_id)
    except GlobalIDValueError as error:
        raise InvalidId("The ID is not valid.") from error
    node_type = NODE_TYPES.get(parsed.type_name)
    if node_type is None:
        raise InvalidId("The ID does not name an object of this API.")
    return node_type, _row_id(parsed.node_id)


def _row_id(node_id: str) -> int:
    if not (node_id.isascii() and node_id.isdigit() and int(node_id) <= MAX_ROW_ID):
        raise InvalidId("The ID is not valid.")
    return int(node_id)


def pk(row: SQLModel) -> int:
    """The primary key of a row read from the database (never None there)."""
    value = getattr(row, "id", None)
    assert isinstance(value, int), "rows read from the database have a primary key"
    return value
