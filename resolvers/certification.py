"""Reading the certifications behind the Climate Pledge Friendly badge."""

from __future__ import annotations

from sqlmodel import col, select

from models import Certification
from models.db import Database

from .pagination import Listing, SortKey, ordering

BY_NAME = ordering(
    "NAME_ASC",
    SortKey(col(Certification.name), "name"),
    primary_key=col(Certification.id),
)


def list_certifications() -> Listing[Certification]:
    """All certifications by name."""
    return Listing(select(Certification), BY_NAME)


async def get_certification_by_slug(db: Database, slug: str) -> Certification | None:
    return await db.first(select(Certification).where(col(Certification.slug) == slug))
