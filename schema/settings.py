"""HTTP and GraphQL settings, read from the environment (API_*)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class ApiSettings(BaseSettings):
    """How the HTTP app behaves."""

    model_config = SettingsConfigDict(env_prefix="API_", extra="ignore")

    graphiql: bool = True
    log_level: str = "INFO"
