"""Issuance and Retirement: the public side of the credit ledger."""

from __future__ import annotations

from datetime import date

import strawberry

import models
from resolvers import carbon_credit as resolvers_credit
from schema.context import Info
from schema.enums import Provenance, RetirementReason
from schema.scalars import BigInt
from schema.types.carbon_project import CarbonProject, CreditTotals
from schema.types.company import Company
from schema.types.node import ModelNode, pk


@strawberry.type(
    description=(
        "A batch of credits of one vintage issued to a project (1 credit = 1 tonne CO2e)."
        " The registry withholds a buffer share; the rest is issued as serial numbers."
    )
)
class Issuance(ModelNode):
    model = models.Issuance

    id: strawberry.relay.NodeID[int]
    vintage: int = strawberry.field(description="The year the reductions or removals happened.")
    issued_on: date = strawberry.field(description="The day the registry issued the batch.")
    total_quantity: BigInt = strawberry.field(
        description="Verified reductions or removals, tonnes CO2e, before the buffer."
    )
    buffer_quantity: BigInt = strawberry.field(
        description="Credits withheld in the registry's buffer pool."
    )
    issued_quantity: BigInt = strawberry.field(
        description="Credits issued: total less buffer; equals the serial range's length."
    )
    serial_prefix: str = strawberry.field(
        description="The registry's serial-number prefix for this batch, e.g. `ART-GY-102-2019-3`."
    )
    serial_start: BigInt = strawberry.field(description="First serial number (inclusive).")
    serial_end: BigInt = strawberry.field(description="Last serial number (inclusive).")
    verification_body: str | None = strawberry.field(
        description="Who verified the reductions or removals."
    )
    provenance: Provenance = strawberry.field(
        description="Whether these figures are sourced, unconfirmed or generated."
    )
    source_url: str | None = strawberry.field(description="The public source of this record.")

    @strawberry.field(
        description="Where this issuance's credits are now.", graphql_type=CreditTotals
    )
    async def credits(
        self, root: strawberry.Parent[models.Issuance], info: Info
    ) -> resolvers_credit.CreditTotals:
        return await info.context.loaders.credit_totals_by_issuance_id.load(pk(root))

    @strawberry.field(
        description="The project the credits were issued to.", graphql_type=CarbonProject
    )
    async def project(
        self, root: strawberry.Parent[models.Issuance], info: Info
    ) -> models.CarbonProject | None:
        return await info.context.loaders.carbon_project_by_id.load(root.project_id)


@strawberry.type(
    description=(
        "The public record that credits were retired (claimed, final) on a beneficiary's behalf."
    )
)
class Retirement(ModelNode):
    model = models.Retirement

    id: strawberry.relay.NodeID[int]
    beneficiary_name: str = strawberry.field(
        description="On whose behalf the credits were retired, as the registry records it."
    )
    reason: RetirementReason = strawberry.field(description="Why the credits were retired.")
    claim_year: int | None = strawberry.field(
        description="The emissions year the retirement is claimed against."
    )
    note: str | None = strawberry.field(description="The retirement's free-text purpose note.")
    retired_on: date = strawberry.field(description="The day the credits were retired.")
    provenance: Provenance = strawberry.field(
        description="Whether this record is sourced, unconfirmed or generated."
    )
    source_url: str | None = strawberry.field(description="The public source of this record.")

    @strawberry.field(description="Credits retired, tonnes CO2e (the sum of its serial blocks).")
    async def quantity(self, root: strawberry.Parent[models.Retirement], info: Info) -> BigInt:
        return await info.context.loaders.quantity_by_retirement_id.load(pk(root))  # type: ignore[return-value]

    @strawberry.field(
        description="The beneficiary, when it is a known company.", graphql_type=Company | None
    )
    async def beneficiary(
        self, root: strawberry.Parent[models.Retirement], info: Info
    ) -> models.Company | None:
        if root.beneficiary_company_id is None:
            return None
        return await info.context.loaders.company_by_id.load(root.beneficiary_company_id)

    @strawberry.field(
        description="The account holder who retired the credits (e.g. the exchange).",
        graphql_type=Company | None,
    )
    async def retired_by(
        self, root: strawberry.Parent[models.Retirement], info: Info
    ) -> models.Company | None:
        if root.retired_by_company_id is None:
            return None
        return await info.context.loaders.company_by_id.load(root.retired_by_company_id)
