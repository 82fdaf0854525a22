"""Catalogue writes (admins only): companies and their pledge signatures, certifications,
products with their certificates, and carbon projects."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlmodel import SQLModel, col, select

import models
from models.db import Database

from .writes import (
    Check,
    Conflict,
    Invalid,
    Problem,
    ProblemCode,
    Refused,
    Written,
    at,
    cents,
    check_values,
    country,
    day,
    distinct_list,
    member,
    one_of,
    optional,
    pattern,
    provenance,
    required,
    slug,
    text,
    url,
    whole,
    write,
)

M = TypeVar("M", bound=SQLModel)

MAX_CERTIFICATES = 50
MAX_LONG_TEXT = 5000
EARLIEST_CREDITING = date(1990, 1, 1)  # as far back as registries' vintages go
LATEST_CREDITING = date(2100, 12, 31)

# Project types whose credits can only be one kind of mitigation: avoided loss or destruction
# is a reduction; engineered storage and new forest is a removal. The rest can be either.
MITIGATION_OF_TYPE = {
    models.ProjectType.REDD_PLUS: models.MitigationType.REDUCTION,
    models.ProjectType.JURISDICTIONAL_REDD_PLUS: models.MitigationType.REDUCTION,
    models.ProjectType.ODS_DESTRUCTION: models.MitigationType.REDUCTION,
    models.ProjectType.ARR: models.MitigationType.REMOVAL,
    models.ProjectType.DAC: models.MitigationType.REMOVAL,
    models.ProjectType.BIOCHAR: models.MitigationType.REMOVAL,
    models.ProjectType.ENHANCED_WEATHERING: models.MitigationType.REMOVAL,
    models.ProjectType.BIOMASS_STORAGE: models.MitigationType.REMOVAL,
}


@dataclass(frozen=True)
class Price:
    """A price as given: an exact amount in a currency."""

    amount: Decimal
    currency: str


@dataclass(frozen=True)
class Certificate:
    """A certificate as given for a product; the product's certificates are replaced by these."""

    certification_id: int
    certificate_number: str
    valid_from: date
    valid_to: date | None = None


def _taken(constraint: str, columns: str, field: str, message: str) -> Conflict:
    return Conflict(constraint, columns, Problem(at(field), message, ProblemCode.ALREADY_EXISTS))


def _long_text(*, allow_blank: bool = False) -> Check:
    strict = text(MAX_LONG_TEXT)

    def check(value: Any) -> str:
        if allow_blank and value is not None and not str(value).strip():
            return ""
        clean: str = strict(value)
        return clean

    return check


def _dates_between(earliest: date, latest: date) -> Check:
    def check(value: Any) -> date:
        chosen: date = required(value)
        if not earliest <= chosen <= latest:
            raise Invalid(f"Must be between {earliest.isoformat()} and {latest.isoformat()}.")
        return chosen

    return check


def _price(value: Any) -> tuple[int, str]:
    price: Price = required(value)
    try:
        amount = cents(price.amount)
    except Invalid as invalid:
        raise Invalid(invalid.message, invalid.code, ("amount",)) from invalid
    currency = price.currency.strip().upper()
    if not (len(currency) == 3 and currency.isascii() and currency.isalpha()):
        raise Invalid("An ISO 4217 currency code, e.g. `USD`.", at=("currency",))
    return amount, currency


def _marketplaces(value: Any) -> list[str]:
    chosen = distinct_list(
        member(models.Marketplace), max_items=len(models.Marketplace), min_items=1
    )(value)
    # Stored in the enum's order, so equal sets read back equal.
    return [market.value for market in models.Marketplace if market in chosen]


@dataclass(frozen=True)
class Entity(Generic[M]):
    """How to check and store one kind of catalogue row given as input fields."""

    model: type[M]
    noun: str
    checks: Mapping[str, Check]
    conflicts: Sequence[Conflict]
    # Input fields stored under another column name, e.g. a project's registry.
    columns: Mapping[str, str] = field(default_factory=dict)
    # Rules across fields, applied to the row as it would be stored.
    rules: Callable[[Mapping[str, Any], Mapping[str, Any]], list[Problem]] = lambda _row, _given: []

    def check(self, values: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        """The values as columns, and the problems of each field."""
        clean, problems = check_values(values, self.checks)
        return {self.columns.get(name, name): value for name, value in clean.items()}, problems

    async def create(self, db: Database, values: Mapping[str, Any]) -> Written[M]:
        async def work() -> M:
            columns, problems = self.check(values)
            _refuse(problems)
            row = self.model(**columns)
            _refuse(self.rules(row.model_dump(), values))
            await db.save(row)
            return row

        return await write(db, work, self.conflicts)

    async def update(self, db: Database, row_id: int, changes: Mapping[str, Any]) -> Written[M]:
        async def work() -> M:
            row = await _find(db, self.model, row_id)
            columns, problems = self.check(changes)
            if row is None:
                problems.insert(0, _not_found("id", self.noun))
            _refuse(problems)
            assert row is not None
            _refuse(self.rules(row.model_dump() | columns, changes))
            for name, value in columns.items():
                setattr(row, name, value)
            await db.save()
            return row

        return await write(db, work, self.conflicts)


def _refuse(problems: Sequence[Problem]) -> None:
    if problems:
        raise Refused(problems)


def _not_found(field: str, noun: str) -> Problem:
    return Problem(at(field), f"No {noun} has this id.", ProblemCode.NOT_FOUND)


async def _find(db: Database, model: type[M], row_id: int) -> M | None:
    return await db.first(select(model).where(getattr(model, "id") == row_id))  # noqa: B009


COMPANY = Entity(
    model=models.Company,
    noun="company",
    checks={
        "slug": slug,
        "name": text(200),
        "sector": one_of(models.SECTORS, "sector"),
        "hq_country": country,
        "website": optional(url(300)),
        "provenance": provenance,
        "source_url": optional(url(500)),
    },
    conflicts=[_taken("uq_companies_slug", "companies.slug", "slug", "This slug is taken.")],
)


def _project_rules(row: Mapping[str, Any], given: Mapping[str, Any]) -> list[Problem]:
    problems = []
    start, end = row["crediting_period_start"], row["crediting_period_end"]
    if start is not None and end is not None and end <= start:
        where = (
            "crediting_period_end" if "crediting_period_end" in given else "crediting_period_start"
        )
        problems.append(Problem(at(where), "The crediting period must end after it starts."))
    expected = MITIGATION_OF_TYPE.get(row["project_type"])
    if expected is not None and row["mitigation_type"] is not expected:
        where = "mitigation_type" if "mitigation_type" in given else "project_type"
        message = f"A {row['project_type'].name} project's credits are a {expected.name}."
        problems.append(Problem(at(where), message))
    return problems


def _offer_price(amount: Any) -> int:
    """The exchange's price per credit in US cents: positive, at most two decimals."""
    price = cents(amount)
    if price == 0:
        raise Invalid("Must be more than zero; leave it out (null) to take credits off offer.")
    return price


_rating = optional(member(models.QualityRating))
_notes = optional(_long_text())

CARBON_PROJECT = Entity(
    model=models.CarbonProject,
    noun="carbon project",
    checks={
        "slug": slug,
        "registry": member(models.Registry),
        "registry_project_id": pattern(
            40, lambda value: value.isprintable(), "Printable characters only."
        ),
        "name": text(300),
        "developer": optional(text(200)),
        "country": country,
        "project_type": member(models.ProjectType),
        "priority_area": optional(member(models.PriorityArea)),
        "mitigation_type": member(models.MitigationType),
        "methodology": optional(text(120)),
        "labels": distinct_list(text(80), max_items=20),
        "status": member(models.ProjectStatus),
        "crediting_period_start": optional(_dates_between(EARLIEST_CREDITING, LATEST_CREDITING)),
        "crediting_period_end": optional(_dates_between(EARLIEST_CREDITING, LATEST_CREDITING)),
        "description": _long_text(allow_blank=True),
        "additionality_rating": _rating,
        "additionality_notes": _notes,
        "quantification_rating": _rating,
        "quantification_notes": _notes,
        "safeguards_rating": _rating,
        "safeguards_notes": _notes,
        "offer_price": optional(_offer_price),
        "provenance": provenance,
        "source_url": optional(url(500)),
    },
    conflicts=[
        _taken("uq_carbon_projects_slug", "carbon_projects.slug", "slug", "This slug is taken."),
        _taken(
            "uq_carbon_projects_issuing_registry_registry_project_id",
            "carbon_projects.issuing_registry, carbon_projects.registry_project_id",
            "registry_project_id",
            "The registry already lists a project with this id.",
        ),
    ],
    columns={"registry": "issuing_registry", "offer_price": "offer_price_cents"},
    rules=_project_rules,
)

CERTIFICATION = Entity(
    model=models.Certification,
    noun="certification",
    checks={
        "slug": slug,
        "name": text(200),
        "issuer": text(200),
        "category": member(models.CertificationCategory),
        "carbon_related": required,
        "amazon_owned": required,
        "level": member(models.CertificationLevel),
        "marketplaces": _marketplaces,
        "description": _long_text(),
        "url": optional(url(500)),
        "recognized_since": optional(
            day(models.CLIMATE_PLEDGE_FRIENDLY_LAUNCH, "the Climate Pledge Friendly launch")
        ),
        "provenance": provenance,
        "source_url": optional(url(500)),
    },
    conflicts=[
        _taken("uq_certifications_slug", "certifications.slug", "slug", "This slug is taken."),
        _taken("uq_certifications_name", "certifications.name", "name", "This name is taken."),
    ],
)


async def create_company(db: Database, values: Mapping[str, Any]) -> Written[models.Company]:
    return await COMPANY.create(db, values)


async def update_company(
    db: Database, company_id: int, changes: Mapping[str, Any]
) -> Written[models.Company]:
    return await COMPANY.update(db, company_id, changes)


async def create_certification(
    db: Database, values: Mapping[str, Any]
) -> Written[models.Certification]:
    return await CERTIFICATION.create(db, values)


async def update_certification(
    db: Database, certification_id: int, changes: Mapping[str, Any]
) -> Written[models.Certification]:
    return await CERTIFICATION.update(db, certification_id, changes)


async def create_carbon_project(
    db: Database, values: Mapping[str, Any]
) -> Written[models.CarbonProject]:
    return await CARBON_PROJECT.create(db, values)


async def update_carbon_project(
    db: Database, project_id: int, changes: Mapping[str, Any]
) -> Written[models.CarbonProject]:
    return await CARBON_PROJECT.update(db, project_id, changes)


SIGNATURE_CHECKS: Mapping[str, Check] = {
    "signed_on": day(models.PLEDGE_FOUNDED, "the day The Climate Pledge was announced"),
    "net_zero_target_year": whole(models.PLEDGE_FOUNDED.year, models.PLEDGE_TARGET_YEAR),
    "provenance": provenance,
    "source_url": optional(url(500)),
}
SIGNATURE_DEFAULTS: dict[str, Any] = {
    "net_zero_target_year": models.PLEDGE_TARGET_YEAR,
    "provenance": models.Provenance.UNCONFIRMED,
    "source_url": None,
}
SIGNATURE_CONFLICTS = [
    _taken(
        "uq_pledge_signatures_company_id",
        "pledge_signatures.company_id",
        "company_id",
        "The signature was recorded by another request at the same time; try again.",
    )
]


async def record_signature(
    db: Database, company_id: int, values: Mapping[str, Any]
) -> Written[models.Company]:
    """Record the company's Climate Pledge signature, replacing the one it has, if any."""

    async def work() -> models.Company:
        columns, problems = check_values(values, SIGNATURE_CHECKS)
        company = await _find(db, models.Company, company_id)
        if company is None:
            problems.insert(0, _not_found("company_id", "company"))
        _refuse(problems)
        # A replacement, not a patch: what is not given takes its default again.
        columns = SIGNATURE_DEFAULTS | columns
        if columns["net_zero_target_year"] < columns["signed_on"].year:
            _refuse([Problem(at("net_zero_target_year"), "The target year precedes the signing.")])
        signature = await db.first(
            select(models.PledgeSignature).where(
                col(models.PledgeSignature.company_id) == company_id
            )
        )
        if signature is None:
            await db.save(models.PledgeSignature(company_id=company_id, **columns))
        else:
            for name, value in columns.items():
                setattr(signature, name, value)
            await db.save()
        assert company is not None
        return company

    return await write(db, work, SIGNATURE_CONFLICTS)


PRODUCT_CHECKS: Mapping[str, Check] = {
    "asin": pattern(
        10,
        lambda value: len(value) == 10 and value.isascii() and value.isalnum() and value.isupper(),
        "Ten upper-case letters and digits, e.g. `B08XYZ1234`.",
    ),
    "title": text(500),
    "brand": text(200),
    "brand_company_id": optional(required),
    "category": member(models.ProductCategory),
    "marketplace": member(models.Marketplace),
    "price": _price,
    "provenance": provenance,
    "certificates": lambda value: _certificates(required(value)),
}
# Certificates are checked for duplicates and replace the old ones, so only the ASIN can clash.
PRODUCT_CONFLICTS = [
    _taken("uq_products_asin", "products.asin", "asin", "A product with this ASIN exists."),
]
_certificate_number = text(100)


def _certificates(certificates: Sequence[Certificate]) -> list[Certificate]:
    if len(certificates) > MAX_CERTIFICATES:
        raise Invalid(f"At most {MAX_CERTIFICATES} certificates.")
    seen: set[tuple[int, date]] = set()
    clean = []
    for index, certificate in enumerate(certificates):
        try:
            number = _certificate_number(certificate.certificate_number)
        except Invalid as invalid:
            raise Invalid(
                invalid.message, invalid.code, (str(index), "certificateNumber")
            ) from invalid
        if certificate.valid_to is not None and certificate.valid_to < certificate.valid_from:
            raise Invalid(
                "The certificate must end on or after its first day.", at=(str(index), "validTo")
            )
        key = (certificate.certification_id, certificate.valid_from)
        if key in seen:
            raise Invalid(
                "Listed twice: same certification and first day.", at=(str(index), "validFrom")
            )
        seen.add(key)
        clean.append(
            Certificate(
                certificate.certification_id, number, certificate.valid_from, certificate.valid_to
            )
        )
    return clean


async def _product_problems(
    db: Database,
    row: Mapping[str, Any],
    certificates: Sequence[Certificate],
    given: Mapping[str, Any],
) -> list[Problem]:
    """Rules that need the database or several fields, on the product as it would be stored."""
    problems = []
    company_id = row["brand_company_id"]
    given_company = "brand_company_id" in given and company_id is not None
    if given_company and await _find(db, models.Company, company_id) is None:
        problems.append(_not_found("brand_company_id", "company"))
    wanted = [certificate.certification_id for certificate in certificates]
    known = set(
        await db.all(
            select(col(models.Certification.id)).where(
                col(models.Certification.id).in_(set(wanted))
            )
        )
    )
    problems.extend(
        Problem(
            at("certificates", str(index), "certification_id"),
            "No certification has this id.",
            ProblemCode.NOT_FOUND,
        )
        for index, certification_id in enumerate(wanted)
        if certification_id not in known
    )
    marketplace = row["marketplace"]
    currency = models.MARKETPLACE_CURRENCY[marketplace]
    if row["price_currency"] != currency:
        where = ("price", "currency") if "price" in given else ("marketplace",)
        message = f"The {marketplace.name} store sells in {currency}; give the price in {currency}."
        problems.append(Problem(at(*where), message))
    return problems


def _product_columns(clean: Mapping[str, Any]) -> dict[str, Any]:
    columns = {
        name: value for name, value in clean.items() if name not in {"price", "certificates"}
    }
    if "price" in clean:
        columns["price_cents"], columns["price_currency"] = clean["price"]
    return columns


async def _replace_certificates(
    db: Database, product_id: int, certificates: Sequence[Certificate]
) -> None:
    held = models.ProductCertification
    await db.execute(sa.delete(held).where(col(held.product_id) == product_id))
    await db.save(*(held(product_id=product_id, **asdict(c)) for c in certificates))


async def create_product(db: Database, values: Mapping[str, Any]) -> Written[models.Product]:
    """A new product and its certificates, all or nothing."""

    async def work() -> models.Product:
        clean, problems = check_values(values, PRODUCT_CHECKS)
        _refuse(problems)
        columns = _product_columns(clean)
        certificates = clean.get("certificates", [])
        _refuse(await _product_problems(db, columns, certificates, values))
        row = models.Product(**columns)
        await db.save(row)
        assert row.id is not None
        await _replace_certificates(db, row.id, certificates)
        return row

    return await write(db, work, PRODUCT_CONFLICTS)


async def update_product(
    db: Database, product_id: int, changes: Mapping[str, Any]
) -> Written[models.Product]:
    """Change the fields given; `certificates`, if given, replace all the product's certificates."""

    async def work() -> models.Product:
        row = await _find(db, models.Product, product_id)
        clean, problems = check_values(changes, PRODUCT_CHECKS)
        if row is None:
            problems.insert(0, _not_found("id", "product"))
        _refuse(problems)
        assert row is not None
        columns = _product_columns(clean)
        certificates = clean.get("certificates")
        merged = row.model_dump() | columns
        _refuse(await _product_problems(db, merged, certificates or [], changes))
        if certificates is not None:
            await _replace_certificates(db, product_id, certificates)
        for name, value in columns.items():
            setattr(row, name, value)
        await db.save()
        return row

    return await write(db, work, PRODUCT_CONFLICTS)
