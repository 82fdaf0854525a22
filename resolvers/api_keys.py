"""API keys: making one (its key returned once), listing, revoking, authenticating a caller."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import col, select

from models import ApiKey, ApiKeyRole, Company
from models.db import Database

from .entity_map import TEXT, Column, Custom, EntityMap, find_by, flag
from .errors import DomainError, InvalidInput, NotFound, Unauthenticated
from .pagination import Listing, SortKey
from .viewer import ANONYMOUS, Role, Viewer

# `pgk_<prefix>_<secret>`: the marker lets people and secret scanners recognise a leaked key;
# the prefix is public (lists, logs) and finds the row; the secret is 256 random bits.
_PREFIX_BYTES = 6
_SECRET_BYTES = 32
# Two lower-case hex digits per byte, as secrets.token_hex writes them.
_KEY = re.compile(r"pgk_([0-9a-f]{12})_[0-9a-f]{64}")
MAX_NAME_LENGTH = 100

BEARER_ONLY = "Send the API key as `Authorization: Bearer <key>`."
MALFORMED = "The API key is malformed: send the whole key, exactly as it was shown when made."
NOT_VALID = "The API key is not valid."
REVOKED = "The API key has been revoked; ask an admin for a new one."


@dataclass(frozen=True)
class NewApiKey:
    """A key just made: its row, and the key itself, which is neither stored nor shown again."""

    api_key: ApiKey
    key: str


@dataclass(frozen=True)
class Refused:
    """Why no key was made (nothing was written): one error per input field at fault."""

    errors: list[DomainError]


def hash_key(key: str) -> str:
    """What is stored instead of the key: its SHA-256, in hex."""
    return hashlib.sha256(key.encode()).hexdigest()


def _new_key() -> tuple[str, str]:
    """A fresh (prefix, key) pair from the operating system's secure random source."""
    prefix = secrets.token_hex(_PREFIX_BYTES)
    return prefix, f"pgk_{prefix}_{secrets.token_hex(_SECRET_BYTES)}"


async def create_api_key(
    db: Database,
    *,
    name: str,
    role: ApiKeyRole,
    company_slug: str | None,
    first_party: bool = False,
) -> NewApiKey | Refused:
    """Make a key for a partner (bound to the company with that slug) or an admin (no company)."""
    name = name.strip()
    errors: list[DomainError] = []
    if not name:
        errors.append(InvalidInput("Give the key a name that says who holds it.", field="name"))
    elif len(name) > MAX_NAME_LENGTH:
        message = f"The name is longer than {MAX_NAME_LENGTH} characters."
        errors.append(InvalidInput(message, field="name"))
    company: Company | None = None
    if role is ApiKeyRole.ADMIN and company_slug is not None:
        message = "An admin key acts for the whole service: leave out the company."
        errors.append(InvalidInput(message, field="companySlug"))
    elif role is ApiKeyRole.PARTNER and company_slug is None:
        message = "A partner key acts for one company: give its slug."
        errors.append(InvalidInput(message, field="companySlug"))
    elif role is ApiKeyRole.PARTNER and company_slug is not None:
        company = await find_by(db, Company, col(Company.slug), company_slug)
        if company is None:
            message = f"No company has the slug {company_slug!r}."
            errors.append(NotFound(message, field="companySlug"))
    if errors:
        return Refused(errors)
    prefix, key = _new_key()
    api_key = ApiKey(
        name=name,
        role=role,
        company_id=company.id if company else None,
        prefix=prefix,
        secret_hash=hash_key(key),
        first_party=first_party,
        created_at=datetime.now(UTC),
    )
    async with db.atomic():
        await db.save(api_key)
    return NewApiKey(api_key=api_key, key=key)


async def revoke_api_key(db: Database, api_key: ApiKey) -> ApiKey:
    """Stop the key working from now on. A revoked key stays revoked as it was, so a retried
    revocation is harmless and keeps the first revocation's time."""
    if api_key.revoked_at is None:
        api_key.revoked_at = datetime.now(UTC)
        async with db.atomic():
            await db.save(api_key)
    return api_key


async def get_api_key(db: Database, api_key_id: int) -> ApiKey | None:
    return await db.first(select(ApiKey).where(col(ApiKey.id) == api_key_id))


async def get_api_key_by_prefix(db: Database, prefix: str) -> ApiKey | None:
    """The key with this prefix, unscoped: authentication runs before there is a viewer."""
    return await db.first(select(ApiKey).where(col(ApiKey.prefix) == prefix))


async def all_api_keys(db: Database) -> list[tuple[ApiKey, str | None]]:
    """Every key, newest first, with its company's slug: the command line's unpaged list."""
    statement = (
        select(ApiKey, Company.slug)
        .outerjoin(Company, col(Company.id) == col(ApiKey.company_id))
        .order_by(col(ApiKey.created_at).desc(), col(ApiKey.id).desc())
    )
    return [(api_key, slug) for api_key, slug in await db.rows(statement)]


def _revoked(value: bool) -> Any:
    revoked_at = col(ApiKey.revoked_at)
    return revoked_at.is_not(None) if value else revoked_at.is_(None)


API_KEYS: EntityMap[ApiKey] = EntityMap(
    model=ApiKey,
    primary_key=col(ApiKey.id),
    filters={
        "name": Column(col(ApiKey.name), TEXT),
        "prefix": Column(col(ApiKey.prefix)),
        "role": Column(col(ApiKey.role)),
        "revoked": Custom(_revoked),
        "first_party": flag(col(ApiKey.first_party)),
    },
    orderings={
        "CREATED_AT": SortKey(col(ApiKey.created_at), "created_at"),
        "NAME": SortKey(col(ApiKey.name), "name"),
    },
    default_order=[("CREATED_AT", True)],
)


def list_api_keys(
    *,
    viewer: Viewer,
    where: dict[str, Any] | None = None,
    order: list[tuple[str, bool]] | None = None,
) -> Listing[ApiKey]:
    """API keys `viewer` may see matching `where`, newest first unless `order` says otherwise."""
    return API_KEYS.listing(viewer=viewer, where=where, order=order)


async def authenticate(db: Database, authorization: str | None) -> Viewer:
    """The caller named by an `Authorization` header value: anonymous without one.

    A header that is present but wrong (another scheme, a malformed, unknown or revoked key)
    is refused, never taken as anonymous: a caller must not silently lose the access they
    think they have. One statement: the row with the key's prefix.
    """
    if authorization is None:
        return ANONYMOUS
    scheme, _, credentials = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        raise Unauthenticated(BEARER_ONLY)
    key = credentials.strip()
    match = _KEY.fullmatch(key)
    if match is None:
        raise Unauthenticated(MALFORMED)
    api_key = await get_api_key_by_prefix(db, match[1])
    # compare_digest takes as long for a near miss as for a far one, so response times do not
    # reveal how much of a guessed hash was right.
    if api_key is None or not hmac.compare_digest(
        api_key.secret_hash.encode(), hash_key(key).encode()
    ):
        raise Unauthenticated(NOT_VALID)
    if api_key.revoked_at is not None:
        raise Unauthenticated(REVOKED)
    return Viewer(
        role=Role(api_key.role.value),
        company_id=api_key.company_id,
        api_key_id=api_key.id,
        first_party=api_key.first_party,
    )
