"""Company, its Climate Pledge signature and its emissions reports."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from resolvers import carbon_credit, product
from resolvers.eligibility import Eligibility
from schema.context import Info
from schema.enums import Provenance
from schema.inputs import (
    CreditBlockOrder,
    CreditBlockWhere,
    CreditHoldingOrder,
    CreditHoldingWhere,
    ProductOrder,
    ProductWhere,
    PurchaseOrder,
    PurchaseWhere,
    RetirementOrder,
    RetirementWhere,
)
from schema.scalars import BigInt
from schema.types.connection import connection_field
from schema.types.eligibility import PRIVATE, BuyerCommitment, CreditEligibility
from schema.types.node import ModelNode, pk

if TYPE_CHECKING:
    from schema.types.carbon_credit import CreditBlock, CreditHolding, Purchase, Retirement
    from schema.types.product import Product


@strawberry.type(
    description="A company's signature of The Climate Pledge: net-zero carbon by 2040."
)
class PledgeSignature:
    signed_on: date = strawberry.field(
        description="Date of the announcement that named the company as a signatory."
    )
    net_zero_target_year: int = strawberry.field(
        description="Year by which the company commits to net-zero carbon (2040 at the latest)."
    )
    provenance: Provenance = strawberry.field(
        description="Whether the signature date is sourced, unconfirmed or generated."
    )


@strawberry.type(description="A company's greenhouse-gas emissions for one year, in tonnes CO2e.")
class EmissionsReport(ModelNode):
    model = models.EmissionsReport

    id: strawberry.relay.NodeID[int]
    year: int = strawberry.field(description="The calendar year reported.")
    scope_1_tco2e: BigInt = strawberry.field(
        name="scope1Tco2e", description="Direct emissions (scope 1), tonnes CO2e."
    )
    scope_2_tco2e: BigInt = strawberry.field(
        name="scope2Tco2e", description="Emissions from purchased energy (scope 2), tonnes CO2e."
    )
    scope_3_tco2e: BigInt = strawberry.field(
        name="scope3Tco2e", description="Value-chain emissions (scope 3), tonnes CO2e."
    )
    public_url: str | None = strawberry.field(
        description="Where the report is published; null when it is not public."
    )
    provenance: Provenance = strawberry.field(
        description="Whether the figures are sourced, unconfirmed or generated."
    )

    @strawberry.field(description="Scopes 1, 2 and 3 added up, tonnes CO2e.")
    def total_tco2e(self, root: strawberry.Parent[models.EmissionsReport]) -> BigInt:
        return BigInt(root.scope_1_tco2e + root.scope_2_tco2e + root.scope_3_tco2e)


@strawberry.type(
    description=(
        "An organisation: a Climate Pledge signatory, a product brand, a credit buyer, or several."
    )
)
class Company(ModelNode):
    model = models.Company

    id: strawberry.relay.NodeID[int]
    slug: str = strawberry.field(description="Stable human-readable key, e.g. `best-buy`.")
    name: str = strawberry.field(description="The company's name.")
    sector: str = strawberry.field(description="Industry sector, from a small fixed vocabulary.")
    hq_country: str = strawberry.field(
        description="Country of the headquarters, ISO 3166-1 alpha-2 (e.g. `US`)."
    )
    website: str | None = strawberry.field(description="The company's website.")
    provenance: Provenance = strawberry.field(
        description="Whether this record is sourced, unconfirmed or generated."
    )
    source_url: str | None = strawberry.field(description="The public source of this record.")

    @strawberry.field(
        description="The company's Climate Pledge signature; null if it has not signed.",
        graphql_type=PledgeSignature | None,
    )
    async def signature(
        self, root: strawberry.Parent[models.Company], info: Info
    ) -> models.PledgeSignature | None:
        return await info.context.loaders.signature_by_company_id.load(pk(root))

    @strawberry.field(
        description="The company's yearly emissions reports, oldest first.",
        graphql_type=list[EmissionsReport],
    )
    async def emissions_reports(
        self, root: strawberry.Parent[models.Company], info: Info
    ) -> list[models.EmissionsReport]:
        return await info.context.loaders.emissions_reports_by_company_id.load(pk(root))

    @strawberry.field(
        description=(
            "What the company has declared to the credit exchange: its net-zero target and its"
            " residual-use attestation; null if it has declared nothing." + PRIVATE
        ),
        graphql_type=BuyerCommitment | None,
    )
    async def buyer_commitment(
        self, root: strawberry.Parent[models.Company], info: Info
    ) -> models.BuyerCommitment | None:
        return await info.context.loaders.buyer_commitment_by_company_id.load(pk(root))

    @strawberry.field(
        description=(
            "Whether the company may buy credits on the exchange, each condition checked."
            " Private, like its holdings: the checks quote the company's own declarations (see"
            " `buyerCommitment`), and whether a company may buy is between it and the exchange."
            " The public facts it is computed from stay public: `signature`, `emissionsReports`."
            + PRIVATE
        ),
        graphql_type=CreditEligibility | None,
    )
    async def credit_eligibility(
        self, root: strawberry.Parent[models.Company], info: Info
    ) -> Eligibility | None:
        return await info.context.loaders.credit_eligibility_by_company_id.load(pk(root))

    products = connection_field(
        node=Annotated["Product", strawberry.lazy("schema.types.product")],
        where=ProductWhere,
        order=ProductOrder,
        listing=product.list_products,
        nesting=product.BY_BRAND_COMPANY,
        description=(
            "Products sold under the company's brands, by title unless `orderBy` says otherwise."
        ),
    )

    credit_blocks = connection_field(
        node=Annotated["CreditBlock", strawberry.lazy("schema.types.carbon_credit")],
        where=CreditBlockWhere,
        order=CreditBlockOrder,
        listing=carbon_credit.list_credit_blocks,
        nesting=carbon_credit.BLOCKS_BY_OWNER,
        description=(
            "The credit blocks the company owns (held, retired, and those split or cancelled"
            " since), newest first unless `orderBy` says otherwise. Private: empty unless you are"
            " the company's partner or an admin."
        ),
    )

    purchases = connection_field(
        node=Annotated["Purchase", strawberry.lazy("schema.types.carbon_credit")],
        where=PurchaseWhere,
        order=PurchaseOrder,
        listing=carbon_credit.list_purchases,
        nesting=carbon_credit.PURCHASES_BY_BUYER,
        description=(
            "The company's credit purchases, newest first unless `orderBy` says otherwise."
            " Private: empty unless you are the company's partner or an admin."
        ),
    )

    credit_holdings = connection_field(
        node=Annotated["CreditHolding", strawberry.lazy("schema.types.carbon_credit")],
        where=CreditHoldingWhere,
        order=CreditHoldingOrder,
        listing=carbon_credit.list_credit_holdings,
        nesting=carbon_credit.HOLDINGS_BY_OWNER,
        description=(
            "The company's credits by project, vintage and status (held, retired, cancelled),"
            " by project name, vintage and status unless `orderBy` says otherwise. Private:"
            " empty unless you are the company's partner or an admin."
        ),
    )

    retirements = connection_field(
        node=Annotated["Retirement", strawberry.lazy("schema.types.carbon_credit")],
        where=RetirementWhere,
        order=RetirementOrder,
        listing=carbon_credit.list_retirements,
        nesting=carbon_credit.RETIREMENTS_BY_BENEFICIARY,
        description=(
            "Credits retired on the company's behalf (it is the beneficiary): public records,"
            " newest first unless `orderBy` says otherwise."
        ),
    )
