"""Bulk exports: the rows of a listing, page after keyset page, as plain column values."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import partial
from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel, col, select

import models
from models import (
    CarbonProject,
    Certification,
    Company,
    CreditBlock,
    Issuance,
    PledgeSignature,
    Product,
    ProductCertification,
    Purchase,
    Retirement,
)
from models.db import Database

from .carbon_credit import list_credit_blocks, list_issuances, list_purchases, list_retirements
from .carbon_project import list_carbon_projects
from .certification import list_certifications
from .company import list_companies
from .pagination import Listing, Ordering, cursor_encoder, decode_cursor, keyset_window
from .product import list_products
from .scope import visible_reference
from .statements import keys_in
from .viewer import Viewer

OpenDatabase = Callable[[], AbstractAsyncContextManager[Database]]


class Kind(StrEnum):
    """What a column holds, which fixes how it is written (README "Bulk exports")."""

    ID = "id"  # a row's global id (the GraphQL `id` of the row it names)
    TEXT = "text"
    INTEGER = "integer"
    CREDITS = "credits"  # whole tonnes CO2e
    MONEY = "money"  # integer cents in the database, a decimal string outside
    DATE = "date"
    INSTANT = "instant"  # a UTC date-time
    BOOLEAN = "boolean"
    ENUM = "enum"
    LIST = "list"  # a list of text (or of enum values)


@dataclass(frozen=True)
class Column:
    """One column of an exported row: its API name, its SQL and what it holds."""

    name: str
    expression: Any
    kind: Kind
    description: str
    nullable: bool = False
    refers_to: type[SQLModel] | None = None  # ID: the model of the row it names
    enum: type[StrEnum] | None = None  # ENUM, LIST: the values' enum

    def selected(self, viewer: Viewer) -> Any:
        """The expression to select for `viewer`: a reference to a private row it may not see
        reads as NULL."""
        if self.kind is Kind.ID and self.refers_to is not None:
            return visible_reference(self.refers_to, viewer, self.expression)
        if self.enum is not None and self.kind is Kind.ENUM:
            # The stored text: making enum members of it costs more than the query per row.
            return sa.type_coerce(self.expression, sa.String())
        return self.expression


@dataclass(frozen=True)
class Related:
    """A list column read by one more statement per page: `pairs` selects (row id, value),
    ordered by row id then value, and `key` is its row id column, which the export restricts
    to the page's ids; the values must be public."""

    name: str
    key: Any
    pairs: Any
    description: str


@dataclass(frozen=True)
class Shape:
    """How one entity is exported: the listing it walks (the GraphQL list's, so the same
    `where`, `orderBy` and row scope) and its columns."""

    listing: Callable[..., Listing[Any]]
    columns: tuple[Column, ...]
    related: tuple[Related, ...] = ()

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns] + [r.name for r in self.related]


def _id(model: type[SQLModel], expression: Any = None, **options: Any) -> Column:
    name = "id" if expression is None else options.pop("name")
    description = options.pop("description", f"The {model.__name__}'s global id.")
    expression = col(model.id) if expression is None else expression  # type: ignore[attr-defined]
    return Column(name, expression, Kind.ID, description, refers_to=model, **options)


def _provenance(model: Any) -> Column:
    return Column(
        "provenance",
        col(model.provenance),
        Kind.ENUM,
        "Whether the record is sourced, unconfirmed or generated.",
        enum=models.Provenance,
    )


def _source_url(model: Any) -> Column:
    return Column(
        "sourceUrl", col(model.source_url), Kind.TEXT, "The public source.", nullable=True
    )


def _signature(column: Any) -> Any:
    """A value of the company's pledge signature (null when it has not signed)."""
    return (
        select(column).where(col(PledgeSignature.company_id) == col(Company.id)).scalar_subquery()
    )


_CERTIFICATION_NAMES = (
    select(col(ProductCertification.product_id), col(Certification.name))
    .join(Certification, col(Certification.id) == col(ProductCertification.certification_id))
    .distinct()
    .order_by(col(ProductCertification.product_id), col(Certification.name))
)


COMPANY = Shape(
    list_companies,
    (
        _id(Company),
        Column("slug", col(Company.slug), Kind.TEXT, "Stable human-readable key."),
        Column("name", col(Company.name), Kind.TEXT, "The company's name."),
        Column("sector", col(Company.sector), Kind.TEXT, "Industry sector."),
        Column("hqCountry", col(Company.hq_country), Kind.TEXT, "HQ country, ISO 3166-1 alpha-2."),
        Column("website", col(Company.website), Kind.TEXT, "The website.", nullable=True),
        Column(
            "signedOn",
            _signature(col(PledgeSignature.signed_on)),
            Kind.DATE,
            "The day it was named a Climate Pledge signatory; null if it has not signed.",
            nullable=True,
        ),
        Column(
            "netZeroTargetYear",
            _signature(col(PledgeSignature.net_zero_target_year)),
            Kind.INTEGER,
            "The year of its net-zero pledge; null if it has not signed.",
            nullable=True,
        ),
        _provenance(Company),
        _source_url(Company),
    ),
)

PRODUCT = Shape(
    list_products,
    (
        _id(Product),
        Column("asin", col(Product.asin), Kind.TEXT, "Amazon Standard Identification Number."),
        Column("title", col(Product.title), Kind.TEXT, "The listing's title."),
        Column("brand", col(Product.brand), Kind.TEXT, "The brand name on the listing."),
        _id(
            Company,
            col(Product.brand_company_id),
            name="brandCompanyId",
            description="The global id of the company behind the brand, when known.",
            nullable=True,
        ),
        Column(
            "category",
            col(Product.category),
            Kind.ENUM,
            "Store department.",
            enum=models.ProductCategory,
        ),
        Column(
            "marketplace",
            col(Product.marketplace),
            Kind.ENUM,
            "The marketplace.",
            enum=models.Marketplace,
        ),
        Column("price", col(Product.price_cents), Kind.MONEY, "The listing price."),
        Column(
            "priceCurrency", col(Product.price_currency), Kind.TEXT, "ISO 4217 code of `price`."
        ),
        _provenance(Product),
    ),
    related=(
        Related(
            "certifications",
            col(ProductCertification.product_id),
            _CERTIFICATION_NAMES,
            "Names of the certifications the product holds or held, distinct, A to Z.",
        ),
    ),
)

CERTIFICATION = Shape(
    list_certifications,
    (
        _id(Certification),
        Column("slug", col(Certification.slug), Kind.TEXT, "Stable human-readable key."),
        Column("name", col(Certification.name), Kind.TEXT, "The certification's name."),
        Column("issuer", col(Certification.issuer), Kind.TEXT, "Who owns the scheme."),
        Column(
            "category",
            col(Certification.category),
            Kind.ENUM,
            "What it attests.",
            enum=models.CertificationCategory,
        ),
        Column(
            "carbonRelated",
            col(Certification.carbon_related),
            Kind.BOOLEAN,
            "Attests the product's carbon footprint.",
        ),
        Column("amazonOwned", col(Certification.amazon_owned), Kind.BOOLEAN, "Amazon's own badge."),
        Column(
            "level",
            col(Certification.level),
            Kind.ENUM,
            "What it is granted to.",
            enum=models.CertificationLevel,
        ),
        Column(
            "marketplaces",
            col(Certification.marketplaces),
            Kind.LIST,
            "Marketplaces where the badge is recognised.",
            enum=models.Marketplace,
        ),
        Column("url", col(Certification.url), Kind.TEXT, "The scheme's web page.", nullable=True),
        Column(
            "recognizedSince",
            col(Certification.recognized_since),
            Kind.DATE,
            "When Climate Pledge Friendly first recognised it, where known.",
            nullable=True,
        ),
        _provenance(Certification),
        _source_url(Certification),
    ),
)


def _rating(name: str, column: Any, what: str) -> Column:
    return Column(
        name, column, Kind.ENUM, f"Rating for {what}.", nullable=True, enum=models.QualityRating
    )


CARBON_PROJECT = Shape(
    list_carbon_projects,
    (
        _id(CarbonProject),
        Column("slug", col(CarbonProject.slug), Kind.TEXT, "Stable human-readable key."),
        Column(
            "registry",
            col(CarbonProject.issuing_registry),
            Kind.ENUM,
            "The registry that lists it.",
            enum=models.Registry,
        ),
        Column(
            "registryProjectId",
            col(CarbonProject.registry_project_id),
            Kind.TEXT,
            "The project's id in its registry.",
        ),
        Column("name", col(CarbonProject.name), Kind.TEXT, "The project's name."),
        Column(
            "developer", col(CarbonProject.developer), Kind.TEXT, "The developer.", nullable=True
        ),
        Column("country", col(CarbonProject.country), Kind.TEXT, "Host country, ISO 3166-1."),
        Column(
            "projectType",
            col(CarbonProject.project_type),
            Kind.ENUM,
            "What the project does.",
            enum=models.ProjectType,
        ),
        Column(
            "priorityArea",
            col(CarbonProject.priority_area),
            Kind.ENUM,
            "The exchange priority it serves.",
            nullable=True,
            enum=models.PriorityArea,
        ),
        Column(
            "mitigationType",
            col(CarbonProject.mitigation_type),
            Kind.ENUM,
            "Reduction or removal.",
            enum=models.MitigationType,
        ),
        Column(
            "methodology",
            col(CarbonProject.methodology),
            Kind.TEXT,
            "The methodology.",
            nullable=True,
        ),
        Column("labels", col(CarbonProject.labels), Kind.LIST, "Labels, e.g. ABACUS."),
        Column(
            "status",
            col(CarbonProject.status),
            Kind.ENUM,
            "Registry status.",
            enum=models.ProjectStatus,
        ),
        Column(
            "creditingPeriodStart",
            col(CarbonProject.crediting_period_start),
            Kind.DATE,
            "First day of the crediting period.",
            nullable=True,
        ),
        Column(
            "creditingPeriodEnd",
            col(CarbonProject.crediting_period_end),
            Kind.DATE,
            "Last day of the crediting period.",
            nullable=True,
        ),
        Column(
            "offerPrice",
            col(CarbonProject.offer_price_cents),
            Kind.MONEY,
            f"The exchange's price per credit in {models.EXCHANGE_CURRENCY}; null when not on"
            " offer.",
            nullable=True,
        ),
        _rating(
            "additionalityRating",
            col(CarbonProject.additionality_rating),
            "integrity and additionality",
        ),
        _rating(
            "quantificationRating",
            col(CarbonProject.quantification_rating),
            "conservative quantification",
        ),
        _rating(
            "safeguardsRating",
            col(CarbonProject.safeguards_rating),
            "social and environmental safeguards",
        ),
        _provenance(CarbonProject),
        _source_url(CarbonProject),
    ),
)


def _credits(name: str, column: Any, description: str, **options: Any) -> Column:
    return Column(name, column, Kind.CREDITS, description + " (tonnes CO2e).", **options)


def _serial(name: str, column: Any, description: str) -> Column:
    return Column(name, column, Kind.INTEGER, description)


ISSUANCE = Shape(
    list_issuances,
    (
        _id(Issuance),
        _id(
            CarbonProject,
            col(Issuance.project_id),
            name="projectId",
            description="The project's global id.",
        ),
        Column("vintage", col(Issuance.vintage), Kind.INTEGER, "The vintage year."),
        Column("issuedOn", col(Issuance.issued_on), Kind.DATE, "The issue day."),
        _credits("totalQuantity", col(Issuance.total_quantity), "Credits verified"),
        _credits("bufferQuantity", col(Issuance.buffer_quantity), "Credits withheld as buffer"),
        _credits("issuedQuantity", col(Issuance.issued_quantity), "Credits issued"),
        Column(
            "serialPrefix", col(Issuance.serial_prefix), Kind.TEXT, "The serial numbers' prefix."
        ),
        _serial("serialStart", col(Issuance.serial_start), "First serial number (inclusive)."),
        _serial("serialEnd", col(Issuance.serial_end), "Last serial number (inclusive)."),
        Column(
            "verificationBody",
            col(Issuance.verification_body),
            Kind.TEXT,
            "Who verified the batch.",
            nullable=True,
        ),
        _provenance(Issuance),
        _source_url(Issuance),
    ),
)

RETIREMENT = Shape(
    list_retirements,
    (
        _id(Retirement),
        _id(
            CarbonProject,
            col(Retirement.project_id),
            name="projectId",
            description="The project's global id.",
        ),
        _credits("quantity", col(Retirement.quantity), "Credits retired"),
        _id(
            Company,
            col(Retirement.beneficiary_company_id),
            name="beneficiaryId",
            description="The beneficiary company's global id, when it is a known company.",
            nullable=True,
        ),
        Column(
            "beneficiaryName",
            col(Retirement.beneficiary_name),
            Kind.TEXT,
            "The beneficiary as the registry names it.",
        ),
        _id(
            Company,
            col(Retirement.retired_by_company_id),
            name="retiredById",
            description="The global id of the company that retired the credits, when known.",
            nullable=True,
        ),
        Column(
            "reason",
            col(Retirement.reason),
            Kind.ENUM,
            "Why they were retired.",
            enum=models.RetirementReason,
        ),
        Column(
            "claimYear",
            col(Retirement.claim_year),
            Kind.INTEGER,
            "The emissions year claimed against.",
            nullable=True,
        ),
        Column("note", col(Retirement.note), Kind.TEXT, "The purpose note.", nullable=True),
        Column("retiredOn", col(Retirement.retired_on), Kind.DATE, "The day retired."),
        _provenance(Retirement),
        _source_url(Retirement),
    ),
)

CREDIT_BLOCK = Shape(
    list_credit_blocks,
    (
        _id(CreditBlock),
        _id(
            Issuance,
            col(CreditBlock.issuance_id),
            name="issuanceId",
            description="The issuance's global id.",
        ),
        _serial("serialStart", col(CreditBlock.serial_start), "First serial number (inclusive)."),
        _serial("serialEnd", col(CreditBlock.serial_end), "Last serial number (inclusive)."),
        _credits("quantity", col(CreditBlock.quantity), "Credits in the block"),
        Column(
            "registrySerial",
            col(CreditBlock.registry_serial),
            Kind.TEXT,
            "The serial range as the registry writes it.",
            nullable=True,
        ),
        Column(
            "status",
            col(CreditBlock.status),
            Kind.ENUM,
            "Where the block is in its life cycle.",
            enum=models.CreditStatus,
        ),
        _id(
            Company,
            col(CreditBlock.owner_company_id),
            name="ownerId",
            description="The owning company's global id; null for the exchange's inventory.",
            nullable=True,
        ),
        _id(
            CreditBlock,
            col(CreditBlock.parent_block_id),
            name="parentBlockId",
            description="The block it was split from; null for an original block or one you"
            " may not see.",
            nullable=True,
        ),
        _id(
            Purchase,
            col(CreditBlock.purchase_id),
            name="purchaseId",
            description="The purchase that brought it to its owner; null if none or not yours.",
            nullable=True,
        ),
        _id(
            Retirement,
            col(CreditBlock.retirement_id),
            name="retirementId",
            description="The public retirement record, for a retired block.",
            nullable=True,
        ),
        Column(
            "createdAt",
            col(CreditBlock.created_at),
            Kind.INSTANT,
            "When the block came to be (UTC).",
        ),
    ),
)

PURCHASE = Shape(
    list_purchases,
    (
        _id(Purchase),
        _id(
            Company,
            col(Purchase.buyer_company_id),
            name="buyerId",
            description="The buying company's global id.",
        ),
        _id(
            CarbonProject,
            col(Purchase.project_id),
            name="projectId",
            description="The project's global id.",
        ),
        Column(
            "vintage",
            col(Purchase.vintage),
            Kind.INTEGER,
            "The vintage bought, if one was asked for.",
            nullable=True,
        ),
        _credits("quantity", col(Purchase.quantity), "Credits bought"),
        Column("unitPrice", col(Purchase.unit_price_cents), Kind.MONEY, "Price of one credit."),
        Column("totalPrice", col(Purchase.total_price_cents), Kind.MONEY, "Amount paid."),
        Column("currency", col(Purchase.currency), Kind.TEXT, "ISO 4217 code of the prices."),
        Column("purchasedAt", col(Purchase.purchased_at), Kind.INSTANT, "When it was made (UTC)."),
    ),
)

# Keyed by the GraphQL list field each export mirrors: its `where` and `orderBy` apply.
EXPORTS: dict[str, Shape] = {
    "companies": COMPANY,
    "signatories": replace(COMPANY, listing=partial(list_companies, signatories_only=True)),
    "products": PRODUCT,
    "certifications": CERTIFICATION,
    "carbonProjects": CARBON_PROJECT,
    "issuances": ISSUANCE,
    "retirements": RETIREMENT,
    "creditBlocks": CREDIT_BLOCK,
    "purchases": PURCHASE,
}


@dataclass(frozen=True)
class ExportPage:
    """Rows as tuples of column values (related lists last), and each row's cursor."""

    rows: list[tuple[Any, ...]]
    cursors: list[str]


class Export:
    """A walk through a whole listing in keyset pages; built (and its input checked) before
    anything is read, so bad input is refused before a response starts."""

    def __init__(
        self,
        shape: Shape,
        *,
        viewer: Viewer,
        where: dict[str, Any] | None,
        order: list[tuple[str, bool]] | None,
        after: str | None,
        page_size: int,
    ) -> None:
        listing = shape.listing(viewer=viewer, where=where, order=order)
        self.shape = shape
        self.ordering: Ordering = listing.ordering
        assert not self.ordering.computed, "exports order by columns only"
        self.after = None if after is None else decode_cursor(self.ordering, after)
        self.page_size = page_size
        self._width = len(shape.columns)
        self.statement = listing.statement.with_only_columns(
            *(column.selected(viewer) for column in shape.columns),
            *(key.column for key in self.ordering.keys),
            maintain_column_froms=True,
        )

    async def pages(
        self, open_db: OpenDatabase, before_next: Callable[[], Awaitable[None]]
    ) -> AsyncGenerator[ExportPage]:
        """Page after page until the listing ends; each page is read in a short session of its
        own, so no connection is held while the client reads. `before_next` is awaited before
        each page after the first (the caller's budget)."""
        after: Sequence[Any] | None = self.after
        encode = cursor_encoder(self.ordering)
        first = True
        while True:
            if not first:
                await before_next()
            first = False
            async with open_db() as db:
                window = keyset_window(self.statement, self.ordering, after, self.page_size)
                rows = await db.plain_rows(window)
                if not rows:
                    return
                related = [await self._related(db, r, rows) for r in self.shape.related]
            width = self._width
            sort_values = [row[width:] for row in rows]
            yield ExportPage(
                rows=[
                    (*row[:width], *(lists.get(row[-1], []) for lists in related)) for row in rows
                ],
                cursors=[encode(values) for values in sort_values],
            )
            if len(rows) < self.page_size:
                return
            after = sort_values[-1]

    async def _related(
        self, db: Database, related: Related, rows: Sequence[Sequence[Any]]
    ) -> dict[int, list[Any]]:
        # The primary key is the ordering's last key, so every row ends with its id.
        ids = [row[-1] for row in rows]
        statement = related.pairs.where(keys_in(related.key, "ids"))
        found: dict[int, list[Any]] = {}
        for row_id, value in await db.plain_rows(statement, {"ids": ids}):
            found.setdefault(row_id, []).append(value)
        return found
