"""A company's products in title order: one index serves brand lookups and per-parent pages.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 22:35:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("products") as batch_op:
        batch_op.drop_index("ix_products_brand_company_id")
        batch_op.create_index(
            "ix_products_brand_company_title", ["brand_company_id", "title", "id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("products") as batch_op:
        batch_op.drop_index("ix_products_brand_company_title")
        batch_op.create_index("ix_products_brand_company_id", ["brand_company_id"])
