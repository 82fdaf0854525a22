"""Reading carbon projects."""

from __future__ import annotations

from sqlmodel import col, select

from models import CarbonProject
from models.db import Database

from .pagination import Listing, SortKey, ordering

BY_NAME = ordering(
    "NAME_ASC",
    SortKey(col(CarbonProject.name), "name"),
    primary_key=col(CarbonProject.id),
)


def list_carbon_projects() -> Listing[CarbonProject]:
    """All carbon projects by name."""
    return Listing(select(CarbonProject), BY_NAME)


async def get_carbon_project_by_slug(db: Database, slug: str) -> CarbonProject | None:
    return await db.first(select(CarbonProject).where(col(CarbonProject.slug) == slug))
