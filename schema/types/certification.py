"""Certification: a scheme behind the Climate Pledge Friendly badge."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from resolvers import product
from schema.enums import CertificationCategory, CertificationLevel, Marketplace, Provenance
from schema.inputs import ProductOrder, ProductWhere
from schema.types.connection import connection_field
from schema.types.node import ModelNode

if TYPE_CHECKING:
    from schema.types.product import Product


@strawberry.type(
    description=(
        "A third-party or Amazon-owned certification recognised by Climate Pledge Friendly."
    )
)
class Certification(ModelNode):
    model = models.Certification

    id: strawberry.relay.NodeID[int]
    slug: str = strawberry.field(description="Stable human-readable key, e.g. `fsc`.")
    name: str = strawberry.field(description="The certification's name.")
    issuer: str = strawberry.field(description="The organisation that owns the scheme.")
    category: CertificationCategory = strawberry.field(
        description="What the certification attests."
    )
    carbon_related: bool = strawberry.field(
        description=(
            "True when it attests the product's carbon footprint (measured, reduced or offset);"
            " schemes with only a partial carbon criterion are false."
        )
    )
    amazon_owned: bool = strawberry.field(
        description="True for Amazon's own badges (Compact by Design, Pre-owned Certified)."
    )
    level: CertificationLevel = strawberry.field(
        description="Whether it certifies products, brands or facilities."
    )
    description: str = strawberry.field(description="What the certification attests, in brief.")
    url: str | None = strawberry.field(description="The scheme's web page.")
    recognized_since: date | None = strawberry.field(
        description="When Climate Pledge Friendly first recognised it, where known."
    )
    provenance: Provenance = strawberry.field(
        description="Whether this record is sourced, unconfirmed or generated."
    )
    source_url: str | None = strawberry.field(description="The public source of this record.")

    @strawberry.field(
        description="The marketplaces where the badge is recognised.",
        graphql_type=list[Marketplace],
    )
    def marketplaces(self, root: strawberry.Parent[models.Certification]) -> list[str]:
        return root.marketplaces

    products = connection_field(
        node=Annotated["Product", strawberry.lazy("schema.types.product")],
        where=ProductWhere,
        order=ProductOrder,
        listing=product.list_products,
        nesting=product.BY_CERTIFICATION,
        description=(
            "Products holding a certificate of this certification (any validity), by title unless"
            " `orderBy` says otherwise."
        ),
    )
