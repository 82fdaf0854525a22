"""Admin mutations on API keys: make one (its key is shown once) and revoke one."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.relay.types import GlobalIDValueError

import models
from resolvers import api_keys
from resolvers.errors import DomainError, NotFound
from resolvers.viewer import require_admin
from schema.context import Info
from schema.enums import ApiKeyRole
from schema.types.api_key import ApiKey
from schema.types.node import MAX_ROW_ID
from schema.types.user_error import UserError, UserErrorCode


@strawberry.input(description="What the new API key is for.")
class ApiKeyCreateInput:
    name: str = strawberry.field(
        description="Who will hold the key, e.g. `Acme reporting` (1 to 100 characters)."
    )
    role: ApiKeyRole = strawberry.field(description="What the holder may do.")
    company_slug: str | None = strawberry.field(
        default=None,
        description="Partner keys: the slug of the company the key acts for. Admin keys: omit.",
    )
    first_party: bool = strawberry.field(
        default=False, description="For one of our own frontends rather than a partner's systems."
    )


@strawberry.type(description="The result of `apiKeyCreate`.")
class ApiKeyCreatePayload:
    api_key: models.ApiKey | None = strawberry.field(
        graphql_type=ApiKey | None, description="The new key; null if the input was refused."
    )
    secret: str | None = strawberry.field(
        description=(
            "The whole key, to send as `Authorization: Bearer <secret>`. Shown in this response"
            " only: it is not stored and cannot be shown again. Null if the input was refused."
        )
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why the input was refused; empty on success."
    )


@strawberry.input(description="Which API key to revoke.")
class ApiKeyRevokeInput:
    id: strawberry.ID = strawberry.field(description="The key's global id.")


@strawberry.type(description="The result of `apiKeyRevoke`.")
class ApiKeyRevokePayload:
    api_key: models.ApiKey | None = strawberry.field(
        graphql_type=ApiKey | None,
        description="The revoked key; null if the input was refused.",
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why the input was refused; empty on success."
    )


@strawberry.type(description="Changes to API keys (admins only).")
class ApiKeyMutations:
    @strawberry.mutation(
        description=(
            "Make an API key. The payload's `secret` is the only time the key is ever shown."
            " Not idempotent: a retry makes a second key (revoke the spare). Admins only."
        )
    )
    async def api_key_create(
        self,
        info: Info,
        input: Annotated[ApiKeyCreateInput, strawberry.argument(description="The new key.")],
    ) -> ApiKeyCreatePayload:
        # A partner must not mint keys for itself or others.
        require_admin(info.context.viewer, "create or revoke API keys")
        result = await api_keys.create_api_key(
            info.context.db,
            name=input.name,
            # The sorted schema (sort_schema) hands enum inputs over as their plain values.
            role=models.ApiKeyRole(input.role),
            company_slug=input.company_slug,
            first_party=input.first_party,
        )
        if isinstance(result, api_keys.Refused):
            errors = [_user_error(error) for error in result.errors]
            return ApiKeyCreatePayload(api_key=None, secret=None, user_errors=errors)
        return ApiKeyCreatePayload(api_key=result.api_key, secret=result.key, user_errors=[])

    @strawberry.mutation(
        description=(
            "Revoke an API key: requests sending it are refused from now on. Revoking a revoked"
            " key changes nothing. Admins only."
        )
    )
    async def api_key_revoke(
        self,
        info: Info,
        input: Annotated[ApiKeyRevokeInput, strawberry.argument(description="The key.")],
    ) -> ApiKeyRevokePayload:
        require_admin(info.context.viewer, "create or revoke API keys")
        db = info.context.db
        row_id = _api_key_row_id(input.id)
        api_key = await api_keys.get_api_key(db, row_id) if row_id is not None else None
        if api_key is None:
            error = NotFound("No API key has this id.", field="id")
            return ApiKeyRevokePayload(api_key=None, user_errors=[_user_error(error)])
        revoked = await api_keys.revoke_api_key(db, api_key)
        return ApiKeyRevokePayload(api_key=revoked, user_errors=[])


def _api_key_row_id(global_id: str) -> int | None:
    """The row id an ApiKey global id names; None for anything else."""
    try:
        parsed = relay.GlobalID.from_id(global_id)
    except GlobalIDValueError:
        return None
    node_id = parsed.node_id
    if parsed.type_name != ApiKey.__name__ or not (node_id.isascii() and node_id.isdigit()):
        return None
    return int(node_id) if int(node_id) <= MAX_ROW_ID else None


def _user_error(error: DomainError) -> UserError:
    code = UserErrorCode.NOT_FOUND if isinstance(error, NotFound) else UserErrorCode.INVALID_INPUT
    field = ["input", error.field] if error.field else None
    return UserError(field=field, message=error.message, code=code)
