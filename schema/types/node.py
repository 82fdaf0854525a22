"""The Relay Node interface for types backed by a table row."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from sqlmodel import SQLModel
from strawberry import relay

from resolvers.errors import InvalidId
from resolvers.loaders import load_by_id
from schema.context import Info


class ModelNode(relay.Node):
    """A Node whose objects are rows of `model`; `id` is an opaque global ID."""

    model: ClassVar[type[SQLModel]]

    @classmethod
    def is_type_of(cls, obj: Any, _info: Any) -> bool:
        # Resolvers return model rows, not instances of this class (strawberry pitfall P14).
        return isinstance(obj, cls | cls.model)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        ids = [_row_id(node_id) for node_id in node_ids]
        return await load_by_id(info.context.db, cls.model, ids)


def _row_id(node_id: str) -> int:
    if not node_id.isdigit():
        raise InvalidId("The ID is not valid.")
    return int(node_id)


def pk(row: SQLModel) -> int:
    """The primary key of a row read from the database (never None there)."""
    value = getattr(row, "id", None)
    assert isinstance(value, int), "rows read from the database have a primary key"
    return value
