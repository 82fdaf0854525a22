"""The Query root: Relay node lookups, lookups by human key, and one connection per entity."""

from __future__ import annotations

from functools import partial
from typing import Annotated

import strawberry
from strawberry import relay

import models
from resolvers import api_keys, carbon_credit, carbon_project, certification, company, product
from resolvers.errors import InvalidInput
from resolvers.pagination import MAX_PAGE_SIZE
from resolvers.viewer import Viewer as Caller
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
from schema.types.carbon_credit import CreditBlock, Issuance, Purchase, Retirement
from schema.types.carbon_project import CarbonProject
from schema.types.certification import Certification
from schema.types.company import Company
from schema.types.connection import After, Before, Connection, First, Last, OrderBy, Where
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

    @strawberry.field(description="Companies, by name unless `orderBy` says otherwise.")
    async def companies(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: Where[CompanyWhere] = None,
        order_by: OrderBy[CompanyOrder] = None,
    ) -> Connection[Company]:
        return await Connection.read(
            info,
            company.list_companies,
            where=where,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    @strawberry.field(
        description="Climate Pledge signatories, by name unless `orderBy` says otherwise."
    )
    async def signatories(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: Where[CompanyWhere] = None,
        order_by: OrderBy[CompanyOrder] = None,
    ) -> Connection[Company]:
        return await Connection.read(
            info,
            partial(company.list_companies, signatories_only=True),
            where=where,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
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

    @strawberry.field(description="Certifications, by name unless `orderBy` says otherwise.")
    async def certifications(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: Where[CertificationWhere] = None,
        order_by: OrderBy[CertificationOrder] = None,
    ) -> Connection[Certification]:
        return await Connection.read(
            info,
            certification.list_certifications,
            where=where,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    @strawberry.field(description="Carbon projects, by name unless `orderBy` says otherwise.")
    async def carbon_projects(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: Where[CarbonProjectWhere] = None,
        order_by: OrderBy[CarbonProjectOrder] = None,
    ) -> Connection[CarbonProject]:
        return await Connection.read(
            info,
            carbon_project.list_carbon_projects,
            where=where,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    @strawberry.field(description="Credit issuances, newest first unless `orderBy` says otherwise.")
    async def issuances(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: Where[IssuanceWhere] = None,
        order_by: OrderBy[IssuanceOrder] = None,
    ) -> Connection[Issuance]:
        return await Connection.read(
            info,
            carbon_credit.list_issuances,
            where=where,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    @strawberry.field(
        description="Retirements (public records), newest first unless `orderBy` says otherwise."
    )
    async def retirements(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: Where[RetirementWhere] = None,
        order_by: OrderBy[RetirementOrder] = None,
    ) -> Connection[Retirement]:
        return await Connection.read(
            info,
            carbon_credit.list_retirements,
            where=where,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    @strawberry.field(
        description=(
            "Credit blocks you may see: your company's (partners) or all (admins); empty for"
            " anonymous callers. Newest first unless `orderBy` says otherwise."
        )
    )
    async def credit_blocks(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: Where[CreditBlockWhere] = None,
        order_by: OrderBy[CreditBlockOrder] = None,
    ) -> Connection[CreditBlock]:
        return await Connection.read(
            info,
            carbon_credit.list_credit_blocks,
            where=where,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    @strawberry.field(
        description=(
            "Credit purchases you may see: your company's (partners) or all (admins); empty for"
            " anonymous callers. Newest first unless `orderBy` says otherwise."
        )
    )
    async def purchases(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: Where[PurchaseWhere] = None,
        order_by: OrderBy[PurchaseOrder] = None,
    ) -> Connection[Purchase]:
        return await Connection.read(
            info,
            carbon_credit.list_purchases,
            where=where,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    @strawberry.field(
        description="Who is calling: the role and company of the API key sent, if any.",
        graphql_type=Viewer,
    )
    def viewer(self, info: Info) -> Caller:
        return info.context.viewer

    @strawberry.field(
        description=(
            "API keys you may see: your company's (partners) or all (admins); empty for"
            " anonymous callers. Newest first unless `orderBy` says otherwise."
        )
    )
    async def api_keys(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: Where[ApiKeyWhere] = None,
        order_by: OrderBy[ApiKeyOrder] = None,
    ) -> Connection[ApiKey]:
        return await Connection.read(
            info,
            api_keys.list_api_keys,
            where=where,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )
