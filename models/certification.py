"""Certifications recognised by Climate Pledge Friendly, and the marketplaces they apply to."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import JSONList, Provenance, enum_type, provenance_field, source_url_field

CLIMATE_PLEDGE_FRIENDLY_LAUNCH = date(2020, 9, 23)  # the badge's launch in the US store


class CertificationCategory(StrEnum):
    """What a certification attests, grouped as in DOMAIN.md §1.3."""

    CARBON = "carbon"
    CHEMICALS = "chemicals"
    FORESTRY = "forestry"
    RECYCLED = "recycled"
    ORGANIC = "organic"
    FAIR_TRADE = "fair_trade"
    FARMING = "farming"
    ANIMAL_WELFARE = "animal_welfare"
    ENERGY = "energy"
    MULTI = "multi"
    CIRCULAR = "circular"
    PACKAGING = "packaging"


class CertificationLevel(StrEnum):
    """What a certification is granted to."""

    PRODUCT = "product"
    BRAND = "brand"
    FACILITY = "facility"


class Marketplace(StrEnum):
    """Amazon stores where Climate Pledge Friendly runs."""

    US = "us"
    UK = "uk"
    DE = "de"
    FR = "fr"
    IT = "it"
    ES = "es"
    JP = "jp"
    AU = "au"
    MX = "mx"
    BR = "br"


class Certification(SQLModel, table=True):
    """A third-party (or Amazon-owned) certification behind the Climate Pledge Friendly badge."""

    __tablename__ = "certifications"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True)
    name: str = Field(max_length=200, unique=True)
    issuer: str = Field(max_length=200)
    category: CertificationCategory = Field(
        sa_type=enum_type(CertificationCategory, "category"), index=True
    )
    carbon_related: bool = Field(index=True)
    amazon_owned: bool = False
    level: CertificationLevel = Field(sa_type=enum_type(CertificationLevel, "level"))
    # A short list (at most the ten marketplaces), read whole with the row.
    marketplaces: list[str] = Field(default_factory=list, sa_type=JSONList)
    description: str = Field(sa_type=sa.Text)
    url: str | None = Field(default=None, max_length=500)
    recognized_since: date | None = None
    provenance: Provenance = provenance_field()
    source_url: str | None = source_url_field()
