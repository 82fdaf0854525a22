"""Domain schema: companies, certifications, products, carbon projects and the credit ledger.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 21:32:52.945870
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "carbon_projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column(
            "issuing_registry",
            sa.Enum(
                "verra",
                "gold_standard",
                "art",
                "acr",
                "car",
                "puro",
                "isometric",
                name="registry",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "registry_project_id",
            sqlmodel.sql.sqltypes.AutoString(length=40),
            nullable=False,
        ),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("developer", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("country", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column(
            "project_type",
            sa.Enum(
                "redd_plus",
                "jurisdictional_redd_plus",
                "arr",
                "agroforestry",
                "ifm",
                "agricultural_land_management",
                "mangrove_restoration",
                "dac",
                "biochar",
                "enhanced_weathering",
                "biomass_storage",
                "ods_destruction",
                name="project_type",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "priority_area",
            sa.Enum(
                "forest_protection",
                "land_restoration",
                "removal_technology",
                name="priority_area",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column(
            "mitigation_type",
            sa.Enum(
                "reduction",
                "removal",
                name="mitigation_type",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("methodology", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column(
            "labels",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "listed",
                "registered",
                "completed",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("crediting_period_start", sa.Date(), nullable=True),
        sa.Column("crediting_period_end", sa.Date(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "additionality_rating",
            sa.Enum(
                "high",
                "medium",
                "low",
                name="additionality_rating",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("additionality_notes", sa.Text(), nullable=True),
        sa.Column(
            "quantification_rating",
            sa.Enum(
                "high",
                "medium",
                "low",
                name="quantification_rating",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("quantification_notes", sa.Text(), nullable=True),
        sa.Column(
            "safeguards_rating",
            sa.Enum(
                "high",
                "medium",
                "low",
                name="safeguards_rating",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("safeguards_notes", sa.Text(), nullable=True),
        sa.Column(
            "provenance",
            sa.Enum(
                "sourced",
                "unconfirmed",
                "generated",
                name="provenance",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("source_url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.CheckConstraint(
            "length(country) = 2 AND upper(country) = country AND substr(country, 1, 1) BETWEEN 'A' AND 'Z' AND substr(country, 2, 1) BETWEEN 'A' AND 'Z'",
            name=op.f("ck_carbon_projects_country_iso_alpha2"),
        ),
        sa.CheckConstraint(
            "crediting_period_end IS NULL OR crediting_period_start IS NULL OR crediting_period_end > crediting_period_start",
            name=op.f("ck_carbon_projects_crediting_period_ordered"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_carbon_projects")),
        sa.UniqueConstraint(
            "issuing_registry",
            "registry_project_id",
            name=op.f("uq_carbon_projects_issuing_registry_registry_project_id"),
        ),
        sa.UniqueConstraint("slug", name=op.f("uq_carbon_projects_slug")),
    )
    with op.batch_alter_table("carbon_projects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_carbon_projects_additionality_rating"),
            ["additionality_rating"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_carbon_projects_country"), ["country"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_carbon_projects_issuing_registry"),
            ["issuing_registry"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_carbon_projects_priority_area"),
            ["priority_area"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_carbon_projects_project_type"),
            ["project_type"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_carbon_projects_quantification_rating"),
            ["quantification_rating"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_carbon_projects_safeguards_rating"),
            ["safeguards_rating"],
            unique=False,
        )

    op.create_table(
        "certifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("issuer", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "carbon",
                "chemicals",
                "forestry",
                "recycled",
                "organic",
                "fair_trade",
                "farming",
                "animal_welfare",
                "energy",
                "multi",
                "circular",
                "packaging",
                name="category",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("carbon_related", sa.Boolean(), nullable=False),
        sa.Column("amazon_owned", sa.Boolean(), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "product",
                "brand",
                "facility",
                name="level",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "marketplaces",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("recognized_since", sa.Date(), nullable=True),
        sa.Column(
            "provenance",
            sa.Enum(
                "sourced",
                "unconfirmed",
                "generated",
                name="provenance",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("source_url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certifications")),
        sa.UniqueConstraint("name", name=op.f("uq_certifications_name")),
        sa.UniqueConstraint("slug", name=op.f("uq_certifications_slug")),
    )
    with op.batch_alter_table("certifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_certifications_carbon_related"),
            ["carbon_related"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_certifications_category"), ["category"], unique=False)

    op.create_table(
        "companies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("sector", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("hq_country", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column("website", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column(
            "provenance",
            sa.Enum(
                "sourced",
                "unconfirmed",
                "generated",
                name="provenance",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("source_url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.CheckConstraint(
            "length(hq_country) = 2 AND upper(hq_country) = hq_country AND substr(hq_country, 1, 1) BETWEEN 'A' AND 'Z' AND substr(hq_country, 2, 1) BETWEEN 'A' AND 'Z'",
            name=op.f("ck_companies_hq_country_iso_alpha2"),
        ),
        sa.CheckConstraint("slug <> ''", name=op.f("ck_companies_slug_not_empty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_companies")),
        sa.UniqueConstraint("slug", name=op.f("uq_companies_slug")),
    )
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_companies_hq_country"), ["hq_country"], unique=False)
        batch_op.create_index(batch_op.f("ix_companies_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_companies_sector"), ["sector"], unique=False)

    op.create_table(
        "emissions_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("scope_1_tco2e", sa.BigInteger(), nullable=False),
        sa.Column("scope_2_tco2e", sa.BigInteger(), nullable=False),
        sa.Column("scope_3_tco2e", sa.BigInteger(), nullable=False),
        sa.Column("public_url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column(
            "provenance",
            sa.Enum(
                "sourced",
                "unconfirmed",
                "generated",
                name="provenance",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.CheckConstraint(
            "scope_1_tco2e >= 0 AND scope_2_tco2e >= 0 AND scope_3_tco2e >= 0",
            name=op.f("ck_emissions_reports_scopes_not_negative"),
        ),
        sa.CheckConstraint(
            "year BETWEEN 1990 AND 2100",
            name=op.f("ck_emissions_reports_year_plausible"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_emissions_reports_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emissions_reports")),
        sa.UniqueConstraint(
            "company_id", "year", name=op.f("uq_emissions_reports_company_id_year")
        ),
    )
    with op.batch_alter_table("emissions_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_emissions_reports_company_id"), ["company_id"], unique=False
        )

    op.create_table(
        "issuances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("vintage", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("total_quantity", sa.BigInteger(), nullable=False),
        sa.Column("buffer_quantity", sa.BigInteger(), nullable=False),
        sa.Column("issued_quantity", sa.BigInteger(), nullable=False),
        sa.Column("serial_prefix", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("serial_start", sa.BigInteger(), nullable=False),
        sa.Column("serial_end", sa.BigInteger(), nullable=False),
        sa.Column(
            "verification_body",
            sqlmodel.sql.sqltypes.AutoString(length=200),
            nullable=True,
        ),
        sa.Column(
            "provenance",
            sa.Enum(
                "sourced",
                "unconfirmed",
                "generated",
                name="provenance",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("source_url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.CheckConstraint(
            "buffer_quantity >= 0 AND buffer_quantity < total_quantity",
            name=op.f("ck_issuances_buffer_bounded"),
        ),
        sa.CheckConstraint(
            "issued_quantity = total_quantity - buffer_quantity",
            name=op.f("ck_issuances_issued_is_total_less_buffer"),
        ),
        sa.CheckConstraint(
            "serial_start >= 0 AND serial_end - serial_start + 1 = issued_quantity",
            name=op.f("ck_issuances_serial_range_matches_issued"),
        ),
        sa.CheckConstraint(
            "vintage BETWEEN 1990 AND 2100", name=op.f("ck_issuances_vintage_plausible")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["carbon_projects.id"],
            name=op.f("fk_issuances_project_id_carbon_projects"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issuances")),
        sa.UniqueConstraint(
            "project_id",
            "serial_prefix",
            name=op.f("uq_issuances_project_id_serial_prefix"),
        ),
    )
    with op.batch_alter_table("issuances", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_issuances_issued_on"), ["issued_on"], unique=False)
        batch_op.create_index(
            "ix_issuances_project_vintage", ["project_id", "vintage"], unique=False
        )

    op.create_table(
        "pledge_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("net_zero_target_year", sa.Integer(), nullable=False),
        sa.Column(
            "provenance",
            sa.Enum(
                "sourced",
                "unconfirmed",
                "generated",
                name="provenance",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("source_url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.CheckConstraint(
            "net_zero_target_year BETWEEN 2019 AND 2040",
            name=op.f("ck_pledge_signatures_target_year_by_2040"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_pledge_signatures_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pledge_signatures")),
        sa.UniqueConstraint("company_id", name=op.f("uq_pledge_signatures_company_id")),
    )
    with op.batch_alter_table("pledge_signatures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pledge_signatures_net_zero_target_year"),
            ["net_zero_target_year"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_pledge_signatures_signed_on"), ["signed_on"], unique=False
        )

    op.create_table(
        "products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asin", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("brand", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("brand_company_id", sa.Integer(), nullable=True),
        sa.Column(
            "category",
            sa.Enum(
                "grocery",
                "household",
                "fashion",
                "beauty",
                "electronics",
                "office",
                "home",
                "kitchen",
                "toys",
                "pet",
                "baby",
                "sports",
                name="category",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "marketplace",
            sa.Enum(
                "us",
                "uk",
                "de",
                "fr",
                "it",
                "es",
                "jp",
                "au",
                "mx",
                "br",
                name="marketplace",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("price_cents", sa.BigInteger(), nullable=False),
        sa.Column("price_currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column(
            "provenance",
            sa.Enum(
                "sourced",
                "unconfirmed",
                "generated",
                name="provenance",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.CheckConstraint("length(asin) = 10", name=op.f("ck_products_asin_ten_characters")),
        sa.CheckConstraint("length(price_currency) = 3", name=op.f("ck_products_currency_iso4217")),
        sa.CheckConstraint("price_cents >= 0", name=op.f("ck_products_price_not_negative")),
        sa.ForeignKeyConstraint(
            ["brand_company_id"],
            ["companies.id"],
            name=op.f("fk_products_brand_company_id_companies"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("asin", name=op.f("uq_products_asin")),
    )
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_products_brand_company_id"),
            ["brand_company_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_products_category_title", ["category", "title", "id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_products_marketplace"), ["marketplace"], unique=False)
        batch_op.create_index("ix_products_title", ["title", "id"], unique=False)

    op.create_table(
        "purchases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("buyer_company_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("vintage", sa.Integer(), nullable=True),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("unit_price_cents", sa.BigInteger(), nullable=False),
        sa.Column("total_price_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("purchased_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "idempotency_key",
            sqlmodel.sql.sqltypes.AutoString(length=100),
            nullable=True,
        ),
        sa.CheckConstraint("length(currency) = 3", name=op.f("ck_purchases_currency_iso4217")),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_purchases_quantity_positive")),
        sa.CheckConstraint(
            "total_price_cents = quantity * unit_price_cents",
            name=op.f("ck_purchases_total_is_quantity_times_price"),
        ),
        sa.CheckConstraint(
            "unit_price_cents >= 0", name=op.f("ck_purchases_unit_price_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["buyer_company_id"],
            ["companies.id"],
            name=op.f("fk_purchases_buyer_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["carbon_projects.id"],
            name=op.f("fk_purchases_project_id_carbon_projects"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchases")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_purchases_idempotency_key")),
    )
    with op.batch_alter_table("purchases", schema=None) as batch_op:
        batch_op.create_index(
            "ix_purchases_buyer_purchased_at",
            ["buyer_company_id", "purchased_at"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_purchases_project_id"), ["project_id"], unique=False)

    op.create_table(
        "retirements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("beneficiary_company_id", sa.Integer(), nullable=True),
        sa.Column(
            "beneficiary_name",
            sqlmodel.sql.sqltypes.AutoString(length=200),
            nullable=False,
        ),
        sa.Column("retired_by_company_id", sa.Integer(), nullable=True),
        sa.Column(
            "reason",
            sa.Enum(
                "environmental_benefit",
                "corporate_target",
                "residual_emissions",
                "ndc_contribution",
                "corsia_compliance",
                "other",
                name="reason",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("claim_year", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("retired_on", sa.Date(), nullable=False),
        sa.Column(
            "idempotency_key",
            sqlmodel.sql.sqltypes.AutoString(length=100),
            nullable=True,
        ),
        sa.Column(
            "provenance",
            sa.Enum(
                "sourced",
                "unconfirmed",
                "generated",
                name="provenance",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("source_url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.CheckConstraint(
            "claim_year IS NULL OR claim_year BETWEEN 1990 AND 2100",
            name=op.f("ck_retirements_claim_year_plausible"),
        ),
        sa.ForeignKeyConstraint(
            ["beneficiary_company_id"],
            ["companies.id"],
            name=op.f("fk_retirements_beneficiary_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["retired_by_company_id"],
            ["companies.id"],
            name=op.f("fk_retirements_retired_by_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retirements")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_retirements_idempotency_key")),
    )
    with op.batch_alter_table("retirements", schema=None) as batch_op:
        batch_op.create_index(
            "ix_retirements_beneficiary_claim_year",
            ["beneficiary_company_id", "claim_year"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_retirements_retired_by_company_id"),
            ["retired_by_company_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_retirements_retired_on"), ["retired_on"], unique=False)

    op.create_table(
        "credit_blocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuance_id", sa.Integer(), nullable=False),
        sa.Column("serial_start", sa.BigInteger(), nullable=False),
        sa.Column("serial_end", sa.BigInteger(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column(
            "registry_serial",
            sqlmodel.sql.sqltypes.AutoString(length=120),
            nullable=True,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "available",
                "held",
                "retired",
                "cancelled",
                "split",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("owner_company_id", sa.Integer(), nullable=True),
        sa.Column("parent_block_id", sa.Integer(), nullable=True),
        sa.Column("purchase_id", sa.Integer(), nullable=True),
        sa.Column("retirement_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(status = 'available' AND owner_company_id IS NULL) OR (status IN ('held', 'retired') AND owner_company_id IS NOT NULL) OR status IN ('cancelled', 'split')",
            name=op.f("ck_credit_blocks_owner_matches_status"),
        ),
        sa.CheckConstraint(
            "(status = 'retired') = (retirement_id IS NOT NULL)",
            name=op.f("ck_credit_blocks_retired_iff_retirement"),
        ),
        sa.CheckConstraint(
            "serial_start >= 0 AND quantity = serial_end - serial_start + 1 AND quantity > 0",
            name=op.f("ck_credit_blocks_quantity_is_inclusive_range"),
        ),
        sa.ForeignKeyConstraint(
            ["issuance_id"],
            ["issuances.id"],
            name=op.f("fk_credit_blocks_issuance_id_issuances"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["owner_company_id"],
            ["companies.id"],
            name=op.f("fk_credit_blocks_owner_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["parent_block_id"],
            ["credit_blocks.id"],
            name=op.f("fk_credit_blocks_parent_block_id_credit_blocks"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["purchase_id"],
            ["purchases.id"],
            name=op.f("fk_credit_blocks_purchase_id_purchases"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["retirement_id"],
            ["retirements.id"],
            name=op.f("fk_credit_blocks_retirement_id_retirements"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_blocks")),
    )
    with op.batch_alter_table("credit_blocks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_credit_blocks_issuance_serial",
            ["issuance_id", "serial_start"],
            unique=False,
        )
        batch_op.create_index(
            "ix_credit_blocks_owner_status",
            ["owner_company_id", "status"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_credit_blocks_parent_block_id"),
            ["parent_block_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_credit_blocks_purchase_id"), ["purchase_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_credit_blocks_retirement_id"),
            ["retirement_id"],
            unique=False,
        )

    op.create_table(
        "product_certifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("certification_id", sa.Integer(), nullable=False),
        sa.Column(
            "certificate_number",
            sqlmodel.sql.sqltypes.AutoString(length=100),
            nullable=False,
        ),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to >= valid_from",
            name=op.f("ck_product_certifications_validity_ordered"),
        ),
        sa.ForeignKeyConstraint(
            ["certification_id"],
            ["certifications.id"],
            name=op.f("fk_product_certifications_certification_id_certifications"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_product_certifications_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_certifications")),
        sa.UniqueConstraint(
            "product_id",
            "certification_id",
            "valid_from",
            name=op.f("uq_product_certifications_product_id_certification_id_valid_from"),
        ),
    )
    with op.batch_alter_table("product_certifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_product_certifications_certification_product",
            ["certification_id", "product_id"],
            unique=False,
        )

    op.create_table(
        "ledger_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "issued",
                "split",
                "purchased",
                "retired",
                "cancelled",
                name="kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("issuance_id", sa.Integer(), nullable=False),
        sa.Column("block_id", sa.Integer(), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("purchase_id", sa.Integer(), nullable=True),
        sa.Column("retirement_id", sa.Integer(), nullable=True),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["block_id"],
            ["credit_blocks.id"],
            name=op.f("fk_ledger_events_block_id_credit_blocks"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_ledger_events_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["issuance_id"],
            ["issuances.id"],
            name=op.f("fk_ledger_events_issuance_id_issuances"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["purchase_id"],
            ["purchases.id"],
            name=op.f("fk_ledger_events_purchase_id_purchases"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["retirement_id"],
            ["retirements.id"],
            name=op.f("fk_ledger_events_retirement_id_retirements"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_events")),
    )
    with op.batch_alter_table("ledger_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ledger_events_block_id"), ["block_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_ledger_events_issuance_id"), ["issuance_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ledger_events_occurred_at"), ["occurred_at"], unique=False
        )
    _create_ledger_guard()


def downgrade() -> None:
    _drop_ledger_guard()
    with op.batch_alter_table("ledger_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_events_occurred_at"))
        batch_op.drop_index(batch_op.f("ix_ledger_events_issuance_id"))
        batch_op.drop_index(batch_op.f("ix_ledger_events_block_id"))

    op.drop_table("ledger_events")
    with op.batch_alter_table("product_certifications", schema=None) as batch_op:
        batch_op.drop_index("ix_product_certifications_certification_product")

    op.drop_table("product_certifications")
    with op.batch_alter_table("credit_blocks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_blocks_retirement_id"))
        batch_op.drop_index(batch_op.f("ix_credit_blocks_purchase_id"))
        batch_op.drop_index(batch_op.f("ix_credit_blocks_parent_block_id"))
        batch_op.drop_index("ix_credit_blocks_owner_status")
        batch_op.drop_index("ix_credit_blocks_issuance_serial")

    op.drop_table("credit_blocks")
    with op.batch_alter_table("retirements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retirements_retired_on"))
        batch_op.drop_index(batch_op.f("ix_retirements_retired_by_company_id"))
        batch_op.drop_index("ix_retirements_beneficiary_claim_year")

    op.drop_table("retirements")
    with op.batch_alter_table("purchases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_purchases_project_id"))
        batch_op.drop_index("ix_purchases_buyer_purchased_at")

    op.drop_table("purchases")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_index("ix_products_title")
        batch_op.drop_index(batch_op.f("ix_products_marketplace"))
        batch_op.drop_index("ix_products_category_title")
        batch_op.drop_index(batch_op.f("ix_products_brand_company_id"))

    op.drop_table("products")
    with op.batch_alter_table("pledge_signatures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pledge_signatures_signed_on"))
        batch_op.drop_index(batch_op.f("ix_pledge_signatures_net_zero_target_year"))

    op.drop_table("pledge_signatures")
    with op.batch_alter_table("issuances", schema=None) as batch_op:
        batch_op.drop_index("ix_issuances_project_vintage")
        batch_op.drop_index(batch_op.f("ix_issuances_issued_on"))

    op.drop_table("issuances")
    with op.batch_alter_table("emissions_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_emissions_reports_company_id"))

    op.drop_table("emissions_reports")
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_companies_sector"))
        batch_op.drop_index(batch_op.f("ix_companies_name"))
        batch_op.drop_index(batch_op.f("ix_companies_hq_country"))

    op.drop_table("companies")
    with op.batch_alter_table("certifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certifications_category"))
        batch_op.drop_index(batch_op.f("ix_certifications_carbon_related"))

    op.drop_table("certifications")
    with op.batch_alter_table("carbon_projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_carbon_projects_safeguards_rating"))
        batch_op.drop_index(batch_op.f("ix_carbon_projects_quantification_rating"))
        batch_op.drop_index(batch_op.f("ix_carbon_projects_project_type"))
        batch_op.drop_index(batch_op.f("ix_carbon_projects_priority_area"))
        batch_op.drop_index(batch_op.f("ix_carbon_projects_issuing_registry"))
        batch_op.drop_index(batch_op.f("ix_carbon_projects_country"))
        batch_op.drop_index(batch_op.f("ix_carbon_projects_additionality_rating"))

    op.drop_table("carbon_projects")


# The ledger is append-only: the database itself refuses UPDATE and DELETE on ledger_events.
def _create_ledger_guard() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION ledger_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$"
            " BEGIN RAISE EXCEPTION 'ledger_events is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER ledger_events_append_only BEFORE UPDATE OR DELETE ON ledger_events"
            " FOR EACH ROW EXECUTE FUNCTION ledger_events_append_only()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER ledger_events_no_{action.lower()} BEFORE {action} ON ledger_events"
                " BEGIN SELECT RAISE(ABORT, 'ledger_events is append-only'); END"
            )


def _drop_ledger_guard() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER ledger_events_append_only ON ledger_events")
        op.execute("DROP FUNCTION ledger_events_append_only()")
    else:
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER ledger_events_no_{action}")
