"""Real facts from DOMAIN.md: CPF certifications, named companies, carbon projects and credits."""

from __future__ import annotations

from .carbon import ISSUANCES, PROJECTS, RETIREMENTS
from .certifications import CERTIFICATIONS
from .companies import COMPANIES
from .records import Facts

__all__ = ["FACTS"]

FACTS: Facts = Facts(
    certifications=CERTIFICATIONS,
    companies=COMPANIES,
    projects=PROJECTS,
    issuances=ISSUANCES,
    retirements=RETIREMENTS,
)
