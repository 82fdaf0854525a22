"""HTTP and GraphQL settings, read from the environment (API_*, and REDIS_URL)."""

from __future__ import annotations

from typing import Annotated, Any, Self

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from strawberry.http.websocket_origin import normalize_allowed_origins


class ApiSettings(BaseSettings):
    """How the HTTP app behaves, and the limits every operation is held to."""

    model_config = SettingsConfigDict(
        env_prefix="API_", extra="ignore", populate_by_name=True, frozen=True
    )

    graphiql: bool = True
    log_level: str = "INFO"
    max_body_bytes: int = Field(default=100_000, ge=1)
    # Operations in one JSON-array batch; 0 turns batching off.
    max_batch: int = Field(default=10, ge=0)
    # Browser origins allowed to call the API (CORS) and to open WebSockets; none by default.
    cors_origins: Annotated[tuple[str, ...], NoDecode] = ()
    max_subscriptions_per_connection: int = Field(default=10, ge=1)
    # First-party keys (our own frontends) may run registered operations only.
    persisted_only_first_party: bool = False
    persisted_query_cache_size: int = Field(default=10_000, ge=1)
    persisted_query_ttl_seconds: int = Field(default=86_400, ge=1)

    # Checked before execution; README "Limits and query cost" explains each.
    max_depth: int = Field(default=12, ge=1)
    max_aliases: int = Field(default=30, ge=0)
    max_tokens: int = Field(default=5000, ge=1)
    max_cost: int = Field(default=5000, ge=1)

    # Each caller's leaky bucket of cost points.
    budget_capacity: int = Field(default=10_000, ge=1)
    budget_leak_per_second: int = Field(default=500, ge=1)

    # Bulk exports (README "Bulk exports"): rows per keyset page, rows per budget point, and
    # exports one caller may run at once in one process.
    export_page_size: int = Field(default=2000, ge=1, le=10_000)
    export_rows_per_point: int = Field(default=100, ge=1)
    max_exports_per_caller: int = Field(default=2, ge=1)

    # Set: persisted queries and budgets live in Redis, shared by every worker; unset: in each
    # process.
    redis_url: str | None = Field(
        default=None, validation_alias=AliasChoices("REDIS_URL", "redis_url")
    )
    # Of every key we write to Redis: `<prefix>apq:<hash>`, `<prefix>budget:<caller>`.
    redis_key_prefix: str = "pledgegraph:"

    @field_validator("cors_origins", mode="before")
    @classmethod
    def split_origins(cls, value: Any) -> tuple[str, ...]:
        """A comma-separated list, normalised as browsers send the Origin header."""
        if isinstance(value, str):
            value = [origin.strip() for origin in value.split(",") if origin.strip()]
        return tuple(sorted(normalize_allowed_origins(value)))

    @model_validator(mode="after")
    def cost_fits_in_budget(self) -> Self:
        # Otherwise an operation under the per-request maximum could never be afforded.
        if self.max_cost > self.budget_capacity:
            raise ValueError(
                f"API_MAX_COST ({self.max_cost}) must not exceed"
                f" API_BUDGET_CAPACITY ({self.budget_capacity})"
            )
        return self


# The defaults alone, without reading the environment: for a Context built outside the app.
DEFAULT_SETTINGS = ApiSettings.model_construct()
