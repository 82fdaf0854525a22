"""Certifications: their map, listings and lookups."""

from __future__ import annotations

from typing import Any

from sqlmodel import col

from models import Certification, CertificationCategory, CertificationLevel
from models.db import Database

from .aggregate import Dimension, time_buckets
from .entity_map import TEXT, Column, EntityMap, ListItem, find_by, flag
from .pagination import Listing, SortKey
from .viewer import Viewer

CERTIFICATIONS: EntityMap[Certification] = EntityMap(
    model=Certification,
    primary_key=col(Certification.id),
    filters={
        "slug": Column(col(Certification.slug)),
        "name": Column(col(Certification.name), TEXT),
        "issuer": Column(col(Certification.issuer), TEXT),
        "category": Column(col(Certification.category)),
        "level": Column(col(Certification.level)),
        "carbon_related": flag(col(Certification.carbon_related)),
        "amazon_owned": flag(col(Certification.amazon_owned)),
        "marketplace": ListItem(col(Certification.marketplaces)),
    },
    orderings={
        "NAME": SortKey(col(Certification.name), "name"),
        "SLUG": SortKey(col(Certification.slug), "slug"),
        "CATEGORY": SortKey(col(Certification.category), "category"),
    },
    default_order=[("NAME", False)],
    dimensions={
        "category": Dimension(col(Certification.category), enum=CertificationCategory),
        "level": Dimension(col(Certification.level), enum=CertificationLevel),
        "issuer": Dimension(col(Certification.issuer)),
        "carbon_related": Dimension(col(Certification.carbon_related)),
        "amazon_owned": Dimension(col(Certification.amazon_owned)),
        **time_buckets("recognized_since", col(Certification.recognized_since)),
    },
)


def list_certifications(
    *,
    viewer: Viewer,
    where: dict[str, Any] | None = None,
    order: list[tuple[str, bool]] | None = None,
) -> Listing[Certification]:
    """Certifications matching `where`."""
    return CERTIFICATIONS.listing(viewer=viewer, where=where, order=order)


async def get_certification_by_slug(db: Database, slug: str) -> Certification | None:
    return await find_by(db, Certification, col(Certification.slug), slug)
