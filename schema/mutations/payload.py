"""What every mutation shares: the input fields the caller gave, and its payload's userErrors."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from typing import Any, TypeVar

import strawberry
from strawberry.types.unset import UnsetType

from resolvers.entity_map import public_name
from resolvers.loaders import Loaders
from resolvers.writes import Written
from schema.context import Info
from schema.types.node import ModelNode, row_id
from schema.types.user_error import UserError

T = TypeVar("T")

USER_ERRORS = "Why the input was refused; empty on success. When not empty, nothing was written."


def input_argument(description: str) -> Any:
    """A mutation's single argument, named `input` (Relay's convention)."""
    return strawberry.argument(name="input", description=description)


def given(
    input: object,
    *,
    ids: Mapping[str, type[ModelNode]] | None = None,
    skip: Collection[str] = ("id",),
) -> dict[str, Any]:
    """The input's fields the caller set, null included and absent ones left out.

    Global ids in `ids` become row ids (INVALID_ID unless they name an object of that type).
    """
    values: dict[str, Any] = {}
    for field in dataclasses.fields(input):  # type: ignore[arg-type]
        value = getattr(input, field.name)
        if isinstance(value, UnsetType) or field.name in skip:
            continue
        node_type = (ids or {}).get(field.name)
        if node_type is not None and value is not None:
            value = row_id(value, node_type, field=f"input.{public_name(field.name)}")
        values[field.name] = value
    return values


def outcome(info: Info, written: Written[T]) -> tuple[T | None, list[UserError]]:
    """The row written (None if refused) and the userErrors saying why not."""
    if written.row is not None:
        # Rows cached by earlier fields of this operation predate the write.
        info.context.loaders = Loaders.for_db(info.context.db, viewer=info.context.viewer)
    errors = [
        UserError(
            field=list(problem.field) if problem.field else None,
            message=problem.message,
            code=problem.code,
        )
        for problem in written.problems
    ]
    return written.row, errors
