"""Carbon projects: their map, listings, lookups and credit totals."""

from __future__ import annotations

from typing import Any

from sqlmodel import col

from models import CarbonProject
from models.db import Database

from .entity_map import TEXT, Column, Custom, EntityMap, ListItem, find_by
from .pagination import Listing, SortKey
from .viewer import Viewer

CARBON_PROJECTS: EntityMap[CarbonProject] = EntityMap(
    model=CarbonProject,
    primary_key=col(CarbonProject.id),
    filters={
        "slug": Column(col(CarbonProject.slug)),
        "name": Column(col(CarbonProject.name), TEXT),
        "registry": Column(col(CarbonProject.issuing_registry)),
        "registry_project_id": Column(col(CarbonProject.registry_project_id)),
        "country": Column(col(CarbonProject.country)),
        "project_type": Column(col(CarbonProject.project_type)),
        "priority_area": Column(col(CarbonProject.priority_area)),
        "mitigation_type": Column(col(CarbonProject.mitigation_type)),
        "status": Column(col(CarbonProject.status)),
        "label": ListItem(col(CarbonProject.labels)),
        "additionality_rating": Column(col(CarbonProject.additionality_rating)),
        "quantification_rating": Column(col(CarbonProject.quantification_rating)),
        "safeguards_rating": Column(col(CarbonProject.safeguards_rating)),
        "on_offer": Custom(
            lambda value: (
                col(CarbonProject.offer_price_cents).is_not(None)
                if value
                else col(CarbonProject.offer_price_cents).is_(None)
            )
        ),
    },
    orderings={
        "NAME": SortKey(col(CarbonProject.name), "name"),
        "SLUG": SortKey(col(CarbonProject.slug), "slug"),
        "COUNTRY": SortKey(col(CarbonProject.country), "country"),
    },
    default_order=[("NAME", False)],
)


def list_carbon_projects(
    *,
    viewer: Viewer,
    where: dict[str, Any] | None = None,
    order: list[tuple[str, bool]] | None = None,
) -> Listing[CarbonProject]:
    """Carbon projects matching `where`."""
    return CARBON_PROJECTS.listing(viewer=viewer, where=where, order=order)


async def get_carbon_project_by_slug(db: Database, slug: str) -> CarbonProject | None:
    return await find_by(db, CarbonProject, col(CarbonProject.slug), slug)
