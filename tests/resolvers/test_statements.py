"""built_once: one build per shape, whoever asks; Recent: the latest shapes of requests;
keys_in: rows by a list of keys, one statement text on PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import col

import models
from models.db import Database
from resolvers.statements import Recent, built_once, frozen, keys_in
from tests import factories


def test_each_shape_is_built_once_and_shapes_do_not_mix() -> None:
    builds: list[str] = []

    def build(name: str) -> str:
        builds.append(name)
        return f"statement {name}"

    tag = uuid.uuid4().hex  # shapes no other test uses
    first = built_once(("test", tag, "a"), lambda: build("a"))
    again = built_once(("test", tag, "a"), lambda: build("a"))
    other = built_once(("test", tag, "b"), lambda: build("b"))

    assert (first, again, other) == ("statement a", "statement a", "statement b")
    assert builds == ["a", "b"]


def test_recent_keeps_the_most_recently_used_and_nothing_that_failed_to_build() -> None:
    recent: Recent[str, str] = Recent(2)
    builds: list[str] = []

    def build(key: str) -> str:
        builds.append(key)
        return key.upper()

    assert recent.get("a", lambda: build("a")) == "A"
    assert recent.get("b", lambda: build("b")) == "B"
    assert recent.get("a", lambda: build("a")) == "A"  # a is now the most recent
    assert recent.get("c", lambda: build("c")) == "C"  # evicts b, the least recent
    assert recent.get("a", lambda: build("a")) == "A"
    assert recent.get("b", lambda: build("b")) == "B"
    assert builds == ["a", "b", "c", "b"]

    def fail() -> str:
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        recent.get("d", fail)
    assert recent.get("d", lambda: build("d")) == "D"
    assert builds[-1] == "d"


def test_frozen_specs_are_equal_when_equal_and_keep_scalar_types_apart() -> None:
    assert frozen({"a": {"gte": 1}, "b": [1, 2]}) == frozen({"b": [1, 2], "a": {"gte": 1}})
    assert frozen({"a": True}) != frozen({"a": 1})
    assert frozen({"a": 1}) != frozen({"a": 1.0})
    assert frozen({"a": [1, 2]}) != frozen({"a": [2, 1]})
    assert frozen({"and": [{"x": {"eq": "1"}}]}) != frozen({"and": [{"x": {"eq": 1}}]})
    hash(frozen({"in": [1, 2], "nested": {"k": None}}))


def test_keys_in_is_one_array_parameter_on_postgresql_and_an_in_list_elsewhere() -> None:
    statement = sa.select(col(models.Company.id)).where(keys_in(col(models.Company.id), "keys"))
    postgresql = create_async_engine("postgresql+asyncpg://nobody@127.0.0.1/none").dialect
    assert "= ANY ($1::INTEGER[])" in str(statement.compile(dialect=postgresql))
    sqlite = create_async_engine("sqlite+aiosqlite://").dialect
    assert "IN (__[POSTCOMPILE_keys])" in str(statement.compile(dialect=sqlite))


@pytest.mark.parametrize("wanted", [[], ["b"], ["a", "c", None]])
async def test_keys_in_finds_the_rows_of_any_number_of_keys(
    db: Database, wanted: list[str | None]
) -> None:
    made = {slug: await factories.make_company(db, slug=slug) for slug in ("a", "b", "c")}
    keys = [made[slug].id if slug else 10**6 for slug in wanted]
    statement = sa.select(col(models.Company.slug)).where(keys_in(col(models.Company.id), "keys"))
    found = await db.plain_rows(statement, {"keys": keys})
    assert sorted(slug for (slug,) in found) == sorted(slug for slug in wanted if slug)
