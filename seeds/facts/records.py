"""Record shapes for the real facts taken from DOMAIN.md (plain data, no database types)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# Provenance values: "sourced" (seen in a cited source), "unconfirmed" (DOMAIN.md marks it [K]
# or the figure is inferred), "generated" is reserved for the synthetic generator.


@dataclass(frozen=True)
class CertificationFact:
    slug: str
    name: str
    issuer: str
    category: str  # models.CertificationCategory value
    carbon_related: bool
    amazon_owned: bool
    level: str  # "product" | "brand" | "facility"
    marketplaces: tuple[str, ...]  # models.Marketplace values
    description: str
    url: str | None
    recognized_since: date | None
    provenance: str
    source_url: str | None


@dataclass(frozen=True)
class CompanyFact:
    slug: str
    name: str
    sector: str
    hq_country: str  # ISO 3166-1 alpha-2
    website: str | None
    provenance: str
    source_url: str | None
    # Climate Pledge signature; None for companies that are not signatories.
    signed_on: date | None = None
    net_zero_target_year: int | None = None
    signature_provenance: str | None = None


@dataclass(frozen=True)
class ProjectFact:
    slug: str
    registry: str  # models.Registry value
    registry_project_id: str
    name: str
    developer: str | None
    country: str  # ISO 3166-1 alpha-2
    project_type: str  # models.ProjectType value
    priority_area: str | None  # models.PriorityArea value
    mitigation_type: str  # "reduction" | "removal"
    methodology: str | None
    labels: tuple[str, ...]
    status: str  # "listed" | "registered" | "completed"
    crediting_period_start: date | None
    crediting_period_end: date | None
    description: str
    provenance: str
    source_url: str | None


@dataclass(frozen=True)
class IssuanceFact:
    project_slug: str
    vintage: int
    issued_on: date
    total_quantity: int
    buffer_quantity: int
    serial_prefix: str
    serial_start: int  # first serial; the range is serial_start .. serial_start + issued - 1
    provenance: str
    source_url: str | None


@dataclass(frozen=True)
class RetirementFact:
    """A published retirement of one serial block of a known issuance."""

    project_slug: str
    vintage: int
    serial_start: int
    serial_end: int
    registry_serial: str
    beneficiary_slug: str | None
    beneficiary_name: str
    retired_by_slug: str | None
    reason: str  # models.RetirementReason value
    claim_year: int | None
    retired_on: date
    note: str | None
    provenance: str
    source_url: str | None


@dataclass(frozen=True)
class Facts:
    certifications: tuple[CertificationFact, ...] = field(default=())
    companies: tuple[CompanyFact, ...] = field(default=())
    projects: tuple[ProjectFact, ...] = field(default=())
    issuances: tuple[IssuanceFact, ...] = field(default=())
    retirements: tuple[RetirementFact, ...] = field(default=())
