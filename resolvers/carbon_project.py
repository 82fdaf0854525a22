"""Carbon projects: their map, listings, lookups and credit totals."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from models import (
    EXCHANGE_CURRENCY,
    CarbonProject,
    CreditBlock,
    CreditStatus,
    Issuance,
    MitigationType,
    PriorityArea,
    ProjectStatus,
    ProjectType,
    QualityRating,
    Registry,
)
from models.db import Database

from .aggregate import Dimension, Hop, Measure, Unit, time_buckets
from .entity_map import TEXT, Column, Custom, EntityMap, ListItem, find_by
from .pagination import Listing, SortKey
from .viewer import Viewer


def credits_by(key: Any, name: str) -> Any:
    """Live (not split) credits per `key` (an issuance's id or its project's) and status, as a
    subquery. Deliberately public totals (resolvers.scope): no owner is named or filtered on."""
    status = col(CreditBlock.status)

    def total(wanted: CreditStatus) -> Any:
        return sa.func.sum(sa.case((status == wanted, col(CreditBlock.quantity)), else_=0))

    return (
        sa.select(
            key.label("key"),
            *(total(s).label(s.value) for s in CreditStatus if s is not CreditStatus.SPLIT),
        )
        .select_from(CreditBlock)
        .join(Issuance, col(Issuance.id) == col(CreditBlock.issuance_id))
        .where(status != CreditStatus.SPLIT)
        .group_by(key)
        .subquery(name)
    )


def credit_measures(credits: Any, hop: Hop) -> dict[str, Measure]:
    """Available, held, retired and cancelled credits from a `credits_by` subquery."""
    return {
        f"{status.value}_credits": Measure(
            sa.func.coalesce(credits.c[status.value], 0), Unit.CREDITS, via=hop
        )
        for status in CreditStatus
        if status is not CreditStatus.SPLIT
    }


_project_credits = credits_by(col(Issuance.project_id), "project_credits")
PROJECT_CREDITS = Hop(_project_credits, on=_project_credits.c.key == col(CarbonProject.id))
_project_issued = (
    sa.select(
        col(Issuance.project_id).label("key"),
        sa.func.sum(col(Issuance.issued_quantity)).label("issued"),
    )
    .group_by(col(Issuance.project_id))
    .subquery("project_issued")
)
PROJECT_ISSUED = Hop(_project_issued, on=_project_issued.c.key == col(CarbonProject.id))

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
    measures={
        "offer_price": Measure(
            col(CarbonProject.offer_price_cents),
            Unit.MONEY,
            currency=sa.literal(EXCHANGE_CURRENCY, sa.String),
        ),
        "issued_credits": Measure(
            sa.func.coalesce(_project_issued.c.issued, 0), Unit.CREDITS, via=PROJECT_ISSUED
        ),
        **credit_measures(_project_credits, PROJECT_CREDITS),
    },
    dimensions={
        "registry": Dimension(col(CarbonProject.issuing_registry), enum=Registry),
        "country": Dimension(col(CarbonProject.country)),
        "project_type": Dimension(col(CarbonProject.project_type), enum=ProjectType),
        "priority_area": Dimension(col(CarbonProject.priority_area), enum=PriorityArea),
        "mitigation_type": Dimension(col(CarbonProject.mitigation_type), enum=MitigationType),
        "status": Dimension(col(CarbonProject.status), enum=ProjectStatus),
        "additionality_rating": Dimension(
            col(CarbonProject.additionality_rating), enum=QualityRating
        ),
        "quantification_rating": Dimension(
            col(CarbonProject.quantification_rating), enum=QualityRating
        ),
        "safeguards_rating": Dimension(col(CarbonProject.safeguards_rating), enum=QualityRating),
        **time_buckets("crediting_period_start", col(CarbonProject.crediting_period_start)),
    },
)


def project_dimensions(project: Any, hop: Hop) -> dict[str, Dimension]:
    """What rows of another entity can be grouped by through their project (`project`, an
    alias of CarbonProject reached by `hop`)."""
    return {
        "project_priority_area": Dimension(project.priority_area, via=hop, enum=PriorityArea),
        "project_type": Dimension(project.project_type, via=hop, enum=ProjectType),
        "project_country": Dimension(project.country, via=hop),
        "project_registry": Dimension(project.issuing_registry, via=hop, enum=Registry),
        "project_mitigation_type": Dimension(project.mitigation_type, via=hop, enum=MitigationType),
    }


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
