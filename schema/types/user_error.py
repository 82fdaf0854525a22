"""Typed mutation errors: what a caller did wrong, on which input field, with a stable code."""

from __future__ import annotations

from enum import StrEnum

import strawberry

from schema.enums import described


class UserErrorCode(StrEnum):
    # A StrEnum, like every enum here: the sorted schema (StrawberryConfig.sort_schema) serialises
    # enum members by value, which a plain Enum member never equals.
    INVALID_INPUT = "INVALID_INPUT"
    NOT_FOUND = "NOT_FOUND"
    ALREADY_EXISTS = "ALREADY_EXISTS"


described(
    UserErrorCode,
    "Why a mutation refused its input.",
    {
        "INVALID_INPUT": "A value is malformed or out of range.",
        "NOT_FOUND": "Something the input refers to does not exist or is not yours.",
        "ALREADY_EXISTS": "A record with the same unique key exists.",
    },
)


@strawberry.type(description="One reason a mutation refused its input; nothing was written.")
class UserError:
    field: list[str] | None = strawberry.field(
        description='Path to the input field at fault, e.g. ["input", "slug"]; null if none.'
    )
    message: str = strawberry.field(description="What is wrong, for a person to read.")
    code: UserErrorCode = strawberry.field(description="Stable machine-readable reason.")
