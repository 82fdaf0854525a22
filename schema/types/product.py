"""Product, the certificates it holds and the Climate Pledge Friendly badge derived from them."""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from datetime import UTC, date, datetime
from typing import Annotated, Any

import strawberry

import models
from resolvers.loaders import HeldCertificate, NotLoaded, loaded, ready_or_load
from schema.context import Context, Info
from schema.enums import Marketplace, ProductCategory, Provenance
from schema.execution import at_hand
from schema.scalars import Money
from schema.types.certification import Certification
from schema.types.company import Company
from schema.types.node import ModelNode, pk


def _is_valid_on(held: HeldCertificate, day: date) -> bool:
    return held.valid_from <= day and (held.valid_to is None or day <= held.valid_to)


def _brand_company_at_hand(
    root: models.Product, context: Context
) -> models.Company | NotLoaded | None:
    if root.brand_company_id is None:
        return None
    return loaded(context.loaders.company_by_id, root.brand_company_id)


def _certificates_at_hand(
    root: models.Product, context: Context
) -> list[HeldCertificate] | NotLoaded:
    return loaded(context.loaders.certificates_by_product_id, pk(root))


@strawberry.type(description="A certificate a product holds under one certification.")
class ProductCertificate:
    certificate_number: str = strawberry.field(description="The certifier's certificate number.")
    valid_from: date = strawberry.field(description="First day the certificate is valid.")
    valid_to: date | None = strawberry.field(
        description="Last day the certificate is valid; null when open-ended."
    )

    # A plain attribute of HeldCertificate (a models.Certification): no resolver call per row.
    certification: Certification = strawberry.field(description="The certification.")

    @strawberry.field(description="Whether the certificate is valid on the given day.")
    def valid_on(
        self,
        root: strawberry.Parent[HeldCertificate],
        day: Annotated[date, strawberry.argument(description="The day to check (ISO date).")],
    ) -> bool:
        return _is_valid_on(root, day)


@strawberry.type(description="A product listing: one ASIN in one Amazon marketplace.")
class Product(ModelNode):
    model = models.Product

    id: strawberry.relay.NodeID[int]
    asin: str = strawberry.field(description="Amazon Standard Identification Number.")
    title: str = strawberry.field(description="The listing's title.")
    brand: str = strawberry.field(description="The brand name as shown on the listing.")
    category: ProductCategory = strawberry.field(description="The store department.")
    marketplace: Marketplace = strawberry.field(
        description="The marketplace the listing belongs to."
    )
    provenance: Provenance = strawberry.field(
        description="Whether this record is sourced, unconfirmed or generated."
    )

    @classmethod
    async def prefetch(cls, info: Info, rows: Sequence[Any], fields: set[str]) -> None:
        loaders = info.context.loaders
        if fields & {"certifications", "climatePledgeFriendly"}:
            await loaders.certificates_by_product_id.load_many([pk(row) for row in rows])
        if "brandCompany" in fields:
            companies = {row.brand_company_id for row in rows} - {None}
            await loaders.company_by_id.load_many(sorted(companies))

    @strawberry.field(description="The listing price.")
    def price(self, root: strawberry.Parent[models.Product]) -> Money:
        return Money.from_cents(root.price_cents, root.price_currency)

    @strawberry.field(
        description="The company behind the brand, when it is known.",
        graphql_type=Company | None,
        metadata=at_hand(_brand_company_at_hand),
    )
    def brand_company(
        self, root: strawberry.Parent[models.Product], info: Info
    ) -> models.Company | Awaitable[models.Company | None] | None:
        if root.brand_company_id is None:
            return None
        return ready_or_load(info.context.loaders.company_by_id, root.brand_company_id)

    @strawberry.field(
        description="Every certificate the product holds or held, oldest first.",
        graphql_type=list[ProductCertificate],
        metadata=at_hand(_certificates_at_hand),
    )
    def certifications(
        self, root: strawberry.Parent[models.Product], info: Info
    ) -> list[HeldCertificate] | Awaitable[list[HeldCertificate]]:
        return ready_or_load(info.context.loaders.certificates_by_product_id, pk(root))

    @strawberry.field(
        description=(
            "The Climate Pledge Friendly badge: true when at least one certificate is valid on"
            " the given day. Derived from the certificates, never stored."
        )
    )
    async def climate_pledge_friendly(
        self,
        root: strawberry.Parent[models.Product],
        info: Info,
        on: Annotated[
            date | None,
            strawberry.argument(description="The day to check (ISO date); today (UTC) if omitted."),
        ] = None,
    ) -> bool:
        day = on or datetime.now(UTC).date()
        certificates = await info.context.loaders.certificates_by_product_id.load(pk(root))
        return any(_is_valid_on(certificate, day) for certificate in certificates)
