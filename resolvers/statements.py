"""Statements built once per shape and reused, their varying values bound as parameters."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

S = TypeVar("S")

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
