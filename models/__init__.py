"""Persistence layer: SQLModel tables, enums, settings and the database handle."""

from .api_key import ApiKey, ApiKeyRole
from .base import Provenance
from .carbon_credit import (
    CreditBlock,
    CreditStatus,
    Issuance,
    LedgerEvent,
    LedgerEventKind,
    Purchase,
    Retirement,
    RetirementReason,
)
from .carbon_project import (
    CarbonProject,
    MitigationType,
    PriorityArea,
    ProjectStatus,
    ProjectType,
    QualityRating,
    Registry,
)
from .certification import Certification, CertificationCategory, CertificationLevel, Marketplace
from .company import PLEDGE_TARGET_YEAR, Company, EmissionsReport, PledgeSignature
from .product import Product, ProductCategory, ProductCertification

__all__ = [
    "PLEDGE_TARGET_YEAR",
    "ApiKey",
    "ApiKeyRole",
    "CarbonProject",
    "Certification",
    "CertificationCategory",
    "CertificationLevel",
    "Company",
    "CreditBlock",
    "CreditStatus",
    "EmissionsReport",
    "Issuance",
    "LedgerEvent",
    "LedgerEventKind",
    "Marketplace",
    "MitigationType",
    "PledgeSignature",
    "PriorityArea",
    "Product",
    "ProductCategory",
    "ProductCertification",
    "ProjectStatus",
    "ProjectType",
    "Provenance",
    "Purchase",
    "QualityRating",
    "Registry",
    "Retirement",
    "RetirementReason",
]
