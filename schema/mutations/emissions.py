"""Emissions-report mutations: partners for their own company, admins for any."""

from __future__ import annotations

from typing import Annotated

import strawberry

import models
from resolvers import emissions
from schema.context import Info
from schema.mutations.payload import USER_ERRORS, given, input_argument, outcome
from schema.scalars import BigInt
from schema.types.company import Company, EmissionsReport
from schema.types.node import row_id
from schema.types.user_error import UserError

TONNES = "tonnes CO2e, a whole number from 0 to 100,000,000,000."


@strawberry.input(
    description=(
        "A company's emissions for one calendar year. Submitting a year again replaces its"
        " figures (a restatement), so a retry is safe."
    )
)
class EmissionsReportSubmitInput:
    company_id: strawberry.ID | None = strawberry.field(
        default=None,
        description=(
            "The reporting company's global id. Partners may leave it out (their own company)"
            " and may name no other; admins must give it."
        ),
    )
    year: int = strawberry.field(description="The calendar year reported, from 1990 to this year.")
    scope_1_tco2e: BigInt = strawberry.field(
        name="scope1Tco2e", description=f"Direct emissions (scope 1), {TONNES}"
    )
    scope_2_tco2e: BigInt = strawberry.field(
        name="scope2Tco2e", description=f"Emissions from purchased energy (scope 2), {TONNES}"
    )
    scope_3_tco2e: BigInt = strawberry.field(
        name="scope3Tco2e", description=f"Value-chain emissions (scope 3), {TONNES}"
    )
    public_url: str | None = strawberry.field(
        default=None,
        description=(
            "Where the report is published, an http(s) address; null when it is not public."
            " A published report is recorded as SOURCED, an unpublished one as UNCONFIRMED."
        ),
    )


@strawberry.type(description="The result of `emissionsReportSubmit`.")
class EmissionsReportSubmitPayload:
    emissions_report: models.EmissionsReport | None = strawberry.field(
        graphql_type=EmissionsReport | None,
        description="The report as stored; null if nothing was written.",
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)

    @strawberry.field(
        description="The reporting company; null if nothing was written.",
        graphql_type=Company | None,
    )
    async def company(self, info: Info) -> models.Company | None:
        if self.emissions_report is None:
            return None
        return await info.context.loaders.company_by_id.load(self.emissions_report.company_id)


@strawberry.type(description="Changes a partner may make to its own company's data.")
class EmissionsMutations:
    @strawberry.mutation(
        description=(
            "Submit a company's emissions for one year, replacing any figures submitted for"
            " that year. Partners submit for their own company, admins for any; anyone else"
            " gets FORBIDDEN."
        )
    )
    async def emissions_report_submit(
        self,
        info: Info,
        input: Annotated[
            EmissionsReportSubmitInput,
            input_argument("The report."),
        ],
    ) -> EmissionsReportSubmitPayload | None:
        company_id = (
            None
            if input.company_id is None
            else row_id(input.company_id, Company, field="input.companyId")
        )
        written = await emissions.submit_emissions_report(
            info.context.db,
            viewer=info.context.viewer,
            company_id=company_id,
            values=given(input, skip=("company_id",)),
        )
        report, errors = outcome(info, written)
        return EmissionsReportSubmitPayload(emissions_report=report, user_errors=errors)
