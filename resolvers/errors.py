"""Domain errors: expected failures that reach the caller with a stable code."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """Stable machine-readable codes, sent as `extensions.code`."""

    BAD_USER_INPUT = "BAD_USER_INPUT"
    INVALID_CURSOR = "INVALID_CURSOR"
    INVALID_ID = "INVALID_ID"
    NOT_FOUND = "NOT_FOUND"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"


class DomainError(Exception):
    """An expected error whose message is safe to show to any caller."""

    code: ErrorCode = ErrorCode.BAD_USER_INPUT

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    code = ErrorCode.BAD_USER_INPUT


class InvalidCursor(DomainError):
    code = ErrorCode.INVALID_CURSOR


class InvalidId(DomainError):
    code = ErrorCode.INVALID_ID


class NotFound(DomainError):
    code = ErrorCode.NOT_FOUND


class Unauthenticated(DomainError):
    """The credentials sent are missing where required, malformed, unknown or revoked."""

    code = ErrorCode.UNAUTHENTICATED


class Forbidden(DomainError):
    """The caller is known but may not do this."""

    code = ErrorCode.FORBIDDEN
