"""Companies, their Climate Pledge signature and their yearly emissions reports."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import Provenance, iso_country_check, provenance_field, source_url_field

PLEDGE_TARGET_YEAR = 2040
PLEDGE_FOUNDED = date(2019, 9, 19)  # Amazon and Global Optimism announced The Climate Pledge

# A deliberately small vocabulary so that grouping companies by sector says something.
SECTORS = (
    "Technology",
    "Consumer goods",
    "Retail",
    "Transport & logistics",
    "Aviation & aerospace",
    "Automotive & mobility",
    "Energy",
    "Real estate & construction",
    "Professional services",
    "Food & beverage",
    "Telecommunications",
    "Financial services",
    "Media & entertainment",
    "Industrial",
    "Apparel & footwear",
    "Forest products",
    "Agriculture",
    "Sports",
    "Travel & hospitality",
    "Healthcare",
)


class Company(SQLModel, table=True):
    """An organisation: a pledge signatory, a product brand, a credit buyer, or several."""

    __tablename__ = "companies"
    __table_args__ = (
        iso_country_check("hq_country"),
        sa.CheckConstraint("slug <> ''", name="slug_not_empty"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True)
    name: str = Field(max_length=200, index=True)
    sector: str = Field(max_length=80, index=True)
    hq_country: str = Field(max_length=2, index=True)
    website: str | None = Field(default=None, max_length=300)
    provenance: Provenance = provenance_field()
    source_url: str | None = source_url_field()


class PledgeSignature(SQLModel, table=True):
    """A company's signature of The Climate Pledge (net-zero carbon by 2040)."""

    __tablename__ = "pledge_signatures"
    __table_args__ = (
        sa.CheckConstraint(
            f"net_zero_target_year BETWEEN 2019 AND {PLEDGE_TARGET_YEAR}",
            name="target_year_by_2040",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="companies.id", ondelete="CASCADE", unique=True)
    signed_on: date = Field(index=True)
    net_zero_target_year: int = Field(default=PLEDGE_TARGET_YEAR, index=True)
    provenance: Provenance = provenance_field()
    source_url: str | None = source_url_field()


class EmissionsReport(SQLModel, table=True):
    """A company's greenhouse-gas emissions for one calendar year, in tonnes CO2e."""

    __tablename__ = "emissions_reports"
    __table_args__ = (
        sa.UniqueConstraint("company_id", "year"),
        sa.CheckConstraint("year BETWEEN 1990 AND 2100", name="year_plausible"),
        sa.CheckConstraint(
            "scope_1_tco2e >= 0 AND scope_2_tco2e >= 0 AND scope_3_tco2e >= 0",
            name="scopes_not_negative",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="companies.id", ondelete="CASCADE", index=True)
    year: int
    scope_1_tco2e: int = Field(sa_type=sa.BigInteger)
    scope_2_tco2e: int = Field(sa_type=sa.BigInteger)
    scope_3_tco2e: int = Field(sa_type=sa.BigInteger)
    public_url: str | None = Field(default=None, max_length=500)
    provenance: Provenance = provenance_field()


class BuyerCommitment(SQLModel, table=True):
    """What a company declares to buy carbon credits: its net-zero target and the attestation
    that credits address residual emissions only (the exchange's buyer conditions 1 and 3)."""

    __tablename__ = "buyer_commitments"
    __table_args__ = (
        sa.CheckConstraint(
            "net_zero_target_year IS NULL OR net_zero_target_year BETWEEN 2019 AND 2100",
            name="target_year_plausible",
        ),
    )

    company_id: int = Field(foreign_key="companies.id", ondelete="CASCADE", primary_key=True)
    net_zero_target_year: int | None = None
    target_covers_scopes_1_to_3: bool = False
    target_evidence_url: str | None = Field(default=None, max_length=500)
    residual_use_attested_at: datetime | None = Field(
        default=None, sa_type=sa.DateTime(timezone=True)
    )
    updated_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    provenance: Provenance = provenance_field()
