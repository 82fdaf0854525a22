"""The row scope on its own: the SQL rule agrees with Viewer.owns, and no shortcut skips it."""

from __future__ import annotations

from sqlmodel import col, func, select

import models
from models.db import Database
from resolvers.carbon_credit import BLOCKS_BY_OWNER, CREDIT_BLOCKS
from resolvers.pagination import Nesting, count_per_parent
from resolvers.scope import visible
from resolvers.viewer import ANONYMOUS, Role, Viewer
from tests import factories


async def test_the_sql_scope_lets_through_exactly_the_rows_viewer_owns_allows(
    db: Database,
) -> None:
    owner = await factories.make_company(db)
    other = await factories.make_company(db)
    issuance = await factories.make_issuance(db, await factories.make_project(db))
    held = models.CreditStatus.HELD
    blocks = [
        await factories.make_block(db, issuance, serial_start=1, serial_end=10),
        await factories.make_block(
            db, issuance, serial_start=11, serial_end=20, status=held, owner_company_id=owner.id
        ),
        await factories.make_block(
            db, issuance, serial_start=21, serial_end=30, status=held, owner_company_id=other.id
        ),
        await factories.make_block(
            db, issuance, serial_start=31, serial_end=40, status=models.CreditStatus.CANCELLED
        ),
    ]
    viewers = [
        ANONYMOUS,
        Viewer(role=Role.PARTNER, company_id=owner.id),
        Viewer(role=Role.PARTNER, company_id=other.id),
        Viewer(role=Role.PARTNER),  # a partner key bound to no company sees nothing
        Viewer(role=Role.ADMIN),
    ]
    ids = [block.id for block in blocks]

    for viewer in viewers:
        statement = select(col(models.CreditBlock.id)).where(
            col(models.CreditBlock.id).in_(ids), visible(models.CreditBlock, viewer)
        )
        seen = set(await db.all(statement))

        assert seen == {b.id for b in blocks if viewer.owns(b.owner_company_id)}, viewer


async def test_a_count_shortcut_of_a_nesting_never_bypasses_the_scope(db: Database) -> None:
    owner = await factories.make_company(db)
    issuance = await factories.make_issuance(db, await factories.make_project(db))
    await factories.make_block(
        db, issuance, status=models.CreditStatus.HELD, owner_company_id=owner.id
    )
    # A nesting whose unscoped shortcut would count the owner's block for anyone.
    shortcut = Nesting(
        parent=BLOCKS_BY_OWNER.parent,
        belongs_to=BLOCKS_BY_OWNER.belongs_to,
        direct_count=lambda ids: (
            select(col(models.CreditBlock.owner_company_id), func.count())
            .where(col(models.CreditBlock.owner_company_id).in_(ids))
            .group_by(col(models.CreditBlock.owner_company_id))
        ),
    )

    assert owner.id is not None
    counts = await count_per_parent(
        db, CREDIT_BLOCKS.listing(viewer=ANONYMOUS), shortcut, [owner.id]
    )

    assert counts == [0]
