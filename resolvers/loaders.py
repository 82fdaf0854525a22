"""Per-request dataloaders: one statement per relation per level, whatever the page size.

Loaders are built for one viewer, and every lookup by key applies that viewer's row scope
(resolvers.scope): a private row out of scope loads as None, exactly like a missing one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property, partial
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import SQLModel, col
from strawberry.dataloader import DataLoader

from models import (
    BuyerCommitment,
    CarbonProject,
    Certification,
    Company,
    CreditBlock,
    EmissionsReport,
    Issuance,
    PledgeSignature,
    ProductCertification,
    Purchase,
    Retirement,
)
from models.db import Database

from .carbon_credit import CreditTotals, credit_totals
from .eligibility import Eligibility, visible_credit_eligibility
from .pagination import Listing, Nesting, Page, PageRequest, count_per_parent, fetch_pages
from .rows import columns, read_rows, reader, row_type
from .scope import scoped
from .statements import built_once, keys_in
from .viewer import Viewer

M = TypeVar("M", bound=SQLModel)
K = TypeVar("K")
V = TypeVar("V")


async def load_by_id(
    db: Database, model: type[M], ids: Sequence[int], *, viewer: Viewer
) -> list[M | None]:
    """Read rows (resolvers.rows) by primary key, in the order asked, None where missing or out
    of `viewer`'s scope."""
    return await _one_by_key(db, viewer, model, getattr(model, "id"), ids)  # noqa: B009


# `key` and `order` are mapped column attributes, e.g. col(Issuance.project_id); the keys
# are bound as `keys`.
def _by_keys(model: type[M], key: Any, order: Sequence[Any], viewer: Viewer) -> Any:
    statement = built_once(
        ("by keys", model, key.key, tuple(str(column) for column in order)),
        lambda: sa.select(*columns(model)).where(keys_in(key, "keys")).order_by(*order),
    )
    return scoped(statement, model, viewer)


async def _one_by_key(
    db: Database, viewer: Viewer, model: type[M], key: Any, keys: Sequence[Any]
) -> list[M | None]:
    found = await db.plain_rows(_by_keys(model, key, (), viewer), {"keys": list(set(keys))})
    by_key = {getattr(row, key.key): row for row in read_rows(model, found)}
    return [by_key.get(k) for k in keys]


async def _many_by_key(
    db: Database, viewer: Viewer, model: type[M], key: Any, keys: Sequence[Any], *order: Any
) -> list[list[M]]:
    found = await db.plain_rows(_by_keys(model, key, order, viewer), {"keys": list(set(keys))})
    rows = read_rows(model, found)
    grouped: defaultdict[Any, list[M]] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key.key)].append(row)
    return [grouped.get(k, []) for k in keys]


class Loaders:
    """Built anew for every request and viewer, so no cached row outlives it or crosses callers.

    Each loader is made on first use: a request reads through a few of them, and making all
    of them took a tenth of a small request's CPU. Nested connections get one loader per
    distinct (relation, arguments): every parent asking for the same page shape shares one
    statement.
    """

    def __init__(self, db: Database, *, viewer: Viewer) -> None:
        self.db = db
        self.viewer = viewer
        self._nested: dict[Hashable, DataLoader[int, Any]] = {}
        self._listings: dict[Hashable, Listing[Any]] = {}

    def listing(self, key: Hashable, make: Callable[[], Listing[Any]]) -> Listing[Any]:
        """The listing of a nested relation with these arguments, made once for every parent
        that asks (statements are costly to build, and a page may hold a hundred parents)."""
        if key not in self._listings:
            self._listings[key] = make()
        return self._listings[key]

    def pages(
        self, key: Hashable, listing: Listing[Any], nesting: Nesting, request: PageRequest
    ) -> DataLoader[int, Page[Any]]:
        """The loader of one page per parent for this relation and these arguments."""
        return self._loader(
            ("pages", key, request),
            lambda parents: fetch_pages(self.db, listing, nesting, parents, request),
        )

    def counts(
        self, key: Hashable, listing: Listing[Any], nesting: Nesting
    ) -> DataLoader[int, int]:
        """The loader of each parent's total count for this relation and these filters."""
        return self._loader(
            ("counts", key),
            lambda parents: count_per_parent(self.db, listing, nesting, parents),
        )

    def _loader(
        self, key: Hashable, load: Callable[[Sequence[int]], Awaitable[Sequence[Any]]]
    ) -> DataLoader[int, Any]:
        if key not in self._nested:

            async def batch(parents: Sequence[int]) -> list[Any]:
                return list(await load(parents))

            self._nested[key] = DataLoader(batch)
        return self._nested[key]

    @classmethod
    def for_db(cls, db: Database, *, viewer: Viewer) -> Loaders:
        return cls(db, viewer=viewer)

    def _by_id(self, model: type[M]) -> DataLoader[int, M | None]:
        return DataLoader(partial(load_by_id, self.db, model, viewer=self.viewer))

    @cached_property
    def company_by_id(self) -> DataLoader[int, Company | None]:
        return self._by_id(Company)

    @cached_property
    def certification_by_id(self) -> DataLoader[int, Certification | None]:
        return self._by_id(Certification)

    @cached_property
    def carbon_project_by_id(self) -> DataLoader[int, CarbonProject | None]:
        return self._by_id(CarbonProject)

    @cached_property
    def issuance_by_id(self) -> DataLoader[int, Issuance | None]:
        return self._by_id(Issuance)

    @cached_property
    def retirement_by_id(self) -> DataLoader[int, Retirement | None]:
        return self._by_id(Retirement)

    @cached_property
    def credit_block_by_id(self) -> DataLoader[int, CreditBlock | None]:
        return self._by_id(CreditBlock)

    @cached_property
    def purchase_by_id(self) -> DataLoader[int, Purchase | None]:
        return self._by_id(Purchase)

    @cached_property
    def signature_by_company_id(self) -> DataLoader[int, PledgeSignature | None]:
        return DataLoader(
            partial(
                _one_by_key,
                self.db,
                self.viewer,
                PledgeSignature,
                col(PledgeSignature.company_id),
            )
        )

    @cached_property
    def emissions_reports_by_company_id(self) -> DataLoader[int, list[EmissionsReport]]:
        return DataLoader(
            _many(
                self.db,
                self.viewer,
                EmissionsReport,
                col(EmissionsReport.company_id),
                col(EmissionsReport.year),
            )
        )

    @cached_property
    def buyer_commitment_by_company_id(self) -> DataLoader[int, BuyerCommitment | None]:
        return DataLoader(
            partial(
                _one_by_key,
                self.db,
                self.viewer,
                BuyerCommitment,
                col(BuyerCommitment.company_id),
            )
        )

    @cached_property
    def credit_eligibility_by_company_id(self) -> DataLoader[int, Eligibility | None]:
        return DataLoader(partial(visible_credit_eligibility, self.db, viewer=self.viewer))

    @cached_property
    def certificates_by_product_id(self) -> DataLoader[int, list[HeldCertificate]]:
        return DataLoader(partial(_held_certificates, self.db, self.viewer))

    @cached_property
    def issuances_by_project_id(self) -> DataLoader[int, list[Issuance]]:
        return DataLoader(
            _many(
                self.db,
                self.viewer,
                Issuance,
                col(Issuance.project_id),
                col(Issuance.vintage),
                col(Issuance.id),
            )
        )

    @cached_property
    def credit_totals_by_issuance_id(self) -> DataLoader[int, CreditTotals]:
        return DataLoader(
            partial(credit_totals, self.db, col(Issuance.id), issued=col(Issuance.issued_quantity))
        )

    @cached_property
    def credit_totals_by_project_id(self) -> DataLoader[int, CreditTotals]:
        return DataLoader(
            partial(
                credit_totals,
                self.db,
                col(Issuance.project_id),
                issued=col(Issuance.issued_quantity),
            )
        )


@dataclass(frozen=True)
class HeldCertificate:
    """A product's certificate with its certification."""

    certificate_number: str
    valid_from: date
    valid_to: date | None
    certification: Certification


# Certificates come back as plain columns and their certifications as read rows, never as
# mapped instances: a page holds hundreds of them and building instances dominated the request.
# A page's certificates share a few dozen certifications, so each certification's columns come
# only with its first certificate (the others carry NULLs there), read once.
_link_order = (col(ProductCertification.valid_from), col(ProductCertification.id))
_links = (
    sa.select(
        col(ProductCertification.id),
        col(ProductCertification.product_id),
        col(ProductCertification.certificate_number),
        col(ProductCertification.valid_from),
        col(ProductCertification.valid_to),
        col(ProductCertification.certification_id),
        (
            sa.func.row_number().over(
                partition_by=col(ProductCertification.certification_id), order_by=_link_order
            )
            == 1
        ).label("first"),
    )
    .where(keys_in(col(ProductCertification.product_id), "keys"))
    .subquery("links")
)
_first_shown = sa.inspect(Certification).local_table.alias("shown")
_CERTIFICATES = (
    sa.select(
        _links.c.product_id,
        _links.c.certificate_number,
        _links.c.valid_from,
        _links.c.valid_to,
        _links.c.certification_id,
        *columns(Certification, _first_shown),
    )
    .select_from(_links)
    .join(Certification, col(Certification.id) == _links.c.certification_id)
    .outerjoin(
        _first_shown,
        sa.and_(_first_shown.c.id == _links.c.certification_id, _links.c.first),
    )
    .order_by(_links.c.valid_from, _links.c.id)
)
_LINK_COLUMNS = 5


async def _held_certificates(
    db: Database, viewer: Viewer, product_ids: Sequence[int]
) -> list[list[HeldCertificate]]:
    statement = scoped(_CERTIFICATES, Certification, viewer)
    certificates = await db.plain_rows(statement, {"keys": list(set(product_ids))})
    make = reader(Certification)
    shown_id = _LINK_COLUMNS + row_type(Certification).names.index("id")
    certifications = {
        row[_LINK_COLUMNS - 1]: make(row[_LINK_COLUMNS:])
        for row in certificates
        if row[shown_id] is not None
    }
    grouped: defaultdict[int, list[HeldCertificate]] = defaultdict(list)
    for row in certificates:
        product_id, number, valid_from, valid_to, certification_id = row[:_LINK_COLUMNS]
        held = HeldCertificate(number, valid_from, valid_to, certifications[certification_id])
        grouped[product_id].append(held)
    return [grouped.get(product_id, []) for product_id in product_ids]


class NotLoaded:
    """The type of NOT_LOADED."""


# What `loaded` gives for a key its loader does not hold yet.
NOT_LOADED = NotLoaded()


def loaded(loader: DataLoader[K, V], key: K) -> V | NotLoaded:
    """The value the loader already holds for `key`, or NOT_LOADED."""
    future = loader.cache_map.get(key)
    if future is not None and future.done() and not future.cancelled() and not future.exception():
        return future.result()
    return NOT_LOADED


def ready_or_load(loader: DataLoader[K, V], key: K) -> V | Awaitable[V]:
    """The value itself when the loader already holds it (nothing to await), else its load.

    Connections prefetch their page's relations, so most nested fields return at once instead
    of scheduling a future each: per-row awaits are the costliest part of a large response.
    """
    value = loaded(loader, key)
    return loader.load(key) if isinstance(value, NotLoaded) else value


def _many(
    db: Database, viewer: Viewer, model: type[M], key: Any, *order: Any
) -> Callable[[Sequence[Any]], Awaitable[list[list[M]]]]:
    """A batch function returning, per key, the rows whose `key` column equals it, in `order`."""

    async def load(keys: Sequence[Any]) -> list[list[M]]:
        return await _many_by_key(db, viewer, model, key, keys, *order)

    return load
