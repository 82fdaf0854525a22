"""Credit exchange mutations: partners buy and retire credits; admins record and cancel them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry

import models
from resolvers import exchange
from schema.context import Info
from schema.enums import RetirementReason
from schema.mutations.payload import USER_ERRORS, given, input_argument, outcome
from schema.scalars import BigInt
from schema.types.carbon_credit import CreditBlock, Issuance, Purchase, Retirement
from schema.types.carbon_project import CarbonProject
from schema.types.company import Company
from schema.types.node import row_id
from schema.types.user_error import UserError

COMPANY_ID = (
    "The acting company's global id. Partners may leave it out (their own company) and may name"
    " no other; admins must give it."
)
IDEMPOTENCY_KEY = (
    "A key of your choice (e.g. a UUID, at most 100 characters) that makes a retry safe: the"
    " same key with the same input returns the first result (`replayed: true`) without acting"
    " twice, even when both requests arrive together; the same key with another input is"
    " IDEMPOTENCY_KEY_REUSED. Keys are per company."
)
REPLAYED = (
    "True when this is the stored result of an earlier request with the same idempotency key:"
    " nothing was done this time."
)


def _company_id(value: strawberry.ID | None) -> int | None:
    return None if value is None else row_id(value, Company, field="input.companyId")


@strawberry.input(description="An order of credits from the exchange's inventory.")
class CreditsPurchaseInput:
    company_id: strawberry.ID | None = strawberry.field(default=None, description=COMPANY_ID)
    project_id: strawberry.ID = strawberry.field(description="The project's global id.")
    quantity: BigInt = strawberry.field(
        description="Credits to buy (tonnes CO2e), a whole number from 1."
    )
    vintage: int | None = strawberry.field(
        default=None, description="Buy only credits of this vintage; any vintage if left out."
    )
    max_unit_price: Decimal | None = strawberry.field(
        default=None,
        description=(
            "The most you will pay per credit, in US dollars as a decimal string (e.g."
            ' "25.00"): above it the order is refused with PRICE_ABOVE_LIMIT.'
        ),
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.type(description="The result of `creditsPurchase`.")
class CreditsPurchasePayload:
    purchase: models.Purchase | None = strawberry.field(
        graphql_type=Purchase | None,
        description="The order, with the blocks bought; null if nothing was bought.",
    )
    replayed: bool = strawberry.field(description=REPLAYED)
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.input(
    description="Retire (claim, finally) credits your company holds, on a beneficiary's behalf."
)
class CreditsRetireInput:
    company_id: strawberry.ID | None = strawberry.field(
        default=None, description=COMPANY_ID.replace("acting", "holding")
    )
    project_id: strawberry.ID = strawberry.field(
        description="The project whose held credits to retire."
    )
    quantity: BigInt = strawberry.field(description="Credits to retire, a whole number from 1.")
    vintage: int | None = strawberry.field(
        default=None, description="Retire only credits of this vintage; oldest first if left out."
    )
    beneficiary_id: strawberry.ID | None = strawberry.field(
        default=None,
        description=(
            "The company the credits are retired for; the holder if left out. Its claim for"
            " the year may not exceed the emissions it publicly reported for that year."
        ),
    )
    reason: RetirementReason = strawberry.field(description="Why, as registries record it.")
    claim_year: int = strawberry.field(
        description="The emissions year the retirement is claimed against (up to this year)."
    )
    note: str | None = strawberry.field(
        default=None, description="A public purpose note, at most 1,000 characters."
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.type(description="The result of `creditsRetire`.")
class CreditsRetirePayload:
    retirement: models.Retirement | None = strawberry.field(
        graphql_type=Retirement | None,
        description="The public retirement record; null if nothing was retired.",
    )
    replayed: bool = strawberry.field(description=REPLAYED)
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.input(description="A registry's issuance of credits to a project.")
class IssuanceRecordInput:
    project_id: strawberry.ID = strawberry.field(description="The project's global id.")
    vintage: int = strawberry.field(
        description="The year the reductions or removals happened; not after `issuedOn`."
    )
    issued_on: date = strawberry.field(description="The day the registry issued the batch.")
    total_quantity: BigInt = strawberry.field(
        description="Verified tonnes CO2e, before the buffer, a whole number from 1."
    )
    buffer_quantity: BigInt = strawberry.field(
        description="Credits the registry withholds in its buffer pool; less than the total."
    )
    serial_prefix: str = strawberry.field(
        description="The registry's serial prefix for the batch, unique within the project."
    )
    serial_start: BigInt = strawberry.field(
        description="The first serial number; the batch runs to start + total - buffer - 1."
    )
    verification_body: str | None = strawberry.field(
        default=None, description="Who verified the reductions or removals."
    )
    source_url: str | None = strawberry.field(
        default=None,
        description=(
            "The registry's public record, an http(s) address. With it the issuance is SOURCED,"
            " without it UNCONFIRMED."
        ),
    )


@strawberry.type(description="The result of `issuanceRecord`.")
class IssuanceRecordPayload:
    issuance: models.Issuance | None = strawberry.field(
        graphql_type=Issuance | None,
        description="The issuance, its credits now on offer; null if nothing was written.",
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.input(description="Credits to cancel: a block, or the first credits of it.")
class CreditBlockCancelInput:
    credit_block_id: strawberry.ID = strawberry.field(
        description="The available or held block's global id."
    )
    quantity: BigInt | None = strawberry.field(
        default=None,
        description="Cancel only this many credits from the block's start; all if left out.",
    )
    note: str = strawberry.field(
        description="Why (e.g. a registry correction), kept in the ledger; at most 1,000 chars."
    )


@strawberry.type(description="The result of `creditBlockCancel`.")
class CreditBlockCancelPayload:
    credit_block: models.CreditBlock | None = strawberry.field(
        graphql_type=CreditBlock | None,
        description="The cancelled block (the cut-off part if only some credits were cancelled).",
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The credit exchange: buying, retiring, issuing and cancelling.")
class ExchangeMutations:
    @strawberry.mutation(
        description=(
            "Buy credits of a project from the exchange, at its offer price. The buyer must meet"
            " the exchange's three conditions (`Company.creditEligibility`), else one"
            " INELIGIBLE_BUYER error per unmet condition. Partners buy for their own company,"
            " admins for any; anyone else gets FORBIDDEN."
        )
    )
    async def credits_purchase(
        self, info: Info, input: Annotated[CreditsPurchaseInput, input_argument("The order.")]
    ) -> CreditsPurchasePayload | None:
        written = await exchange.purchase_credits(
            info.context.db,
            viewer=info.context.viewer,
            company_id=_company_id(input.company_id),
            project_id=row_id(input.project_id, CarbonProject, field="input.projectId"),
            values=given(input, skip=("company_id", "project_id")),
        )
        purchase, errors = outcome(info, written)
        return CreditsPurchasePayload(
            purchase=purchase, replayed=written.replayed, user_errors=errors
        )

    @strawberry.mutation(
        description=(
            "Retire credits your company holds, for a claim year (final: a serial is retired at"
            " most once). The beneficiary's retirements for the year may not exceed the"
            " emissions it publicly reported for it. Partners retire their own company's"
            " credits, admins any company's; anyone else gets FORBIDDEN."
        )
    )
    async def credits_retire(
        self, info: Info, input: Annotated[CreditsRetireInput, input_argument("The retirement.")]
    ) -> CreditsRetirePayload | None:
        beneficiary = input.beneficiary_id
        written = await exchange.retire_credits(
            info.context.db,
            viewer=info.context.viewer,
            company_id=_company_id(input.company_id),
            project_id=row_id(input.project_id, CarbonProject, field="input.projectId"),
            beneficiary_id=(
                None
                if beneficiary is None
                else row_id(beneficiary, Company, field="input.beneficiaryId")
            ),
            values=given(input, skip=("company_id", "project_id", "beneficiary_id")),
        )
        retirement, errors = outcome(info, written)
        return CreditsRetirePayload(
            retirement=retirement, replayed=written.replayed, user_errors=errors
        )

    @strawberry.mutation(
        description=(
            "Admins: record a registry's issuance; its credits (total less buffer) enter the"
            " exchange's inventory as one block."
        )
    )
    async def issuance_record(
        self, info: Info, input: Annotated[IssuanceRecordInput, input_argument("The issuance.")]
    ) -> IssuanceRecordPayload | None:
        written = await exchange.record_issuance(
            info.context.db,
            viewer=info.context.viewer,
            project_id=row_id(input.project_id, CarbonProject, field="input.projectId"),
            values=given(input, skip=("project_id",)),
        )
        issuance, errors = outcome(info, written)
        return IssuanceRecordPayload(issuance=issuance, user_errors=errors)

    @strawberry.mutation(
        description=(
            "Admins: cancel available or held credits (final), e.g. to correct a registry"
            " error. Retired credits cannot be cancelled (ALREADY_RETIRED)."
        )
    )
    async def credit_block_cancel(
        self,
        info: Info,
        input: Annotated[CreditBlockCancelInput, input_argument("The cancellation.")],
    ) -> CreditBlockCancelPayload | None:
        written = await exchange.cancel_credits(
            info.context.db,
            viewer=info.context.viewer,
            block_id=row_id(input.credit_block_id, CreditBlock, field="input.creditBlockId"),
            values=given(input, skip=("credit_block_id",)),
        )
        block, errors = outcome(info, written)
        return CreditBlockCancelPayload(credit_block=block, user_errors=errors)
