"""Products: their map (filters over certificates and brand company, orderings), listings,
search and lookups."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import col, func, select

from models import (
    Certification,
    CertificationCategory,
    Company,
    Marketplace,
    Product,
    ProductCategory,
    ProductCertification,
)
from models.db import Database

from . import search
from .aggregate import Dimension, Hop, Measure, Unit, time_buckets
from .certification import CERTIFICATIONS
from .company import COMPANIES
from .entity_map import (
    MAX_LIST,
    RANGE,
    TEXT,
    Column,
    Custom,
    EntityMap,
    eq_or_in,
    find_by,
    range_clause,
    storable,
)
from .errors import InvalidInput
from .pagination import Listing, Nesting, SortKey
from .statements import utc_today
from .viewer import Viewer

_certificate = col(ProductCertification.product_id) == col(Product.id)
MAX_CENTS = 2**63 - 1  # prices are BIGINT cents


def _holds(condition: Any) -> sa.Exists:
    """The product holds a certificate of a certification matching `condition`."""
    return (
        sa.exists()
        .where(_certificate)
        .where(col(ProductCertification.certification_id) == col(Certification.id), condition)
    )


def _certifications(operators: dict[str, Any]) -> Any:
    any_of: list[str] = storable(operators.get("any_of") or [])
    all_of: list[str] = operators.get("all_of") or []
    if len(any_of) > MAX_LIST or len(all_of) > MAX_LIST:
        raise InvalidInput(f"Name at most {MAX_LIST} certifications.", field="certifications")
    clauses = [
        _holds(col(Certification.slug) == slug) if storable([slug]) else sa.false()
        for slug in all_of
    ]
    if "any_of" in operators:
        clauses.append(_holds(col(Certification.slug).in_(any_of)))
    return sa.and_(sa.true(), *clauses)


def _certification_category(operators: dict[str, Any]) -> Any:
    return eq_or_in(
        "certification_category", operators, lambda c: _holds(col(Certification.category) == c)
    )


def _carbon_related(value: bool) -> Any:
    holds = _holds(col(Certification.carbon_related).is_(True))
    return holds if value else ~holds


def _friendly_on(day: date) -> Any:
    """Climate Pledge Friendly on `day`: at least one certificate valid that day."""
    return sa.exists().where(
        _certificate,
        col(ProductCertification.valid_from) <= day,
        sa.or_(
            col(ProductCertification.valid_to).is_(None), col(ProductCertification.valid_to) >= day
        ),
    )


def _certified_since(operators: dict[str, Any]) -> Any:
    """The day of the product's first certificate, within the range."""
    first = (
        select(func.min(col(ProductCertification.valid_from))).where(_certificate).scalar_subquery()
    )
    return range_clause("certifiedSince", first, operators)


def _price(operators: dict[str, Any]) -> Any:
    return range_clause(
        "price", col(Product.price_cents), {op: to_cents(v) for op, v in operators.items()}
    )


def to_cents(amount: Any) -> Any:
    """A decimal amount as integer cents; more than two decimals is refused, never rounded."""
    if isinstance(amount, list):
        return [to_cents(a) for a in amount]
    try:
        cents = Decimal(amount) * 100
    except InvalidOperation as error:
        raise InvalidInput(f"{amount!r} is not an amount.", field="price") from error
    if not cents.is_finite() or abs(cents) > MAX_CENTS:
        raise InvalidInput(f"{amount} is not an amount a price can have.", field="price")
    if cents != cents.to_integral_value():
        raise InvalidInput("Prices have at most two decimals.", field="price")
    return int(cents)


def _brand_company(spec: dict[str, Any]) -> Any:
    companies = select(col(Company.id)).where(COMPANIES.where(spec))
    return col(Product.brand_company_id).in_(companies)


# A product's certificates, for grouping by them: a product counts once per certification (or
# category, or year) it holds, however many certificates say so.
_held = aliased(ProductCertification, name="held")
_held_certification = aliased(Certification, name="held_certification")
CERTIFICATES = Hop(
    _held,
    many=True,
    owner=_held.product_id,
    then=((_held_certification, _held_certification.id == _held.certification_id),),
)
# The certificates valid today: what makes a product Climate Pledge Friendly now.
_current = aliased(ProductCertification, name="current")
_current_certification = aliased(Certification, name="current_certification")
CURRENT_CERTIFICATES = Hop(
    _current,
    many=True,
    owner=_current.product_id,
    then=((_current_certification, _current_certification.id == _current.certification_id),),
    where=sa.and_(
        col(_current.valid_from) <= utc_today(),
        sa.or_(col(_current.valid_to).is_(None), col(_current.valid_to) >= utc_today()),
    ),
)
_first_certificate = (
    select(
        col(ProductCertification.product_id).label("product_id"),
        func.min(col(ProductCertification.valid_from)).label("since"),
    )
    .group_by(col(ProductCertification.product_id))
    .subquery("first_certificate")
)
FIRST_CERTIFICATE = Hop(_first_certificate, on=_first_certificate.c.product_id == col(Product.id))

PRODUCTS: EntityMap[Product] = EntityMap(
    model=Product,
    primary_key=col(Product.id),
    filters={
        "asin": Column(col(Product.asin)),
        "title": Column(col(Product.title), TEXT),
        "brand": Column(col(Product.brand), TEXT),
        "category": Column(col(Product.category)),
        "marketplace": Column(col(Product.marketplace)),
        "price": Custom(_price),
        "brand_company": Custom(_brand_company),
        "certifications": Custom(_certifications),
        "certification_category": Custom(_certification_category),
        "carbon_related": Custom(_carbon_related),
        "climate_pledge_friendly_on": Custom(_friendly_on),
        "certified_since": Custom(_certified_since),
    },
    orderings={
        "TITLE": SortKey(col(Product.title), "title"),
        "BRAND": SortKey(col(Product.brand), "brand"),
        "PRICE": SortKey(col(Product.price_cents), "price_cents"),
        "ASIN": SortKey(col(Product.asin), "asin"),
    },
    default_order=[("TITLE", False)],
    measures={
        "price": Measure(
            col(Product.price_cents), Unit.MONEY, currency=col(Product.price_currency)
        ),
    },
    dimensions={
        "category": Dimension(col(Product.category), enum=ProductCategory),
        "marketplace": Dimension(col(Product.marketplace), enum=Marketplace),
        "brand": Dimension(col(Product.brand)),
        "currency": Dimension(col(Product.price_currency)),
        "brand_company": Dimension(col(Product.brand_company_id), node=Company),
        "certification": Dimension(_held.certification_id, via=CERTIFICATES, node=Certification),
        "certification_category": Dimension(
            _held_certification.category, via=CERTIFICATES, enum=CertificationCategory
        ),
        "current_certification": Dimension(
            _current.certification_id, via=CURRENT_CERTIFICATES, node=Certification
        ),
        "current_certification_category": Dimension(
            _current_certification.category,
            via=CURRENT_CERTIFICATES,
            enum=CertificationCategory,
        ),
        **time_buckets("certificate_valid_from", _held.valid_from, via=CERTIFICATES),
        **time_buckets("certified_since", _first_certificate.c.since, via=FIRST_CERTIFICATE),
    },
)

_certification = aliased(Certification, name="certification")
_product = aliased(Product, name="product")
CERTIFICATION = Hop(
    _certification, on=_certification.id == col(ProductCertification.certification_id)
)
PRODUCT = Hop(_product, on=_product.id == col(ProductCertification.product_id))


def _valid_on(day: date) -> Any:
    valid_to = col(ProductCertification.valid_to)
    return sa.and_(
        col(ProductCertification.valid_from) <= day, sa.or_(valid_to.is_(None), valid_to >= day)
    )


PRODUCT_CERTIFICATIONS: EntityMap[ProductCertification] = EntityMap(
    model=ProductCertification,
    primary_key=col(ProductCertification.id),
    filters={
        "valid_from": Column(col(ProductCertification.valid_from), RANGE),
        "valid_to": Column(col(ProductCertification.valid_to), RANGE),
        "valid_on": Custom(_valid_on),
        "certification": Custom(
            lambda spec: col(ProductCertification.certification_id).in_(
                select(col(Certification.id)).where(CERTIFICATIONS.where(spec))
            )
        ),
        "product": Custom(
            lambda spec: col(ProductCertification.product_id).in_(
                select(col(Product.id)).where(PRODUCTS.where(spec))
            )
        ),
    },
    orderings={"VALID_FROM": SortKey(col(ProductCertification.valid_from), "valid_from")},
    default_order=[("VALID_FROM", True)],
    dimensions={
        "certification": Dimension(col(ProductCertification.certification_id), node=Certification),
        "certification_category": Dimension(
            _certification.category, via=CERTIFICATION, enum=CertificationCategory
        ),
        "product_category": Dimension(_product.category, via=PRODUCT, enum=ProductCategory),
        "marketplace": Dimension(_product.marketplace, via=PRODUCT, enum=Marketplace),
        **time_buckets("valid_from", col(ProductCertification.valid_from)),
        **time_buckets("valid_to", col(ProductCertification.valid_to)),
    },
)

# A product's certifications as distinct (certification, product) pairs.
_holders = (
    select(col(ProductCertification.certification_id), col(ProductCertification.product_id))
    .distinct()
    .subquery("holders")
)
BY_BRAND_COMPANY = Nesting(
    parent=col(Product.brand_company_id),
    belongs_to=lambda company_id: col(Product.brand_company_id) == company_id,
)
BY_CERTIFICATION = Nesting(
    parent=_holders.c.certification_id,
    # Both the product and the parent come from the enclosing query.
    belongs_to=lambda certification_id: sa.exists(
        select(col(ProductCertification.id))
        .where(_certificate, col(ProductCertification.certification_id) == certification_id)
        .correlate_except(ProductCertification)
    ),
    joins=((_holders, _holders.c.product_id == col(Product.id)),),
    # One correlated count per certification, each answered from the (certification_id,
    # product_id) index; measured faster than one grouped count over the whole link table.
    direct_count=lambda ids: select(
        col(Certification.id),
        select(func.count(sa.distinct(col(ProductCertification.product_id))))
        .where(col(ProductCertification.certification_id) == col(Certification.id))
        .scalar_subquery(),
    ).where(col(Certification.id).in_(ids)),
)


def list_products(
    *,
    viewer: Viewer,
    where: dict[str, Any] | None = None,
    order: list[tuple[str, bool]] | None = None,
    search_text: str | None = None,
) -> Listing[Product]:
    """Products matching `where` and, if given, the search text (best matches first unless an
    order is asked for)."""
    relevance = [name for name, _ in order or [] if name == "RELEVANCE"]
    if relevance and search_text is None:
        raise InvalidInput("Order by RELEVANCE needs `search`.", field="orderBy")
    if search_text is None:
        return PRODUCTS.listing(viewer=viewer, where=where, order=order)
    ranked = PRODUCTS.with_ordering("RELEVANCE", SortKey(search.rank(search_text), None))
    return ranked.listing(
        viewer=viewer,
        where=where,
        order=order or [("RELEVANCE", True)],
        also=search.matches(search_text),
    )


async def get_product_by_asin(db: Database, asin: str) -> Product | None:
    return await find_by(db, Product, col(Product.asin), asin)
