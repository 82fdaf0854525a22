"""Typed mutation errors: what a caller did wrong, on which input field, with a stable code."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="Why a mutation refused its input.")
class UserErrorCode(Enum):
    INVALID_INPUT = strawberry.enum_value(
        "INVALID_INPUT", description="A value is malformed or out of range."
    )
    NOT_FOUND = strawberry.enum_value(
        "NOT_FOUND", description="Something the input refers to does not exist or is not yours."
    )
    ALREADY_EXISTS = strawberry.enum_value(
        "ALREADY_EXISTS", description="A record with the same unique key exists."
    )


@strawberry.type(description="One reason a mutation refused its input; nothing was written.")
class UserError:
    field: list[str] | None = strawberry.field(
        description='Path to the input field at fault, e.g. ["input", "slug"]; null if none.'
    )
    message: str = strawberry.field(description="What is wrong, for a person to read.")
    code: UserErrorCode = strawberry.field(description="Stable machine-readable reason.")
