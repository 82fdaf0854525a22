"""Async builders for test rows with deterministic defaults; pass overrides by keyword."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlmodel import SQLModel

import models
from models.db import Database
from resolvers.api_keys import NewApiKey, create_api_key

M = TypeVar("M", bound=SQLModel)
_sequence = itertools.count(1)


def _next() -> int:
    return next(_sequence)


async def _add(db: Database, row: M) -> M:
    db.session.add(row)
    await db.session.flush()
    return row


async def make_company(db: Database, **overrides: Any) -> models.Company:
    n = _next()
    fields: dict[str, Any] = {
        "slug": f"company-{n}",
        "name": f"Company {n:05d}",
        "sector": "Technology",
        "hq_country": "US",
    }
    return await _add(db, models.Company(**(fields | overrides)))


async def make_signature(
    db: Database, company: models.Company, **overrides: Any
) -> models.PledgeSignature:
    fields: dict[str, Any] = {"company_id": company.id, "signed_on": date(2021, 2, 17)}
    return await _add(db, models.PledgeSignature(**(fields | overrides)))


async def make_emissions_report(
    db: Database, company: models.Company, **overrides: Any
) -> models.EmissionsReport:
    fields: dict[str, Any] = {
        "company_id": company.id,
        "year": 2024,
        "scope_1_tco2e": 100,
        "scope_2_tco2e": 200,
        "scope_3_tco2e": 3000,
        "public_url": "https://example.org/report.pdf",
    }
    return await _add(db, models.EmissionsReport(**(fields | overrides)))


async def make_certification(db: Database, **overrides: Any) -> models.Certification:
    n = _next()
    fields: dict[str, Any] = {
        "slug": f"certification-{n}",
        "name": f"Certification {n:05d}",
        "issuer": "Issuer",
        "category": models.CertificationCategory.CARBON,
        "carbon_related": True,
        "level": models.CertificationLevel.PRODUCT,
        "marketplaces": ["us", "de"],
        "description": "Attests something.",
    }
    return await _add(db, models.Certification(**(fields | overrides)))


async def make_product(db: Database, **overrides: Any) -> models.Product:
    n = _next()
    fields: dict[str, Any] = {
        "asin": f"T{n:09d}",
        "title": f"Product {n:05d}",
        "brand": "Brand",
        "category": models.ProductCategory.HOUSEHOLD,
        "marketplace": models.Marketplace.US,
        "price_cents": 1299,
        "price_currency": "USD",
    }
    return await _add(db, models.Product(**(fields | overrides)))


async def make_product_certification(
    db: Database,
    product: models.Product,
    certification: models.Certification,
    **overrides: Any,
) -> models.ProductCertification:
    fields: dict[str, Any] = {
        "product_id": product.id,
        "certification_id": certification.id,
        "certificate_number": f"C-{_next()}",
        "valid_from": date(2023, 1, 1),
    }
    return await _add(db, models.ProductCertification(**(fields | overrides)))


async def make_project(db: Database, **overrides: Any) -> models.CarbonProject:
    n = _next()
    fields: dict[str, Any] = {
        "slug": f"project-{n}",
        "issuing_registry": models.Registry.VERRA,
        "registry_project_id": f"VCS{n}",
        "name": f"Project {n:05d}",
        "country": "BR",
        "project_type": models.ProjectType.ARR,
        "priority_area": models.PriorityArea.LAND_RESTORATION,
        "mitigation_type": models.MitigationType.REMOVAL,
        "status": models.ProjectStatus.REGISTERED,
    }
    return await _add(db, models.CarbonProject(**(fields | overrides)))


async def make_issuance(
    db: Database, project: models.CarbonProject, **overrides: Any
) -> models.Issuance:
    total = overrides.pop("total_quantity", 1000)
    buffer = overrides.pop("buffer_quantity", 100)
    start = overrides.pop("serial_start", 1)
    fields: dict[str, Any] = {
        "project_id": project.id,
        "vintage": 2023,
        "issued_on": date(2024, 3, 1),
        "total_quantity": total,
        "buffer_quantity": buffer,
        "issued_quantity": total - buffer,
        "serial_prefix": f"VCS-{_next()}",
        "serial_start": start,
        "serial_end": start + total - buffer - 1,
    }
    return await _add(db, models.Issuance(**(fields | overrides)))


async def make_block(
    db: Database, issuance: models.Issuance, **overrides: Any
) -> models.CreditBlock:
    start = overrides.pop("serial_start", issuance.serial_start)
    end = overrides.pop("serial_end", issuance.serial_end)
    fields: dict[str, Any] = {
        "issuance_id": issuance.id,
        "serial_start": start,
        "serial_end": end,
        "quantity": end - start + 1,
        "status": models.CreditStatus.AVAILABLE,
        "created_at": datetime(2024, 3, 1, tzinfo=UTC),
    }
    return await _add(db, models.CreditBlock(**(fields | overrides)))


async def make_retirement(
    db: Database, project: models.CarbonProject | None = None, **overrides: Any
) -> models.Retirement:
    project = project or await make_project(db)
    fields: dict[str, Any] = {
        "project_id": project.id,
        "quantity": 10,
        "beneficiary_name": "Beneficiary",
        "reason": models.RetirementReason.RESIDUAL_EMISSIONS,
        "claim_year": 2024,
        "retired_on": date(2025, 1, 15),
    }
    return await _add(db, models.Retirement(**(fields | overrides)))


async def make_purchase(
    db: Database, buyer: models.Company, project: models.CarbonProject, **overrides: Any
) -> models.Purchase:
    quantity = overrides.pop("quantity", 10)
    unit_price = overrides.pop("unit_price_cents", 2500)
    fields: dict[str, Any] = {
        "buyer_company_id": buyer.id,
        "project_id": project.id,
        "quantity": quantity,
        "unit_price_cents": unit_price,
        "total_price_cents": quantity * unit_price,
        "currency": "USD",
        "purchased_at": datetime(2024, 6, 1, tzinfo=UTC),
    }
    return await _add(db, models.Purchase(**(fields | overrides)))


async def make_ledger_event(
    db: Database, issuance: models.Issuance, **overrides: Any
) -> models.LedgerEvent:
    fields: dict[str, Any] = {
        "occurred_at": datetime(2024, 3, 1, tzinfo=UTC),
        "kind": models.LedgerEventKind.ISSUED,
        "quantity": issuance.issued_quantity,
        "issuance_id": issuance.id,
    }
    return await _add(db, models.LedgerEvent(**(fields | overrides)))


async def make_api_key(
    db: Database,
    role: models.ApiKeyRole = models.ApiKeyRole.ADMIN,
    company: models.Company | None = None,
    **overrides: Any,
) -> NewApiKey:
    """A key made the way admins make them; `.key` is what a caller sends."""
    fields: dict[str, Any] = {"name": f"Key {_next()}", "first_party": False}
    slug = company.slug if company else None
    made = await create_api_key(db, role=role, company_slug=slug, **(fields | overrides))
    assert isinstance(made, NewApiKey), made
    return made
