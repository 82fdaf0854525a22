"""Custom scalars and small value types shared by several entities."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import NewType

import strawberry
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.types.scalar import ScalarDefinition

BigInt = NewType("BigInt", int)


def _parse_big_int(value: object) -> int:
    # Quantities are exact: a fraction (1.5 would become 1) or a string is refused, not coerced.
    if isinstance(value, bool) or not isinstance(value, int):
        raise StrawberryInputCoercionError(f"BigInt takes a whole number, not {value!r}.")
    return value


# Registered on the schema through StrawberryConfig.scalar_map.
SCALARS: dict[object, ScalarDefinition] = {
    BigInt: strawberry.scalar(
        name="BigInt",
        description=(
            "A whole number that may exceed 32 bits (credit quantities, serial numbers); sent as"
            " a JSON number, exact up to 2^53."
        ),
        serialize=int,
        parse_value=_parse_big_int,
    )
}


@strawberry.type(description="An exact amount of money in one currency.")
class Money:
    amount: Decimal = strawberry.field(
        description="The amount, exact to the cent, as a decimal string (never a float)."
    )
    currency: str = strawberry.field(description="ISO 4217 currency code, e.g. USD.")

    @classmethod
    def from_cents(cls, cents: int, currency: str) -> Money:
        return cls(amount=Decimal(cents).scaleb(-2), currency=currency)


def utc(moment: datetime) -> datetime:
    """An instant read back from the database, in UTC (SQLite returns it without its zone)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
