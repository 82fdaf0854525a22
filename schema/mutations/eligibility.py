"""Buyer-commitment mutations: partners declare their own company's, admins any company's."""

from __future__ import annotations

from typing import Annotated

import strawberry

import models
from resolvers import eligibility
from schema.context import Info
from schema.mutations.payload import USER_ERRORS, given, input_argument, outcome
from schema.types.company import Company
from schema.types.eligibility import BuyerCommitment
from schema.types.node import row_id
from schema.types.user_error import UserError

COMPANY_ID = (
    "The company's global id. Partners may leave it out (their own company) and may name no"
    " other; admins must give it."
)
WHO = "Partners declare for their own company, admins for any; anyone else gets FORBIDDEN."


@strawberry.input(
    description=(
        "A company's net-zero target, replacing the one declared before. Setting the same"
        " target again changes nothing but `updatedAt`, so a retry is safe."
    )
)
class NetZeroTargetSetInput:
    company_id: strawberry.ID | None = strawberry.field(default=None, description=COMPANY_ID)
    year: int = strawberry.field(
        description=(
            "The year by which the company will reach net zero, from 2019 to 2100. A year after"
            " 2050 is stored as declared but leaves the NET_ZERO_TARGET condition unmet."
        )
    )
    covers_scopes_1_to_3: bool = strawberry.field(
        name="coversScopes1To3",
        description=(
            "Whether the target covers scopes 1, 2 and 3; the NET_ZERO_TARGET condition needs"
            " all three."
        ),
    )
    evidence_url: str | None = strawberry.field(
        default=None,
        description=(
            "Where the target is published, an http(s) address; null when it is not public. A"
            " published target is recorded as SOURCED, an unpublished one as UNCONFIRMED."
        ),
    )


@strawberry.input(description="A company's attestation about how it uses credits.")
class ResidualUseAttestInput:
    company_id: strawberry.ID | None = strawberry.field(default=None, description=COMPANY_ID)
    attested: bool = strawberry.field(
        description=(
            "True: the company attests that the credits it buys address residual emissions"
            " only (attesting again renews the date). False: it withdraws the attestation, and"
            " the RESIDUAL_EMISSIONS_ONLY condition becomes unmet."
        )
    )


@strawberry.input(description="The company whose net-zero target to withdraw.")
class NetZeroTargetWithdrawInput:
    company_id: strawberry.ID | None = strawberry.field(default=None, description=COMPANY_ID)


@strawberry.type
class _CommitmentPayload:
    """What each buyer-commitment mutation returns."""

    buyer_commitment: models.BuyerCommitment | None = strawberry.field(
        graphql_type=BuyerCommitment | None,
        description="The company's declarations as stored; null if nothing was written.",
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)

    @strawberry.field(
        description=(
            "The company, to read its `creditEligibility` again; null if nothing was written."
        ),
        graphql_type=Company | None,
    )
    async def company(self, info: Info) -> models.Company | None:
        return await _company(info, self.buyer_commitment)


@strawberry.type(description="The result of `netZeroTargetSet`.")
class NetZeroTargetSetPayload(_CommitmentPayload):
    pass


@strawberry.type(description="The result of `netZeroTargetWithdraw`.")
class NetZeroTargetWithdrawPayload(_CommitmentPayload):
    pass


@strawberry.type(description="The result of `residualUseAttest`.")
class ResidualUseAttestPayload(_CommitmentPayload):
    pass


async def _company(info: Info, commitment: models.BuyerCommitment | None) -> models.Company | None:
    if commitment is None:
        return None
    return await info.context.loaders.company_by_id.load(commitment.company_id)


def _company_id(company_id: strawberry.ID | None) -> int | None:
    return None if company_id is None else row_id(company_id, Company, field="input.companyId")


@strawberry.type(description="What a company declares to the credit exchange to buy credits.")
class EligibilityMutations:
    @strawberry.mutation(
        description=(
            "Declare a company's net-zero target (the NET_ZERO_TARGET buyer condition),"
            f" replacing any declared before; the attestation is left as it is. {WHO}"
        )
    )
    async def net_zero_target_set(
        self,
        info: Info,
        input: Annotated[
            NetZeroTargetSetInput,
            input_argument("The target."),
        ],
    ) -> NetZeroTargetSetPayload | None:
        written = await eligibility.set_net_zero_target(
            info.context.db,
            viewer=info.context.viewer,
            company_id=_company_id(input.company_id),
            values=given(input, skip=("company_id",)),
        )
        commitment, errors = outcome(info, written)
        return NetZeroTargetSetPayload(buyer_commitment=commitment, user_errors=errors)

    @strawberry.mutation(
        description=(
            "Withdraw a company's declared net-zero target: the NET_ZERO_TARGET buyer condition"
            " then rests on a Climate Pledge signature alone. The attestation is left as it is;"
            f" withdrawing when no target is declared changes nothing but `updatedAt`. {WHO}"
        )
    )
    async def net_zero_target_withdraw(
        self,
        info: Info,
        input: Annotated[
            NetZeroTargetWithdrawInput,
            input_argument("The company."),
        ],
    ) -> NetZeroTargetWithdrawPayload | None:
        written = await eligibility.withdraw_net_zero_target(
            info.context.db,
            viewer=info.context.viewer,
            company_id=_company_id(input.company_id),
        )
        commitment, errors = outcome(info, written)
        return NetZeroTargetWithdrawPayload(buyer_commitment=commitment, user_errors=errors)

    @strawberry.mutation(
        description=(
            "Attest, or withdraw the attestation, that the credits a company buys address its"
            " residual emissions only (the RESIDUAL_EMISSIONS_ONLY buyer condition); the target"
            f" is left as it is. {WHO}"
        )
    )
    async def residual_use_attest(
        self,
        info: Info,
        input: Annotated[
            ResidualUseAttestInput,
            input_argument("The attestation."),
        ],
    ) -> ResidualUseAttestPayload | None:
        written = await eligibility.attest_residual_use(
            info.context.db,
            viewer=info.context.viewer,
            company_id=_company_id(input.company_id),
            attested=input.attested,
        )
        commitment, errors = outcome(info, written)
        return ResidualUseAttestPayload(buyer_commitment=commitment, user_errors=errors)
