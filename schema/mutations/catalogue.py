"""Catalogue mutations (admins only): companies, pledge signatures, certifications, products,
carbon projects."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import strawberry

import models
from resolvers import catalogue
from resolvers.viewer import require_admin
from schema.context import Info
from schema.enums import (
    CertificationCategory,
    CertificationLevel,
    Marketplace,
    MitigationType,
    PriorityArea,
    ProductCategory,
    ProjectStatus,
    ProjectType,
    Provenance,
    QualityRating,
    Registry,
)
from schema.mutations.payload import USER_ERRORS, given, input_argument, outcome
from schema.types.carbon_project import CarbonProject
from schema.types.certification import Certification
from schema.types.company import Company
from schema.types.node import row_id
from schema.types.product import Product
from schema.types.user_error import UserError

UNCHANGED = " Leave it out to keep the current value."
PROVENANCE = (
    "Where the record's facts come from: SOURCED (give `sourceUrl`) or UNCONFIRMED;"
    " GENERATED is reserved for demo data."
)
SOURCE_URL = "The public source of the record, an http(s) address."
SLUG = (
    "Stable key: lower-case letters and digits in words joined by hyphens, at most 80"
    " characters, e.g. `best-buy`; must be unused."
)

# Catalogue changes are the service's, never a partner's.
CATALOGUE = "change the catalogue"


def _keep(description: str) -> Any:
    """An update input field: absent means unchanged, null clears (where the field is optional)."""
    return strawberry.field(default=strawberry.UNSET, description=description + UNCHANGED)


# Companies

COMPANY = {
    "name": "The company's name, at most 200 characters.",
    "sector": f"Industry sector, one of: {', '.join(models.SECTORS)}.",
    "hq_country": "Country of the headquarters, ISO 3166-1 alpha-2, e.g. `US`.",
    "website": "The company's website, an http(s) address.",
}


@strawberry.input(description="A company to add.")
class CompanyCreateInput:
    slug: str = strawberry.field(description=SLUG)
    name: str = strawberry.field(description=COMPANY["name"])
    sector: str = strawberry.field(description=COMPANY["sector"])
    hq_country: str = strawberry.field(description=COMPANY["hq_country"])
    website: str | None = strawberry.field(default=None, description=COMPANY["website"])
    provenance: Provenance = strawberry.field(
        default=models.Provenance.UNCONFIRMED, description=PROVENANCE
    )
    source_url: str | None = strawberry.field(default=None, description=SOURCE_URL)


@strawberry.input(
    description="Changes to a company: only the fields given change; null clears an optional one."
)
class CompanyUpdateInput:
    id: strawberry.ID = strawberry.field(description="The company's global id.")
    slug: str | None = _keep(SLUG)
    name: str | None = _keep(COMPANY["name"])
    sector: str | None = _keep(COMPANY["sector"])
    hq_country: str | None = _keep(COMPANY["hq_country"])
    website: str | None = _keep(COMPANY["website"])
    provenance: Provenance | None = _keep(PROVENANCE)
    source_url: str | None = _keep(SOURCE_URL)


@strawberry.type(description="The result of `companyCreate`.")
class CompanyCreatePayload:
    company: models.Company | None = strawberry.field(
        graphql_type=Company | None, description="The new company; null if nothing was written."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of `companyUpdate`.")
class CompanyUpdatePayload:
    company: models.Company | None = strawberry.field(
        graphql_type=Company | None,
        description="The company as changed; null if nothing was written.",
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.input(
    description=(
        "A company's signature of The Climate Pledge; replaces the signature it has, if any."
    )
)
class SignatureRecordInput:
    company_id: strawberry.ID = strawberry.field(description="The signing company's global id.")
    signed_on: date = strawberry.field(
        description=(
            "Date of the announcement that named the company as a signatory; from 2019-09-19"
            " (the pledge's founding) to today."
        )
    )
    net_zero_target_year: int = strawberry.field(
        default=models.PLEDGE_TARGET_YEAR,
        description="Year by which the company commits to net-zero carbon: 2040 at the latest.",
    )
    provenance: Provenance = strawberry.field(
        default=models.Provenance.UNCONFIRMED, description=PROVENANCE
    )
    source_url: str | None = strawberry.field(default=None, description=SOURCE_URL)


@strawberry.type(description="The result of `signatureRecord`.")
class SignatureRecordPayload:
    company: models.Company | None = strawberry.field(
        graphql_type=Company | None,
        description="The company with its signature; null if nothing was written.",
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


# Certifications

CERTIFICATION = {
    "name": "The certification's name, at most 200 characters; must be unused.",
    "issuer": "The organisation that owns the scheme, at most 200 characters.",
    "category": "What the certification attests.",
    "carbon_related": "True when it attests the product's carbon footprint.",
    "amazon_owned": "True for Amazon's own badges.",
    "level": "Whether it certifies products, brands or facilities.",
    "marketplaces": "The marketplaces where the badge is recognised: at least one, each once.",
    "description": "What the certification attests, in brief (at most 5,000 characters).",
    "url": "The scheme's web page, an http(s) address.",
    "recognized_since": (
        "When Climate Pledge Friendly first recognised it: from 2020-09-23 (the launch) to today."
    ),
}


@strawberry.input(description="A certification to add.")
class CertificationCreateInput:
    slug: str = strawberry.field(description=SLUG)
    name: str = strawberry.field(description=CERTIFICATION["name"])
    issuer: str = strawberry.field(description=CERTIFICATION["issuer"])
    category: CertificationCategory = strawberry.field(description=CERTIFICATION["category"])
    carbon_related: bool = strawberry.field(description=CERTIFICATION["carbon_related"])
    amazon_owned: bool = strawberry.field(default=False, description=CERTIFICATION["amazon_owned"])
    level: CertificationLevel = strawberry.field(description=CERTIFICATION["level"])
    marketplaces: list[Marketplace] = strawberry.field(description=CERTIFICATION["marketplaces"])
    description: str = strawberry.field(description=CERTIFICATION["description"])
    url: str | None = strawberry.field(default=None, description=CERTIFICATION["url"])
    recognized_since: date | None = strawberry.field(
        default=None, description=CERTIFICATION["recognized_since"]
    )
    provenance: Provenance = strawberry.field(
        default=models.Provenance.UNCONFIRMED, description=PROVENANCE
    )
    source_url: str | None = strawberry.field(default=None, description=SOURCE_URL)


@strawberry.input(
    description=(
        "Changes to a certification: only the fields given change; null clears an optional one."
    )
)
class CertificationUpdateInput:
    id: strawberry.ID = strawberry.field(description="The certification's global id.")
    slug: str | None = _keep(SLUG)
    name: str | None = _keep(CERTIFICATION["name"])
    issuer: str | None = _keep(CERTIFICATION["issuer"])
    category: CertificationCategory | None = _keep(CERTIFICATION["category"])
    carbon_related: bool | None = _keep(CERTIFICATION["carbon_related"])
    amazon_owned: bool | None = _keep(CERTIFICATION["amazon_owned"])
    level: CertificationLevel | None = _keep(CERTIFICATION["level"])
    marketplaces: list[Marketplace] | None = _keep(CERTIFICATION["marketplaces"])
    description: str | None = _keep(CERTIFICATION["description"])
    url: str | None = _keep(CERTIFICATION["url"])
    recognized_since: date | None = _keep(CERTIFICATION["recognized_since"])
    provenance: Provenance | None = _keep(PROVENANCE)
    source_url: str | None = _keep(SOURCE_URL)


@strawberry.type(description="The result of `certificationCreate`.")
class CertificationCreatePayload:
    certification: models.Certification | None = strawberry.field(
        graphql_type=Certification | None,
        description="The new certification; null if nothing was written.",
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of `certificationUpdate`.")
class CertificationUpdatePayload:
    certification: models.Certification | None = strawberry.field(
        graphql_type=Certification | None,
        description="The certification as changed; null if nothing was written.",
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


# Products


@strawberry.input(description="An exact amount of money in one currency.")
class MoneyInput:
    amount: Decimal = strawberry.field(
        description='The amount as a decimal string with at most two decimals, e.g. "12.99".'
    )
    currency: str = strawberry.field(
        description="ISO 4217 code; must be the marketplace's currency (USD in US, EUR in DE...)."
    )


@strawberry.input(description="A certificate a product holds.")
class ProductCertificateInput:
    certification_id: strawberry.ID = strawberry.field(description="The certification's global id.")
    certificate_number: str = strawberry.field(
        description="The certifier's certificate number, at most 100 characters."
    )
    valid_from: date = strawberry.field(description="First day the certificate is valid.")
    valid_to: date | None = strawberry.field(
        default=None,
        description="Last day the certificate is valid (not before `validFrom`); null if open.",
    )

    def plain(self, index: int) -> catalogue.Certificate:
        field = f"input.certificates.{index}.certificationId"
        return catalogue.Certificate(
            certification_id=row_id(self.certification_id, Certification, field=field),
            certificate_number=self.certificate_number,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
        )


PRODUCT = {
    "asin": "Amazon Standard Identification Number: ten upper-case letters and digits; unused.",
    "title": "The listing's title, at most 500 characters.",
    "brand": "The brand name as shown on the listing, at most 200 characters.",
    "brand_company_id": "The global id of the company behind the brand; null if not known.",
    "category": "The store department.",
    "marketplace": "The marketplace the listing belongs to.",
    "price": "The listing price, in the marketplace's currency.",
    "provenance": (
        "Where the record's facts come from: SOURCED or UNCONFIRMED; GENERATED is reserved for"
        " demo data."
    ),
    "certificates": (
        "Every certificate the product holds or held (at most 50); replaces those it has."
    ),
}


@strawberry.input(description="A product listing to add, with its certificates.")
class ProductCreateInput:
    asin: str = strawberry.field(description=PRODUCT["asin"])
    title: str = strawberry.field(description=PRODUCT["title"])
    brand: str = strawberry.field(description=PRODUCT["brand"])
    brand_company_id: strawberry.ID | None = strawberry.field(
        default=None, description=PRODUCT["brand_company_id"]
    )
    category: ProductCategory = strawberry.field(description=PRODUCT["category"])
    marketplace: Marketplace = strawberry.field(description=PRODUCT["marketplace"])
    price: MoneyInput = strawberry.field(description=PRODUCT["price"])
    provenance: Provenance = strawberry.field(
        default=models.Provenance.UNCONFIRMED, description=PRODUCT["provenance"]
    )
    certificates: list[ProductCertificateInput] = strawberry.field(
        default_factory=list, description=PRODUCT["certificates"]
    )


@strawberry.input(
    description=(
        "Changes to a product: only the fields given change; null clears an optional one."
        " `certificates`, when given, replace all the product's certificates ([] removes them)."
    )
)
class ProductUpdateInput:
    id: strawberry.ID = strawberry.field(description="The product's global id.")
    asin: str | None = _keep(PRODUCT["asin"])
    title: str | None = _keep(PRODUCT["title"])
    brand: str | None = _keep(PRODUCT["brand"])
    brand_company_id: strawberry.ID | None = _keep(PRODUCT["brand_company_id"])
    category: ProductCategory | None = _keep(PRODUCT["category"])
    marketplace: Marketplace | None = _keep(PRODUCT["marketplace"])
    price: MoneyInput | None = _keep(PRODUCT["price"])
    provenance: Provenance | None = _keep(PRODUCT["provenance"])
    certificates: list[ProductCertificateInput] | None = _keep(PRODUCT["certificates"])


def _product_values(input: ProductCreateInput | ProductUpdateInput) -> dict[str, Any]:
    """The given fields, with the price and the certificates as the resolvers take them."""
    values = given(input, ids={"brand_company_id": Company})
    price: MoneyInput | None = values.get("price")
    if price is not None:
        values["price"] = catalogue.Price(price.amount, price.currency)
    if values.get("certificates") is not None:
        values["certificates"] = [c.plain(i) for i, c in enumerate(values["certificates"])]
    return values


@strawberry.type(description="The result of `productCreate`.")
class ProductCreatePayload:
    product: models.Product | None = strawberry.field(
        graphql_type=Product | None, description="The new product; null if nothing was written."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of `productUpdate`.")
class ProductUpdatePayload:
    product: models.Product | None = strawberry.field(
        graphql_type=Product | None,
        description="The product as changed; null if nothing was written.",
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


# Carbon projects

PROJECT = {
    "registry": "The registry that lists the project.",
    "registry_project_id": (
        "The project's id in its registry, e.g. `VCS1340`, at most 40 characters; unused in"
        " that registry."
    ),
    "name": "The project's name, at most 300 characters.",
    "developer": "The project developer or proponent, at most 200 characters.",
    "country": "Host country, ISO 3166-1 alpha-2.",
    "project_type": "What the project does.",
    "priority_area": "The exchange priority it serves; null if none.",
    "mitigation_type": (
        "Reduction or removal; must fit the type (REDD+ and ODS destruction reduce, ARR and"
        " engineered storage remove)."
    ),
    "methodology": "The methodology or protocol, e.g. `VM0047`, at most 120 characters.",
    "labels": "Labels its credits carry, each once (at most 20 of 80 characters).",
    "status": "Registry status.",
    "crediting_period_start": "First day of the crediting period.",
    "crediting_period_end": "Last day of the crediting period, after its first; null if open.",
    "description": "What the project does, in brief (at most 5,000 characters).",
    "additionality_rating": "The exchange's additionality rating; null if not assessed.",
    "additionality_notes": "Why the project got its additionality rating.",
    "quantification_rating": "The exchange's quantification rating; null if not assessed.",
    "quantification_notes": "Why the project got its quantification rating.",
    "safeguards_rating": "The exchange's safeguards rating; null if not assessed.",
    "safeguards_notes": "Why the project got its safeguards rating.",
    "offer_price": (
        "The exchange's price per credit in US dollars, a decimal string with at most two"
        ' decimals (e.g. "25.50"); null: its credits are not on offer.'
    ),
}


@strawberry.input(description="A carbon project to add (its issuances come with the ledger).")
class CarbonProjectCreateInput:
    slug: str = strawberry.field(description=SLUG)
    registry: Registry = strawberry.field(description=PROJECT["registry"])
    registry_project_id: str = strawberry.field(description=PROJECT["registry_project_id"])
    name: str = strawberry.field(description=PROJECT["name"])
    developer: str | None = strawberry.field(default=None, description=PROJECT["developer"])
    country: str = strawberry.field(description=PROJECT["country"])
    project_type: ProjectType = strawberry.field(description=PROJECT["project_type"])
    priority_area: PriorityArea | None = strawberry.field(
        default=None, description=PROJECT["priority_area"]
    )
    mitigation_type: MitigationType = strawberry.field(description=PROJECT["mitigation_type"])
    methodology: str | None = strawberry.field(default=None, description=PROJECT["methodology"])
    labels: list[str] = strawberry.field(default_factory=list, description=PROJECT["labels"])
    status: ProjectStatus = strawberry.field(description=PROJECT["status"])
    crediting_period_start: date | None = strawberry.field(
        default=None, description=PROJECT["crediting_period_start"]
    )
    crediting_period_end: date | None = strawberry.field(
        default=None, description=PROJECT["crediting_period_end"]
    )
    description: str = strawberry.field(default="", description=PROJECT["description"])
    additionality_rating: QualityRating | None = strawberry.field(
        default=None, description=PROJECT["additionality_rating"]
    )
    additionality_notes: str | None = strawberry.field(
        default=None, description=PROJECT["additionality_notes"]
    )
    quantification_rating: QualityRating | None = strawberry.field(
        default=None, description=PROJECT["quantification_rating"]
    )
    quantification_notes: str | None = strawberry.field(
        default=None, description=PROJECT["quantification_notes"]
    )
    safeguards_rating: QualityRating | None = strawberry.field(
        default=None, description=PROJECT["safeguards_rating"]
    )
    safeguards_notes: str | None = strawberry.field(
        default=None, description=PROJECT["safeguards_notes"]
    )
    offer_price: Decimal | None = strawberry.field(default=None, description=PROJECT["offer_price"])
    provenance: Provenance = strawberry.field(
        default=models.Provenance.UNCONFIRMED, description=PROVENANCE
    )
    source_url: str | None = strawberry.field(default=None, description=SOURCE_URL)


@strawberry.input(
    description=(
        "Changes to a carbon project: only the fields given change; null clears an optional one."
    )
)
class CarbonProjectUpdateInput:
    id: strawberry.ID = strawberry.field(description="The project's global id.")
    slug: str | None = _keep(SLUG)
    registry: Registry | None = _keep(PROJECT["registry"])
    registry_project_id: str | None = _keep(PROJECT["registry_project_id"])
    name: str | None = _keep(PROJECT["name"])
    developer: str | None = _keep(PROJECT["developer"])
    country: str | None = _keep(PROJECT["country"])
    project_type: ProjectType | None = _keep(PROJECT["project_type"])
    priority_area: PriorityArea | None = _keep(PROJECT["priority_area"])
    mitigation_type: MitigationType | None = _keep(PROJECT["mitigation_type"])
    methodology: str | None = _keep(PROJECT["methodology"])
    labels: list[str] | None = _keep(PROJECT["labels"])
    status: ProjectStatus | None = _keep(PROJECT["status"])
    crediting_period_start: date | None = _keep(PROJECT["crediting_period_start"])
    crediting_period_end: date | None = _keep(PROJECT["crediting_period_end"])
    description: str | None = _keep(PROJECT["description"])
    additionality_rating: QualityRating | None = _keep(PROJECT["additionality_rating"])
    additionality_notes: str | None = _keep(PROJECT["additionality_notes"])
    quantification_rating: QualityRating | None = _keep(PROJECT["quantification_rating"])
    quantification_notes: str | None = _keep(PROJECT["quantification_notes"])
    safeguards_rating: QualityRating | None = _keep(PROJECT["safeguards_rating"])
    safeguards_notes: str | None = _keep(PROJECT["safeguards_notes"])
    offer_price: Decimal | None = _keep(PROJECT["offer_price"])
    provenance: Provenance | None = _keep(PROVENANCE)
    source_url: str | None = _keep(SOURCE_URL)


@strawberry.type(description="The result of `carbonProjectCreate`.")
class CarbonProjectCreatePayload:
    carbon_project: models.CarbonProject | None = strawberry.field(
        graphql_type=CarbonProject | None,
        description="The new project; null if nothing was written.",
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of `carbonProjectUpdate`.")
class CarbonProjectUpdatePayload:
    carbon_project: models.CarbonProject | None = strawberry.field(
        graphql_type=CarbonProject | None,
        description="The project as changed; null if nothing was written.",
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="Changes to the catalogue. Admins only: anyone else gets FORBIDDEN.")
class CatalogueMutations:
    @strawberry.mutation(description="Add a company. Admins only.")
    async def company_create(
        self, info: Info, input: Annotated[CompanyCreateInput, input_argument("The company.")]
    ) -> CompanyCreatePayload | None:
        require_admin(info.context.viewer, CATALOGUE)
        written = await catalogue.create_company(info.context.db, given(input))
        company, errors = outcome(info, written)
        return CompanyCreatePayload(company=company, user_errors=errors)

    @strawberry.mutation(description="Change a company's fields. Admins only.")
    async def company_update(
        self, info: Info, input: Annotated[CompanyUpdateInput, input_argument("The changes.")]
    ) -> CompanyUpdatePayload | None:
        require_admin(info.context.viewer, CATALOGUE)
        company_id = row_id(input.id, Company, field="input.id")
        written = await catalogue.update_company(info.context.db, company_id, given(input))
        company, errors = outcome(info, written)
        return CompanyUpdatePayload(company=company, user_errors=errors)

    @strawberry.mutation(
        description=(
            "Record a company's Climate Pledge signature, replacing the one it has. Admins only."
        )
    )
    async def signature_record(
        self, info: Info, input: Annotated[SignatureRecordInput, input_argument("The signature.")]
    ) -> SignatureRecordPayload | None:
        require_admin(info.context.viewer, CATALOGUE)
        company_id = row_id(input.company_id, Company, field="input.companyId")
        values = given(input, skip=("company_id",))
        written = await catalogue.record_signature(info.context.db, company_id, values)
        company, errors = outcome(info, written)
        return SignatureRecordPayload(company=company, user_errors=errors)

    @strawberry.mutation(description="Add a certification. Admins only.")
    async def certification_create(
        self,
        info: Info,
        input: Annotated[CertificationCreateInput, input_argument("The certification.")],
    ) -> CertificationCreatePayload | None:
        require_admin(info.context.viewer, CATALOGUE)
        written = await catalogue.create_certification(info.context.db, given(input))
        certification, errors = outcome(info, written)
        return CertificationCreatePayload(certification=certification, user_errors=errors)

    @strawberry.mutation(description="Change a certification's fields. Admins only.")
    async def certification_update(
        self, info: Info, input: Annotated[CertificationUpdateInput, input_argument("The changes.")]
    ) -> CertificationUpdatePayload | None:
        require_admin(info.context.viewer, CATALOGUE)
        certification_id = row_id(input.id, Certification, field="input.id")
        written = await catalogue.update_certification(
            info.context.db, certification_id, given(input)
        )
        certification, errors = outcome(info, written)
        return CertificationUpdatePayload(certification=certification, user_errors=errors)

    @strawberry.mutation(
        description="Add a product with its certificates, all or nothing. Admins only."
    )
    async def product_create(
        self, info: Info, input: Annotated[ProductCreateInput, input_argument("The product.")]
    ) -> ProductCreatePayload | None:
        require_admin(info.context.viewer, CATALOGUE)
        written = await catalogue.create_product(info.context.db, _product_values(input))
        product, errors = outcome(info, written)
        return ProductCreatePayload(product=product, user_errors=errors)

    @strawberry.mutation(
        description=(
            "Change a product's fields and, if given, replace its certificates, all or nothing."
            " Admins only."
        )
    )
    async def product_update(
        self, info: Info, input: Annotated[ProductUpdateInput, input_argument("The changes.")]
    ) -> ProductUpdatePayload | None:
        require_admin(info.context.viewer, CATALOGUE)
        product_id = row_id(input.id, Product, field="input.id")
        written = await catalogue.update_product(
            info.context.db, product_id, _product_values(input)
        )
        product, errors = outcome(info, written)
        return ProductUpdatePayload(product=product, user_errors=errors)

    @strawberry.mutation(description="Add a carbon project. Admins only.")
    async def carbon_project_create(
        self, info: Info, input: Annotated[CarbonProjectCreateInput, input_argument("The project.")]
    ) -> CarbonProjectCreatePayload | None:
        require_admin(info.context.viewer, CATALOGUE)
        written = await catalogue.create_carbon_project(info.context.db, given(input))
        project, errors = outcome(info, written)
        return CarbonProjectCreatePayload(carbon_project=project, user_errors=errors)

    @strawberry.mutation(description="Change a carbon project's fields. Admins only.")
    async def carbon_project_update(
        self, info: Info, input: Annotated[CarbonProjectUpdateInput, input_argument("The changes.")]
    ) -> CarbonProjectUpdatePayload | None:
        require_admin(info.context.viewer, CATALOGUE)
        project_id = row_id(input.id, CarbonProject, field="input.id")
        written = await catalogue.update_carbon_project(info.context.db, project_id, given(input))
        project, errors = outcome(info, written)
        return CarbonProjectUpdatePayload(carbon_project=project, user_errors=errors)
