"""Viewer: who the caller is, as the API key it sent says."""

from __future__ import annotations

import strawberry

import models
from resolvers import api_keys
from resolvers.viewer import Viewer as Caller
from schema.context import Info
from schema.enums import Role
from schema.types.api_key import ApiKey
from schema.types.company import Company


@strawberry.type(description="Who is calling, decided by the API key sent (or its absence).")
class Viewer:
    @strawberry.field(description="What the caller may do.")
    def role(self, root: strawberry.Parent[Caller]) -> Role:
        return root.role

    @strawberry.field(
        description="The company a partner acts for; null for anonymous callers and admins.",
        graphql_type=Company | None,
    )
    async def company(self, root: strawberry.Parent[Caller], info: Info) -> models.Company | None:
        if root.company_id is None:
            return None
        return await info.context.loaders.company_by_id.load(root.company_id)

    @strawberry.field(
        description="The API key the caller sent; null for anonymous callers.",
        graphql_type=ApiKey | None,
    )
    async def api_key(self, root: strawberry.Parent[Caller], info: Info) -> models.ApiKey | None:
        if root.api_key_id is None:
            return None
        return await api_keys.get_api_key(info.context.db, root.api_key_id)
