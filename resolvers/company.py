"""Reading companies, their pledge signatures and emissions reports."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import col, select

from models import Company, PledgeSignature
from models.db import Database

from .pagination import Listing, SortKey, ordering

BY_NAME = ordering("NAME_ASC", SortKey(col(Company.name), "name"), primary_key=col(Company.id))


def list_companies(*, signatories_only: bool = False) -> Listing[Company]:
    """All companies by name; with `signatories_only`, just Climate Pledge signatories."""
    statement = select(Company)
    if signatories_only:
        statement = statement.where(
            sa.exists().where(col(PledgeSignature.company_id) == col(Company.id))
        )
    return Listing(statement, BY_NAME)


async def get_company_by_slug(db: Database, slug: str) -> Company | None:
    return await db.first(select(Company).where(col(Company.slug) == slug))
