"""Ranked full-text search over product titles and brands, index-backed on both databases.

PostgreSQL uses a GIN index on to_tsvector('english', title || ' ' || brand); SQLite uses
the FTS5 table products_fts (porter stemming) kept in sync by triggers. Both are created by
the migrations. Rank is "higher is better" on both, so orderings can share one direction.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from .errors import InvalidInput

MAX_QUERY_LENGTH = 200
PG_DOCUMENT = "to_tsvector('english', products.title || ' ' || products.brand)"


class ProductMatches(FunctionElement[bool]):
    """True for products whose title or brand match the search text."""

    type = sa.Boolean()
    inherit_cache = True


class ProductRank(FunctionElement[float]):
    """How well a product matches the search text; higher is better."""

    type = sa.Float()
    inherit_cache = True


def matches(text: str) -> ProductMatches:
    return ProductMatches(sa.bindparam("search_text", _clean(text), type_=sa.String))


def rank(text: str) -> ProductRank:
    return ProductRank(sa.bindparam("search_text", _clean(text), type_=sa.String))


def _clean(text: str) -> str:
    text = text.strip()
    if "\x00" in text:
        raise InvalidInput("`search` cannot contain a NUL character.", field="search")
    if not text:
        raise InvalidInput("`search` needs at least one word.", field="search")
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidInput(f"`search` is limited to {MAX_QUERY_LENGTH} characters.", field="search")
    return text


@compiles(ProductMatches, "postgresql")
def _matches_pg(element: ProductMatches, compiler: SQLCompiler, **kw: Any) -> str:
    query = compiler.process(element.clauses, **kw)
    return f"{PG_DOCUMENT} @@ websearch_to_tsquery('english', {query})"


@compiles(ProductRank, "postgresql")
def _rank_pg(element: ProductRank, compiler: SQLCompiler, **kw: Any) -> str:
    query = compiler.process(element.clauses, **kw)
    return f"ts_rank({PG_DOCUMENT}, websearch_to_tsquery('english', {query}))"


@compiles(ProductMatches, "sqlite")
def _matches_sqlite(element: ProductMatches, compiler: SQLCompiler, **kw: Any) -> str:
    # fts5_phrases() (models.db) quotes each word, so no user input is read as FTS5 syntax.
    query = compiler.process(element.clauses, **kw)
    return (
        "products.id IN (SELECT rowid FROM products_fts"
        f" WHERE products_fts MATCH fts5_phrases({query}))"
    )


@compiles(ProductRank, "sqlite")
def _rank_sqlite(element: ProductRank, compiler: SQLCompiler, **kw: Any) -> str:
    query = compiler.process(element.clauses, **kw)
    # FTS5's rank is bm25, lower is better: negate it so higher is better, as on PostgreSQL.
    return (
        "(SELECT -rank FROM products_fts WHERE products_fts MATCH fts5_phrases("
        f"{query}) AND rowid = products.id)"
    )
