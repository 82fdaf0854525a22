"""ApiKey: a credential as admins (and its own holder) see it; never its secret or hash."""

from __future__ import annotations

from datetime import datetime

import strawberry

import models
from schema.context import Info
from schema.enums import ApiKeyRole
from schema.scalars import utc
from schema.types.company import Company
from schema.types.node import ModelNode


@strawberry.type(
    description=(
        "An API key, sent as `Authorization: Bearer <key>`. Private: admins see every key, a"
        " partner its own company's keys. The key itself was shown once, when it was made, and"
        " is not stored."
    )
)
class ApiKey(ModelNode):
    model = models.ApiKey

    id: strawberry.relay.NodeID[int]
    name: str = strawberry.field(description="Who holds the key, for people to read.")
    prefix: str = strawberry.field(
        description="The key's public part (the characters after `pgk_`), to tell keys apart."
    )
    role: ApiKeyRole = strawberry.field(description="What the key's holder may do.")
    first_party: bool = strawberry.field(
        description="Held by one of our own frontends rather than by a partner's systems."
    )

    @strawberry.field(
        description="The company a partner key acts for; null for admin keys.",
        graphql_type=Company | None,
    )
    async def company(
        self, root: strawberry.Parent[models.ApiKey], info: Info
    ) -> models.Company | None:
        if root.company_id is None:
            return None
        return await info.context.loaders.company_by_id.load(root.company_id)

    @strawberry.field(description="When the key was made.")
    def created_at(self, root: strawberry.Parent[models.ApiKey]) -> datetime:
        return utc(root.created_at)

    @strawberry.field(description="When the key was revoked; null while it works.")
    def revoked_at(self, root: strawberry.Parent[models.ApiKey]) -> datetime | None:
        return utc(root.revoked_at) if root.revoked_at else None
