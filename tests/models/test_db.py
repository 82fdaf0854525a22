"""The engine factory: settings reach the pool, SQLite connections get their pragmas."""

from __future__ import annotations

import pytest

from models.db import create_engine
from models.settings import DatabaseSettings


@pytest.mark.parametrize("pre_ping", [False, True])
async def test_pool_pre_ping_follows_the_setting(pre_ping: bool) -> None:
    engine = create_engine(
        DatabaseSettings(url="postgresql://postgres@127.0.0.1/unused", pool_pre_ping=pre_ping)
    )
    try:
        assert engine.pool._pre_ping is pre_ping
    finally:
        await engine.dispose()


def test_pool_pre_ping_is_off_unless_asked_for() -> None:
    assert DatabaseSettings().pool_pre_ping is False
