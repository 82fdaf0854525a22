"""The credit ledger: Issuance and Retirement (public), CreditBlock, CreditHolding and Purchase
(private)."""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from datetime import date, datetime
from typing import Annotated, Any

import strawberry

import models
from resolvers import carbon_credit as resolvers_credit
from resolvers.loaders import ready_or_load
from schema.context import Info
from schema.enums import CreditStatus, Provenance, RetirementReason
from schema.inputs import CreditBlockOrder, CreditBlockWhere
from schema.scalars import BigInt, Money, utc
from schema.types.carbon_project import CarbonProject, CreditTotals
from schema.types.company import Company
from schema.types.connection import connection_field
from schema.types.node import ModelNode, pk

PRIVATE = (
    " Private: visible to the partners of the owning company and to admins only; to anyone else"
    " it does not exist (null from `node`, absent from lists and counts)."
)


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

    credit_blocks = connection_field(
        node=Annotated["CreditBlock", strawberry.lazy(__name__)],
        where=CreditBlockWhere,
        order=CreditBlockOrder,
        listing=resolvers_credit.list_credit_blocks,
        nesting=resolvers_credit.BLOCKS_BY_ISSUANCE,
        description=(
            "The serial blocks of this issuance that you may see (your company's, or all for"
            " admins), newest first unless `orderBy` says otherwise. The public totals are in"
            " `credits`."
        ),
    )


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

    quantity: BigInt = strawberry.field(
        description="Credits retired, tonnes CO2e: the sum of its serial blocks."
    )

    @strawberry.field(
        description="The project whose credits were retired.", graphql_type=CarbonProject
    )
    async def project(
        self, root: strawberry.Parent[models.Retirement], info: Info
    ) -> models.CarbonProject | None:
        return await info.context.loaders.carbon_project_by_id.load(root.project_id)

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


@strawberry.type(
    description=(
        "An inclusive range of serial numbers of one issuance (1 credit = 1 tonne CO2e), with"
        " its status and owner." + PRIVATE
    )
)
class CreditBlock(ModelNode):
    model = models.CreditBlock

    id: strawberry.relay.NodeID[int]
    serial_start: BigInt = strawberry.field(description="First serial number (inclusive).")
    serial_end: BigInt = strawberry.field(description="Last serial number (inclusive).")
    quantity: BigInt = strawberry.field(
        description="Credits in the block, tonnes CO2e: serialEnd - serialStart + 1."
    )
    registry_serial: str | None = strawberry.field(
        description="The serial range as the registry writes it, where known."
    )
    status: CreditStatus = strawberry.field(description="Where the block is in its life cycle.")

    @classmethod
    async def prefetch(cls, info: Info, rows: Sequence[Any], fields: set[str]) -> None:
        loaders = info.context.loaders

        async def load(loader: Any, keys: set[Any]) -> list[Any]:
            return list(await loader.load_many(sorted(keys - {None})))

        if fields & {"issuance", "vintage", "project"}:
            issuances = await load(loaders.issuance_by_id, {row.issuance_id for row in rows})
            if "project" in fields:
                await load(loaders.carbon_project_by_id, {i.project_id for i in issuances})
        if "owner" in fields:
            await load(loaders.company_by_id, {row.owner_company_id for row in rows})
        if "parentBlock" in fields:
            await load(loaders.credit_block_by_id, {row.parent_block_id for row in rows})
        if "purchase" in fields:
            await load(loaders.purchase_by_id, {row.purchase_id for row in rows})
        if "retirement" in fields:
            await load(loaders.retirement_by_id, {row.retirement_id for row in rows})

    @strawberry.field(description="When the block came to be: issued, split off or bought (UTC).")
    def created_at(self, root: strawberry.Parent[models.CreditBlock]) -> datetime:
        return utc(root.created_at)

    @strawberry.field(
        description="The issuance the serial numbers belong to.", graphql_type=Issuance
    )
    def issuance(
        self, root: strawberry.Parent[models.CreditBlock], info: Info
    ) -> models.Issuance | Awaitable[models.Issuance | None] | None:
        return ready_or_load(info.context.loaders.issuance_by_id, root.issuance_id)

    @strawberry.field(description="The vintage year of the block's issuance.")
    async def vintage(self, root: strawberry.Parent[models.CreditBlock], info: Info) -> int:
        issuance = await info.context.loaders.issuance_by_id.load(root.issuance_id)
        assert issuance is not None  # a foreign key guarantees it
        return issuance.vintage

    @strawberry.field(
        description="The project the credits were issued to.", graphql_type=CarbonProject
    )
    async def project(
        self, root: strawberry.Parent[models.CreditBlock], info: Info
    ) -> models.CarbonProject | None:
        loaders = info.context.loaders
        issuance = await loaders.issuance_by_id.load(root.issuance_id)
        assert issuance is not None  # a foreign key guarantees it
        return await loaders.carbon_project_by_id.load(issuance.project_id)

    @strawberry.field(
        description="The owning company; null for the exchange's inventory.",
        graphql_type=Company | None,
    )
    def owner(
        self, root: strawberry.Parent[models.CreditBlock], info: Info
    ) -> models.Company | Awaitable[models.Company | None] | None:
        if root.owner_company_id is None:
            return None
        return ready_or_load(info.context.loaders.company_by_id, root.owner_company_id)

    @strawberry.field(
        description=(
            "The block this one was split from (lineage); null for an original block, or when"
            " you may not see the parent (e.g. it was in the exchange's inventory)."
        ),
        graphql_type=Annotated["CreditBlock", strawberry.lazy(__name__)] | None,
    )
    def parent_block(
        self, root: strawberry.Parent[models.CreditBlock], info: Info
    ) -> models.CreditBlock | Awaitable[models.CreditBlock | None] | None:
        if root.parent_block_id is None:
            return None
        return ready_or_load(info.context.loaders.credit_block_by_id, root.parent_block_id)

    @strawberry.field(
        description="The purchase that brought the block to its owner, if any.",
        graphql_type=Annotated["Purchase", strawberry.lazy(__name__)] | None,
    )
    def purchase(
        self, root: strawberry.Parent[models.CreditBlock], info: Info
    ) -> models.Purchase | Awaitable[models.Purchase | None] | None:
        if root.purchase_id is None:
            return None
        return ready_or_load(info.context.loaders.purchase_by_id, root.purchase_id)

    @strawberry.field(
        description="The public retirement record, for a retired block.",
        graphql_type=Retirement | None,
    )
    def retirement(
        self, root: strawberry.Parent[models.CreditBlock], info: Info
    ) -> models.Retirement | Awaitable[models.Retirement | None] | None:
        if root.retirement_id is None:
            return None
        return ready_or_load(info.context.loaders.retirement_by_id, root.retirement_id)


@strawberry.type(
    description="A company's order of credits from one project through the exchange." + PRIVATE
)
class Purchase(ModelNode):
    model = models.Purchase

    id: strawberry.relay.NodeID[int]
    vintage: int | None = strawberry.field(
        description="The vintage year ordered; null when the order named none."
    )
    quantity: BigInt = strawberry.field(description="Credits bought, tonnes CO2e.")

    @classmethod
    async def prefetch(cls, info: Info, rows: Sequence[Any], fields: set[str]) -> None:
        loaders = info.context.loaders
        if "buyer" in fields:
            await loaders.company_by_id.load_many(sorted({row.buyer_company_id for row in rows}))
        if "project" in fields:
            await loaders.carbon_project_by_id.load_many(sorted({row.project_id for row in rows}))

    @strawberry.field(description="The price of one credit.")
    def unit_price(self, root: strawberry.Parent[models.Purchase]) -> Money:
        return Money.from_cents(root.unit_price_cents, root.currency)

    @strawberry.field(description="The amount paid: quantity times unit price.")
    def total_price(self, root: strawberry.Parent[models.Purchase]) -> Money:
        return Money.from_cents(root.total_price_cents, root.currency)

    @strawberry.field(description="When the purchase was made (UTC).")
    def purchased_at(self, root: strawberry.Parent[models.Purchase]) -> datetime:
        return utc(root.purchased_at)

    @strawberry.field(description="The buying company.", graphql_type=Company)
    def buyer(
        self, root: strawberry.Parent[models.Purchase], info: Info
    ) -> models.Company | Awaitable[models.Company | None] | None:
        return ready_or_load(info.context.loaders.company_by_id, root.buyer_company_id)

    @strawberry.field(description="The project the credits come from.", graphql_type=CarbonProject)
    def project(
        self, root: strawberry.Parent[models.Purchase], info: Info
    ) -> models.CarbonProject | Awaitable[models.CarbonProject | None] | None:
        return ready_or_load(info.context.loaders.carbon_project_by_id, root.project_id)

    credit_blocks = connection_field(
        node=Annotated["CreditBlock", strawberry.lazy(__name__)],
        where=CreditBlockWhere,
        order=CreditBlockOrder,
        listing=resolvers_credit.list_credit_blocks,
        nesting=resolvers_credit.BLOCKS_BY_PURCHASE,
        description=(
            "The serial blocks this purchase delivered (and the blocks split from them), newest"
            " first unless `orderBy` says otherwise."
        ),
    )


@strawberry.type(
    description=(
        "A company's live credits of one project, vintage and status, in tonnes CO2e: its held,"
        " retired or cancelled serial blocks added up (blocks split since count through their"
        " parts). Private: visible to the partners of the owning company and to admins only."
    )
)
class CreditHolding:
    vintage: int = strawberry.field(description="The vintage year of the credits.")
    status: CreditStatus = strawberry.field(description="HELD, RETIRED or CANCELLED.")
    quantity: BigInt = strawberry.field(description="Credits in this holding, tonnes CO2e.")
    block_count: int = strawberry.field(
        description="How many serial blocks the credits are in (see `creditBlocks` on the owner)."
    )

    @strawberry.field(
        description="The project the credits were issued to.", graphql_type=CarbonProject
    )
    def project(
        self, root: strawberry.Parent[models.CreditHolding], info: Info
    ) -> models.CarbonProject | Awaitable[models.CarbonProject | None] | None:
        return ready_or_load(info.context.loaders.carbon_project_by_id, root.project_id)

    @strawberry.field(description="The owning company.", graphql_type=Company)
    def owner(
        self, root: strawberry.Parent[models.CreditHolding], info: Info
    ) -> models.Company | Awaitable[models.Company | None] | None:
        return ready_or_load(info.context.loaders.company_by_id, root.owner_company_id)
