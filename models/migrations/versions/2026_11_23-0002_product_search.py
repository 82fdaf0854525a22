"""Product search: a GIN full-text index on PostgreSQL, an FTS5 table on SQLite.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 22:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS_TRIGGERS = {
    "products_fts_insert": "AFTER INSERT ON products BEGIN"
    " INSERT INTO products_fts(rowid, title, brand) VALUES (new.id, new.title, new.brand); END",
    "products_fts_delete": "AFTER DELETE ON products BEGIN"
    " INSERT INTO products_fts(products_fts, rowid, title, brand)"
    " VALUES ('delete', old.id, old.title, old.brand); END",
    "products_fts_update": "AFTER UPDATE OF title, brand ON products BEGIN"
    " INSERT INTO products_fts(products_fts, rowid, title, brand)"
    " VALUES ('delete', old.id, old.title, old.brand);"
    " INSERT INTO products_fts(rowid, title, brand) VALUES (new.id, new.title, new.brand); END",
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_products_search ON products"
            " USING gin (to_tsvector('english', title || ' ' || brand))"
        )
        return
    op.execute(
        "CREATE VIRTUAL TABLE products_fts USING fts5(title, brand, content='products',"
        " content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')"
    )
    for name, body in FTS_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")
    op.execute("INSERT INTO products_fts(products_fts) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_products_search")
        return
    for name in FTS_TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
    op.execute("DROP TABLE products_fts")
