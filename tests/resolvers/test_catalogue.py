"""The catalogue's checks accept every real fact the seeds load: no stricter than reality."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from resolvers.catalogue import CARBON_PROJECT, CERTIFICATION, COMPANY, Entity
from resolvers.writes import check_values
from seeds.facts import FACTS


def problems_of(entity: Entity[Any], fact: object) -> list[str]:
    values = {
        name: value
        for name, value in dataclasses.asdict(fact).items()  # type: ignore[call-overload]
        if name in entity.checks
    }
    assert len(values) >= 6, "the fact and the checks no longer share their field names"
    _, problems = check_values(values, entity.checks)
    return [f"{'.'.join(problem.field or ())}: {problem.message}" for problem in problems]


@pytest.mark.parametrize("fact", FACTS.companies, ids=lambda fact: fact.slug)
def test_every_real_company_passes_the_company_checks(fact: object) -> None:
    assert problems_of(COMPANY, fact) == []


@pytest.mark.parametrize("fact", FACTS.certifications, ids=lambda fact: fact.slug)
def test_every_real_certification_passes_the_certification_checks(fact: object) -> None:
    assert problems_of(CERTIFICATION, fact) == []


@pytest.mark.parametrize("fact", FACTS.projects, ids=lambda fact: fact.slug)
def test_every_real_project_passes_the_project_checks(fact: object) -> None:
    assert problems_of(CARBON_PROJECT, fact) == []
    names = ("project_type", "mitigation_type", "crediting_period_start", "crediting_period_end")
    row = {name: CARBON_PROJECT.checks[name](getattr(fact, name)) for name in names}
    assert CARBON_PROJECT.rules(row, row) == []
