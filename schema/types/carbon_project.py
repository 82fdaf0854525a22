"""CarbonProject and the exchange's quality assessment of it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from resolvers import carbon_credit as resolvers_credit
from schema.context import Info
from schema.enums import (
    MitigationType,
    PriorityArea,
    ProjectStatus,
    ProjectType,
    Provenance,
    QualityRating,
    Registry,
)
from schema.inputs import RetirementOrder, RetirementWhere
from schema.scalars import BigInt, Money
from schema.types.connection import connection_field
from schema.types.node import ModelNode, pk

if TYPE_CHECKING:
    from schema.types.carbon_credit import Issuance, Retirement


@strawberry.type(
    description=(
        "Where issued credits are now, in tonnes CO2e: available (the exchange's inventory) +"
        " held + retired + cancelled = issued."
    )
)
class CreditTotals:
    issued: BigInt = strawberry.field(description="Credits issued (total less buffer).")
    available: BigInt = strawberry.field(description="In the exchange's inventory, for sale.")
    held: BigInt = strawberry.field(description="Owned by companies, not yet retired.")
    retired: BigInt = strawberry.field(description="Retired (claimed; final).")
    cancelled: BigInt = strawberry.field(description="Cancelled (final).")


@strawberry.type(description="The exchange's rating of a project on one quality dimension.")
class QualityAssessment:
    rating: QualityRating | None = strawberry.field(
        description="The rating; null when not yet assessed."
    )
    notes: str | None = strawberry.field(description="Why the project got this rating.")


@strawberry.type(description="The three dimensions on which the exchange assesses a project.")
class ProjectQuality:
    additionality: QualityAssessment = strawberry.field(
        description="Credit integrity and additionality: does a credit equal one real tonne?"
    )
    quantification: QualityAssessment = strawberry.field(
        description="Conservative, accurate quantification."
    )
    safeguards: QualityAssessment = strawberry.field(
        description="Social and environmental safeguards (communities, Indigenous rights)."
    )


@strawberry.type(description="A mitigation project whose verified outcomes are issued as credits.")
class CarbonProject(ModelNode):
    model = models.CarbonProject

    id: strawberry.relay.NodeID[int]
    slug: str = strawberry.field(description="Stable human-readable key, e.g. `art102-guyana`.")
    registry_project_id: str = strawberry.field(
        description="The project's ID in its registry, e.g. `VCS1340` or `ART102`."
    )
    name: str = strawberry.field(description="The project's name.")
    developer: str | None = strawberry.field(description="The project developer or proponent.")
    country: str = strawberry.field(description="Host country, ISO 3166-1 alpha-2.")
    project_type: ProjectType = strawberry.field(description="What the project does.")
    priority_area: PriorityArea | None = strawberry.field(
        description="The exchange priority it serves; null when it serves none."
    )
    mitigation_type: MitigationType = strawberry.field(
        description="Reduction (avoided emissions) or removal (carbon taken out of the air)."
    )
    methodology: str | None = strawberry.field(
        description="The methodology or protocol, e.g. `VM0047`."
    )
    labels: list[str] = strawberry.field(
        description="Labels its credits carry, e.g. `ABACUS`, `ICVCM CCP`, `CCB-Biodiversity Gold`."
    )
    status: ProjectStatus = strawberry.field(description="Registry status.")
    crediting_period_start: date | None = strawberry.field(
        description="First day of the crediting period."
    )
    crediting_period_end: date | None = strawberry.field(
        description="Last day of the crediting period; null when open or unknown."
    )
    description: str = strawberry.field(description="What the project does, in brief.")
    provenance: Provenance = strawberry.field(
        description="Whether this record is sourced, unconfirmed or generated."
    )
    source_url: str | None = strawberry.field(description="The public source of this record.")

    @strawberry.field(
        description=(
            "The exchange's price per credit; null while its credits are not on offer (a"
            " project rated LOW on any dimension is not offered until remediated)."
        )
    )
    def offer_price(self, root: strawberry.Parent[models.CarbonProject]) -> Money | None:
        if root.offer_price_cents is None:
            return None
        return Money.from_cents(root.offer_price_cents, models.EXCHANGE_CURRENCY)

    @strawberry.field(description="The registry that lists the project.", graphql_type=Registry)
    def registry(self, root: strawberry.Parent[models.CarbonProject]) -> models.Registry:
        return root.issuing_registry

    @strawberry.field(description="The exchange's quality assessment.")
    def quality(self, root: strawberry.Parent[models.CarbonProject]) -> ProjectQuality:
        return ProjectQuality(
            additionality=QualityAssessment(
                rating=root.additionality_rating, notes=root.additionality_notes
            ),
            quantification=QualityAssessment(
                rating=root.quantification_rating, notes=root.quantification_notes
            ),
            safeguards=QualityAssessment(
                rating=root.safeguards_rating, notes=root.safeguards_notes
            ),
        )

    @strawberry.field(
        description="Credits issued to the project, by vintage.",
        graphql_type=list[Annotated["Issuance", strawberry.lazy("schema.types.carbon_credit")]],
    )
    async def issuances(
        self, root: strawberry.Parent[models.CarbonProject], info: Info
    ) -> list[models.Issuance]:
        return await info.context.loaders.issuances_by_project_id.load(pk(root))

    @strawberry.field(
        description="Credits issued to the project and where they are now, over all issuances.",
        graphql_type=CreditTotals,
    )
    async def credits(
        self, root: strawberry.Parent[models.CarbonProject], info: Info
    ) -> resolvers_credit.CreditTotals:
        return await info.context.loaders.credit_totals_by_project_id.load(pk(root))

    retirements = connection_field(
        node=Annotated["Retirement", strawberry.lazy("schema.types.carbon_credit")],
        where=RetirementWhere,
        order=RetirementOrder,
        listing=resolvers_credit.list_retirements,
        nesting=resolvers_credit.RETIREMENTS_BY_PROJECT,
        description=(
            "Retirements of the project's credits (public records), newest first unless"
            " `orderBy` says otherwise."
        ),
    )
