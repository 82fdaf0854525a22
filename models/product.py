"""Products sold on Amazon marketplaces and the certifications they hold."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import Provenance, enum_type, provenance_field
from .certification import Marketplace


class ProductCategory(StrEnum):
    """Store departments; the launch categories plus the ones added later."""

    GROCERY = "grocery"
    HOUSEHOLD = "household"
    FASHION = "fashion"
    BEAUTY = "beauty"
    ELECTRONICS = "electronics"
    OFFICE = "office"
    HOME = "home"
    KITCHEN = "kitchen"
    TOYS = "toys"
    PET = "pet"
    BABY = "baby"
    SPORTS = "sports"


# Each store lists prices in its own currency (ISO 4217).
MARKETPLACE_CURRENCY = {
    Marketplace.US: "USD",
    Marketplace.UK: "GBP",
    Marketplace.DE: "EUR",
    Marketplace.FR: "EUR",
    Marketplace.IT: "EUR",
    Marketplace.ES: "EUR",
    Marketplace.JP: "JPY",
    Marketplace.AU: "AUD",
    Marketplace.MX: "MXN",
    Marketplace.BR: "BRL",
}


class Product(SQLModel, table=True):
    """A product listing (one ASIN in one marketplace)."""

    __tablename__ = "products"
    __table_args__ = (
        sa.CheckConstraint("length(asin) = 10", name="asin_ten_characters"),
        sa.CheckConstraint("price_cents >= 0", name="price_not_negative"),
        sa.CheckConstraint("length(price_currency) = 3", name="currency_iso4217"),
        # Access paths: listing a category by title, paging all products by title, and a
        # company's products by title (per-parent window pages stop after N rows).
        sa.Index("ix_products_category_title", "category", "title", "id"),
        sa.Index("ix_products_title", "title", "id"),
        sa.Index("ix_products_brand_company_title", "brand_company_id", "title", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    asin: str = Field(max_length=10, unique=True)
    title: str = Field(max_length=500)
    brand: str = Field(max_length=200)
    brand_company_id: int | None = Field(
        default=None, foreign_key="companies.id", ondelete="SET NULL"
    )
    category: ProductCategory = Field(sa_type=enum_type(ProductCategory, "category"))
    marketplace: Marketplace = Field(sa_type=enum_type(Marketplace, "marketplace"), index=True)
    # Money is exact: integer hundredths of the currency unit, never a float.
    price_cents: int = Field(sa_type=sa.BigInteger)
    price_currency: str = Field(max_length=3)
    provenance: Provenance = provenance_field()


class ProductCertification(SQLModel, table=True):
    """A certificate one product holds, valid from valid_from to valid_to (null: open-ended)."""

    __tablename__ = "product_certifications"
    __table_args__ = (
        sa.UniqueConstraint("product_id", "certification_id", "valid_from"),
        sa.CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="validity_ordered"),
        # Certification -> its products, answered from the index alone.
        sa.Index(
            "ix_product_certifications_certification_product", "certification_id", "product_id"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="products.id", ondelete="CASCADE")
    certification_id: int = Field(foreign_key="certifications.id", ondelete="RESTRICT")
    certificate_number: str = Field(max_length=100)
    valid_from: date
    valid_to: date | None = None
