"""Database settings, read from the environment (DATABASE_*)."""

from __future__ import annotations

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./pledgegraph.db"


class DatabaseSettings(BaseSettings):
    """Where the data lives and how to talk to it."""

    model_config = SettingsConfigDict(env_prefix="DATABASE_", extra="ignore")

    url: str = DEFAULT_DATABASE_URL
    echo: bool = False
    pool_size: int = 10
    # A round trip before every checkout costs each request more than a rare failed request
    # after a database restart (the pool then discards its broken connections), so it is opt-in.
    pool_pre_ping: bool = False

    @field_validator("url")
    @classmethod
    def use_async_driver(cls, url: str) -> str:
        """Accept the usual URL spellings and pick the async driver we ship."""
        for plain, async_scheme in (
            ("postgres://", "postgresql+asyncpg://"),
            ("postgresql://", "postgresql+asyncpg://"),
            ("sqlite://", "sqlite+aiosqlite://"),
        ):
            if url.startswith(plain):
                return async_scheme + url.removeprefix(plain)
        return url
