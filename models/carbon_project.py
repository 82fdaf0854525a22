"""Carbon projects listed on registries, with the exchange's three quality assessments."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import (
    JSONList,
    Provenance,
    enum_type,
    iso_country_check,
    provenance_field,
    source_url_field,
)

# The exchange sells in US dollars: its reference prices are quoted in them (DOMAIN.md 4.12).
EXCHANGE_CURRENCY = "USD"


class Registry(StrEnum):
    """Carbon-credit registries and standards."""

    VERRA = "verra"
    GOLD_STANDARD = "gold_standard"
    ART = "art"
    ACR = "acr"
    CAR = "car"
    PURO = "puro"
    ISOMETRIC = "isometric"


class ProjectType(StrEnum):
    """What a project does to reduce or remove emissions."""

    REDD_PLUS = "redd_plus"
    JURISDICTIONAL_REDD_PLUS = "jurisdictional_redd_plus"
    ARR = "arr"
    AGROFORESTRY = "agroforestry"
    IFM = "ifm"
    AGRICULTURAL_LAND_MANAGEMENT = "agricultural_land_management"
    MANGROVE_RESTORATION = "mangrove_restoration"
    DAC = "dac"
    BIOCHAR = "biochar"
    ENHANCED_WEATHERING = "enhanced_weathering"
    BIOMASS_STORAGE = "biomass_storage"
    ODS_DESTRUCTION = "ods_destruction"


class PriorityArea(StrEnum):
    """The exchange's three portfolio priorities."""

    FOREST_PROTECTION = "forest_protection"
    LAND_RESTORATION = "land_restoration"
    REMOVAL_TECHNOLOGY = "removal_technology"


class MitigationType(StrEnum):
    """Whether credits represent avoided emissions or carbon taken out of the air."""

    REDUCTION = "reduction"
    REMOVAL = "removal"


class ProjectStatus(StrEnum):
    """Registry status, normalised as OffsetsDB does."""

    LISTED = "listed"
    REGISTERED = "registered"
    COMPLETED = "completed"


class QualityRating(StrEnum):
    """The exchange's rating on one quality dimension."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


def _rating_field(column: str) -> Any:
    return Field(default=None, sa_type=enum_type(QualityRating, column), index=True)


class CarbonProject(SQLModel, table=True):
    """A mitigation project whose verified outcomes a registry issues as credits."""

    __tablename__ = "carbon_projects"
    __table_args__ = (
        sa.UniqueConstraint("issuing_registry", "registry_project_id"),
        iso_country_check("country"),
        sa.CheckConstraint(
            "crediting_period_end IS NULL OR crediting_period_start IS NULL"
            " OR crediting_period_end > crediting_period_start",
            name="crediting_period_ordered",
        ),
        sa.CheckConstraint(
            "offer_price_cents IS NULL OR offer_price_cents > 0", name="offer_price_positive"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True)
    # Not "registry": SQLAlchemy reserves that attribute name on mapped classes.
    issuing_registry: Registry = Field(sa_type=enum_type(Registry, "registry"), index=True)
    registry_project_id: str = Field(max_length=40)
    name: str = Field(max_length=300)
    developer: str | None = Field(default=None, max_length=200)
    country: str = Field(max_length=2, index=True)
    project_type: ProjectType = Field(sa_type=enum_type(ProjectType, "project_type"), index=True)
    priority_area: PriorityArea | None = Field(
        default=None, sa_type=enum_type(PriorityArea, "priority_area"), index=True
    )
    mitigation_type: MitigationType = Field(sa_type=enum_type(MitigationType, "mitigation_type"))
    methodology: str | None = Field(default=None, max_length=120)
    labels: list[str] = Field(default_factory=list, sa_type=JSONList)
    status: ProjectStatus = Field(sa_type=enum_type(ProjectStatus, "status"))
    crediting_period_start: date | None = None
    crediting_period_end: date | None = None
    description: str = Field(default="", sa_type=sa.Text)
    # The exchange's price per credit in EXCHANGE_CURRENCY cents; null while not on offer.
    offer_price_cents: int | None = Field(default=None, sa_type=sa.BigInteger)
    additionality_rating: QualityRating | None = _rating_field("additionality_rating")
    additionality_notes: str | None = Field(default=None, sa_type=sa.Text)
    quantification_rating: QualityRating | None = _rating_field("quantification_rating")
    quantification_notes: str | None = Field(default=None, sa_type=sa.Text)
    safeguards_rating: QualityRating | None = _rating_field("safeguards_rating")
    safeguards_notes: str | None = Field(default=None, sa_type=sa.Text)
    provenance: Provenance = provenance_field()
    source_url: str | None = source_url_field()
