"""GraphQL enums: the models' Python enums, described for partners reading GraphiQL."""

from __future__ import annotations

from enum import StrEnum

import strawberry

import models
from resolvers import eligibility, viewer


def described(
    enum: type[StrEnum], description: str, values: dict[str, str], name: str | None = None
) -> None:
    """Expose a model enum in GraphQL; every value must be described (KeyError otherwise)."""
    strawberry.enum(enum, name=name, description=description)
    for value in enum.__strawberry_definition__.values:  # type: ignore[attr-defined]
        value.description = values[value.name]


Provenance = models.Provenance
described(
    Provenance,
    "Where a record's facts come from.",
    {
        "SOURCED": "Seen in a cited public source (see `sourceUrl`).",
        "UNCONFIRMED": "Plausible but not confirmed in a cited source; verify before quoting.",
        "GENERATED": "Synthetic demo data made by the seed generator; not a real fact.",
    },
)

CertificationCategory = models.CertificationCategory
described(
    CertificationCategory,
    "What a certification attests.",
    {
        "CARBON": "The product's carbon footprint is measured, reduced and/or offset.",
        "CHEMICALS": "Safer chemistry: screened or free of harmful substances.",
        "FORESTRY": "Wood and fibre from responsibly managed forests.",
        "RECYCLED": "Verified recycled (or bio-based) content.",
        "ORGANIC": "Organic farming and processing.",
        "FAIR_TRADE": "Fair prices and working conditions for producers.",
        "FARMING": "Sustainable or regenerative agriculture.",
        "ANIMAL_WELFARE": "Higher animal-welfare standards.",
        "ENERGY": "Energy efficiency, mostly of electronics.",
        "MULTI": "A multi-attribute, life-cycle ecolabel.",
        "CIRCULAR": "Reuse and refurbishment.",
        "PACKAGING": "Less packaging, air and water shipped per use.",
    },
)

CertificationLevel = models.CertificationLevel
described(
    CertificationLevel,
    "What a certification is granted to.",
    {
        "PRODUCT": "An individual product (ASIN).",
        "BRAND": "A whole brand.",
        "FACILITY": "A production site.",
    },
)

Marketplace = models.Marketplace
described(
    Marketplace,
    "An Amazon store where Climate Pledge Friendly runs.",
    {
        "US": "United States (amazon.com).",
        "UK": "United Kingdom (amazon.co.uk).",
        "DE": "Germany (amazon.de).",
        "FR": "France (amazon.fr).",
        "IT": "Italy (amazon.it).",
        "ES": "Spain (amazon.es).",
        "JP": "Japan (amazon.co.jp).",
        "AU": "Australia (amazon.com.au).",
        "MX": "Mexico (amazon.com.mx).",
        "BR": "Brazil (amazon.com.br).",
    },
)

ProductCategory = models.ProductCategory
described(
    ProductCategory,
    "A store department.",
    {
        "GROCERY": "Grocery and gourmet food.",
        "HOUSEHOLD": "Household supplies and cleaning.",
        "FASHION": "Clothing, shoes and accessories.",
        "BEAUTY": "Beauty and personal care.",
        "ELECTRONICS": "Personal electronics and computing.",
        "OFFICE": "Office products.",
        "HOME": "Home and furniture.",
        "KITCHEN": "Kitchen and dining.",
        "TOYS": "Toys and games.",
        "PET": "Pet supplies.",
        "BABY": "Baby products.",
        "SPORTS": "Sports and outdoors.",
    },
)

Registry = models.Registry
described(
    Registry,
    "A carbon-credit registry (standard) that lists projects and issues credits.",
    {
        "VERRA": "Verra, Verified Carbon Standard (VCUs).",
        "GOLD_STANDARD": "Gold Standard Impact Registry (VERs).",
        "ART": "Architecture for REDD+ Transactions, TREES standard (TREES credits).",
        "ACR": "ACR, formerly American Carbon Registry (ERTs).",
        "CAR": "Climate Action Reserve (CRTs).",
        "PURO": "Puro.earth, engineered removals (CORCs).",
        "ISOMETRIC": "Isometric, durable removals.",
    },
)

ProjectType = models.ProjectType
described(
    ProjectType,
    "What a carbon project does.",
    {
        "REDD_PLUS": "Reducing emissions from deforestation and forest degradation, one project.",
        "JURISDICTIONAL_REDD_PLUS": "REDD+ across a whole state or country.",
        "ARR": "Afforestation, reforestation and revegetation.",
        "AGROFORESTRY": "Trees planted within farming systems.",
        "IFM": "Improved forest management.",
        "AGRICULTURAL_LAND_MANAGEMENT": "Soil carbon from changed farming practices.",
        "MANGROVE_RESTORATION": "Restoring mangroves and tidal wetlands.",
        "DAC": "Direct air capture with geological storage.",
        "BIOCHAR": "Biomass turned into stable biochar.",
        "ENHANCED_WEATHERING": "Crushed rock spread to bind CO2.",
        "BIOMASS_STORAGE": "Biomass or bio-oil stored underground.",
        "ODS_DESTRUCTION": "Destruction of ozone-depleting substances.",
    },
)

PriorityArea = models.PriorityArea
described(
    PriorityArea,
    "The exchange's three portfolio priorities.",
    {
        "FOREST_PROTECTION": "Stopping tropical forest loss.",
        "LAND_RESTORATION": "Restoring degraded land.",
        "REMOVAL_TECHNOLOGY": "Engineered carbon removal, mainly direct air capture.",
    },
)

MitigationType = models.MitigationType
described(
    MitigationType,
    "Whether credits stand for avoided emissions or carbon removed from the air.",
    {
        "REDUCTION": "Emissions avoided or reduced.",
        "REMOVAL": "CO2 removed from the atmosphere and stored.",
    },
)

ProjectStatus = models.ProjectStatus
described(
    ProjectStatus,
    "A project's registry status, normalised across registries.",
    {
        "LISTED": "Listed or under validation; not yet registered.",
        "REGISTERED": "Registered and able to issue credits.",
        "COMPLETED": "Finished, withdrawn or inactive.",
    },
)

QualityRating = models.QualityRating
described(
    QualityRating,
    "The exchange's rating of a project on one quality dimension.",
    {
        "HIGH": "Meets the exchange's criteria with margin.",
        "MEDIUM": "Meets the criteria with reservations noted.",
        "LOW": "Falls short of the criteria.",
    },
)

RetirementReason = models.RetirementReason
described(
    RetirementReason,
    "Why credits were retired, as registries record it.",
    {
        "ENVIRONMENTAL_BENEFIT": "Retired for the environmental benefit, with no claim attached.",
        "CORPORATE_TARGET": "Counted toward a corporate climate target or pledge.",
        "RESIDUAL_EMISSIONS": "Neutralises the beneficiary's residual emissions.",
        "NDC_CONTRIBUTION": "Contributes to a host country's nationally determined contribution.",
        "CORSIA_COMPLIANCE": "Used for compliance under the aviation scheme CORSIA.",
        "OTHER": "Another reason; see the note.",
    },
)

CreditStatus = models.CreditStatus
described(
    CreditStatus,
    "Where a credit block is in its life cycle. RETIRED, CANCELLED and SPLIT are final.",
    {
        "AVAILABLE": "In the exchange's inventory, for sale; owned by no company.",
        "HELD": "Owned by a company, not yet retired.",
        "RETIRED": "Claimed on a beneficiary's behalf; final.",
        "CANCELLED": "Withdrawn by the registry or the exchange; final.",
        "SPLIT": "Divided into child blocks (see `parentBlock` on them); kept for lineage.",
    },
)

Role = viewer.Role
described(
    Role,
    "What a caller may do, decided by the API key it sends.",
    {
        "ANONYMOUS": "No key sent: public data only.",
        "PARTNER": "A partner's key: public data plus its own company's private data.",
        "ADMIN": "An admin's key: everything, including API key management.",
    },
)

ApiKeyRole = models.ApiKeyRole
described(
    ApiKeyRole,
    "What the holder of an API key may do.",
    {
        "PARTNER": "Act for one company: public data plus that company's own private data.",
        "ADMIN": "Act for the service: everything, including API key management.",
    },
)

EligibilityCriterion = eligibility.Criterion
described(
    EligibilityCriterion,
    "One of the three conditions the credit exchange sets for buyers.",
    {
        "NET_ZERO_TARGET": (
            "A net-zero target no later than 2050 covering scopes 1, 2 and 3; a Climate Pledge"
            " signature (net zero by 2040) meets it."
        ),
        "PUBLIC_EMISSIONS_REPORTING": (
            "A published emissions report for one of the last two full calendar years."
        ),
        "RESIDUAL_EMISSIONS_ONLY": (
            "An attestation that credits address residual emissions only, never instead of"
            " reducing emissions."
        ),
    },
    name="EligibilityCriterion",
)
