"""Typed mutation errors: what a caller did wrong, on which input field, with a stable code."""

from __future__ import annotations

import strawberry

from resolvers.writes import ProblemCode
from schema.enums import described

# The resolvers' codes, under the name the API gives them. A StrEnum serialises in the sorted
# schema (whose enum types compare values, not Python members), which a plain Enum does not.
UserErrorCode = ProblemCode
described(
    UserErrorCode,
    "Why a mutation refused its input.",
    {
        "INVALID_INPUT": "A value is malformed, out of range or inconsistent with another.",
        "BLANK": "A required value is missing, null or empty.",
        "TOO_LONG": "A text is longer than allowed.",
        "NOT_FOUND": "Something the input refers to does not exist or is not yours.",
        "ALREADY_EXISTS": "A record with the same unique key exists.",
        "INELIGIBLE_BUYER": (
            "The buying company does not meet one of the exchange's buyer conditions; one error"
            " per unmet condition (see `Company.creditEligibility`)."
        ),
        "NOT_FOR_SALE": "The project's credits are not on offer on the exchange.",
        "PRICE_ABOVE_LIMIT": "The offer price is above the `maxUnitPrice` given.",
        "INSUFFICIENT_CREDITS": (
            "Fewer credits are available (to buy) or held (to retire or cancel) than asked for."
        ),
        "ALREADY_RETIRED": "The credits were retired already; a serial is retired at most once.",
        "ALREADY_CANCELLED": "The credits were cancelled already; cancelled credits are final.",
        "CLAIM_EXCEEDS_REPORTED_EMISSIONS": (
            "Credits retired for a claim year may not exceed the emissions the beneficiary"
            " publicly reported for that year (credits address residual emissions only)."
        ),
        "IDEMPOTENCY_KEY_REUSED": (
            "The idempotency key was used before with a different input or operation."
        ),
    },
    name="UserErrorCode",
)


@strawberry.type(description="One reason a mutation refused its input; nothing was written.")
class UserError:
    field: list[str] | None = strawberry.field(
        description='Path to the input field at fault, e.g. ["input", "slug"]; null if none.'
    )
    message: str = strawberry.field(description="What is wrong, for a person to read.")
    code: UserErrorCode = strawberry.field(description="Stable machine-readable reason.")
