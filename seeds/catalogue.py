"""Companies, pledge signatures, emissions reports, certifications, products and certificates."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate, pairwise
from typing import Any

from models import (
    CLIMATE_PLEDGE_FRIENDLY_LAUNCH,
    MARKETPLACE_CURRENCY,
    SECTORS,
    Marketplace,
    ProductCategory,
    Provenance,
)
from models import CertificationCategory as Cat
from seeds.facts import FACTS
from seeds.scale import Scale

Row = dict[str, Any]
REPORT_YEARS = range(2019, 2026)
CPF_LAUNCH = CLIMATE_PLEDGE_FRIENDLY_LAUNCH
SEED_TODAY = date(2026, 11, 1)  # fixed, so that every run produces the same rows

# The pledge's published growth (DOMAIN.md §2.2): (date, cumulative signatories).
SIGNATORY_CURVE = [
    (date(2019, 9, 19), 1),
    (date(2020, 6, 16), 4),
    (date(2020, 12, 9), 31),
    (date(2021, 2, 17), 53),
    (date(2021, 4, 21), 105),
    (date(2021, 9, 20), 201),
    (date(2022, 3, 14), 312),
    (date(2024, 6, 14), 500),
    (date(2025, 3, 19), 554),
]

NAME_STEMS = [
    "Aurora",
    "Blue",
    "Cedar",
    "Delta",
    "Ember",
    "Fjord",
    "Granite",
    "Harbor",
    "Iris",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Meridian",
    "Nimbus",
    "Orchid",
    "Pioneer",
    "Quarry",
    "Riverstone",
    "Summit",
    "Tidal",
    "Umber",
    "Vantage",
    "Willow",
    "Xylem",
    "Yarrow",
    "Zenith",
    "Alder",
    "Beacon",
    "Cobalt",
    "Driftwood",
    "Evergreen",
    "Foxglove",
    "Glacier",
    "Heron",
    "Indigo",
    "Jasper",
]
NAME_TAILS = [
    "Group",
    "Holdings",
    "Industries",
    "Partners",
    "Labs",
    "Systems",
    "Works",
    "Collective",
    "Brands",
    "Co.",
    "International",
]

MARKETPLACE_WEIGHTS = {
    Marketplace.US: 45,
    Marketplace.UK: 12,
    Marketplace.DE: 14,
    Marketplace.FR: 8,
    Marketplace.IT: 6,
    Marketplace.ES: 6,
    Marketplace.JP: 4,
    Marketplace.AU: 2,
    Marketplace.MX: 1.5,
    Marketplace.BR: 1.5,
}

# Per department: what its products are and which kinds of certification they carry.
DEPARTMENTS: dict[ProductCategory, tuple[tuple[str, ...], tuple[Cat, ...], tuple[int, int]]] = {
    ProductCategory.GROCERY: (
        ("Coffee Beans", "Green Tea", "Dark Chocolate", "Rolled Oats", "Olive Oil", "Honey"),
        (Cat.ORGANIC, Cat.FAIR_TRADE, Cat.FARMING, Cat.CARBON, Cat.PACKAGING),
        (299, 2499),
    ),
    ProductCategory.HOUSEHOLD: (
        ("Laundry Detergent", "Dish Soap", "Paper Towels", "Surface Cleaner", "Trash Bags"),
        (Cat.CHEMICALS, Cat.PACKAGING, Cat.MULTI, Cat.CARBON, Cat.FORESTRY, Cat.RECYCLED),
        (399, 3499),
    ),
    ProductCategory.FASHION: (
        ("T-Shirt", "Hoodie", "Jeans", "Wool Sweater", "Down Jacket", "Sneakers", "Socks"),
        (Cat.ORGANIC, Cat.RECYCLED, Cat.CHEMICALS, Cat.ANIMAL_WELFARE, Cat.FAIR_TRADE),
        (1299, 19999),
    ),
    ProductCategory.BEAUTY: (
        ("Shampoo Bar", "Body Lotion", "Face Cream", "Lip Balm", "Deodorant", "Toothpaste"),
        (Cat.ORGANIC, Cat.CHEMICALS, Cat.PACKAGING, Cat.CARBON),
        (349, 4999),
    ),
    ProductCategory.ELECTRONICS: (
        ("Laptop", "Monitor", "Printer", "Wireless Mouse", "Keyboard", "Headphones", "Tablet"),
        (Cat.ENERGY, Cat.MULTI, Cat.CARBON, Cat.CIRCULAR, Cat.RECYCLED),
        (1999, 149999),
    ),
    ProductCategory.OFFICE: (
        ("Copy Paper", "Notebook", "Envelopes", "Sticky Notes", "Desk Organizer"),
        (Cat.FORESTRY, Cat.RECYCLED, Cat.MULTI, Cat.CARBON),
        (199, 4999),
    ),
    ProductCategory.HOME: (
        ("Bath Towel", "Bed Sheets", "Cushion", "Bookshelf", "Rug", "Candle"),
        (Cat.FORESTRY, Cat.MULTI, Cat.RECYCLED, Cat.CHEMICALS, Cat.ORGANIC, Cat.CIRCULAR),
        (999, 29999),
    ),
    ProductCategory.KITCHEN: (
        ("Water Bottle", "Food Storage Set", "Frying Pan", "Cutting Board", "Travel Mug"),
        (Cat.MULTI, Cat.RECYCLED, Cat.PACKAGING, Cat.FORESTRY),
        (799, 9999),
    ),
    ProductCategory.TOYS: (
        ("Building Blocks", "Puzzle", "Plush Bear", "Wooden Train", "Board Game"),
        (Cat.FORESTRY, Cat.RECYCLED, Cat.CHEMICALS, Cat.ORGANIC),
        (899, 7999),
    ),
    ProductCategory.PET: (
        ("Dog Food", "Cat Litter", "Chew Toy", "Pet Bed", "Poop Bags"),
        (Cat.ORGANIC, Cat.PACKAGING, Cat.RECYCLED, Cat.CHEMICALS),
        (499, 8999),
    ),
    ProductCategory.BABY: (
        ("Baby Wipes", "Diapers", "Onesie", "Baby Lotion", "Swaddle Blanket"),
        (Cat.ORGANIC, Cat.CHEMICALS, Cat.PACKAGING, Cat.RECYCLED),
        (599, 5999),
    ),
    ProductCategory.SPORTS: (
        ("Yoga Mat", "Running Shorts", "Backpack", "Water Bottle", "Rain Jacket"),
        (Cat.RECYCLED, Cat.CHEMICALS, Cat.ANIMAL_WELFARE, Cat.CIRCULAR),
        (1499, 24999),
    ),
}
ADJECTIVES = [
    "Eco",
    "Classic",
    "Everyday",
    "Ultra",
    "Pure",
    "Gentle",
    "Fresh",
    "Compact",
    "Refillable",
    "Natural",
    "Essential",
    "Premium",
]
SIZES = ("", "", "Small", "Medium", "Large", "2-Pack", "4-Pack", "Family Size", "Travel Size")

# Product brands that belong to a known signatory (DOMAIN.md §1.1 and §5).
REAL_BRANDS = {
    "unilever": ("Seventh Generation", "Cif", "Dove"),
    "procter-and-gamble": ("Tide", "Pampers"),
    "hp": ("HP",),
    "colgate-palmolive": ("Colgate", "Hill's"),
    "reckitt": ("Finish", "Dettol"),
    "logitech": ("Logitech",),
    "sony": ("Sony",),
    "vaude": ("Vaude",),
    "brooks-running": ("Brooks",),
    "miir": ("MiiR",),
    "amazon": ("Amazon Basics", "Happy Belly", "Amazon Elements"),
}


def _curve_date(position: float) -> date:
    """The date by which `position` signatories had signed, on the published growth curve."""
    for (d0, n0), (d1, n1) in pairwise(SIGNATORY_CURVE):
        if position <= n1:
            share = (position - n0) / (n1 - n0)
            return d0 + timedelta(days=round(share * (d1 - d0).days))
    return SIGNATORY_CURVE[-1][0]


@dataclass
class Catalogue:
    """Builds the catalogue rows; ids are assigned in a fixed order so reruns match."""

    scale: Scale
    companies: list[Row] = field(default_factory=list)
    signatures: list[Row] = field(default_factory=list)
    emissions_reports: list[Row] = field(default_factory=list)
    buyer_commitments: list[Row] = field(default_factory=list)
    certifications: list[Row] = field(default_factory=list)
    company_ids: dict[str, int] = field(default_factory=dict)
    buyer_ids: list[int] = field(default_factory=list)
    brands: list[tuple[str, int | None]] = field(default_factory=list)

    def build(self) -> Catalogue:
        self._real_companies()
        self._generated_companies()
        self._emissions_reports()
        self._buyer_commitments()
        self._certifications()
        self._brands()
        return self

    def _add_company(self, row: Row) -> int:
        row["id"] = len(self.companies) + 1
        self.companies.append(row)
        self.company_ids[row["slug"]] = row["id"]
        return int(row["id"])

    def _real_companies(self) -> None:
        for fact in FACTS.companies:
            company_id = self._add_company(
                {
                    "slug": fact.slug,
                    "name": fact.name,
                    "sector": fact.sector,
                    "hq_country": fact.hq_country,
                    "website": fact.website,
                    "provenance": fact.provenance,
                    "source_url": fact.source_url,
                }
            )
            self.buyer_ids.append(company_id)
            if fact.signed_on is not None:
                self.signatures.append(
                    {
                        "id": len(self.signatures) + 1,
                        "company_id": company_id,
                        "signed_on": fact.signed_on,
                        "net_zero_target_year": fact.net_zero_target_year or 2040,
                        "provenance": fact.signature_provenance or fact.provenance,
                        "source_url": fact.source_url,
                    }
                )

    def _generated_companies(self) -> None:
        rng = random.Random("companies")
        countries = ("US", "GB", "DE", "FR", "JP", "IN", "ES", "NL", "SE", "CA", "BR", "AU", "IT")
        missing_signatories = self.scale.signatories - len(self.signatures)
        for n in range(missing_signatories + self.scale.other_companies):
            name = f"{rng.choice(NAME_STEMS)} {rng.choice(NAME_STEMS)} {rng.choice(NAME_TAILS)}"
            slug = f"{name.lower().replace(' ', '-').replace('.', '')}-{n + 1}"
            company_id = self._add_company(
                {
                    "slug": slug,
                    "name": name,
                    "sector": rng.choice(SECTORS),
                    "hq_country": rng.choice(countries),
                    "website": f"https://{slug}.example",
                    "provenance": Provenance.GENERATED,
                    "source_url": None,
                }
            )
            if n < missing_signatories:
                self.buyer_ids.append(company_id)
                self.signatures.append(
                    {
                        "id": len(self.signatures) + 1,
                        "company_id": company_id,
                        "signed_on": _curve_date(rng.uniform(2, self.scale.signatories)),
                        "net_zero_target_year": 2040
                        if rng.random() < 0.9
                        else rng.randint(2030, 2039),
                        "provenance": Provenance.GENERATED,
                        "source_url": None,
                    }
                )

    def _emissions_reports(self) -> None:
        """Synthetic yearly reports for every signatory and buyer; buyers always report publicly."""
        rng = random.Random("emissions")
        for company_id in self.buyer_ids:
            base = rng.lognormvariate(12.5, 1.3) + 50_000
            for year in REPORT_YEARS:
                trend = 1 - 0.03 * (year - 2019) + rng.uniform(-0.05, 0.05)
                total = base * trend
                self.emissions_reports.append(
                    {
                        "id": len(self.emissions_reports) + 1,
                        "company_id": company_id,
                        "year": year,
                        "scope_1_tco2e": round(total * 0.08),
                        "scope_2_tco2e": round(total * 0.12),
                        "scope_3_tco2e": round(total * 0.80),
                        "public_url": f"https://reports.example/{company_id}/{year}.pdf",
                        "provenance": Provenance.GENERATED,
                    }
                )

    def _buyer_commitments(self) -> None:
        """Demo declarations to the credit exchange: most buyers meet every condition."""
        rng = random.Random("commitments")
        targets = {row["company_id"]: row["net_zero_target_year"] for row in self.signatures}
        declared_at = datetime(SEED_TODAY.year, 1, 15, tzinfo=UTC)
        for company_id in self.buyer_ids:
            self.buyer_commitments.append(
                {
                    "company_id": company_id,
                    "net_zero_target_year": targets.get(company_id, 2050),
                    "target_covers_scopes_1_to_3": rng.random() < 0.95,
                    "target_evidence_url": f"https://reports.example/{company_id}/net-zero.pdf",
                    "residual_use_attested_at": declared_at if rng.random() < 0.85 else None,
                    "updated_at": declared_at,
                    "provenance": Provenance.GENERATED,
                }
            )

    def _certifications(self) -> None:
        for n, fact in enumerate(FACTS.certifications, start=1):
            self.certifications.append(
                {
                    "id": n,
                    "slug": fact.slug,
                    "name": fact.name,
                    "issuer": fact.issuer,
                    "category": fact.category,
                    "carbon_related": fact.carbon_related,
                    "amazon_owned": fact.amazon_owned,
                    "level": fact.level,
                    "marketplaces": list(fact.marketplaces),
                    "description": fact.description,
                    "url": fact.url,
                    "recognized_since": fact.recognized_since,
                    "provenance": fact.provenance,
                    "source_url": fact.source_url,
                }
            )

    def _brands(self) -> None:
        for slug, names in REAL_BRANDS.items():
            self.brands.extend((name, self.company_ids[slug]) for name in names)
        generated = self.companies[len(FACTS.companies) :]
        rng = random.Random("brands")
        for company in rng.sample(generated, k=min(len(generated), 400)):
            self.brands.append(
                (company["name"].split()[0] + " " + rng.choice(NAME_TAILS), company["id"])
            )
        self.brands.extend((f"{stem} & Co", None) for stem in NAME_STEMS)

    def products(self) -> Iterator[tuple[Row, list[Row]]]:
        """Products, each with its 1-3 certificates, streamed so memory stays flat."""
        rng = random.Random("products")
        pools = self._certification_pools()
        markets = list(MARKETPLACE_WEIGHTS)
        cumulative = list(accumulate(MARKETPLACE_WEIGHTS.values()))
        departments = list(DEPARTMENTS)
        certificate_id = 0
        span = (SEED_TODAY - CPF_LAUNCH).days
        for n in range(1, self.scale.products + 1):
            department = departments[n % len(departments)]
            nouns, _, (low, high) = DEPARTMENTS[department]
            marketplace = rng.choices(markets, cum_weights=cumulative)[0]
            brand, brand_company_id = self.brands[rng.randrange(len(self.brands))]
            size = rng.choice(SIZES)
            title = f"{brand} {rng.choice(ADJECTIVES)} {rng.choice(nouns)}" + (
                f", {size}" if size else ""
            )
            product = {
                "id": n,
                "asin": f"B{n:09d}",
                "title": title,
                "brand": brand,
                "brand_company_id": brand_company_id,
                "category": department,
                "marketplace": marketplace,
                "price_cents": rng.randint(low, high),
                "price_currency": MARKETPLACE_CURRENCY[marketplace],
                "provenance": Provenance.GENERATED,
            }
            pool = pools[department, marketplace]
            certificates = []
            for certification_id in rng.sample(pool, k=min(len(pool), rng.choice((1, 1, 2, 2, 3)))):
                certificate_id += 1
                valid_from = CPF_LAUNCH + timedelta(days=rng.randrange(span))
                lasts = rng.random() < 0.35
                certificates.append(
                    {
                        "id": certificate_id,
                        "product_id": n,
                        "certification_id": certification_id,
                        "certificate_number": f"{certification_id:02d}-{certificate_id:08d}",
                        "valid_from": valid_from,
                        "valid_to": valid_from + timedelta(days=rng.randint(365, 1095))
                        if lasts
                        else None,
                    }
                )
            yield product, certificates

    def _certification_pools(self) -> dict[tuple[ProductCategory, Marketplace], list[int]]:
        pools = {}
        for department, (_, categories, _) in DEPARTMENTS.items():
            for marketplace in Marketplace:
                pools[department, marketplace] = [
                    row["id"]
                    for row in self.certifications
                    if row["category"] in categories and marketplace in row["marketplaces"]
                ] or [self._certification_id("compact-by-design")]
        return pools

    def _certification_id(self, slug: str) -> int:
        return next(int(row["id"]) for row in self.certifications if row["slug"] == slug)
