"""Credit holdings: a view of each company's live credits by project, vintage and status.

The same SQL on SQLite and PostgreSQL. Both push a filter on the grouping columns (the owner,
above all) below the GROUP BY, so one company's holdings read only its blocks
(ix_credit_blocks_owner_status). Views are not compared by autogenerate: models.CreditHolding
maps this one, and tests/models/test_migrations.py checks that the two agree.

A later migration that rebuilds credit_blocks, issuances or carbon_projects (SQLite batch
mode, or a column type change on PostgreSQL) must drop this view first and create it again.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 12:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Split parents are excluded (their children carry the credits) and so is the exchange's
    # inventory (no owner); the key is the group's lowest block id, unique across groups.
    op.execute(
        """
        CREATE VIEW credit_holdings AS
        SELECT
            min(b.id) AS id,
            b.owner_company_id,
            i.project_id,
            p.name AS project_name,
            i.vintage,
            b.status,
            CAST(sum(b.quantity) AS BIGINT) AS quantity,
            CAST(count(*) AS INTEGER) AS block_count
        FROM credit_blocks b
        JOIN issuances i ON i.id = b.issuance_id
        JOIN carbon_projects p ON p.id = i.project_id
        WHERE b.owner_company_id IS NOT NULL AND b.status IN ('held', 'retired', 'cancelled')
        GROUP BY b.owner_company_id, i.project_id, p.name, i.vintage, b.status
        """
    )


def downgrade() -> None:
    op.execute("DROP VIEW credit_holdings")
