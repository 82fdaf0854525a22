"""The Query root: Relay node lookups, lookups by human key, and one connection per entity."""

from __future__ import annotations

from functools import partial
from typing import Annotated

import strawberry
from strawberry import relay

import models
from resolvers import carbon_project, certification, company, product

# Connection fields name their list functions directly: in the class body, `company` and the
# like are the lookup fields, not these modules.
from resolvers.api_keys import list_api_keys
from resolvers.carbon_credit import (
    list_credit_blocks,
    list_credit_holdings,
    list_issuances,
    list_purchases,
    list_retirements,
)
from resolvers.carbon_project import list_carbon_projects
from resolvers.certification import list_certifications
from resolvers.company import list_companies
from resolvers.company import signatories as signed_the_pledge
from resolvers.errors import InvalidInput
from resolvers.pagination import MAX_PAGE_SIZE
from resolvers.viewer import Viewer as Caller
from schema import reporting
from schema.context import Info
from schema.inputs import (
    ApiKeyOrder,
    ApiKeyWhere,
    CarbonProjectOrder,
    CarbonProjectWhere,
    CertificationOrder,
    CertificationWhere,
    CompanyOrder,
    CompanyWhere,
    CreditBlockOrder,
    CreditBlockWhere,
    CreditHoldingOrder,
    CreditHoldingWhere,
    IssuanceOrder,
    IssuanceWhere,
    ProductOrder,
    ProductWhere,
    PurchaseOrder,
    PurchaseWhere,
    RetirementOrder,
    RetirementWhere,
)
from schema.types.api_key import ApiKey
from schema.types.carbon_credit import CreditBlock, CreditHolding, Issuance, Purchase, Retirement
from schema.types.carbon_project import CarbonProject
from schema.types.certification import Certification
from schema.types.company import Company
from schema.types.connection import (
    After,
    Before,
    Connection,
    First,
    Last,
    OrderBy,
    Where,
    connection_field,
)
from schema.types.node import resolve_global_ids
from schema.types.product import Product
from schema.types.viewer import Viewer


@strawberry.type(description="Everything a client can read.")
class Query:
    @strawberry.field(description="Fetch any object by its global `id`; null if it does not exist.")
    async def node(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="A global id.")],
    ) -> relay.Node | None:
        (row,) = await resolve_global_ids(info, [id])
        return row  # type: ignore[no-any-return]

    @strawberry.field(
        description=(
            "Fetch several objects by their global ids, in the order given; null for any that"
            " does not exist."
        )
    )
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID], strawberry.argument(description="Global ids (at most 100).")
        ],
    ) -> list[relay.Node | None]:
        if len(ids) > MAX_PAGE_SIZE:
            raise InvalidInput(f"Pass at most {MAX_PAGE_SIZE} ids.", field="ids")
        return await resolve_global_ids(info, ids)

    @strawberry.field(description="A company by its slug.", graphql_type=Company | None)
    async def company(
        self,
        info: Info,
        slug: Annotated[str, strawberry.argument(description="The company's slug.")],
    ) -> models.Company | None:
        return await company.get_company_by_slug(info.context.db, slug)

    @strawberry.field(description="A product by its ASIN.", graphql_type=Product | None)
    async def product(
        self,
        info: Info,
        asin: Annotated[str, strawberry.argument(description="The product's ASIN.")],
    ) -> models.Product | None:
        return await product.get_product_by_asin(info.context.db, asin)

    @strawberry.field(description="A certification by its slug.", graphql_type=Certification | None)
    async def certification(
        self,
        info: Info,
        slug: Annotated[str, strawberry.argument(description="The certification's slug.")],
    ) -> models.Certification | None:
        return await certification.get_certification_by_slug(info.context.db, slug)

    @strawberry.field(
        description="A carbon project by its slug.", graphql_type=CarbonProject | None
    )
    async def carbon_project(
        self,
        info: Info,
        slug: Annotated[str, strawberry.argument(description="The project's slug.")],
    ) -> models.CarbonProject | None:
        return await carbon_project.get_carbon_project_by_slug(info.context.db, slug)

    companies = connection_field(
        node=Company,
        where=CompanyWhere,
        order=CompanyOrder,
        listing=list_companies,
        description="Companies, by name unless `orderBy` says otherwise.",
    )

    signatories = connection_field(
        node=Company,
        where=CompanyWhere,
        order=CompanyOrder,
        listing=partial(list_companies, signatories_only=True),
        description="Climate Pledge signatories, by name unless `orderBy` says otherwise.",
    )

    @strawberry.field(
        description=(
            "Products, by title unless `orderBy` says otherwise; with `search`, best matches first."
        )
    )
    async def products(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: Where[ProductWhere] = None,
        order_by: OrderBy[ProductOrder] = None,
        search: Annotated[
            str | None,
            strawberry.argument(
                description=(
                    "Full-text search over title and brand (all words must match, stemmed;"
                    " at most 200 characters). Orders by RELEVANCE unless `orderBy` is given."
                )
            ),
        ] = None,
    ) -> Connection[Product]:
        return await Connection.read(
            info,
            partial(product.list_products, search_text=search),
            where=where,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    certifications = connection_field(
        node=Certification,
        where=CertificationWhere,
        order=CertificationOrder,
        listing=list_certifications,
        description="Certifications, by name unless `orderBy` says otherwise.",
    )

    carbon_projects = connection_field(
        node=CarbonProject,
        where=CarbonProjectWhere,
        order=CarbonProjectOrder,
        listing=list_carbon_projects,
        description="Carbon projects, by name unless `orderBy` says otherwise.",
    )

    issuances = connection_field(
        node=Issuance,
        where=IssuanceWhere,
        order=IssuanceOrder,
        listing=list_issuances,
        description="Credit issuances, newest first unless `orderBy` says otherwise.",
    )

    retirements = connection_field(
        node=Retirement,
        where=RetirementWhere,
        order=RetirementOrder,
        listing=list_retirements,
        description="Retirements (public records), newest first unless `orderBy` says otherwise.",
    )

    credit_blocks = connection_field(
        node=CreditBlock,
        where=CreditBlockWhere,
        order=CreditBlockOrder,
        listing=list_credit_blocks,
        description=(
            "Credit blocks you may see: your company's (partners) or all (admins); empty for"
            " anonymous callers. Newest first unless `orderBy` says otherwise."
        ),
    )

    credit_holdings = connection_field(
        node=CreditHolding,
        where=CreditHoldingWhere,
        order=CreditHoldingOrder,
        listing=list_credit_holdings,
        description=(
            "Credits by owner, project, vintage and status that you may see: your company's"
            " (partners) or every company's (admins, who may filter by `owner`); empty for"
            " anonymous callers. By project name, vintage and status unless `orderBy` says"
            " otherwise."
        ),
    )

    purchases = connection_field(
        node=Purchase,
        where=PurchaseWhere,
        order=PurchaseOrder,
        listing=list_purchases,
        description=(
            "Credit purchases you may see: your company's (partners) or all (admins); empty for"
            " anonymous callers. Newest first unless `orderBy` says otherwise."
        ),
    )

    @strawberry.field(
        description="Who is calling: the role and company of the API key sent, if any.",
        graphql_type=Viewer,
    )
    def viewer(self, info: Info) -> Caller:
        return info.context.viewer

    api_keys = connection_field(
        node=ApiKey,
        where=ApiKeyWhere,
        order=ApiKeyOrder,
        listing=list_api_keys,
        description=(
            "API keys you may see: your company's (partners) or all (admins); empty for"
            " anonymous callers. Newest first unless `orderBy` says otherwise."
        ),
    )

    companies_aggregate = reporting.COMPANY.field(
        description="Figures over companies: counts and target years, in groups if asked."
    )
    signatories_aggregate = reporting.COMPANY.field(
        description=(
            "Figures over Climate Pledge signatories (e.g. by sector, country or year joined)."
        ),
        also=signed_the_pledge,
    )
    products_aggregate = reporting.PRODUCT.field(
        description="Figures over products: counts and prices, in groups if asked."
    )
    product_certifications_aggregate = reporting.PRODUCT_CERTIFICATION.field(
        description="Figures over product certificates (a product holding a certification)."
    )
    certifications_aggregate = reporting.CERTIFICATION.field(
        description="Figures over certifications."
    )
    carbon_projects_aggregate = reporting.CARBON_PROJECT.field(
        description="Figures over carbon projects: counts, offer prices and their credits."
    )
    issuances_aggregate = reporting.ISSUANCE.field(
        description=(
            "Figures over issuances: credits issued and where they are now (available, held,"
            " retired, cancelled: public totals, never per holder)."
        )
    )
    retirements_aggregate = reporting.RETIREMENT.field(
        description="Figures over retirements (public records)."
    )
    credit_blocks_aggregate = reporting.CREDIT_BLOCK.field(
        description=(
            "Figures over the credit blocks you may see: your company's (partners) or all"
            " (admins); nothing for anonymous callers."
        )
    )
    purchases_aggregate = reporting.PURCHASE.field(
        description=(
            "Figures over the purchases you may see: your company's (partners) or all (admins);"
            " nothing for anonymous callers."
        )
    )
    emissions_reports_aggregate = reporting.EMISSIONS_REPORT.field(
        description="Figures over emissions reports, with the credits retired for their year."
    )
