"""Reading issuances and the public record of retirements."""

from __future__ import annotations

from sqlmodel import col, select

from models import Issuance, Retirement

from .pagination import Listing, SortKey, ordering

NEWEST_ISSUED_FIRST = ordering(
    "ISSUED_ON_DESC",
    SortKey(col(Issuance.issued_on), "issued_on", descending=True),
    primary_key=col(Issuance.id),
)
NEWEST_RETIRED_FIRST = ordering(
    "RETIRED_ON_DESC",
    SortKey(col(Retirement.retired_on), "retired_on", descending=True),
    primary_key=col(Retirement.id),
)


def list_issuances() -> Listing[Issuance]:
    """All issuances, newest first."""
    return Listing(select(Issuance), NEWEST_ISSUED_FIRST)


def list_retirements() -> Listing[Retirement]:
    """All retirements (public records, as registries publish them), newest first."""
    return Listing(select(Retirement), NEWEST_RETIRED_FIRST)
