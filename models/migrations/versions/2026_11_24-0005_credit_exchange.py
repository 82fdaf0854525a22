"""Credit exchange: buyer commitments, idempotency keys, offer prices, and ledger guards.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 01:51:13.676567
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "buyer_commitments",
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("net_zero_target_year", sa.Integer(), nullable=True),
        sa.Column("target_covers_scopes_1_to_3", sa.Boolean(), nullable=False),
        sa.Column(
            "target_evidence_url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True
        ),
        sa.Column("residual_use_attested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
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
            "net_zero_target_year IS NULL OR net_zero_target_year BETWEEN 2019 AND 2100",
            name=op.f("ck_buyer_commitments_target_year_plausible"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_buyer_commitments_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("company_id", name=op.f("pk_buyer_commitments")),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column(
            "operation",
            sa.Enum(
                "purchase",
                "retirement",
                name="operation",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("request_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("purchase_id", sa.Integer(), nullable=True),
        sa.Column("retirement_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("key <> ''", name=op.f("ck_idempotency_keys_key_not_empty")),
        sa.CheckConstraint(
            "length(request_hash) = 64", name=op.f("ck_idempotency_keys_request_hash_is_sha256_hex")
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_idempotency_keys_company_id_companies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["purchase_id"],
            ["purchases.id"],
            name=op.f("fk_idempotency_keys_purchase_id_purchases"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["retirement_id"],
            ["retirements.id"],
            name=op.f("fk_idempotency_keys_retirement_id_retirements"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_keys")),
        sa.UniqueConstraint("company_id", "key", name=op.f("uq_idempotency_keys_company_id_key")),
    )
    with op.batch_alter_table("carbon_projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("offer_price_cents", sa.BigInteger(), nullable=True))
        batch_op.create_check_constraint(
            "offer_price_positive", "offer_price_cents IS NULL OR offer_price_cents > 0"
        )

    with op.batch_alter_table("purchases", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_purchases_idempotency_key"), type_="unique")
        batch_op.drop_column("idempotency_key")

    with op.batch_alter_table("retirements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("project_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("quantity", sa.BigInteger(), nullable=True))
        batch_op.drop_constraint(batch_op.f("uq_retirements_idempotency_key"), type_="unique")
        batch_op.drop_column("idempotency_key")
    # Every retirement so far retired blocks of one project (the seeds cut them that way).
    op.execute(
        "UPDATE retirements SET"
        " project_id = (SELECT min(i.project_id) FROM credit_blocks b"
        " JOIN issuances i ON i.id = b.issuance_id WHERE b.retirement_id = retirements.id),"
        " quantity = (SELECT sum(b.quantity) FROM credit_blocks b"
        " WHERE b.retirement_id = retirements.id)"
    )
    with op.batch_alter_table("retirements", schema=None) as batch_op:
        batch_op.alter_column("project_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("quantity", existing_type=sa.BigInteger(), nullable=False)
        batch_op.create_check_constraint("quantity_positive", "quantity > 0")
        batch_op.create_index(batch_op.f("ix_retirements_project_id"), ["project_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_retirements_project_id_carbon_projects"),
            "carbon_projects",
            ["project_id"],
            ["id"],
            ondelete="RESTRICT",
        )
    _create_block_guards()


def downgrade() -> None:
    _drop_block_guards()
    with op.batch_alter_table("retirements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idempotency_key", sa.VARCHAR(length=100), nullable=True))
        batch_op.drop_constraint(
            batch_op.f("fk_retirements_project_id_carbon_projects"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_retirements_project_id"))
        batch_op.drop_constraint(batch_op.f("ck_retirements_quantity_positive"), type_="check")
        batch_op.create_unique_constraint(
            batch_op.f("uq_retirements_idempotency_key"), ["idempotency_key"]
        )
        batch_op.drop_column("quantity")
        batch_op.drop_column("project_id")

    with op.batch_alter_table("purchases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idempotency_key", sa.VARCHAR(length=100), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_purchases_idempotency_key"), ["idempotency_key"]
        )

    with op.batch_alter_table("carbon_projects", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("ck_carbon_projects_offer_price_positive"), type_="check"
        )
        batch_op.drop_column("offer_price_cents")

    op.drop_table("idempotency_keys")
    op.drop_table("buyer_commitments")


# The books, guarded by the database itself (the API checks first; these catch any bug):
# - the live (not split) blocks of an issuance never share a serial;
# - a block lies within its issuance's serial range, and its range never changes;
# - retired, cancelled and split blocks are final; no block is ever deleted (lineage).
_FINAL = "('retired', 'cancelled', 'split')"
_WITHIN_ISSUANCE = (
    "EXISTS (SELECT 1 FROM issuances i WHERE i.id = NEW.issuance_id"
    " AND NEW.serial_start >= i.serial_start AND NEW.serial_end <= i.serial_end)"
)
_SQLITE_GUARDS = {
    "credit_blocks_disjoint": (
        "BEFORE INSERT ON credit_blocks WHEN NEW.status <> 'split' AND EXISTS (SELECT 1 FROM"
        " credit_blocks b WHERE b.issuance_id = NEW.issuance_id AND b.id IS NOT NEW.id"
        " AND b.status <> 'split'"
        " AND b.serial_start <= NEW.serial_end AND NEW.serial_start <= b.serial_end)",
        "credit blocks of an issuance must not overlap",
    ),
    "credit_blocks_within_issuance": (
        f"BEFORE INSERT ON credit_blocks WHEN NOT {_WITHIN_ISSUANCE}",
        "a credit block must lie within the serial range of its issuance",
    ),
    "credit_blocks_final": (
        f"BEFORE UPDATE ON credit_blocks WHEN OLD.status IN {_FINAL}",
        "retired, cancelled and split credit blocks are final",
    ),
    "credit_blocks_range_fixed": (
        "BEFORE UPDATE ON credit_blocks WHEN NEW.issuance_id <> OLD.issuance_id"
        " OR NEW.serial_start <> OLD.serial_start OR NEW.serial_end <> OLD.serial_end",
        "the serial range of a credit block never changes",
    ),
    "credit_blocks_no_delete": (
        "BEFORE DELETE ON credit_blocks",
        "credit blocks are never deleted",
    ),
}


def _pg_raise(message: str) -> str:
    # SQLSTATE 23000 (integrity_constraint_violation), as SQLite's RAISE(ABORT) reports a
    # constraint failure: drivers raise IntegrityError on both databases.
    return f"RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';"


def _create_block_guards() -> None:
    if op.get_bind().dialect.name != "postgresql":
        for name, (when, message) in _SQLITE_GUARDS.items():
            op.execute(f"CREATE TRIGGER {name} {when} BEGIN SELECT RAISE(ABORT, '{message}'); END")
        return
    # btree_gist lets one exclusion constraint combine equality and range overlap.
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.execute(
        "ALTER TABLE credit_blocks ADD CONSTRAINT ex_credit_blocks_live_serials_disjoint"
        " EXCLUDE USING gist (issuance_id WITH =, int8range(serial_start, serial_end, '[]') WITH &&)"
        " WHERE (status <> 'split')"
    )
    messages = {name: message for name, (_, message) in _SQLITE_GUARDS.items()}
    op.execute(
        "CREATE FUNCTION credit_blocks_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        f" IF TG_OP = 'DELETE' THEN {_pg_raise(messages['credit_blocks_no_delete'])} END IF;"
        " IF TG_OP = 'UPDATE' THEN"
        f"  IF OLD.status IN {_FINAL} THEN {_pg_raise(messages['credit_blocks_final'])} END IF;"
        "  IF (NEW.issuance_id, NEW.serial_start, NEW.serial_end)"
        "   IS DISTINCT FROM (OLD.issuance_id, OLD.serial_start, OLD.serial_end) THEN"
        f"   {_pg_raise(messages['credit_blocks_range_fixed'])} END IF;"
        f" ELSIF NOT {_WITHIN_ISSUANCE} THEN"
        f"  {_pg_raise(messages['credit_blocks_within_issuance'])}"
        " END IF;"
        " RETURN NEW; END $$"
    )
    op.execute(
        "CREATE TRIGGER credit_blocks_guard BEFORE INSERT OR UPDATE OR DELETE ON credit_blocks"
        " FOR EACH ROW EXECUTE FUNCTION credit_blocks_guard()"
    )


def _drop_block_guards() -> None:
    if op.get_bind().dialect.name != "postgresql":
        for name in _SQLITE_GUARDS:
            op.execute(f"DROP TRIGGER {name}")
        return
    op.execute("DROP TRIGGER credit_blocks_guard ON credit_blocks")
    op.execute("DROP FUNCTION credit_blocks_guard()")
    op.execute("ALTER TABLE credit_blocks DROP CONSTRAINT ex_credit_blocks_live_serials_disjoint")
