"""Persistence layer: SQLModel tables, enums, settings and the database handle."""

from .api_key import ApiKey, ApiKeyRole
from .base import ISO_COUNTRIES, Provenance
from .carbon_credit import (
    CreditBlock,
    CreditStatus,
    IdempotencyKey,
    IdempotentOperation,
    Issuance,
    LedgerEvent,
    LedgerEventKind,
    Purchase,
    Retirement,
    RetirementReason,
)
from .carbon_project import (
    EXCHANGE_CURRENCY,
    CarbonProject,
    MitigationType,
    PriorityArea,
    ProjectStatus,
    ProjectType,
    QualityRating,
    Registry,
)
from .certification import (
    CLIMATE_PLEDGE_FRIENDLY_LAUNCH,
    Certification,
    CertificationCategory,
    CertificationLevel,
    Marketplace,
)
from .company import (
    PLEDGE_FOUNDED,
    PLEDGE_TARGET_YEAR,
    SECTORS,
    BuyerCommitment,
    Company,
    EmissionsReport,
    PledgeSignature,
)
from .product import MARKETPLACE_CURRENCY, Product, ProductCategory, ProductCertification

__all__ = [
    "CLIMATE_PLEDGE_FRIENDLY_LAUNCH",
    "EXCHANGE_CURRENCY",
    "ISO_COUNTRIES",
    "MARKETPLACE_CURRENCY",
    "PLEDGE_FOUNDED",
    "PLEDGE_TARGET_YEAR",
    "SECTORS",
    "ApiKey",
    "ApiKeyRole",
    "BuyerCommitment",
    "CarbonProject",
    "Certification",
    "CertificationCategory",
    "CertificationLevel",
    "Company",
    "CreditBlock",
    "CreditStatus",
    "EmissionsReport",
    "IdempotencyKey",
    "IdempotentOperation",
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
