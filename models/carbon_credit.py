"""Issuances, serial-number credit blocks, purchases, retirements and the append-only ledger."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import JSONList, Provenance, View, enum_type, provenance_field, source_url_field


class CreditStatus(StrEnum):
    """Life cycle of a credit block. RETIRED, CANCELLED and SPLIT are terminal."""

    AVAILABLE = "available"  # in the exchange's inventory, for sale
    HELD = "held"  # owned by a company
    RETIRED = "retired"  # claimed; final
    CANCELLED = "cancelled"  # withdrawn by the registry or the exchange; final
    SPLIT = "split"  # replaced by its child blocks, kept for lineage


class RetirementReason(StrEnum):
    """Why credits were retired, as registries record it."""

    ENVIRONMENTAL_BENEFIT = "environmental_benefit"
    CORPORATE_TARGET = "corporate_target"
    RESIDUAL_EMISSIONS = "residual_emissions"
    NDC_CONTRIBUTION = "ndc_contribution"
    CORSIA_COMPLIANCE = "corsia_compliance"
    OTHER = "other"


class LedgerEventKind(StrEnum):
    """What a ledger event records."""

    ISSUED = "issued"
    SPLIT = "split"
    PURCHASED = "purchased"
    RETIRED = "retired"
    CANCELLED = "cancelled"


class Issuance(SQLModel, table=True):
    """A batch of credits of one vintage issued to a project; the buffer share is withheld."""

    __tablename__ = "issuances"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "serial_prefix"),
        sa.Index("ix_issuances_project_vintage", "project_id", "vintage"),
        sa.CheckConstraint("vintage BETWEEN 1990 AND 2100", name="vintage_plausible"),
        sa.CheckConstraint(
            "buffer_quantity >= 0 AND buffer_quantity < total_quantity", name="buffer_bounded"
        ),
        sa.CheckConstraint(
            "issued_quantity = total_quantity - buffer_quantity", name="issued_is_total_less_buffer"
        ),
        sa.CheckConstraint(
            "serial_start >= 0 AND serial_end - serial_start + 1 = issued_quantity",
            name="serial_range_matches_issued",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="carbon_projects.id", ondelete="RESTRICT")
    vintage: int
    issued_on: date = Field(index=True)
    total_quantity: int = Field(sa_type=sa.BigInteger)
    buffer_quantity: int = Field(sa_type=sa.BigInteger)
    issued_quantity: int = Field(sa_type=sa.BigInteger)
    serial_prefix: str = Field(max_length=80)
    serial_start: int = Field(sa_type=sa.BigInteger)
    serial_end: int = Field(sa_type=sa.BigInteger)
    verification_body: str | None = Field(default=None, max_length=200)
    provenance: Provenance = provenance_field()
    source_url: str | None = source_url_field()


class Purchase(SQLModel, table=True):
    """A company's order of credits from one project through the exchange."""

    __tablename__ = "purchases"
    __table_args__ = (
        sa.Index("ix_purchases_buyer_purchased_at", "buyer_company_id", "purchased_at"),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("unit_price_cents >= 0", name="unit_price_not_negative"),
        sa.CheckConstraint(
            "total_price_cents = quantity * unit_price_cents", name="total_is_quantity_times_price"
        ),
        sa.CheckConstraint("length(currency) = 3", name="currency_iso4217"),
    )

    id: int | None = Field(default=None, primary_key=True)
    buyer_company_id: int = Field(foreign_key="companies.id", ondelete="RESTRICT")
    project_id: int = Field(foreign_key="carbon_projects.id", ondelete="RESTRICT", index=True)
    vintage: int | None = None
    quantity: int = Field(sa_type=sa.BigInteger)
    # Money is exact: integer hundredths of the currency unit, never a float.
    unit_price_cents: int = Field(sa_type=sa.BigInteger)
    total_price_cents: int = Field(sa_type=sa.BigInteger)
    currency: str = Field(max_length=3)
    purchased_at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class Retirement(SQLModel, table=True):
    """The public record that credits of one project were retired on a beneficiary's behalf."""

    __tablename__ = "retirements"
    __table_args__ = (
        sa.Index("ix_retirements_beneficiary_claim_year", "beneficiary_company_id", "claim_year"),
        sa.CheckConstraint(
            "claim_year IS NULL OR claim_year BETWEEN 1990 AND 2100", name="claim_year_plausible"
        ),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="carbon_projects.id", ondelete="RESTRICT", index=True)
    # The sum of its retired blocks, kept on the record as registries publish it.
    quantity: int = Field(sa_type=sa.BigInteger)
    beneficiary_company_id: int | None = Field(
        default=None, foreign_key="companies.id", ondelete="RESTRICT"
    )
    beneficiary_name: str = Field(max_length=200)
    retired_by_company_id: int | None = Field(
        default=None, foreign_key="companies.id", ondelete="RESTRICT", index=True
    )
    reason: RetirementReason = Field(sa_type=enum_type(RetirementReason, "reason"))
    claim_year: int | None = None
    note: str | None = Field(default=None, sa_type=sa.Text)
    retired_on: date = Field(index=True)
    provenance: Provenance = provenance_field()
    source_url: str | None = source_url_field()


class CreditBlock(SQLModel, table=True):
    """An inclusive range of serial numbers of one issuance: one row per block, never per tonne."""

    __tablename__ = "credit_blocks"
    __table_args__ = (
        sa.Index("ix_credit_blocks_issuance_serial", "issuance_id", "serial_start"),
        sa.Index("ix_credit_blocks_owner_status", "owner_company_id", "status"),
        sa.CheckConstraint(
            "serial_start >= 0 AND quantity = serial_end - serial_start + 1 AND quantity > 0",
            name="quantity_is_inclusive_range",
        ),
        sa.CheckConstraint(
            "(status = 'available' AND owner_company_id IS NULL)"
            " OR (status IN ('held', 'retired') AND owner_company_id IS NOT NULL)"
            " OR status IN ('cancelled', 'split')",
            name="owner_matches_status",
        ),
        sa.CheckConstraint(
            "(status = 'retired') = (retirement_id IS NOT NULL)",
            name="retired_iff_retirement",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    issuance_id: int = Field(foreign_key="issuances.id", ondelete="RESTRICT")
    serial_start: int = Field(sa_type=sa.BigInteger)
    serial_end: int = Field(sa_type=sa.BigInteger)
    quantity: int = Field(sa_type=sa.BigInteger)
    registry_serial: str | None = Field(default=None, max_length=120)
    status: CreditStatus = Field(sa_type=enum_type(CreditStatus, "status"))
    owner_company_id: int | None = Field(
        default=None, foreign_key="companies.id", ondelete="RESTRICT"
    )
    parent_block_id: int | None = Field(
        default=None, foreign_key="credit_blocks.id", ondelete="RESTRICT", index=True
    )
    purchase_id: int | None = Field(
        default=None, foreign_key="purchases.id", ondelete="RESTRICT", index=True
    )
    retirement_id: int | None = Field(
        default=None, foreign_key="retirements.id", ondelete="RESTRICT", index=True
    )
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class CreditHolding(View, table=True):
    """A company's live credits of one project, vintage and status: a row of the
    `credit_holdings` view (migration 0006), which groups the company's held, retired and
    cancelled blocks (never split parents, whose credits live on in their children)."""

    __tablename__ = "credit_holdings"

    # The group's lowest block id: unique per group, so it is the key for cursors and batches.
    id: int = Field(primary_key=True)
    owner_company_id: int
    project_id: int
    project_name: str
    vintage: int
    status: CreditStatus = Field(sa_type=enum_type(CreditStatus, "status"))
    quantity: int = Field(sa_type=sa.BigInteger)
    block_count: int


class LedgerEvent(SQLModel, table=True):
    """One change to the books. Append-only: the database refuses updates and deletes."""

    __tablename__ = "ledger_events"

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(sa_type=sa.DateTime(timezone=True), index=True)
    kind: LedgerEventKind = Field(sa_type=enum_type(LedgerEventKind, "kind"))
    quantity: int = Field(sa_type=sa.BigInteger)
    issuance_id: int = Field(foreign_key="issuances.id", ondelete="RESTRICT", index=True)
    block_id: int | None = Field(
        default=None, foreign_key="credit_blocks.id", ondelete="RESTRICT", index=True
    )
    company_id: int | None = Field(default=None, foreign_key="companies.id", ondelete="RESTRICT")
    purchase_id: int | None = Field(default=None, foreign_key="purchases.id", ondelete="RESTRICT")
    retirement_id: int | None = Field(
        default=None, foreign_key="retirements.id", ondelete="RESTRICT"
    )
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSONList)


class IdempotentOperation(StrEnum):
    """The writes that accept an idempotency key."""

    PURCHASE = "purchase"
    RETIREMENT = "retirement"


class IdempotencyKey(SQLModel, table=True):
    """A client's key for one purchase or retirement: a retry replays its first result.

    Keys are scoped to the company acting, as payment APIs scope them to an account. The row is
    written first in the operation's transaction, so a racing retry waits on the unique key and
    then replays instead of acting twice.
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        sa.UniqueConstraint("company_id", "key"),
        sa.CheckConstraint("key <> ''", name="key_not_empty"),
        sa.CheckConstraint("length(request_hash) = 64", name="request_hash_is_sha256_hex"),
    )

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="companies.id", ondelete="RESTRICT")
    key: str = Field(max_length=100)
    operation: IdempotentOperation = Field(sa_type=enum_type(IdempotentOperation, "operation"))
    # SHA-256 of the operation's canonical input: the same key with another input is refused.
    request_hash: str = Field(max_length=64)
    purchase_id: int | None = Field(default=None, foreign_key="purchases.id", ondelete="RESTRICT")
    retirement_id: int | None = Field(
        default=None, foreign_key="retirements.id", ondelete="RESTRICT"
    )
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
