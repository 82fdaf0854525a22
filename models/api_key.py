"""API keys: who may call the API as a partner or an admin; only a hash of each key is kept."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import enum_type


class ApiKeyRole(StrEnum):
    """What a key's holder may do: act for one company (partner) or for the service (admin)."""

    PARTNER = "partner"
    ADMIN = "admin"


class ApiKey(SQLModel, table=True):
    """A credential for the API. Revoked keys stay as a record of who had access and when."""

    __tablename__ = "api_keys"
    __table_args__ = (
        sa.CheckConstraint(
            "(role = 'partner' AND company_id IS NOT NULL)"
            " OR (role = 'admin' AND company_id IS NULL)",
            name="company_for_partners_only",
        ),
        sa.CheckConstraint("name <> ''", name="name_not_empty"),
        sa.CheckConstraint("length(secret_hash) = 64", name="secret_hash_is_sha256_hex"),
        sa.CheckConstraint(
            "revoked_at IS NULL OR revoked_at >= created_at", name="revoked_after_created"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    role: ApiKeyRole = Field(sa_type=enum_type(ApiKeyRole, "role"))
    # RESTRICT: a company that ever held a key keeps its record of access.
    company_id: int | None = Field(
        default=None, foreign_key="companies.id", ondelete="RESTRICT", index=True
    )
    # The public part of the key, printed in lists and logs; the lookup key.
    prefix: str = Field(max_length=16, unique=True)
    # SHA-256 (hex) of the whole key. Keys carry 256 random bits, so guessing one is hopeless
    # and a slow password hash (bcrypt, argon2) would only slow down every request.
    secret_hash: str = Field(max_length=64)
    # Our own frontends, which may be held to registered operations only.
    first_party: bool = False
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    revoked_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
