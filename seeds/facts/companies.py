"""Named Climate Pledge signatories and the other real companies in DOMAIN.md (§2.3, §3, §4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final, TypeAlias

from .records import CompanyFact

SOURCED: Final = "sourced"
UNCONFIRMED: Final = "unconfirmed"
PLEDGE_TARGET_YEAR: Final = 2040

# The sectors named below; models.SECTORS is the vocabulary they belong to.
TECHNOLOGY: Final = "Technology"
CONSUMER_GOODS: Final = "Consumer goods"
RETAIL: Final = "Retail"
TRANSPORT_LOGISTICS: Final = "Transport & logistics"
AVIATION_AEROSPACE: Final = "Aviation & aerospace"
AUTOMOTIVE_MOBILITY: Final = "Automotive & mobility"
ENERGY: Final = "Energy"
REAL_ESTATE_CONSTRUCTION: Final = "Real estate & construction"
PROFESSIONAL_SERVICES: Final = "Professional services"
FOOD_BEVERAGE: Final = "Food & beverage"
TELECOMMUNICATIONS: Final = "Telecommunications"
FINANCIAL_SERVICES: Final = "Financial services"
MEDIA_ENTERTAINMENT: Final = "Media & entertainment"
INDUSTRIAL: Final = "Industrial"
APPAREL_FOOTWEAR: Final = "Apparel & footwear"
FOREST_PRODUCTS: Final = "Forest products"
AGRICULTURE: Final = "Agriculture"
SPORTS: Final = "Sports"
TRAVEL_HOSPITALITY: Final = "Travel & hospitality"
HEALTHCARE: Final = "Healthcare"


CARBONPLAN_OFFSETS_DB: Final = "https://github.com/carbonplan/offsets-db-data"
EXCHANGE_LAUNCH_SOURCE: Final = (
    "https://reccessary.com/en/news/world-announcement/"
    "amazon-expands-sustainability-efforts-carbon-credit-service"
)


@dataclass(frozen=True)
class _Announcement:
    """One public announcement that named a batch of signatories."""

    signed_on: date
    source_url: str
    date_provenance: str = SOURCED


# slug, name, sector, HQ country (ISO 3166-1 alpha-2), website
_Row: TypeAlias = tuple[str, str, str, str, str | None]


def _signatories(announcement: _Announcement, rows: tuple[_Row, ...]) -> tuple[CompanyFact, ...]:
    return tuple(
        CompanyFact(
            slug=slug,
            name=name,
            sector=sector,
            hq_country=hq_country,
            website=website,
            provenance=SOURCED,
            source_url=announcement.source_url,
            signed_on=announcement.signed_on,
            net_zero_target_year=PLEDGE_TARGET_YEAR,
            signature_provenance=announcement.date_provenance,
        )
        for slug, name, sector, hq_country, website in rows
    )


FOUNDING: Final = _Announcement(
    date(2019, 9, 19), "https://jobs.climatebase.org/company/8318/the-climate-pledge/"
)
FIRST_OUTSIDE_SIGNATORIES: Final = _Announcement(
    date(2020, 6, 16),
    "https://www.informationtechnologyzone.com/infosys/?open-article-id=13916245",
)
MERCEDES_BENZ: Final = _Announcement(
    date(2020, 8, 28), "https://ngtnews.com/mercedes-benz-to-deliver-1800-evs-to-amazons-fleet"
)
SEPTEMBER_2020: Final = _Announcement(
    date(2020, 9, 24),
    "https://www.sttinfo.fi/tiedote/"
    "best-buy-mckinstry-real-betis-schneider-electric-and-siemens-sign-the-climate-pledge"
    "?publisherId=58763726&releaseId=69889819",
)
WEB_SUMMIT_2020: Final = _Announcement(
    date(2020, 12, 2),
    "https://www.businessgreen.com/news/4024411/"
    "rivian-uber-cabify-pledge-net-zero-2040-sign-amazon-climate-pledge",
)
DECEMBER_2020: Final = _Announcement(
    date(2020, 12, 9),
    "https://www.thestreet.com/press-releases/"
    "unilever-microsoft-brooks-neste-and-itv-are-among-13-more-companies-to-join-the-climate-pledge"
    "-15511501",
)
FEBRUARY_2021: Final = _Announcement(
    date(2021, 2, 17),
    "https://www.aboutamazon.com/news/sustainability/"
    "20-more-companies-from-around-the-globe-join-the-climate-pledge",
)
APRIL_2021: Final = _Announcement(
    date(2021, 4, 21),
    "https://www.aboutamazon.com.au/news/sustainability/"
    "the-climate-pledge-celebrates-more-than-100-signatories",
)
APRIL_2021_UK: Final = _Announcement(
    date(2021, 4, 21),
    "https://www.theveganreview.com/the-climate-pledge-100-signatories-net-zero-2040-amazon/",
)
SEPTEMBER_2021: Final = _Announcement(
    date(2021, 9, 20),
    "https://www.aboutamazon.com/news/sustainability/the-climate-pledge-announces-86-new-signatories",
)
SEPTEMBER_2021_UK: Final = _Announcement(
    date(2021, 9, 20),
    "https://www.businessgreen.com/news/4037397/"
    "climate-pledge-cent-global-emissions-covered-net-zero-2040-commitment",
)
MARCH_2022: Final = _Announcement(
    date(2022, 3, 14),
    "https://www.environmentalleader.com/2022/03/maersk-sap-and-weyerhaeuser-join-climate-pledge/",
)
MARCH_2022_INDIA: Final = _Announcement(
    date(2022, 3, 14),
    "https://www.aninews.in/news/business/business/"
    "the-climate-pledge-announces-nearly-100-new-signatories-including-tech-mahindra-maersk-sap"
    "-and-harman-bringing-the-total-to-more-than-300-companies-committed-worldwide"
    "20220319140028/",
)
MARCH_2022_FUND: Final = _Announcement(
    date(2022, 3, 14),
    "https://itpro.com/business-strategy/sustainability/366975/"
    "the-climate-pledge-attracts-almost-100-new-signatories",
)
MARCH_2022_PACHAMA: Final = _Announcement(
    date(2022, 3, 14),
    "https://www.finanznachrichten.de/nachrichten-2022-03/"
    "55506009-amazon-says-300-companies-signed-the-climate-pledge-020.htm",
)
# DOMAIN.md only bounds these two by 2023 (named in the ZEMBA announcement); the day is a guess.
UNDATED_BY_2023: Final = _Announcement(
    date(2023, 1, 1),
    "https://www.aboutamazon.com/news/sustainability/what-is-the-climate-pledge",
    UNCONFIRMED,
)
JUNE_2024: Final = _Announcement(
    date(2024, 6, 14),
    "http://amznclimate-prod.adobecqms.net/us/en/Stories/the-climate-pledge-now-has-over-500-signatories",
)

SIGNATORIES: tuple[CompanyFact, ...] = (
    *_signatories(FOUNDING, (("amazon", "Amazon", RETAIL, "US", "https://www.amazon.com"),)),
    *_signatories(
        FIRST_OUTSIDE_SIGNATORIES,
        (
            ("verizon", "Verizon", TELECOMMUNICATIONS, "US", "https://www.verizon.com"),
            ("infosys", "Infosys", TECHNOLOGY, "IN", "https://www.infosys.com"),
            ("reckitt", "Reckitt", CONSUMER_GOODS, "GB", "https://www.reckitt.com"),
        ),
    ),
    *_signatories(
        MERCEDES_BENZ,
        (
            (
                "mercedes-benz",
                "Mercedes-Benz",
                AUTOMOTIVE_MOBILITY,
                "DE",
                "https://www.mercedes-benz.com",
            ),
        ),
    ),
    *_signatories(
        SEPTEMBER_2020,
        (
            ("best-buy", "Best Buy", RETAIL, "US", "https://www.bestbuy.com"),
            ("mckinstry", "McKinstry", REAL_ESTATE_CONSTRUCTION, "US", "https://www.mckinstry.com"),
            ("real-betis", "Real Betis", SPORTS, "ES", "https://www.realbetisbalompie.es"),
            ("schneider-electric", "Schneider Electric", INDUSTRIAL, "FR", "https://www.se.com"),
            ("siemens", "Siemens", INDUSTRIAL, "DE", "https://www.siemens.com"),
        ),
    ),
    *_signatories(
        WEB_SUMMIT_2020,
        (
            (
                "boom-supersonic",
                "Boom Supersonic",
                AVIATION_AEROSPACE,
                "US",
                "https://boomsupersonic.com",
            ),
            ("cabify", "Cabify", AUTOMOTIVE_MOBILITY, "ES", "https://cabify.com"),
            ("jetblue", "JetBlue", AVIATION_AEROSPACE, "US", "https://www.jetblue.com"),
            ("rivian", "Rivian", AUTOMOTIVE_MOBILITY, "US", "https://rivian.com"),
            ("uber", "Uber", AUTOMOTIVE_MOBILITY, "US", "https://www.uber.com"),
        ),
    ),
    *_signatories(
        DECEMBER_2020,
        (
            ("atos", "Atos", TECHNOLOGY, "FR", "https://atos.net"),
            (
                "brooks-running",
                "Brooks Running",
                APPAREL_FOOTWEAR,
                "US",
                "https://www.brooksrunning.com",
            ),
            (
                "canary-wharf-group",
                "Canary Wharf Group",
                REAL_ESTATE_CONSTRUCTION,
                "GB",
                "https://group.canarywharf.com",
            ),
            (
                "coca-cola-europacific-partners",
                "Coca-Cola Europacific Partners",
                FOOD_BEVERAGE,
                "GB",
                "https://www.cocacolaep.com",
            ),
            ("erm", "ERM", PROFESSIONAL_SERVICES, "GB", "https://www.erm.com"),
            ("groupe-seb", "Groupe SEB", CONSUMER_GOODS, "FR", "https://www.groupeseb.com"),
            ("harbour-air", "Harbour Air", AVIATION_AEROSPACE, "CA", "https://www.harbourair.com"),
            ("itv", "ITV", MEDIA_ENTERTAINMENT, "GB", "https://www.itv.com"),
            ("microsoft", "Microsoft", TECHNOLOGY, "US", "https://www.microsoft.com"),
            ("neste", "Neste", ENERGY, "FI", "https://www.neste.com"),
            ("rubicon", "Rubicon", TECHNOLOGY, "US", "https://www.rubicon.com"),
            ("unilever", "Unilever", CONSUMER_GOODS, "GB", "https://www.unilever.com"),
            ("vaude", "Vaude", APPAREL_FOOTWEAR, "DE", "https://www.vaude.com"),
        ),
    ),
    *_signatories(
        FEBRUARY_2021,
        (
            ("acciona", "ACCIONA", ENERGY, "ES", "https://www.acciona.com"),
            ("colis-prive", "Colis Privé", TRANSPORT_LOGISTICS, "FR", "https://www.colisprive.com"),
            ("cranswick", "Cranswick plc", FOOD_BEVERAGE, "GB", "https://www.cranswick.plc.uk"),
            ("daabon", "Daabon", AGRICULTURE, "CO", None),
            ("free-now", "FREE NOW", AUTOMOTIVE_MOBILITY, "DE", "https://www.free-now.com"),
            (
                "generation-investment-management",
                "Generation Investment Management",
                FINANCIAL_SERVICES,
                "GB",
                "https://www.generationim.com",
            ),
            ("green-britain-group", "Green Britain Group", ENERGY, "GB", None),
            ("hotelbeds", "Hotelbeds", TRAVEL_HOSPITALITY, "ES", "https://www.hotelbeds.com"),
            ("ibm", "IBM", TECHNOLOGY, "US", "https://www.ibm.com"),
            ("iceland-foods", "Iceland Foods", RETAIL, "GB", "https://www.iceland.co.uk"),
            ("interface", "Interface", INDUSTRIAL, "US", "https://www.interface.com"),
            (
                "johnson-controls",
                "Johnson Controls",
                INDUSTRIAL,
                "IE",
                "https://www.johnsoncontrols.com",
            ),
            ("miir", "MiiR", CONSUMER_GOODS, "US", "https://www.miir.com"),
            ("orsted", "Ørsted", ENERGY, "DK", "https://orsted.com"),
            (
                "prosegur-cash",
                "Prosegur Cash",
                TRANSPORT_LOGISTICS,
                "ES",
                "https://www.prosegurcash.com",
            ),
            (
                "prosegur",
                "Prosegur Compañía de Seguridad",
                PROFESSIONAL_SERVICES,
                "ES",
                "https://www.prosegur.com",
            ),
            ("slalom", "Slalom", PROFESSIONAL_SERVICES, "US", "https://www.slalom.com"),
            ("s4capital", "S4Capital", MEDIA_ENTERTAINMENT, "GB", "https://www.s4capital.com"),
            ("upm", "UPM", FOREST_PRODUCTS, "FI", "https://www.upm.com"),
            ("vanderlande", "Vanderlande", INDUSTRIAL, "NL", "https://www.vanderlande.com"),
        ),
    ),
    *_signatories(
        APRIL_2021,
        (
            (
                "alaska-airlines",
                "Alaska Airlines",
                AVIATION_AEROSPACE,
                "US",
                "https://www.alaskaair.com",
            ),
            (
                "colgate-palmolive",
                "Colgate-Palmolive",
                CONSUMER_GOODS,
                "US",
                "https://www.colgatepalmolive.com",
            ),
            ("heineken", "HEINEKEN", FOOD_BEVERAGE, "NL", "https://www.theheinekencompany.com"),
            ("pepsico", "PepsiCo", FOOD_BEVERAGE, "US", "https://www.pepsico.com"),
            ("telefonica", "Telefónica", TELECOMMUNICATIONS, "ES", "https://www.telefonica.com"),
            ("visa", "Visa", FINANCIAL_SERVICES, "US", "https://www.visa.com"),
        ),
    ),
    *_signatories(
        APRIL_2021_UK,
        (
            ("sainsburys", "Sainsbury's", RETAIL, "GB", "https://www.sainsburys.co.uk"),
            ("quorn-foods", "Quorn Foods", FOOD_BEVERAGE, "GB", "https://www.quorn.co.uk"),
        ),
    ),
    *_signatories(
        SEPTEMBER_2021,
        (
            ("procter-and-gamble", "Procter & Gamble", CONSUMER_GOODS, "US", "https://www.pg.com"),
            ("hp", "HP Inc.", TECHNOLOGY, "US", "https://www.hp.com"),
            ("salesforce", "Salesforce", TECHNOLOGY, "US", "https://www.salesforce.com"),
            ("asos", "ASOS", RETAIL, "GB", "https://www.asos.com"),
            ("nespresso", "Nespresso", FOOD_BEVERAGE, "CH", "https://www.nespresso.com"),
            ("upl", "UPL Limited", AGRICULTURE, "IN", "https://www.upl-ltd.com"),
            ("greenko", "Greenko Group", ENERGY, "IN", "https://www.greenkogroup.com"),
            ("godi-india", "GODI India", ENERGY, "IN", None),
        ),
    ),
    *_signatories(
        SEPTEMBER_2021_UK,
        (
            ("selfridges", "Selfridges", RETAIL, "GB", "https://www.selfridges.com"),
            ("bt-group", "BT Group", TELECOMMUNICATIONS, "GB", "https://www.bt.com"),
            ("landsec", "Landsec", REAL_ESTATE_CONSTRUCTION, "GB", "https://landsec.com"),
            ("deloitte", "Deloitte", PROFESSIONAL_SERVICES, "GB", "https://www.deloitte.com"),
            ("accenture", "Accenture", PROFESSIONAL_SERVICES, "IE", "https://www.accenture.com"),
            ("logitech", "Logitech", TECHNOLOGY, "CH", "https://www.logitech.com"),
            ("aviva", "Aviva", FINANCIAL_SERVICES, "GB", "https://www.aviva.com"),
        ),
    ),
    *_signatories(
        MARCH_2022,
        (
            ("maersk", "Maersk", TRANSPORT_LOGISTICS, "DK", "https://www.maersk.com"),
            ("sap", "SAP", TECHNOLOGY, "DE", "https://www.sap.com"),
            ("weyerhaeuser", "Weyerhaeuser", FOREST_PRODUCTS, "US", "https://www.weyerhaeuser.com"),
            ("sunrun", "Sunrun", ENERGY, "US", "https://www.sunrun.com"),
            ("harman", "HARMAN", TECHNOLOGY, "US", "https://www.harman.com"),
        ),
    ),
    *_signatories(
        MARCH_2022_INDIA,
        (("tech-mahindra", "Tech Mahindra", TECHNOLOGY, "IN", "https://www.techmahindra.com"),),
    ),
    *_signatories(
        MARCH_2022_FUND,
        (
            (
                "beta-technologies",
                "BETA Technologies",
                AVIATION_AEROSPACE,
                "US",
                "https://www.beta.team",
            ),
            ("infinium", "Infinium", ENERGY, "US", None),
        ),
    ),
    *_signatories(
        MARCH_2022_PACHAMA, (("pachama", "Pachama", TECHNOLOGY, "US", "https://pachama.com"),)
    ),
    *_signatories(
        UNDATED_BY_2023,
        (
            ("philips", "Philips", HEALTHCARE, "NL", "https://www.philips.com"),
            ("sport-thieme", "Sport-Thieme", RETAIL, "DE", "https://www.sport-thieme.de"),
        ),
    ),
    *_signatories(
        JUNE_2024,
        (
            ("sony", "Sony", TECHNOLOGY, "JP", "https://www.sony.com"),
            ("mastercard", "Mastercard", FINANCIAL_SERVICES, "US", "https://www.mastercard.com"),
        ),
    ),
)

# Not confirmed as signatories (DOMAIN.md §2.3): first buyers of the carbon credit service, and
# the beneficiaries and account holders of real registry retirements.
OTHER_COMPANIES: tuple[CompanyFact, ...] = (
    CompanyFact(
        slug="flickr",
        name="Flickr",
        sector=TECHNOLOGY,
        hq_country="US",
        website="https://www.flickr.com",
        provenance=SOURCED,
        source_url=EXCHANGE_LAUNCH_SOURCE,
    ),
    CompanyFact(
        slug="seneca-group",
        name="Seneca Group",
        sector=REAL_ESTATE_CONSTRUCTION,
        hq_country="US",
        website=None,
        provenance=SOURCED,
        source_url=EXCHANGE_LAUNCH_SOURCE,
    ),
    CompanyFact(
        slug="ryan-companies",
        name="Ryan Companies",
        sector=REAL_ESTATE_CONSTRUCTION,
        hq_country="US",
        website="https://www.ryancompanies.com",
        provenance=SOURCED,
        source_url=EXCHANGE_LAUNCH_SOURCE,
    ),
    CompanyFact(
        slug="corsair",
        name="Corsair",
        sector=TECHNOLOGY,
        hq_country="US",
        website="https://www.corsair.com",
        provenance=SOURCED,
        source_url=EXCHANGE_LAUNCH_SOURCE,
    ),
    CompanyFact(
        slug="steelcase",
        name="Steelcase",
        sector=INDUSTRIAL,
        hq_country="US",
        website="https://www.steelcase.com",
        provenance=SOURCED,
        source_url=EXCHANGE_LAUNCH_SOURCE,
    ),
    CompanyFact(
        slug="aws",
        name="Amazon Web Services",
        sector=TECHNOLOGY,
        hq_country="US",
        website="https://aws.amazon.com",
        provenance=SOURCED,
        source_url=CARBONPLAN_OFFSETS_DB,
    ),
    CompanyFact(
        slug="apple",
        name="Apple",
        sector=TECHNOLOGY,
        hq_country="US",
        website="https://www.apple.com",
        provenance=SOURCED,
        source_url=CARBONPLAN_OFFSETS_DB,
    ),
    CompanyFact(
        slug="chanel",
        name="Chanel",
        sector=APPAREL_FOOTWEAR,
        hq_country="GB",
        website="https://www.chanel.com",
        provenance=SOURCED,
        source_url=CARBONPLAN_OFFSETS_DB,
    ),
    CompanyFact(
        slug="emergent",
        name="Emergent Forest Finance Accelerator",
        sector=FINANCIAL_SERVICES,
        hq_country="US",
        website=None,
        provenance=SOURCED,
        source_url=CARBONPLAN_OFFSETS_DB,
    ),
)

COMPANIES: tuple[CompanyFact, ...] = SIGNATORIES + OTHER_COMPANIES
