"""The aggregate root fields of every entity, with what their measures and dimensions mean."""

from __future__ import annotations

from resolvers.carbon_credit import CREDIT_BLOCKS, ISSUANCES, PURCHASES, RETIREMENTS
from resolvers.carbon_project import CARBON_PROJECTS
from resolvers.certification import CERTIFICATIONS
from resolvers.company import COMPANIES, EMISSIONS_REPORTS
from resolvers.product import PRODUCT_CERTIFICATIONS, PRODUCTS
from schema.inputs import (
    CarbonProjectWhere,
    CertificationWhere,
    CompanyWhere,
    CreditBlockWhere,
    EmissionsReportWhere,
    IssuanceWhere,
    ProductCertificationWhere,
    ProductWhere,
    PurchaseWhere,
    RetirementWhere,
)
from schema.types.aggregate import AggregateField

_CREDITS = {
    "available_credits": "Credits still for sale in the exchange's inventory.",
    "held_credits": "Credits held by companies (not yet retired).",
    "retired_credits": "Credits retired.",
    "cancelled_credits": "Credits cancelled by the registry or the exchange.",
}
_PROJECT = {
    "project": "The carbon project.",
    "project_priority_area": "The project's exchange priority area.",
    "project_type": "The project's type.",
    "project_country": "The project's host country (ISO 3166-1 alpha-2).",
    "project_registry": "The project's registry.",
    "project_mitigation_type": "Whether the project reduces or removes emissions.",
}

COMPANY = AggregateField(
    prefix="Company",
    entity=COMPANIES,
    where=CompanyWhere,
    rows="companies",
    measures={"net_zero_target_year": "The net-zero target year pledged (signatories only)."},
    dimensions={
        "sector": "The sector.",
        "hq_country": "The headquarters country (ISO 3166-1 alpha-2).",
        "net_zero_target_year": "The net-zero target year pledged.",
        "signed_on": "The day it signed The Climate Pledge",
    },
)

PRODUCT = AggregateField(
    prefix="Product",
    entity=PRODUCTS,
    where=ProductWhere,
    rows="products",
    measures={"price": "The price (in the listing's currency)."},
    dimensions={
        "category": "The store department.",
        "marketplace": "The marketplace.",
        "brand": "The brand name.",
        "currency": "The price's currency (ISO 4217).",
        "brand_company": "The company behind the brand.",
        "certification": (
            "A certification the product holds or has held (any of its certificates, expired"
            " ones included): a product counts once in each of its certifications (so groups"
            " can add up to more than the total)."
        ),
        "certification_category": (
            "The category of a certification the product holds or has held: a product counts"
            " once in each such category."
        ),
        "current_certification": (
            "A certification the product holds today (a certificate valid on the current day,"
            " UTC): what makes it Climate Pledge Friendly now. A product counts once in each;"
            " products without one form the group with a null key."
        ),
        "current_certification_category": (
            "The category of a certification the product holds today (UTC): a product counts"
            " once in each such category; products without one form the group with a null key."
        ),
        "certificate_valid_from": (
            "When one of its certificates became valid: a product counts once per such period"
        ),
        "certified_since": (
            "When its first certificate became valid (the day it was first certified)"
        ),
    },
)

PRODUCT_CERTIFICATION = AggregateField(
    prefix="ProductCertification",
    entity=PRODUCT_CERTIFICATIONS,
    where=ProductCertificationWhere,
    rows="product certificates",
    measures={},
    dimensions={
        "certification": "The certification.",
        "certification_category": "The certification's category.",
        "product_category": "The product's store department.",
        "marketplace": "The product's marketplace.",
        "valid_from": "The first day the certificate is valid",
        "valid_to": "The last day the certificate is valid (null: open-ended)",
    },
)

CERTIFICATION = AggregateField(
    prefix="Certification",
    entity=CERTIFICATIONS,
    where=CertificationWhere,
    rows="certifications",
    measures={},
    dimensions={
        "category": "What it attests.",
        "level": "What it is granted to.",
        "issuer": "The issuer.",
        "carbon_related": "Whether it attests carbon footprint.",
        "amazon_owned": "Whether it is Amazon's own badge.",
        "recognized_since": "When Climate Pledge Friendly began recognising it",
    },
)

CARBON_PROJECT = AggregateField(
    prefix="CarbonProject",
    entity=CARBON_PROJECTS,
    where=CarbonProjectWhere,
    rows="carbon projects",
    measures={
        "offer_price": "The exchange's price per credit (projects on offer only).",
        "issued_credits": "Credits issued to the project (net of buffer).",
        **_CREDITS,
    },
    dimensions={
        "registry": "The registry.",
        "country": "The host country (ISO 3166-1 alpha-2).",
        "project_type": "The project type.",
        "priority_area": "The exchange priority area.",
        "mitigation_type": "Reduction or removal.",
        "status": "The registry status.",
        "additionality_rating": "The rating for integrity and additionality.",
        "quantification_rating": "The rating for conservative quantification.",
        "safeguards_rating": "The rating for social and environmental safeguards.",
        "crediting_period_start": "The start of the crediting period",
    },
)

ISSUANCE = AggregateField(
    prefix="Issuance",
    entity=ISSUANCES,
    where=IssuanceWhere,
    rows="issuances",
    measures={
        "total_quantity": "Credits verified, buffer included.",
        "buffer_quantity": "Credits withheld in the registry's buffer pool.",
        "issued_quantity": "Credits issued (total less buffer).",
        **_CREDITS,
    },
    dimensions={
        "vintage": "The vintage year.",
        "issued_on": "The issue day",
        **_PROJECT,
    },
)

RETIREMENT = AggregateField(
    prefix="Retirement",
    entity=RETIREMENTS,
    where=RetirementWhere,
    rows="retirements",
    measures={"quantity": "Credits retired."},
    dimensions={
        "beneficiary": "The company the credits were retired for.",
        "beneficiary_name": "The beneficiary's name as recorded.",
        "beneficiary_sector": "The beneficiary company's sector.",
        "beneficiary_hq_country": "The beneficiary company's headquarters country.",
        "beneficiary_reported_tco2e": (
            "The beneficiary's reported emissions (scopes 1-3, tonnes CO2e) for the claim year;"
            " null without a report. Group by BENEFICIARY and CLAIM_YEAR with it to compare"
            " credits retired with emissions (net-zero progress)."
        ),
        "retired_by": "The company that retired the credits.",
        "reason": "Why the credits were retired.",
        "claim_year": "The emissions year claimed against.",
        "retired_on": "The day retired",
        **_PROJECT,
    },
)

CREDIT_BLOCK = AggregateField(
    prefix="CreditBlock",
    entity=CREDIT_BLOCKS,
    where=CreditBlockWhere,
    rows="credit blocks",
    measures={
        "quantity": (
            "Credits in the block. Split blocks are kept for lineage: filter or group by"
            " `status` so that a split block and its parts are not both counted."
        )
    },
    dimensions={
        "status": "The block's status.",
        "owner": "The owning company.",
        "issuance": "The block's issuance.",
        "vintage": "The vintage year of the block's issuance.",
        "created_at": "When the block came to be (UTC)",
        **_PROJECT,
    },
)

PURCHASE = AggregateField(
    prefix="Purchase",
    entity=PURCHASES,
    where=PurchaseWhere,
    rows="purchases",
    measures={
        "quantity": "Credits bought.",
        "unit_price": "The price paid per credit.",
        "total_price": "The amount paid.",
    },
    dimensions={
        "buyer": "The buying company.",
        "vintage": "The vintage bought (null: any).",
        "currency": "The currency paid in (ISO 4217).",
        "purchased_at": "The instant of purchase (UTC)",
        **_PROJECT,
    },
)

EMISSIONS_REPORT = AggregateField(
    prefix="EmissionsReport",
    entity=EMISSIONS_REPORTS,
    where=EmissionsReportWhere,
    rows="emissions reports",
    measures={
        "scope_1_tco2e": "Direct emissions (scope 1).",
        "scope_2_tco2e": "Purchased energy (scope 2).",
        "scope_3_tco2e": "Value-chain emissions (scope 3).",
        "total_tco2e": "Scopes 1-3 together.",
        "retired_credits": (
            "Credits retired for the company with the report's year as claim year (net-zero"
            " progress)."
        ),
    },
    dimensions={
        "company": "The reporting company.",
        "year": "The reporting year.",
        "company_sector": "The company's sector.",
        "company_hq_country": "The company's headquarters country.",
    },
)
