"""Filter and ordering inputs (`where`, `orderBy`), and their translation into plain specs."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, TypeVar

import strawberry
from strawberry.types.unset import UnsetType

from resolvers.errors import InvalidInput
from schema.enums import (
    ApiKeyRole,
    CertificationCategory,
    CertificationLevel,
    CreditStatus,
    Marketplace,
    MitigationType,
    PriorityArea,
    ProductCategory,
    ProjectStatus,
    ProjectType,
    QualityRating,
    Registry,
    RetirementReason,
    described,
)

T = TypeVar("T")
MAX_NESTING = 4

IN = "Equal to any of these values (at most 100)."


@strawberry.input(description="Match exactly one value, or any of several.")
class KeyFilter:
    eq: str | None = strawberry.field(default=None, description="Equal to this value.")
    in_: list[str] | None = strawberry.field(default=None, name="in", description=IN)


@strawberry.input(description="Match text: exactly, or case-insensitively by part or prefix.")
class TextFilter:
    eq: str | None = strawberry.field(default=None, description="Equal to this text.")
    in_: list[str] | None = strawberry.field(default=None, name="in", description=IN)
    contains: str | None = strawberry.field(
        default=None, description="Contains this text, ignoring case."
    )
    starts_with: str | None = strawberry.field(
        default=None, description="Starts with this text, ignoring case."
    )


@strawberry.input(description="Match one enum value, or any of several.")
class EnumFilter(Generic[T]):
    eq: T | None = strawberry.field(default=None, description="Equal to this value.")
    in_: list[T] | None = strawberry.field(default=None, name="in", description=IN)


@strawberry.input(description="A whole-number range; bounds are inclusive with gte/lte.")
class IntRange:
    eq: int | None = strawberry.field(default=None, description="Equal to this number.")
    gt: int | None = strawberry.field(default=None, description="Greater than.")
    gte: int | None = strawberry.field(default=None, description="Greater than or equal.")
    lt: int | None = strawberry.field(default=None, description="Less than.")
    lte: int | None = strawberry.field(default=None, description="Less than or equal.")


@strawberry.input(
    description="A decimal range (numbers or decimal strings); bounds are inclusive with gte/lte."
)
class DecimalRange:
    eq: Decimal | None = strawberry.field(default=None, description="Equal to this number.")
    gt: Decimal | None = strawberry.field(default=None, description="Greater than.")
    gte: Decimal | None = strawberry.field(default=None, description="Greater than or equal.")
    lt: Decimal | None = strawberry.field(default=None, description="Less than.")
    lte: Decimal | None = strawberry.field(default=None, description="Less than or equal.")


@strawberry.input(description="A date range (ISO dates); bounds are inclusive with gte/lte.")
class DateRange:
    eq: date | None = strawberry.field(default=None, description="On this day.")
    gt: date | None = strawberry.field(default=None, description="After this day.")
    gte: date | None = strawberry.field(default=None, description="On or after this day.")
    lt: date | None = strawberry.field(default=None, description="Before this day.")
    lte: date | None = strawberry.field(default=None, description="On or before this day.")


@strawberry.input(
    description=(
        "An instant range (ISO 8601 date-times with a UTC offset, e.g. `2024-06-01T00:00:00Z`);"
        " bounds are inclusive with gte/lte."
    )
)
class DateTimeRange:
    gt: datetime | None = strawberry.field(default=None, description="After this instant.")
    gte: datetime | None = strawberry.field(default=None, description="At or after this instant.")
    lt: datetime | None = strawberry.field(default=None, description="Before this instant.")
    lte: datetime | None = strawberry.field(default=None, description="At or before this instant.")


@strawberry.input(description="An amount range, exact to the cent (at most two decimals).")
class AmountRange:
    gte: Decimal | None = strawberry.field(default=None, description="At least this amount.")
    lte: Decimal | None = strawberry.field(default=None, description="At most this amount.")


@strawberry.input(description="Which certifications (by slug) a product must hold.")
class CertificationSetFilter:
    any_of: list[str] | None = strawberry.field(
        default=None, description="Holds at least one of these (at most 100 slugs)."
    )
    all_of: list[str] | None = strawberry.field(
        default=None, description="Holds every one of these (at most 100 slugs)."
    )


AND = "All of these conditions hold."
OR = "At least one of these conditions holds."


@strawberry.input(description="Conditions on companies; fields combine with AND.")
class CompanyWhere:
    slug: KeyFilter | None = strawberry.field(default=None, description="The slug.")
    name: TextFilter | None = strawberry.field(default=None, description="The name.")
    sector: KeyFilter | None = strawberry.field(default=None, description="The sector.")
    hq_country: KeyFilter | None = strawberry.field(
        default=None, description="Headquarters country, ISO 3166-1 alpha-2."
    )
    is_signatory: bool | None = strawberry.field(
        default=None, description="Has (true) or has not (false) signed The Climate Pledge."
    )
    signed_on: DateRange | None = strawberry.field(
        default=None, description="Signed The Climate Pledge within this range."
    )
    net_zero_target_year: IntRange | None = strawberry.field(
        default=None, description="Pledged net-zero target year within this range."
    )
    has_public_emissions_report: bool | None = strawberry.field(
        default=None, description="Has (true) or lacks (false) a public emissions report."
    )
    and_: list[CompanyWhere] | None = strawberry.field(default=None, name="AND", description=AND)
    or_: list[CompanyWhere] | None = strawberry.field(default=None, name="OR", description=OR)


@strawberry.input(description="Conditions on products; fields combine with AND.")
class ProductWhere:
    asin: KeyFilter | None = strawberry.field(default=None, description="The ASIN.")
    title: TextFilter | None = strawberry.field(default=None, description="The title.")
    brand: TextFilter | None = strawberry.field(default=None, description="The brand name.")
    category: EnumFilter[ProductCategory] | None = strawberry.field(
        default=None, description="The store department."
    )
    marketplace: EnumFilter[Marketplace] | None = strawberry.field(
        default=None, description="The marketplace."
    )
    price: AmountRange | None = strawberry.field(
        default=None, description="The price amount (in the listing's own currency)."
    )
    brand_company: CompanyWhere | None = strawberry.field(
        default=None, description="The company behind the brand matches these conditions."
    )
    certifications: CertificationSetFilter | None = strawberry.field(
        default=None, description="Holds these certifications (any validity)."
    )
    certification_category: EnumFilter[CertificationCategory] | None = strawberry.field(
        default=None, description="Holds a certification of this category."
    )
    carbon_related: bool | None = strawberry.field(
        default=None, description="Holds (true) or lacks (false) a carbon-related certification."
    )
    climate_pledge_friendly_on: date | None = strawberry.field(
        default=None, description="Has a certificate valid on this day (the badge on that day)."
    )
    certified_since: DateRange | None = strawberry.field(
        default=None, description="Its first certificate became valid within this range."
    )
    and_: list[ProductWhere] | None = strawberry.field(default=None, name="AND", description=AND)
    or_: list[ProductWhere] | None = strawberry.field(default=None, name="OR", description=OR)


@strawberry.input(description="Conditions on certifications; fields combine with AND.")
class CertificationWhere:
    slug: KeyFilter | None = strawberry.field(default=None, description="The slug.")
    name: TextFilter | None = strawberry.field(default=None, description="The name.")
    issuer: TextFilter | None = strawberry.field(default=None, description="The issuer.")
    category: EnumFilter[CertificationCategory] | None = strawberry.field(
        default=None, description="What it attests."
    )
    level: EnumFilter[CertificationLevel] | None = strawberry.field(
        default=None, description="What it is granted to."
    )
    carbon_related: bool | None = strawberry.field(
        default=None, description="Attests (true) or does not attest (false) carbon footprint."
    )
    amazon_owned: bool | None = strawberry.field(
        default=None, description="Amazon's own badge (true) or a third party's (false)."
    )
    marketplace: EnumFilter[Marketplace] | None = strawberry.field(
        default=None, description="Recognised in this marketplace."
    )
    and_: list[CertificationWhere] | None = strawberry.field(
        default=None, name="AND", description=AND
    )
    or_: list[CertificationWhere] | None = strawberry.field(default=None, name="OR", description=OR)


@strawberry.input(description="Conditions on carbon projects; fields combine with AND.")
class CarbonProjectWhere:
    slug: KeyFilter | None = strawberry.field(default=None, description="The slug.")
    name: TextFilter | None = strawberry.field(default=None, description="The name.")
    registry: EnumFilter[Registry] | None = strawberry.field(
        default=None, description="The registry."
    )
    registry_project_id: KeyFilter | None = strawberry.field(
        default=None, description="The ID in its registry."
    )
    country: KeyFilter | None = strawberry.field(
        default=None, description="Host country, ISO 3166-1 alpha-2."
    )
    project_type: EnumFilter[ProjectType] | None = strawberry.field(
        default=None, description="The project type."
    )
    priority_area: EnumFilter[PriorityArea] | None = strawberry.field(
        default=None, description="The exchange priority it serves."
    )
    mitigation_type: EnumFilter[MitigationType] | None = strawberry.field(
        default=None, description="Reduction or removal."
    )
    status: EnumFilter[ProjectStatus] | None = strawberry.field(
        default=None, description="Registry status."
    )
    label: KeyFilter | None = strawberry.field(
        default=None, description="Carries this label (e.g. ABACUS)."
    )
    additionality_rating: EnumFilter[QualityRating] | None = strawberry.field(
        default=None, description="Rating for integrity and additionality."
    )
    quantification_rating: EnumFilter[QualityRating] | None = strawberry.field(
        default=None, description="Rating for conservative quantification."
    )
    safeguards_rating: EnumFilter[QualityRating] | None = strawberry.field(
        default=None, description="Rating for social and environmental safeguards."
    )
    on_offer: bool | None = strawberry.field(
        default=None,
        description="True: the exchange offers its credits (it has an `offerPrice`); false: not.",
    )
    and_: list[CarbonProjectWhere] | None = strawberry.field(
        default=None, name="AND", description=AND
    )
    or_: list[CarbonProjectWhere] | None = strawberry.field(default=None, name="OR", description=OR)


@strawberry.input(description="Conditions on issuances; fields combine with AND.")
class IssuanceWhere:
    vintage: IntRange | None = strawberry.field(default=None, description="The vintage year.")
    issued_on: DateRange | None = strawberry.field(default=None, description="The issue day.")
    project: CarbonProjectWhere | None = strawberry.field(
        default=None, description="The project matches these conditions."
    )
    and_: list[IssuanceWhere] | None = strawberry.field(default=None, name="AND", description=AND)
    or_: list[IssuanceWhere] | None = strawberry.field(default=None, name="OR", description=OR)


@strawberry.input(description="Conditions on retirements; fields combine with AND.")
class RetirementWhere:
    retired_on: DateRange | None = strawberry.field(default=None, description="The day retired.")
    claim_year: IntRange | None = strawberry.field(
        default=None, description="The emissions year claimed against."
    )
    reason: EnumFilter[RetirementReason] | None = strawberry.field(
        default=None, description="Why the credits were retired."
    )
    beneficiary: CompanyWhere | None = strawberry.field(
        default=None, description="The beneficiary company matches these conditions."
    )
    project: CarbonProjectWhere | None = strawberry.field(
        default=None, description="The project whose credits were retired matches these conditions."
    )
    and_: list[RetirementWhere] | None = strawberry.field(default=None, name="AND", description=AND)
    or_: list[RetirementWhere] | None = strawberry.field(default=None, name="OR", description=OR)


@strawberry.input(description="Conditions on credit blocks; fields combine with AND.")
class CreditBlockWhere:
    status: EnumFilter[CreditStatus] | None = strawberry.field(
        default=None, description="The block's status."
    )
    vintage: IntRange | None = strawberry.field(
        default=None, description="The vintage year of the block's issuance."
    )
    issuance: IssuanceWhere | None = strawberry.field(
        default=None, description="The block's issuance matches these conditions."
    )
    project: CarbonProjectWhere | None = strawberry.field(
        default=None, description="The project the block was issued to matches these conditions."
    )
    owner: CompanyWhere | None = strawberry.field(
        default=None, description="The owning company matches these conditions."
    )
    and_: list[CreditBlockWhere] | None = strawberry.field(
        default=None, name="AND", description=AND
    )
    or_: list[CreditBlockWhere] | None = strawberry.field(default=None, name="OR", description=OR)


@strawberry.input(description="Conditions on purchases; fields combine with AND.")
class PurchaseWhere:
    project: CarbonProjectWhere | None = strawberry.field(
        default=None, description="The project bought from matches these conditions."
    )
    purchased_at: DateTimeRange | None = strawberry.field(
        default=None, description="The instant of purchase."
    )
    buyer: CompanyWhere | None = strawberry.field(
        default=None, description="The buying company matches these conditions."
    )
    vintage: IntRange | None = strawberry.field(
        default=None,
        description="The vintage year the order named (purchases that named none never match).",
    )
    and_: list[PurchaseWhere] | None = strawberry.field(default=None, name="AND", description=AND)
    or_: list[PurchaseWhere] | None = strawberry.field(default=None, name="OR", description=OR)


@strawberry.input(description="Conditions on credit holdings; fields combine with AND.")
class CreditHoldingWhere:
    project: CarbonProjectWhere | None = strawberry.field(
        default=None, description="The project matches these conditions."
    )
    vintage: IntRange | None = strawberry.field(default=None, description="The vintage year.")
    status: EnumFilter[CreditStatus] | None = strawberry.field(
        default=None, description="The status (holdings are HELD, RETIRED or CANCELLED)."
    )
    owner: CompanyWhere | None = strawberry.field(
        default=None,
        description=(
            "The owning company matches these conditions (for admins: partners see only their"
            " own company's holdings anyway)."
        ),
    )
    and_: list[CreditHoldingWhere] | None = strawberry.field(
        default=None, name="AND", description=AND
    )
    or_: list[CreditHoldingWhere] | None = strawberry.field(default=None, name="OR", description=OR)


@strawberry.input(description="Conditions on emissions reports; fields combine with AND.")
class EmissionsReportWhere:
    year: IntRange | None = strawberry.field(default=None, description="The reporting year.")
    company: CompanyWhere | None = strawberry.field(
        default=None, description="The reporting company matches these conditions."
    )
    public: bool | None = strawberry.field(
        default=None, description="Published at a public URL (true) or not (false)."
    )
    and_: list[EmissionsReportWhere] | None = strawberry.field(
        default=None, name="AND", description=AND
    )
    or_: list[EmissionsReportWhere] | None = strawberry.field(
        default=None, name="OR", description=OR
    )


@strawberry.input(description="Conditions on product certificates; fields combine with AND.")
class ProductCertificationWhere:
    valid_from: DateRange | None = strawberry.field(
        default=None, description="The first day the certificate is valid."
    )
    valid_to: DateRange | None = strawberry.field(
        default=None, description="The last day the certificate is valid (open-ended: none)."
    )
    valid_on: date | None = strawberry.field(
        default=None, description="The certificate is valid on this day."
    )
    certification: CertificationWhere | None = strawberry.field(
        default=None, description="The certification matches these conditions."
    )
    product: ProductWhere | None = strawberry.field(
        default=None, description="The product matches these conditions."
    )
    and_: list[ProductCertificationWhere] | None = strawberry.field(
        default=None, name="AND", description=AND
    )
    or_: list[ProductCertificationWhere] | None = strawberry.field(
        default=None, name="OR", description=OR
    )


@strawberry.input(description="Conditions on API keys; fields combine with AND.")
class ApiKeyWhere:
    name: TextFilter | None = strawberry.field(default=None, description="The holder's name.")
    prefix: KeyFilter | None = strawberry.field(default=None, description="The public prefix.")
    role: EnumFilter[ApiKeyRole] | None = strawberry.field(
        default=None, description="What the key's holder may do."
    )
    revoked: bool | None = strawberry.field(
        default=None, description="Revoked (true) or still working (false)."
    )
    first_party: bool | None = strawberry.field(
        default=None, description="Held by our own frontends (true) or by partners (false)."
    )
    and_: list[ApiKeyWhere] | None = strawberry.field(default=None, name="AND", description=AND)
    or_: list[ApiKeyWhere] | None = strawberry.field(default=None, name="OR", description=OR)


def to_spec(value: Any, depth: int = 0) -> Any:
    """An input object as a plain dict (unset fields dropped) for the resolvers' entity maps."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # Only conditions count as levels (AND/OR lists, relation filters), not operators.
        level = depth + 1 if type(value).__name__.endswith("Where") else depth
        if level > MAX_NESTING + 1:
            raise InvalidInput(f"`where` nests at most {MAX_NESTING} levels.", field="where")
        return {
            field.name.rstrip("_"): to_spec(item, level)
            for field in dataclasses.fields(value)
            if (item := getattr(value, field.name)) is not None and not isinstance(item, UnsetType)
        }
    if isinstance(value, list):
        return [to_spec(item, depth) for item in value]
    return value


class OrderDirection(StrEnum):
    ASC = "ASC"
    DESC = "DESC"


described(
    OrderDirection,
    "Sort direction.",
    {
        "ASC": "Ascending: A to Z, low to high, old to new.",
        "DESC": "Descending: Z to A, high to low, new to old.",
    },
)


def order_spec(order_by: list[Any] | None) -> list[tuple[str, bool]] | None:
    """`orderBy` inputs as (field name, descending) pairs for the entity maps."""
    if not order_by:
        return None
    return [(str(item.field), str(item.direction) == OrderDirection.DESC) for item in order_by]


def _order_input(entity: str, fields: dict[str, str]) -> type[Any]:
    """The `<Entity>Order` input (with its `<Entity>OrderField` enum) for one entity."""
    field_enum = StrEnum(f"{entity}OrderField", {name: name for name in fields})  # type: ignore[misc]
    described(field_enum, f"What {entity.lower()} lists can be sorted by.", fields)

    # Built with real (not string) annotations: the enum exists only inside this function.
    namespace = {
        "__annotations__": {"field": field_enum, "direction": OrderDirection},
        "field": strawberry.field(description="The field to sort by."),
        "direction": strawberry.field(
            default=OrderDirection.ASC, description="Ascending unless DESC."
        ),
    }
    return strawberry.input(
        type(f"{entity}Order", (), namespace),
        description=f"One sort key for {entity.lower()} lists.",
    )


if TYPE_CHECKING:  # the classes are made at import time; type checkers see plain aliases
    CompanyOrder: TypeAlias = Any
    ProductOrder: TypeAlias = Any
    CertificationOrder: TypeAlias = Any
    CarbonProjectOrder: TypeAlias = Any
    IssuanceOrder: TypeAlias = Any
    RetirementOrder: TypeAlias = Any
    CreditBlockOrder: TypeAlias = Any
    CreditHoldingOrder: TypeAlias = Any
    PurchaseOrder: TypeAlias = Any
    ApiKeyOrder: TypeAlias = Any
else:
    CompanyOrder = _order_input(
        "Company",
        {
            "NAME": "The company's name.",
            "SLUG": "The slug.",
            "SECTOR": "The sector.",
            "HQ_COUNTRY": "The headquarters country.",
        },
    )
    ProductOrder = _order_input(
        "Product",
        {
            "TITLE": "The title.",
            "BRAND": "The brand name.",
            "PRICE": "The price amount (currencies are not converted).",
            "ASIN": "The ASIN.",
            "RELEVANCE": "How well the product matches `search` (only with `search`).",
        },
    )
    CertificationOrder = _order_input(
        "Certification",
        {"NAME": "The name.", "SLUG": "The slug.", "CATEGORY": "The category."},
    )
    CarbonProjectOrder = _order_input(
        "CarbonProject",
        {"NAME": "The name.", "SLUG": "The slug.", "COUNTRY": "The host country."},
    )
    IssuanceOrder = _order_input(
        "Issuance", {"ISSUED_ON": "The issue day.", "VINTAGE": "The vintage year."}
    )
    RetirementOrder = _order_input(
        "Retirement",
        {
            "RETIRED_ON": "The day retired.",
            "CLAIM_YEAR": "The claim year (retirements without one come before every year).",
            "QUANTITY": "The number of credits retired.",
        },
    )
    CreditBlockOrder = _order_input(
        "CreditBlock",
        {
            "CREATED_AT": "When the block came to be (issued, split off or bought).",
            "QUANTITY": "The number of credits.",
            "SERIAL_START": "The first serial number (meaningful within one issuance).",
        },
    )
    CreditHoldingOrder = _order_input(
        "CreditHolding",
        {
            "PROJECT": "The project's name.",
            "VINTAGE": "The vintage year.",
            "STATUS": "The status, alphabetically: CANCELLED, HELD, RETIRED.",
            "QUANTITY": "The number of credits.",
        },
    )
    PurchaseOrder = _order_input(
        "Purchase",
        {
            "PURCHASED_AT": "The instant of purchase.",
            "QUANTITY": "The number of credits bought.",
            "TOTAL_PRICE": "The total amount paid (currencies are not converted).",
        },
    )
    ApiKeyOrder = _order_input(
        "ApiKey", {"CREATED_AT": "When the key was made.", "NAME": "The holder's name."}
    )
