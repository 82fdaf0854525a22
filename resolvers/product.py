"""Reading products and the certificates they hold."""

from __future__ import annotations

from sqlmodel import col, select

from models import Product
from models.db import Database

from .pagination import Listing, SortKey, ordering

BY_TITLE = ordering("TITLE_ASC", SortKey(col(Product.title), "title"), primary_key=col(Product.id))


def list_products() -> Listing[Product]:
    """All products by title."""
    return Listing(select(Product), BY_TITLE)


async def get_product_by_asin(db: Database, asin: str) -> Product | None:
    return await db.first(select(Product).where(col(Product.asin) == asin))
