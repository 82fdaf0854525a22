"""The Query root: Relay node lookups, lookups by human key, and one connection per entity."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

import models
from resolvers import carbon_credit, carbon_project, certification, company, product
from resolvers.errors import InvalidInput
from resolvers.pagination import MAX_PAGE_SIZE
from schema.context import Info
from schema.types.carbon_credit import Issuance, Retirement
from schema.types.carbon_project import CarbonProject
from schema.types.certification import Certification
from schema.types.company import Company
from schema.types.connection import AFTER, BEFORE, FIRST, LAST, Connection
from schema.types.node import resolve_global_ids
from schema.types.product import Product

First = Annotated[int | None, strawberry.argument(description=FIRST)]
After = Annotated[str | None, strawberry.argument(description=AFTER)]
Last = Annotated[int | None, strawberry.argument(description=LAST)]
Before = Annotated[str | None, strawberry.argument(description=BEFORE)]


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

    @strawberry.field(description="All companies, by name.")
    async def companies(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Company]:
        return await Connection.read(
            info, company.list_companies(), first=first, after=after, last=last, before=before
        )

    @strawberry.field(description="Climate Pledge signatories, by name.")
    async def signatories(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Company]:
        listing = company.list_companies(signatories_only=True)
        return await Connection.read(
            info, listing, first=first, after=after, last=last, before=before
        )

    @strawberry.field(description="All products, by title.")
    async def products(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Product]:
        return await Connection.read(
            info, product.list_products(), first=first, after=after, last=last, before=before
        )

    @strawberry.field(description="All certifications, by name.")
    async def certifications(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Certification]:
        listing = certification.list_certifications()
        return await Connection.read(
            info, listing, first=first, after=after, last=last, before=before
        )

    @strawberry.field(description="All carbon projects, by name.")
    async def carbon_projects(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[CarbonProject]:
        listing = carbon_project.list_carbon_projects()
        return await Connection.read(
            info, listing, first=first, after=after, last=last, before=before
        )

    @strawberry.field(description="All credit issuances, newest first.")
    async def issuances(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Issuance]:
        listing = carbon_credit.list_issuances()
        return await Connection.read(
            info, listing, first=first, after=after, last=last, before=before
        )

    @strawberry.field(description="All retirements (public records), newest first.")
    async def retirements(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Retirement]:
        listing = carbon_credit.list_retirements()
        return await Connection.read(
            info, listing, first=first, after=after, last=last, before=before
        )
