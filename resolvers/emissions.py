"""Emissions reports: a partner submits its own company's figures, an admin any company's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import col, select

import models
from models.db import Database

from .viewer import Viewer, acting_company
from .writes import (
    Check,
    Conflict,
    Problem,
    ProblemCode,
    Refused,
    Written,
    at,
    check_values,
    company_problem,
    optional,
    today,
    url,
    whole,
    write,
)

FIRST_YEAR = 1990  # the Kyoto base year; the table refuses earlier ones
# About twice the world's yearly emissions (~57 Gt CO2e): a larger figure is a typo.
MAX_TCO2E = 100_000_000_000

CONFLICTS = [
    Conflict(
        "uq_emissions_reports_company_id_year",
        "emissions_reports.company_id, emissions_reports.year",
        Problem(
            at("year"),
            "A report for this year was submitted by another request at the same time; try again.",
            ProblemCode.ALREADY_EXISTS,
        ),
    )
]


def _checks() -> Mapping[str, Check]:
    tonnes = whole(0, MAX_TCO2E)
    return {
        # A year is reported once it is over, or while it runs for a preliminary figure.
        "year": whole(FIRST_YEAR, today().year),
        "scope_1_tco2e": tonnes,
        "scope_2_tco2e": tonnes,
        "scope_3_tco2e": tonnes,
        "public_url": optional(url(500)),
    }


async def submit_emissions_report(
    db: Database, *, viewer: Viewer, company_id: int | None, values: Mapping[str, Any]
) -> Written[models.EmissionsReport]:
    """Store the company's report for the year, replacing the one submitted before, if any.

    Resubmitting a year restates it (companies recalculate past years), so submitting the same
    input twice leaves the same state: retries are safe. The provenance follows the figures'
    source: SOURCED when the report is published at `public_url`, else UNCONFIRMED.
    """
    reporter = acting_company(viewer, company_id, "submit emissions reports")

    async def work() -> models.EmissionsReport:
        columns, problems = check_values(values, _checks())
        missing = await company_problem(db, reporter)
        if missing is not None:
            problems.insert(0, missing)
        if problems:
            raise Refused(problems)
        assert reporter is not None
        columns["provenance"] = (
            models.Provenance.SOURCED
            if columns.get("public_url")
            else models.Provenance.UNCONFIRMED
        )
        report = await db.first(
            select(models.EmissionsReport).where(
                col(models.EmissionsReport.company_id) == reporter,
                col(models.EmissionsReport.year) == columns["year"],
            )
        )
        if report is None:
            report = models.EmissionsReport(company_id=reporter, **columns)
        else:
            for name, value in columns.items():
                setattr(report, name, value)
        await db.save(report)
        return report

    return await write(db, work, CONFLICTS)
