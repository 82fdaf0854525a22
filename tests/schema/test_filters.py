"""Typed `where` filters per entity: each field narrows a list and its count; bad values fail."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

import models
from models.db import Database
from tests import factories
from tests.fixtures.graphql import GraphQLClient

Build = Callable[[Database], Awaitable[None]]


async def build_companies(db: Database) -> None:
    """Five companies, keyed by slug; four of them sign, report or both in different ways."""
    acme = await factories.make_company(
        db, slug="acme", name="Acme Outdoor", sector="Retail", hq_country="US"
    )
    bolt = await factories.make_company(
        db, slug="bolt", name="Bolt Energy", sector="Energy", hq_country="DE"
    )
    await factories.make_company(
        db, slug="cargo", name="Cargo Acme Logistics", sector="Logistics", hq_country="JP"
    )
    delta = await factories.make_company(
        db, slug="delta", name="delta foods", sector="Retail", hq_country="FR"
    )
    await factories.make_company(
        db, slug="echo", name="Echo 100% Recycled", sector="Materials", hq_country="GB"
    )
    signatures = [(acme, date(2019, 9, 19), 2040), (bolt, date(2021, 2, 17), 2030)]
    signatures.append((delta, date(2023, 6, 30), 2035))
    for company, signed_on, target in signatures:
        await factories.make_signature(
            db, company, signed_on=signed_on, net_zero_target_year=target
        )
    await factories.make_emissions_report(db, acme, public_url="https://acme.example/2024.pdf")
    await factories.make_emissions_report(db, bolt, public_url=None)


async def build_products(db: Database) -> None:
    """Five products, keyed by title, over three certifications and two brand companies."""
    forestry = await factories.make_certification(
        db, slug="cert-a", category=models.CertificationCategory.FORESTRY, carbon_related=False
    )
    carbon = await factories.make_certification(
        db, slug="cert-b", category=models.CertificationCategory.CARBON, carbon_related=True
    )
    organic = await factories.make_certification(
        db, slug="cert-c", category=models.CertificationCategory.ORGANIC, carbon_related=False
    )
    brandco = await factories.make_company(
        db, slug="brandco", name="BrandCo", sector="Retail", hq_country="US"
    )
    await factories.make_signature(db, brandco)
    otherco = await factories.make_company(
        db, slug="otherco", name="OtherCo", sector="Energy", hq_country="DE"
    )
    rows: list[tuple[str, str, str, models.ProductCategory, models.Marketplace, int, Any]] = [
        ("B000000001", "Eco Detergent Pods", "CleanCo", models.ProductCategory.HOUSEHOLD,
         models.Marketplace.US, 1250, brandco),
        ("B000000002", "Bamboo Toothbrush", "GreenSmile", models.ProductCategory.BEAUTY,
         models.Marketplace.UK, 499, brandco),
        ("B000000003", "Organic Coffee Beans", "BeanCo", models.ProductCategory.GROCERY,
         models.Marketplace.DE, 1999, otherco),
        ("B000000004", "Plain Mug", "MugCo", models.ProductCategory.KITCHEN,
         models.Marketplace.US, 1250, None),
        ("B000000005", "Solar Lantern", "SunCo", models.ProductCategory.SPORTS,
         models.Marketplace.JP, 12999, otherco),
    ]  # fmt: skip
    products = {}
    for asin, title, brand, category, marketplace, cents, company in rows:
        products[asin] = await factories.make_product(
            db,
            asin=asin,
            title=title,
            brand=brand,
            category=category,
            marketplace=marketplace,
            price_cents=cents,
            brand_company_id=company.id if company else None,
        )
    certificates = [
        ("B000000001", forestry, date(2022, 1, 1), date(2022, 12, 31)),
        ("B000000001", carbon, date(2024, 1, 1), None),
        ("B000000002", forestry, date(2023, 3, 1), date(2023, 6, 30)),
        ("B000000003", organic, date(2021, 5, 1), None),
        ("B000000003", forestry, date(2024, 1, 1), None),
        ("B000000005", carbon, date(2020, 1, 1), date(2020, 12, 31)),
    ]
    for asin, certification, valid_from, valid_to in certificates:
        await factories.make_product_certification(
            db, products[asin], certification, valid_from=valid_from, valid_to=valid_to
        )


async def build_certifications(db: Database) -> None:
    """Four certifications, keyed by slug, recognised in different marketplaces."""
    rows = [
        ("cert-us-de", ["us", "de"], models.CertificationCategory.CARBON, True, False,
         models.CertificationLevel.PRODUCT),
        ("cert-jp", ["jp"], models.CertificationCategory.PACKAGING, False, True,
         models.CertificationLevel.PRODUCT),
        ("cert-uk", ["uk"], models.CertificationCategory.FORESTRY, False, False,
         models.CertificationLevel.BRAND),
        ("cert-facility", ["us"], models.CertificationCategory.ENERGY, False, False,
         models.CertificationLevel.FACILITY),
    ]  # fmt: skip
    for slug, marketplaces, category, carbon_related, amazon_owned, level in rows:
        await factories.make_certification(
            db,
            slug=slug,
            marketplaces=marketplaces,
            category=category,
            carbon_related=carbon_related,
            amazon_owned=amazon_owned,
            level=level,
        )


HIGH, MEDIUM, LOW = (
    models.QualityRating.HIGH,
    models.QualityRating.MEDIUM,
    models.QualityRating.LOW,
)


async def build_projects(db: Database) -> dict[str, models.CarbonProject]:
    """Four carbon projects, keyed by slug, differing in every filterable field."""
    rows = [
        ("p-redd", models.ProjectType.REDD_PLUS, models.PriorityArea.FOREST_PROTECTION,
         models.Registry.VERRA, "BR", models.MitigationType.REDUCTION, ["ABACUS", "ICVCM CCP"],
         (HIGH, MEDIUM, HIGH)),
        ("p-dac", models.ProjectType.DAC, models.PriorityArea.REMOVAL_TECHNOLOGY,
         models.Registry.ISOMETRIC, "US", models.MitigationType.REMOVAL, [], (None, None, None)),
        ("p-arr", models.ProjectType.ARR, models.PriorityArea.LAND_RESTORATION,
         models.Registry.GOLD_STANDARD, "KE", models.MitigationType.REMOVAL,
         ["CCB-Biodiversity Gold", "Forêt Durable"], (MEDIUM, LOW, None)),
        ("p-ods", models.ProjectType.ODS_DESTRUCTION, None, models.Registry.ACR, "US",
         models.MitigationType.REDUCTION, [], (LOW, HIGH, LOW)),
    ]  # fmt: skip
    projects = {}
    for slug, kind, priority, registry, country, mitigation, labels, ratings in rows:
        projects[slug] = await factories.make_project(
            db,
            slug=slug,
            project_type=kind,
            priority_area=priority,
            issuing_registry=registry,
            country=country,
            mitigation_type=mitigation,
            labels=labels,
            additionality_rating=ratings[0],
            quantification_rating=ratings[1],
            safeguards_rating=ratings[2],
            offer_price_cents=2500 if slug in {"p-redd", "p-dac"} else None,
        )
    return projects


async def build_carbon_projects(db: Database) -> None:
    await build_projects(db)


async def build_issuances(db: Database) -> None:
    """Three issuances, keyed by serial prefix, of the Verra and the Isometric project."""
    projects = await build_projects(db)
    for prefix, slug, vintage in [
        ("I-2019", "p-redd", 2019),
        ("I-2021", "p-redd", 2021),
        ("I-2023", "p-dac", 2023),
    ]:
        await factories.make_issuance(db, projects[slug], serial_prefix=prefix, vintage=vintage)


async def build_retirements(db: Database) -> None:
    """Four retirements, keyed by beneficiary name, two of them for the same company."""
    alpha = await factories.make_company(db, slug="alpha", name="Alpha Air", hq_country="US")
    beta = await factories.make_company(db, slug="beta", name="Beta Bank", hq_country="DE")
    reason = models.RetirementReason
    for name, claim_year, why, beneficiary in [
        ("R1", 2022, reason.CORPORATE_TARGET, alpha),
        ("R2", 2024, reason.RESIDUAL_EMISSIONS, beta),
        ("R3", None, reason.OTHER, None),
        ("R4", 2024, reason.CORPORATE_TARGET, alpha),
    ]:
        await factories.make_retirement(
            db,
            beneficiary_name=name,
            claim_year=claim_year,
            reason=why,
            beneficiary_company_id=beneficiary.id if beneficiary else None,
        )


@dataclass(frozen=True)
class Listing:
    """A root connection read with a `where` variable; each node's `key` names it."""

    name: str
    query: str
    build: Build
    keys: tuple[str, ...]


def listing(field: str, where_type: str, key: str, build: Build, keys: tuple[str, ...]) -> Listing:
    query = f"""
    query($where: {where_type}) {{
      list: {field}(first: 100, where: $where) {{ totalCount nodes {{ key: {key} }} }}
    }}
    """
    return Listing(field, query, build, keys)


COMPANIES = listing(
    "companies", "CompanyWhere", "slug", build_companies, ("acme", "bolt", "cargo", "delta", "echo")
)
SIGNATORIES = listing(
    "signatories", "CompanyWhere", "slug", build_companies, ("acme", "bolt", "delta")
)
ECO, BAMBOO, COFFEE, MUG, LANTERN = (
    "Eco Detergent Pods",
    "Bamboo Toothbrush",
    "Organic Coffee Beans",
    "Plain Mug",
    "Solar Lantern",
)
PRODUCTS = listing(
    "products", "ProductWhere", "title", build_products, (ECO, BAMBOO, COFFEE, MUG, LANTERN)
)
CERTIFICATIONS = listing(
    "certifications",
    "CertificationWhere",
    "slug",
    build_certifications,
    ("cert-us-de", "cert-jp", "cert-uk", "cert-facility"),
)
CARBON_PROJECTS = listing(
    "carbonProjects",
    "CarbonProjectWhere",
    "slug",
    build_carbon_projects,
    ("p-redd", "p-dac", "p-arr", "p-ods"),
)
ISSUANCES = listing(
    "issuances", "IssuanceWhere", "serialPrefix", build_issuances, ("I-2019", "I-2021", "I-2023")
)
RETIREMENTS = listing(
    "retirements", "RetirementWhere", "beneficiaryName", build_retirements, ("R1", "R2", "R3", "R4")
)
LISTINGS = [COMPANIES, SIGNATORIES, PRODUCTS, CERTIFICATIONS, CARBON_PROJECTS, ISSUANCES]
LISTINGS.append(RETIREMENTS)


def case(target: Listing, case_id: str, where: dict[str, Any], *expected: str) -> Any:
    return pytest.param(target, where, sorted(expected), id=f"{target.name}: {case_id}")


def eq(value: Any) -> dict[str, Any]:
    return {"eq": value}


def one_of(*values: Any) -> dict[str, Any]:
    return {"in": list(values)}


CASES = [
    # Companies and signatories.
    case(COMPANIES, "name contains, any case", {"name": {"contains": "ACME"}}, "acme", "cargo"),
    case(COMPANIES, "name startsWith, any case", {"name": {"startsWith": "aCmE"}}, "acme"),
    case(COMPANIES, "name startsWith, lower-case name", {"name": {"startsWith": "Delta"}}, "delta"),
    case(COMPANIES, "name eq", {"name": eq("Acme Outdoor")}, "acme"),
    case(COMPANIES, "name contains a literal %", {"name": {"contains": "0%"}}, "echo"),
    case(COMPANIES, "name contains a literal _", {"name": {"contains": "_"}}),
    case(COMPANIES, "slug eq with a NUL character", {"slug": eq("acme\x00")}),
    case(COMPANIES, "sector eq", {"sector": eq("Retail")}, "acme", "delta"),
    case(COMPANIES, "sector in", {"sector": one_of("Energy", "Logistics")}, "bolt", "cargo"),
    case(COMPANIES, "hqCountry in", {"hqCountry": one_of("US", "JP")}, "acme", "cargo"),
    case(COMPANIES, "isSignatory true", {"isSignatory": True}, "acme", "bolt", "delta"),
    case(COMPANIES, "isSignatory false", {"isSignatory": False}, "cargo", "echo"),
    case(COMPANIES, "signedOn eq", {"signedOn": eq("2019-09-19")}, "acme"),
    case(COMPANIES, "signedOn gte is inclusive", {"signedOn": {"gte": "2021-02-17"}},
         "bolt", "delta"),
    case(COMPANIES, "signedOn lte is inclusive", {"signedOn": {"lte": "2021-02-17"}},
         "acme", "bolt"),
    case(COMPANIES, "signedOn gt and lt are exclusive",
         {"signedOn": {"gt": "2021-02-17", "lt": "2023-06-30"}}),
    case(COMPANIES, "signedOn within a range",
         {"signedOn": {"gte": "2020-01-01", "lte": "2022-12-31"}}, "bolt"),
    case(COMPANIES, "netZeroTargetYear gte", {"netZeroTargetYear": {"gte": 2035}}, "acme", "delta"),
    case(COMPANIES, "netZeroTargetYear lte", {"netZeroTargetYear": {"lte": 2035}}, "bolt", "delta"),
    case(COMPANIES, "netZeroTargetYear eq", {"netZeroTargetYear": eq(2030)}, "bolt"),
    case(COMPANIES, "hasPublicEmissionsReport true", {"hasPublicEmissionsReport": True}, "acme"),
    case(COMPANIES, "hasPublicEmissionsReport false", {"hasPublicEmissionsReport": False},
         "bolt", "cargo", "delta", "echo"),
    case(COMPANIES, "OR of two names",
         {"OR": [{"name": eq("Bolt Energy")}, {"name": {"startsWith": "ech"}}]}, "bolt", "echo"),
    case(SIGNATORIES, "name contains keeps only signatories", {"name": {"contains": "acme"}},
         "acme"),
    case(SIGNATORIES, "isSignatory false leaves none", {"isSignatory": False}),
    case(SIGNATORIES, "sector and signedOn together",
         {"sector": eq("Retail"), "signedOn": {"gte": "2020-01-01"}}, "delta"),
    # Products.
    case(PRODUCTS, "asin eq", {"asin": eq("B000000002")}, BAMBOO),
    case(PRODUCTS, "asin in", {"asin": one_of("B000000001", "B000000005")}, ECO, LANTERN),
    case(PRODUCTS, "asin eq and in must both hold",
         {"asin": {"eq": "B000000001", "in": ["B000000002", "B000000003"]}}),
    case(PRODUCTS, "asin eq within its in list",
         {"asin": {"eq": "B000000001", "in": ["B000000001", "B000000002"]}}, ECO),
    case(PRODUCTS, "title contains, any case", {"title": {"contains": "BEAN"}}, COFFEE),
    case(PRODUCTS, "title startsWith, any case", {"title": {"startsWith": "solar"}}, LANTERN),
    case(PRODUCTS, "title contains a NUL character", {"title": {"contains": "Mug\x00"}}),
    case(PRODUCTS, "brand eq", {"brand": eq("BeanCo")}, COFFEE),
    case(PRODUCTS, "brand contains", {"brand": {"contains": "co"}}, ECO, COFFEE, MUG, LANTERN),
    case(PRODUCTS, "category eq", {"category": eq("HOUSEHOLD")}, ECO),
    case(PRODUCTS, "category in", {"category": one_of("BEAUTY", "KITCHEN")}, BAMBOO, MUG),
    case(PRODUCTS, "category eq and in must both hold",
         {"category": {"eq": "HOUSEHOLD", "in": ["BEAUTY", "KITCHEN"]}}),
    case(PRODUCTS, "marketplace eq", {"marketplace": eq("US")}, ECO, MUG),
    case(PRODUCTS, "marketplace in", {"marketplace": one_of("UK", "JP")}, BAMBOO, LANTERN),
    case(PRODUCTS, "price gte 12.5 includes 12.50", {"price": {"gte": "12.5"}},
         ECO, COFFEE, MUG, LANTERN),
    case(PRODUCTS, "price lte 12.5 includes 12.50", {"price": {"lte": "12.5"}}, ECO, BAMBOO, MUG),
    case(PRODUCTS, "price gte 12.51", {"price": {"gte": "12.51"}}, COFFEE, LANTERN),
    case(PRODUCTS, "price within a range", {"price": {"gte": "4.99", "lte": "12.49"}}, BAMBOO),
    case(PRODUCTS, "price of one exact amount", {"price": {"gte": "19.99", "lte": "19.99"}},
         COFFEE),
    case(PRODUCTS, "brandCompany hqCountry", {"brandCompany": {"hqCountry": eq("DE")}},
         COFFEE, LANTERN),
    case(PRODUCTS, "brandCompany name", {"brandCompany": {"name": {"contains": "brand"}}},
         ECO, BAMBOO),
    case(PRODUCTS, "brandCompany isSignatory false", {"brandCompany": {"isSignatory": False}},
         COFFEE, LANTERN),
    case(PRODUCTS, "certifications anyOf", {"certifications": {"anyOf": ["cert-a", "cert-b"]}},
         ECO, BAMBOO, COFFEE, LANTERN),
    case(PRODUCTS, "certifications allOf", {"certifications": {"allOf": ["cert-a", "cert-b"]}},
         ECO),
    case(PRODUCTS, "certifications allOf one", {"certifications": {"allOf": ["cert-a"]}},
         ECO, BAMBOO, COFFEE),
    case(PRODUCTS, "certifications allOf an unknown slug",
         {"certifications": {"allOf": ["cert-a", "no-such-cert"]}}),
    case(PRODUCTS, "certifications anyOf and allOf together",
         {"certifications": {"anyOf": ["cert-b", "cert-c"], "allOf": ["cert-a"]}}, ECO, COFFEE),
    case(PRODUCTS, "certificationCategory eq", {"certificationCategory": eq("CARBON")},
         ECO, LANTERN),
    case(PRODUCTS, "certificationCategory in",
         {"certificationCategory": one_of("ORGANIC", "FORESTRY")}, ECO, BAMBOO, COFFEE),
    case(PRODUCTS, "carbonRelated true", {"carbonRelated": True}, ECO, LANTERN),
    case(PRODUCTS, "carbonRelated false", {"carbonRelated": False}, BAMBOO, COFFEE, MUG),
    case(PRODUCTS, "friendly on a certificate's last day",
         {"climatePledgeFriendlyOn": "2022-12-31"}, ECO, COFFEE),
    case(PRODUCTS, "friendly the day after it", {"climatePledgeFriendlyOn": "2023-01-01"}, COFFEE),
    case(PRODUCTS, "friendly on a certificate's first day",
         {"climatePledgeFriendlyOn": "2023-03-01"}, BAMBOO, COFFEE),
    case(PRODUCTS, "friendly the day before it", {"climatePledgeFriendlyOn": "2023-02-28"},
         COFFEE),
    case(PRODUCTS, "friendly on the last day of the other",
         {"climatePledgeFriendlyOn": "2023-06-30"}, BAMBOO, COFFEE),
    case(PRODUCTS, "friendly long ago", {"climatePledgeFriendlyOn": "2020-01-01"}, LANTERN),
    case(PRODUCTS, "friendly under open-ended certificates",
         {"climatePledgeFriendlyOn": "2030-01-01"}, ECO, COFFEE),
    case(PRODUCTS, "certifiedSince gte counts the first certificate only",
         {"certifiedSince": {"gte": "2022-01-01"}}, ECO, BAMBOO),
    case(PRODUCTS, "certifiedSince lte", {"certifiedSince": {"lte": "2021-05-01"}},
         COFFEE, LANTERN),
    case(PRODUCTS, "certifiedSince eq", {"certifiedSince": eq("2023-03-01")}, BAMBOO),
    case(PRODUCTS, "OR of two asins",
         {"OR": [{"asin": eq("B000000001")}, {"asin": eq("B000000004")}]}, ECO, MUG),
    case(PRODUCTS, "AND of two conditions",
         {"AND": [{"marketplace": eq("US")}, {"carbonRelated": True}]}, ECO),
    case(PRODUCTS, "fields of one where combine with AND",
         {"marketplace": eq("US"), "price": {"lte": "12.5"}, "carbonRelated": False}, MUG),
    case(PRODUCTS, "nested OR inside AND",
         {"AND": [{"price": {"gte": "10"}},
                  {"OR": [{"category": eq("GROCERY")}, {"marketplace": eq("JP")}]}]},
         COFFEE, LANTERN),
    case(PRODUCTS, "AND inside OR",
         {"OR": [{"AND": [{"marketplace": eq("US")}, {"carbonRelated": False}]},
                 {"title": {"startsWith": "bamboo"}}]}, MUG, BAMBOO),
    case(PRODUCTS, "an empty AND list holds", {"AND": []}, ECO, BAMBOO, COFFEE, MUG, LANTERN),
    case(PRODUCTS, "an empty OR list has no condition that holds", {"OR": []}),
    # Certifications.
    case(CERTIFICATIONS, "category eq", {"category": eq("CARBON")}, "cert-us-de"),
    case(CERTIFICATIONS, "category in", {"category": one_of("PACKAGING", "ENERGY")},
         "cert-jp", "cert-facility"),
    case(CERTIFICATIONS, "carbonRelated true", {"carbonRelated": True}, "cert-us-de"),
    case(CERTIFICATIONS, "carbonRelated false", {"carbonRelated": False},
         "cert-jp", "cert-uk", "cert-facility"),
    case(CERTIFICATIONS, "amazonOwned true", {"amazonOwned": True}, "cert-jp"),
    case(CERTIFICATIONS, "amazonOwned false", {"amazonOwned": False},
         "cert-us-de", "cert-uk", "cert-facility"),
    case(CERTIFICATIONS, "marketplace US", {"marketplace": eq("US")}, "cert-us-de",
         "cert-facility"),
    case(CERTIFICATIONS, "marketplace DE", {"marketplace": eq("DE")}, "cert-us-de"),
    case(CERTIFICATIONS, "marketplace JP", {"marketplace": eq("JP")}, "cert-jp"),
    case(CERTIFICATIONS, "marketplace FR matches none", {"marketplace": eq("FR")}),
    case(CERTIFICATIONS, "marketplace in", {"marketplace": one_of("UK", "JP")}, "cert-jp",
         "cert-uk"),
    case(CERTIFICATIONS, "marketplace eq and in must both hold",
         {"marketplace": {"eq": "US", "in": ["JP"]}}),
    case(CERTIFICATIONS, "level eq", {"level": eq("BRAND")}, "cert-uk"),
    case(CERTIFICATIONS, "level in", {"level": one_of("PRODUCT", "FACILITY")},
         "cert-us-de", "cert-jp", "cert-facility"),
    case(CERTIFICATIONS, "OR of marketplace and level",
         {"OR": [{"marketplace": eq("JP")}, {"level": eq("FACILITY")}]}, "cert-jp",
         "cert-facility"),
    # Carbon projects.
    case(CARBON_PROJECTS, "priorityArea eq", {"priorityArea": eq("FOREST_PROTECTION")}, "p-redd"),
    case(CARBON_PROJECTS, "priorityArea in",
         {"priorityArea": one_of("LAND_RESTORATION", "REMOVAL_TECHNOLOGY")}, "p-arr", "p-dac"),
    case(CARBON_PROJECTS, "projectType eq", {"projectType": eq("DAC")}, "p-dac"),
    case(CARBON_PROJECTS, "projectType in", {"projectType": one_of("ARR", "REDD_PLUS")},
         "p-arr", "p-redd"),
    case(CARBON_PROJECTS, "registry eq", {"registry": eq("ISOMETRIC")}, "p-dac"),
    case(CARBON_PROJECTS, "registry in", {"registry": one_of("VERRA", "ACR")}, "p-redd", "p-ods"),
    case(CARBON_PROJECTS, "country eq", {"country": eq("US")}, "p-dac", "p-ods"),
    case(CARBON_PROJECTS, "country in", {"country": one_of("BR", "KE")}, "p-redd", "p-arr"),
    case(CARBON_PROJECTS, "mitigationType removal", {"mitigationType": eq("REMOVAL")},
         "p-dac", "p-arr"),
    case(CARBON_PROJECTS, "mitigationType reduction", {"mitigationType": eq("REDUCTION")},
         "p-redd", "p-ods"),
    case(CARBON_PROJECTS, "label eq, first of two", {"label": eq("ABACUS")}, "p-redd"),
    case(CARBON_PROJECTS, "label eq, second of two", {"label": eq("ICVCM CCP")}, "p-redd"),
    case(CARBON_PROJECTS, "label eq a prefix matches none", {"label": eq("ABA")}),
    case(CARBON_PROJECTS, "label eq a suffix matches none", {"label": eq("CCP")}),
    case(CARBON_PROJECTS, "label eq is case-sensitive", {"label": eq("abacus")}),
    case(CARBON_PROJECTS, "label eq, not ASCII", {"label": eq("Forêt Durable")}, "p-arr"),
    case(CARBON_PROJECTS, "label in", {"label": one_of("CCB-Biodiversity Gold", "ABACUS")},
         "p-redd", "p-arr"),
    case(CARBON_PROJECTS, "label eq and in must both hold",
         {"label": {"eq": "ABACUS", "in": ["CCB-Biodiversity Gold"]}}),
    case(CARBON_PROJECTS, "additionalityRating eq", {"additionalityRating": eq("HIGH")}, "p-redd"),
    case(CARBON_PROJECTS, "quantificationRating in",
         {"quantificationRating": one_of("LOW", "MEDIUM")}, "p-redd", "p-arr"),
    case(CARBON_PROJECTS, "safeguardsRating eq", {"safeguardsRating": eq("LOW")}, "p-ods"),
    case(CARBON_PROJECTS, "ratings together",
         {"additionalityRating": eq("HIGH"), "safeguardsRating": eq("HIGH")}, "p-redd"),
    case(CARBON_PROJECTS, "onOffer true", {"onOffer": True}, "p-redd", "p-dac"),
    case(CARBON_PROJECTS, "onOffer false", {"onOffer": False}, "p-arr", "p-ods"),
    # Issuances.
    case(ISSUANCES, "vintage gte", {"vintage": {"gte": 2021}}, "I-2021", "I-2023"),
    case(ISSUANCES, "vintage range", {"vintage": {"gte": 2019, "lte": 2021}}, "I-2019", "I-2021"),
    case(ISSUANCES, "vintage gt and lt", {"vintage": {"gt": 2019, "lt": 2023}}, "I-2021"),
    case(ISSUANCES, "vintage eq", {"vintage": eq(2023)}, "I-2023"),
    case(ISSUANCES, "project registry", {"project": {"registry": eq("VERRA")}},
         "I-2019", "I-2021"),
    case(ISSUANCES, "project country", {"project": {"country": eq("US")}}, "I-2023"),
    case(ISSUANCES, "project label", {"project": {"label": eq("ABACUS")}}, "I-2019", "I-2021"),
    case(ISSUANCES, "vintage and project",
         {"vintage": {"gte": 2020}, "project": {"registry": eq("VERRA")}}, "I-2021"),
    # Retirements.
    case(RETIREMENTS, "claimYear eq", {"claimYear": eq(2024)}, "R2", "R4"),
    case(RETIREMENTS, "claimYear lte", {"claimYear": {"lte": 2023}}, "R1"),
    case(RETIREMENTS, "reason eq", {"reason": eq("CORPORATE_TARGET")}, "R1", "R4"),
    case(RETIREMENTS, "reason in", {"reason": one_of("OTHER", "RESIDUAL_EMISSIONS")}, "R2", "R3"),
    case(RETIREMENTS, "beneficiary hqCountry", {"beneficiary": {"hqCountry": eq("DE")}}, "R2"),
    case(RETIREMENTS, "beneficiary name", {"beneficiary": {"name": {"startsWith": "alp"}}},
         "R1", "R4"),
    case(RETIREMENTS, "beneficiary and claimYear",
         {"beneficiary": {"slug": eq("alpha")}, "claimYear": {"gte": 2023}}, "R4"),
]  # fmt: skip


@pytest.mark.parametrize("target", LISTINGS, ids=lambda target: target.name)
async def test_listing_without_where_returns_every_row(
    gql: GraphQLClient, db: Database, target: Listing
) -> None:
    await target.build(db)

    data = await gql.data(target.query, where=None)

    assert sorted(node["key"] for node in data["list"]["nodes"]) == sorted(target.keys)
    assert data["list"]["totalCount"] == len(target.keys)


@pytest.mark.parametrize(("target", "where", "expected"), CASES)
async def test_where_returns_and_counts_exactly_the_matching_rows(
    gql: GraphQLClient, db: Database, target: Listing, where: dict[str, Any], expected: list[str]
) -> None:
    await target.build(db)

    data = await gql.data(target.query, where=where)

    assert sorted(node["key"] for node in data["list"]["nodes"]) == expected
    assert data["list"]["totalCount"] == len(expected)


def codes(errors: list[Any]) -> list[tuple[str, str | None]]:
    return [(error["extensions"]["code"], error["extensions"].get("field")) for error in errors]


@pytest.mark.parametrize(
    ("target", "where", "field"),
    [
        pytest.param(COMPANIES, {"signedOn": {"gte": "2024-01-01", "lte": "2020-01-01"}},
                     "signedOn", id="signedOn"),
        pytest.param(SIGNATORIES, {"netZeroTargetYear": {"gt": 2040, "lt": 2030}},
                     "netZeroTargetYear", id="netZeroTargetYear"),
        pytest.param(PRODUCTS, {"price": {"gte": "20", "lte": "10"}}, "price", id="price"),
        pytest.param(PRODUCTS, {"price": {"gte": "10.01", "lte": "10.00"}}, "price",
                     id="price by a cent"),
        pytest.param(PRODUCTS, {"certifiedSince": {"gte": "2024-01-01", "lte": "2023-12-31"}},
                     "certifiedSince", id="certifiedSince"),
        pytest.param(PRODUCTS, {"brandCompany": {"signedOn": {"gt": "2022-01-01",
                                                              "lte": "2021-01-01"}}},
                     "signedOn", id="signedOn under brandCompany"),
        pytest.param(ISSUANCES, {"vintage": {"gte": 2024, "lte": 2019}}, "vintage", id="vintage"),
        pytest.param(ISSUANCES, {"issuedOn": {"gte": "2024-01-01", "lt": "2023-01-01"}},
                     "issuedOn", id="issuedOn"),
        pytest.param(RETIREMENTS, {"claimYear": {"gte": 2025, "lte": 2020}}, "claimYear",
                     id="claimYear"),
        pytest.param(RETIREMENTS, {"retiredOn": {"gte": "2025-01-01", "lte": "2024-01-01"}},
                     "retiredOn", id="retiredOn"),
    ],
)  # fmt: skip
async def test_inverted_range_is_refused_with_bad_user_input_naming_the_field(
    gql: GraphQLClient, target: Listing, where: dict[str, Any], field: str
) -> None:
    errors = await gql.errors(target.query, where=where)

    assert codes(errors) == [("BAD_USER_INPUT", field)]
    assert errors[0]["path"] == ["list"]


@pytest.mark.parametrize(
    ("target", "where"),
    [
        pytest.param(PRODUCTS, {"category": eq("TOOLS")}, id="product category"),
        pytest.param(PRODUCTS, {"marketplace": one_of("US", "NL")}, id="product marketplace in"),
        pytest.param(PRODUCTS, {"certificationCategory": eq("carbon")}, id="lower-case value"),
        pytest.param(CERTIFICATIONS, {"level": eq("SITE")}, id="certification level"),
        pytest.param(CARBON_PROJECTS, {"registry": eq("VCS")}, id="project registry"),
        pytest.param(RETIREMENTS, {"reason": eq("OFFSET")}, id="retirement reason"),
    ],
)
async def test_unknown_enum_value_in_a_variable_is_refused_with_bad_user_input(
    gql: GraphQLClient, target: Listing, where: dict[str, Any]
) -> None:
    errors = await gql.errors(target.query, where=where)

    assert [error["extensions"]["code"] for error in errors] == ["BAD_USER_INPUT"]


async def test_unknown_enum_literal_is_refused_with_validation_failed(gql: GraphQLClient) -> None:
    # The literal is the point of this test: a variable would be checked as input instead.
    query = """
    query($first: Int!) { products(first: $first, where: {category: {eq: TOOLS}}) { totalCount } }
    """

    errors = await gql.errors(query, first=5)

    assert [error["extensions"]["code"] for error in errors] == ["GRAPHQL_VALIDATION_FAILED"]


@pytest.mark.parametrize(
    ("target", "where"),
    [
        pytest.param(PRODUCTS, {"climatePledgeFriendlyOn": "2024-02-30"}, id="no such day"),
        pytest.param(PRODUCTS, {"certifiedSince": {"gte": "yesterday"}}, id="a word"),
        pytest.param(COMPANIES, {"signedOn": {"lte": "2021/02/17"}}, id="slashes"),
        pytest.param(ISSUANCES, {"issuedOn": {"eq": "17-02-2021"}}, id="day first"),
        pytest.param(RETIREMENTS, {"retiredOn": {"gt": 20240101}}, id="a number"),
    ],
)
async def test_malformed_date_in_a_variable_is_refused_with_bad_user_input(
    gql: GraphQLClient, target: Listing, where: dict[str, Any]
) -> None:
    errors = await gql.errors(target.query, where=where)

    assert [error["extensions"]["code"] for error in errors] == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(
    "amount",
    [
        pytest.param("1.001", id="three decimals"),
        pytest.param("0.005", id="half a cent"),
        pytest.param("1e-3", id="exponent below a cent"),
    ],
)
async def test_price_with_more_than_two_decimals_is_refused_with_bad_user_input(
    gql: GraphQLClient, amount: str
) -> None:
    errors = await gql.errors(PRODUCTS.query, where={"price": {"gte": amount}})

    assert codes(errors) == [("BAD_USER_INPUT", "price")]


@pytest.mark.parametrize(
    "amount",
    [
        pytest.param("Infinity", id="infinity"),
        pytest.param("NaN", id="not a number"),
        pytest.param("1e30", id="beyond any stored price"),
        pytest.param("twelve", id="a word"),
    ],
)
async def test_price_that_is_no_amount_is_refused_with_bad_user_input(
    gql: GraphQLClient, amount: str
) -> None:
    errors = await gql.errors(PRODUCTS.query, where={"price": {"lte": amount}})

    assert [error["extensions"]["code"] for error in errors] == ["BAD_USER_INPUT"]


TOO_MANY = [f"V{i:09d}" for i in range(101)]


@pytest.mark.parametrize(
    ("target", "where", "field"),
    [
        pytest.param(PRODUCTS, {"asin": {"in": TOO_MANY}}, "asin", id="product asin"),
        pytest.param(PRODUCTS, {"title": {"in": TOO_MANY}}, "title", id="product title"),
        pytest.param(PRODUCTS, {"category": {"in": ["GROCERY"] * 101}}, "category",
                     id="product category"),
        pytest.param(PRODUCTS, {"certifications": {"anyOf": TOO_MANY}}, "certifications",
                     id="certifications anyOf"),
        pytest.param(PRODUCTS, {"certifications": {"allOf": TOO_MANY}}, "certifications",
                     id="certifications allOf"),
        pytest.param(PRODUCTS, {"certificationCategory": {"in": ["CARBON"] * 101}},
                     "certificationCategory", id="product certificationCategory"),
        pytest.param(COMPANIES, {"hqCountry": {"in": TOO_MANY}}, "hqCountry",
                     id="company hqCountry"),
        pytest.param(CERTIFICATIONS, {"marketplace": {"in": ["US"] * 101}}, "marketplace",
                     id="certification marketplace"),
        pytest.param(CARBON_PROJECTS, {"label": {"in": TOO_MANY}}, "label", id="project label"),
    ],
)  # fmt: skip
async def test_in_list_of_101_values_is_refused_with_bad_user_input(
    gql: GraphQLClient, target: Listing, where: dict[str, Any], field: str
) -> None:
    errors = await gql.errors(target.query, where=where)

    assert codes(errors) == [("BAD_USER_INPUT", field)]


async def test_in_list_of_100_values_is_accepted(gql: GraphQLClient, db: Database) -> None:
    await build_products(db)

    data = await gql.data(PRODUCTS.query, where={"asin": {"in": [*TOO_MANY[:99], "B000000003"]}})

    assert data["list"] == {"totalCount": 1, "nodes": [{"key": COFFEE}]}


def nested(levels: int, leaf: dict[str, Any]) -> dict[str, Any]:
    """A where holding `leaf` under `levels` nested AND lists."""
    where = leaf
    for _ in range(levels):
        where = {"AND": [where]}
    return where


@pytest.mark.parametrize(
    ("leaf", "expected"),
    [
        pytest.param({"isSignatory": True}, ["acme", "bolt", "delta"], id="boolean leaf"),
        pytest.param({"name": {"contains": "acme"}}, ["acme"], id="text filter leaf"),
        pytest.param({"signedOn": {"gte": "2021-01-01"}}, ["bolt", "delta"], id="range leaf"),
    ],
)
async def test_where_nested_to_the_limit_is_accepted_whatever_its_leaf(
    gql: GraphQLClient, db: Database, leaf: dict[str, Any], expected: list[str]
) -> None:
    await build_companies(db)

    data = await gql.data(SIGNATORIES.query, where=nested(4, leaf))

    assert sorted(node["key"] for node in data["list"]["nodes"]) == expected


@pytest.mark.parametrize(
    ("levels", "leaf"),
    [
        pytest.param(5, {"isSignatory": True}, id="one level too deep"),
        pytest.param(5, {"name": {"contains": "acme"}}, id="one level too deep, text leaf"),
        pytest.param(12, {"isSignatory": True}, id="far too deep"),
    ],
)
async def test_where_nested_deeper_than_the_limit_is_refused_with_bad_user_input(
    gql: GraphQLClient, levels: int, leaf: dict[str, Any]
) -> None:
    errors = await gql.errors(SIGNATORIES.query, where=nested(levels, leaf))

    assert codes(errors) == [("BAD_USER_INPUT", "where")]


async def test_where_nested_too_deep_through_a_relation_is_refused_with_bad_user_input(
    gql: GraphQLClient,
) -> None:
    where = {"brandCompany": nested(6, {"isSignatory": True})}

    errors = await gql.errors(PRODUCTS.query, where=where)

    assert codes(errors) == [("BAD_USER_INPUT", "where")]
