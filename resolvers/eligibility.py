"""Who may buy credits on the exchange: the three buyer conditions, computed from data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import col

from models import BuyerCommitment, Company, EmissionsReport, PledgeSignature
from models.db import Database

from .writes import today

LATEST_TARGET_YEAR = 2050  # condition 1: net zero no later than this
REPORTING_WINDOW = 2  # condition 2: a public report for one of the last two full years


class Criterion(StrEnum):
    """The exchange's buyer conditions (DOMAIN.md 3.2)."""

    NET_ZERO_TARGET = "NET_ZERO_TARGET"
    PUBLIC_EMISSIONS_REPORTING = "PUBLIC_EMISSIONS_REPORTING"
    RESIDUAL_EMISSIONS_ONLY = "RESIDUAL_EMISSIONS_ONLY"


@dataclass(frozen=True)
class Check:
    """One condition, whether the company meets it, and the evidence or what is missing."""

    criterion: Criterion
    met: bool
    detail: str


@dataclass(frozen=True)
class Eligibility:
    """Whether a company may buy credits: eligible when every check is met."""

    checks: tuple[Check, ...]

    @property
    def eligible(self) -> bool:
        return all(check.met for check in self.checks)

    @property
    def unmet(self) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if not check.met)


def reporting_years() -> range:
    """The full years whose public report satisfies condition 2, latest last."""
    this_year = today().year
    return range(this_year - REPORTING_WINDOW, this_year)


async def credit_eligibility(db: Database, company_ids: Sequence[int]) -> list[Eligibility]:
    """Each company's eligibility, in the order given, in two statements for any number."""
    wanted = set(company_ids)
    years = reporting_years()
    declared = await db.rows(
        sa.select(
            col(Company.id),
            col(BuyerCommitment.net_zero_target_year),
            col(BuyerCommitment.target_covers_scopes_1_to_3),
            col(BuyerCommitment.residual_use_attested_at),
            col(PledgeSignature.net_zero_target_year),
        )
        .outerjoin(BuyerCommitment, col(BuyerCommitment.company_id) == col(Company.id))
        .outerjoin(PledgeSignature, col(PledgeSignature.company_id) == col(Company.id))
        .where(col(Company.id).in_(wanted))
    )
    reported = await db.rows(
        sa.select(col(EmissionsReport.company_id), sa.func.max(col(EmissionsReport.year)))
        .where(
            col(EmissionsReport.company_id).in_(wanted),
            col(EmissionsReport.year).in_(list(years)),
            col(EmissionsReport.public_url).is_not(None),
        )
        .group_by(col(EmissionsReport.company_id))
    )
    commitments = {row[0]: row[1:] for row in declared}
    latest_public = dict(reported)
    result = []
    for company_id in company_ids:
        year, all_scopes, attested_at, pledge_year = commitments.get(company_id, (None,) * 4)
        checks = (
            _target_check(year, bool(all_scopes), pledge_year=pledge_year),
            _reporting_check(latest_public.get(company_id), years),
            _residual_check(attested_at is not None),
        )
        result.append(Eligibility(checks))
    return result


def _target_check(year: int | None, covers_all_scopes: bool, *, pledge_year: int | None) -> Check:
    criterion = Criterion.NET_ZERO_TARGET
    if pledge_year is not None:
        # The Climate Pledge commits to net zero across all scopes by 2040 at the latest.
        return Check(criterion, True, f"Climate Pledge signatory: net zero by {pledge_year}.")
    if year is None:
        return Check(criterion, False, "No net-zero target declared.")
    if year > LATEST_TARGET_YEAR:
        message = f"Net zero by {year} is later than {LATEST_TARGET_YEAR}."
        return Check(criterion, False, message)
    if not covers_all_scopes:
        message = f"The target (net zero by {year}) does not cover scopes 1, 2 and 3."
        return Check(criterion, False, message)
    return Check(criterion, True, f"Net zero by {year}, covering scopes 1, 2 and 3.")


def _reporting_check(latest_public: int | None, years: range) -> Check:
    criterion = Criterion.PUBLIC_EMISSIONS_REPORTING
    if latest_public is None:
        window = f"{years[0]} or {years[-1]}"
        return Check(criterion, False, f"No public emissions report for {window}.")
    return Check(criterion, True, f"Public emissions report for {latest_public}.")


def _residual_check(attested: bool) -> Check:
    criterion = Criterion.RESIDUAL_EMISSIONS_ONLY
    if not attested:
        message = "No attestation that credits address residual emissions only."
        return Check(criterion, False, message)
    return Check(criterion, True, "Attested: credits address residual emissions only.")
