"""A company's standing as a credit buyer: its declared commitments and its eligibility."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry

import models
from resolvers.eligibility import Check, Eligibility
from schema.enums import EligibilityCriterion, Provenance

PRIVATE = (
    " Private: null unless you are one of the company's partners or an admin (admins see every"
    " company's)."
)


def _utc(moment: datetime) -> datetime:
    # SQLite hands timestamps back without a zone; they were written in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@strawberry.type(
    description=(
        "What a company has declared to the credit exchange to meet its buyer conditions: its"
        " net-zero target (condition 1) and its attestation that credits address residual"
        " emissions only (condition 3). Set with `netZeroTargetSet` and `residualUseAttest`."
    )
)
class BuyerCommitment:
    net_zero_target_year: int | None = strawberry.field(
        description=(
            "The year by which the company declares it will reach net zero; null if it has"
            " declared none. Condition 1 needs 2050 or earlier."
        )
    )

    @strawberry.field(
        name="coversScopes1To3",
        description=(
            "Whether the target covers scopes 1, 2 and 3 (direct, energy and value-chain"
            " emissions), as condition 1 needs."
        ),
    )
    def covers_scopes_1_to_3(self, root: strawberry.Parent[models.BuyerCommitment]) -> bool:
        return root.target_covers_scopes_1_to_3

    @strawberry.field(
        description="Where the target is published, an http(s) address; null if nowhere given."
    )
    def evidence_url(self, root: strawberry.Parent[models.BuyerCommitment]) -> str | None:
        return root.target_evidence_url

    @strawberry.field(
        description=(
            "When the company last attested that credits address its residual emissions only"
            " (UTC); null if it has not, or has withdrawn the attestation."
        )
    )
    def residual_use_attested_at(
        self, root: strawberry.Parent[models.BuyerCommitment]
    ) -> datetime | None:
        moment = root.residual_use_attested_at
        return None if moment is None else _utc(moment)

    @strawberry.field(description="When the company last changed these declarations (UTC).")
    def updated_at(self, root: strawberry.Parent[models.BuyerCommitment]) -> datetime:
        return _utc(root.updated_at)

    provenance: Provenance = strawberry.field(
        description=(
            "Of the target: SOURCED when published at `evidenceUrl`, UNCONFIRMED when it is the"
            " company's word alone, GENERATED for demo data. The attestation is always the"
            " company's own statement."
        )
    )


@strawberry.type(description="One buyer condition: whether the company meets it, and why.")
class EligibilityCheck:
    criterion: EligibilityCriterion = strawberry.field(description="The condition checked.")
    met: bool = strawberry.field(description="Whether the company meets it.")
    detail: str = strawberry.field(
        description="The evidence that meets it, or what is missing, in a sentence for people."
    )


@strawberry.type(
    description=(
        "Whether a company may buy carbon credits on the exchange, computed from its data when"
        " asked: its Climate Pledge signature or declared target, its published emissions"
        " reports, and its attestation."
    )
)
class CreditEligibility:
    @strawberry.field(description="True when every check is met; a purchase needs it.")
    def eligible(self, root: strawberry.Parent[Eligibility]) -> bool:
        return root.eligible

    @strawberry.field(
        description="The three conditions, always all of them, in a fixed order.",
        graphql_type=list[EligibilityCheck],
    )
    def checks(self, root: strawberry.Parent[Eligibility]) -> list[Check]:
        return list(root.checks)
