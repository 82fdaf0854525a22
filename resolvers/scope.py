"""Row-level scope: which rows of which model a viewer may read, as one SQL condition.

The graph is public except for the tables named in PRIVATE. A private row belongs to one
company and is visible to that company's partners and to admins, never to anyone else: the
same rule as `Viewer.owns`, written in SQL so that it joins the statement that reads the rows
instead of filtering them afterwards (no extra statement, no row or count ever leaves the
database for a caller who may not see it).

Every read path takes its condition from `visible()`: listings and their counts through
`EntityMap.listing` (root and nested connections alike), and lookups by key through the loaders
(`node`, `nodes`, to-one fields). Aggregates must do the same. A filter of one entity that
looks into a private table (e.g. "companies holding blocks of project X") would bypass it:
such a filter needs the viewer, so it cannot be a plain `EntityMap` filter.

Decisions on credit blocks:
- A held or retired block belongs to its owner: a company's holdings are private, one by
  one and grouped by project, vintage and status (CreditHolding) alike.
- An available block (the exchange's inventory) has no owner, so only admins see it one by
  one. What the public may know of inventory, how many credits of a project or issuance are
  still for sale, is the public `credits { available }` total; the individual serial ranges
  are the exchange's stock list, and no partner has a claim to them.
- Split and cancelled blocks keep their owner (or none), so lineage is visible exactly as far
  as the owner's own blocks go.

Decisions on buyer commitments: a company's net-zero target as declared to the exchange and
its residual-use attestation are private to it (the exchange's evidence file, not a public
claim), and so is the eligibility computed from them (resolvers.eligibility).

Deliberately public aggregates over these tables: credit totals per project and per issuance,
and a retirement's quantity (registries publish retirements with their serial ranges).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement
from sqlmodel import SQLModel, col

from models import ApiKey, BuyerCommitment, CreditBlock, CreditHolding, Purchase

from .viewer import Viewer


@dataclass(frozen=True)
class Scope:
    """Rows owned by one company each: `owner` is the column naming that company."""

    owner: Any

    def condition(self, viewer: Viewer) -> ColumnElement[bool]:
        """All rows for admins, the company's own rows for its partners, none otherwise."""
        if viewer.is_admin:
            return sa.true()
        if viewer.company_id is None:
            return sa.false()
        return self.owner == viewer.company_id  # type: ignore[no-any-return]

    def condition_on(self, row: Any, viewer: Viewer) -> ColumnElement[bool]:
        """The same condition on an alias of the table."""
        return replace(self, owner=getattr(row, self.owner.key)).condition(viewer)


PRIVATE: Mapping[type[SQLModel], Scope] = {
    # A partner key's company sees its keys; admin keys (no company) only admins see.
    ApiKey: Scope(owner=col(ApiKey.company_id)),
    BuyerCommitment: Scope(owner=col(BuyerCommitment.company_id)),
    CreditBlock: Scope(owner=col(CreditBlock.owner_company_id)),
    # A company's blocks grouped (a view over credit_blocks): private like the blocks.
    CreditHolding: Scope(owner=col(CreditHolding.owner_company_id)),
    Purchase: Scope(owner=col(Purchase.buyer_company_id)),
}


def scope_of(model: type[SQLModel]) -> Scope | None:
    """The model's scope; None for public models."""
    return PRIVATE.get(model)


def visible(model: type[SQLModel], viewer: Viewer) -> ColumnElement[bool]:
    """The condition on `model`'s rows that `viewer` may read (always true for public models).

    SQLAlchemy drops a true condition from a WHERE clause and reduces one ANDed with false to
    `WHERE false`, so public statements are unchanged and an anonymous caller's statement over
    a private table returns nothing at no cost.
    """
    scope = scope_of(model)
    return sa.true() if scope is None else scope.condition(viewer)


def scoped(statement: Any, model: type[SQLModel], viewer: Viewer) -> Any:
    """`statement` over `model` narrowed to what `viewer` may read; public models unchanged.

    For statements built once and reused: adding a condition costs a copy of the statement,
    which public models need not pay.
    """
    scope = scope_of(model)
    return statement if scope is None else statement.where(scope.condition(viewer))


def visible_reference(model: type[SQLModel], viewer: Viewer, reference: Any) -> Any:
    """`reference` (a foreign key to `model`) where `viewer` may read the row it names, else
    NULL: as a to-one field resolves to null, a column never names a row its reader may not see.
    """
    scope = scope_of(model)
    if scope is None or viewer.is_admin:
        return reference
    # An alias: the reference may come from the same table (a block's parent block).
    target: Any = aliased(model)
    named = sa.exists().where(target.id == reference, scope.condition_on(target, viewer))
    return sa.case((named, reference), else_=sa.null())
