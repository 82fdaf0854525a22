"""Connections prefetch the relations their items read, root and nested alike."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from models.db import Database
from schema.context import Info
from schema.types.product import Product
from tests import factories
from tests.fixtures.graphql import GraphQLClient

ROOT = (
    "{ products(first: 5) { nodes { title brandCompany { name } certifications { validFrom } } } }"
)
NESTED = """
query($slug: String!) {
  company(slug: $slug) {
    products(first: 5) { edges { node { title certifications { validFrom } } } }
  }
}
"""


@pytest.mark.parametrize(
    ("document", "fields"),
    [(ROOT, {"title", "brandCompany", "certifications"}), (NESTED, {"title", "certifications"})],
    ids=["root connection", "nested connection"],
)
async def test_connection_prefetches_the_fields_its_items_read(
    gql: GraphQLClient,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
    document: str,
    fields: set[str],
) -> None:
    company = await factories.make_company(db, slug="brand-owner")
    for n in range(3):
        product = await factories.make_product(db, title=f"Item {n}", brand_company_id=company.id)
        certification = await factories.make_certification(db)
        await factories.make_product_certification(db, product, certification)
    calls: list[tuple[int, set[str]]] = []
    real_prefetch = Product.prefetch.__func__  # type: ignore[attr-defined]

    async def spy(cls: type[Product], info: Info, rows: Sequence[Any], names: set[str]) -> None:
        calls.append((len(rows), names))
        await real_prefetch(cls, info, rows, names)

    monkeypatch.setattr(Product, "prefetch", classmethod(spy))

    await gql.data(document, slug="brand-owner")

    assert calls == [(3, fields)]
