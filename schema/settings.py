"""HTTP and GraphQL settings, read from the environment (API_*, and REDIS_URL)."""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ApiSettings(BaseSettings):
    """How the HTTP app behaves, and the limits every operation is held to."""

    model_config = SettingsConfigDict(
        env_prefix="API_", extra="ignore", populate_by_name=True, frozen=True
    )

    graphiql: bool = True
    log_level: str = "INFO"

    # Checked before execution; README "Limits and query cost" explains each.
    max_depth: int = Field(default=12, ge=1)
    max_aliases: int = Field(default=30, ge=0)
    max_tokens: int = Field(default=5000, ge=1)
    max_cost: int = Field(default=5000, ge=1)

    # Each caller's leaky bucket of cost points.
    budget_capacity: int = Field(default=10_000, ge=1)
    budget_leak_per_second: int = Field(default=500, ge=1)
    # Set: budgets live in Redis, shared by every worker; unset: in each process.
    redis_url: str | None = Field(default=None, validation_alias="REDIS_URL")
    budget_key_prefix: str = "pledgegraph:budget:"

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
