"""Who may buy credits on the exchange: the three buyer conditions, computed from data, and the
commitments (net-zero target, residual-use attestation) a company declares to meet them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col

from models import BuyerCommitment, Company, EmissionsReport, PledgeSignature, Provenance
from models.db import Database

from .viewer import Viewer, acting_company
from .writes import Check as FieldCheck
from .writes import (
    Refused,
    Written,
    check_values,
    company_problem,
    optional,
    required,
    today,
    url,
    whole,
    write,
)

LATEST_TARGET_YEAR = 2050  # condition 1: net zero no later than this
REPORTING_WINDOW = 2  # condition 2: a public report for one of the last two full years
# The table's bounds: no target predates The Climate Pledge; one after 2050 is stored as
# declared (the check then says why condition 1 is unmet) rather than refused.
FIRST_TARGET_YEAR = 2019
LAST_TARGET_YEAR = 2100


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


async def visible_credit_eligibility(
    db: Database, company_ids: Sequence[int], *, viewer: Viewer
) -> list[Eligibility | None]:
    """Each company's eligibility for `viewer`: None where the viewer does not own the company.

    Eligibility is private like the evidence it is computed from (its details quote the
    declared target), so only the company's partners and admins see it; for anyone else it
    costs no statement at all.
    """
    owned = [company_id for company_id in company_ids if viewer.owns(company_id)]
    if not owned:
        return [None] * len(company_ids)
    found = dict(zip(owned, await credit_eligibility(db, owned), strict=True))
    return [found.get(company_id) for company_id in company_ids]


def _target_fields() -> Mapping[str, FieldCheck]:
    return {
        "year": whole(FIRST_TARGET_YEAR, LAST_TARGET_YEAR),
        "covers_scopes_1_to_3": lambda value: bool(required(value)),
        "evidence_url": optional(url(500)),
    }


async def set_net_zero_target(
    db: Database, *, viewer: Viewer, company_id: int | None, values: Mapping[str, Any]
) -> Written[BuyerCommitment]:
    """Declare the company's net-zero target (buyer condition 1), replacing any declared before.

    The attestation is left as it is. Provenance describes the target: SOURCED when it is
    published at the evidence URL, UNCONFIRMED when it is the company's word alone (the API
    records what partners declare; nobody here has read the evidence).
    """
    company = acting_company(viewer, company_id, "declare a net-zero target")

    async def work() -> BuyerCommitment:
        fields, problems = check_values(values, _target_fields())
        unknown = await company_problem(db, company)
        if unknown is not None:
            problems.insert(0, unknown)
        if problems:
            raise Refused(problems)
        assert company is not None
        evidence = fields.get("evidence_url")
        target = {
            "net_zero_target_year": fields["year"],
            "target_covers_scopes_1_to_3": fields["covers_scopes_1_to_3"],
            "target_evidence_url": evidence,
            "provenance": Provenance.SOURCED if evidence else Provenance.UNCONFIRMED,
        }
        return await _upsert(db, company, target)

    return await write(db, work)


async def withdraw_net_zero_target(
    db: Database, *, viewer: Viewer, company_id: int | None
) -> Written[BuyerCommitment]:
    """Withdraw the company's declared net-zero target; the attestation is left as it is.

    Condition 1 then rests on a Climate Pledge signature alone. With no target, nothing is
    claimed to be published: the provenance is UNCONFIRMED.
    """
    company = acting_company(viewer, company_id, "withdraw a net-zero target")

    async def work() -> BuyerCommitment:
        unknown = await company_problem(db, company)
        if unknown is not None:
            raise Refused([unknown])
        assert company is not None
        withdrawn = {
            "net_zero_target_year": None,
            "target_covers_scopes_1_to_3": False,
            "target_evidence_url": None,
            "provenance": Provenance.UNCONFIRMED,
        }
        return await _upsert(db, company, withdrawn)

    return await write(db, work)


async def attest_residual_use(
    db: Database, *, viewer: Viewer, company_id: int | None, attested: bool
) -> Written[BuyerCommitment]:
    """Attest (or withdraw the attestation) that credits address residual emissions only.

    Attesting again renews the date, so the latest attestation is what the exchange sees. The
    target and its provenance are left as they are: an attestation is the company's own word
    by nature, dated by `residual_use_attested_at`.
    """
    company = acting_company(viewer, company_id, "attest its use of credits")

    async def work() -> BuyerCommitment:
        unknown = await company_problem(db, company)
        if unknown is not None:
            raise Refused([unknown])
        assert company is not None
        moment = datetime.now(UTC) if attested else None
        return await _upsert(db, company, {"residual_use_attested_at": moment})

    return await write(db, work)


async def _upsert(db: Database, company_id: int, changes: Mapping[str, Any]) -> BuyerCommitment:
    """The company's commitment with `changes`, inserted or updated by one statement.

    INSERT .. ON CONFLICT on the primary key: two first declarations racing both succeed (the
    later one wins) instead of one failing on the key, and no read-then-write gap exists.
    """
    changed = {**changes, "updated_at": datetime.now(UTC)}
    new = {
        "company_id": company_id,
        "net_zero_target_year": None,
        "target_covers_scopes_1_to_3": False,
        "target_evidence_url": None,
        "residual_use_attested_at": None,
        "provenance": Provenance.UNCONFIRMED,
        **changed,
    }
    insert = postgresql.insert if db.dialect_name == "postgresql" else sqlite.insert
    statement = (
        insert(BuyerCommitment)
        .values(new)
        .on_conflict_do_update(index_elements=[col(BuyerCommitment.company_id)], set_=changed)
        .returning(BuyerCommitment)
        # The session may hold the row from an earlier read in this operation.
        .execution_options(populate_existing=True)
    )
    ((commitment,),) = await db.rows(statement)
    assert isinstance(commitment, BuyerCommitment)
    return commitment


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
