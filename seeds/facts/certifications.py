"""Certifications recognised by Climate Pledge Friendly (DOMAIN.md §1.2 and §1.3)."""

from __future__ import annotations

from datetime import date
from typing import Final

from .records import CertificationFact

SOURCED: Final = "sourced"
UNCONFIRMED: Final = "unconfirmed"

ALL_MARKETPLACES: Final = ("us", "uk", "de", "fr", "it", "es", "jp", "au", "mx", "br")
# DOMAIN.md §1.3 notes: the EU/UK stores add the European labels, the US store adds US-government
# labels; every other scheme is modelled as available wherever the programme runs.
EUROPE: Final = ("uk", "de", "fr", "it", "es")
US_ONLY: Final = ("us",)
UK_ONLY: Final = ("uk",)

US_LAUNCH: Final = date(2020, 9, 23)
EUROPE_LAUNCH: Final = date(2020, 10, 28)

AMAZON_CBD_PAGE: Final = "https://www.amazon.com/b?ie=UTF8&node=21221609011"
AMAZON_AD_POLICY: Final = (
    "https://advertising.amazon.com/resources/ad-policy/climate-pledge-friendly"
)
ABOUTAMAZON_EU_2020: Final = (
    "https://www.aboutamazon.eu/news/press-lounge/amazon-launches-climate-pledge-friendly-in-europe"
)
ABOUTAMAZON_EU_2024: Final = (
    "https://www.aboutamazon.eu/news/sustainability/"
    "amazons-climate-pledge-friendly-programme-recognised-by-the-european-commission"
)
GREENBIZ_2021: Final = (
    "https://www.greenbiz.com/article/"
    "amazon-broadens-climate-pledge-friendly-badge-system-us-and-europe"
)
PLANTBASEDNEWS: Final = (
    "https://plantbasednews.org/news/environment/amazon-sustainability-program-net-zero/"
)
SOURCING_JOURNAL: Final = (
    "https://sourcingjournal.com/sustainability/sustainability-news/"
    "amazon-climate-pledge-friendly-textile-exchange-oeko-tex-sustainable-fashion-233352/"
)
CONTROL_UNION: Final = "https://controlunion.pl/climate-pledge-friendly/"
MINSTERFB: Final = "https://minsterfb.com/2024/amazon-climate-pledge-friendly-badges"
SEATTLE_TIMES: Final = (
    "https://www.seattletimes.com/business/amazon/"
    "amazon-tries-to-make-it-easier-to-identify-green-products-with-new-climate-pledge-friendly-label/"
)

CERTIFICATIONS: tuple[CertificationFact, ...] = (
    CertificationFact(
        slug="carbonfree-certified",
        name="Carbonfree Certified",
        issuer="Carbonfund.org Foundation",
        category="carbon",
        carbon_related=True,
        amazon_owned=False,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description=(
            "The product's life-cycle carbon footprint is calculated and reduced where possible. "
            "The remaining emissions are offset each quarter in proportion to units sold."
        ),
        url="https://carbonfund.org",
        recognized_since=None,
        provenance=SOURCED,
        source_url="https://carbonfund.org/what-does-it-mean-to-go-carbonfree/",
    ),
    CertificationFact(
        slug="carbonneutral-product-certification",
        name="CarbonNeutral product certification",
        issuer="Climate Impact Partners (formerly Natural Capital Partners)",
        category="carbon",
        carbon_related=True,
        amazon_owned=False,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description=(
            "A third party measures the product's footprint and the owner cuts emissions "
            "internally. What remains is neutralised with carbon credits or energy attribute "
            "certificates under The CarbonNeutral Protocol."
        ),
        url="https://www.carbonneutral.com",
        recognized_since=None,
        provenance=SOURCED,
        source_url="https://www.betterworldproducts.org/carbon-neutral-by-natural-capital-partners/",
    ),
    CertificationFact(
        slug="climatepartner-certified",
        name="ClimatePartner certified",
        issuer="ClimatePartner",
        category="carbon",
        carbon_related=True,
        amazon_owned=False,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description=(
            "Emissions are calculated and reduction targets and actions are set. Remaining "
            "emissions are financed through climate projects; the label was formerly called "
            "'climate neutral'."
        ),
        url="https://www.climatepartner.com",
        recognized_since=None,
        provenance=SOURCED,
        source_url=(
            "https://climatepartner.com/en/knowledge/insights/"
            "how-amazons-climate-pledge-friendly-is-shaping-the-future-of-sustainable-e-commerce"
        ),
    ),
    CertificationFact(
        slug="carbon-trust-product-footprint-label",
        name="Carbon Trust product footprint label (Reducing CO2 / Carbon Neutral)",
        issuer="The Carbon Trust",
        category="carbon",
        carbon_related=True,
        amazon_owned=False,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description=(
            "The product's ISO 14067 footprint is verified by the Carbon Trust and shown to be "
            "falling (Reducing CO2), or offset to zero in the carbon-neutral variant."
        ),
        url="https://www.carbontrust.com",
        recognized_since=None,
        provenance=SOURCED,
        source_url=(
            "https://carbontrust.com/amazons-climate-pledge-friendly-programme-and-the-carbon-trust"
        ),
    ),
    CertificationFact(
        slug="the-climate-label",
        name="The Climate Label (formerly Climate Neutral Certified)",
        issuer="The Change Climate Project",
        category="carbon",
        carbon_related=True,
        amazon_owned=False,
        level="brand",
        marketplaces=ALL_MARKETPLACES,
        description=(
            "Certifies a brand rather than a single product: its cradle-to-customer footprint is "
            "measured, it commits to a reduction plan and funds the climate transition or buys "
            "credits for the rest."
        ),
        url="https://www.changeclimate.org",
        recognized_since=None,
        provenance=UNCONFIRMED,
        source_url="http://changeclimate.org/standards",
    ),
    CertificationFact(
        slug="scs-carbon-neutral",
        name="SCS carbon neutral certification",
        issuer="SCS Global Services",
        category="carbon",
        carbon_related=True,
        amazon_owned=False,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description="SCS verifies that a product or organisation is carbon neutral.",
        url="https://www.scsglobalservices.com",
        recognized_since=None,
        provenance=SOURCED,
        source_url=None,
    ),
    CertificationFact(
        slug="carbon-trust-lower-co2",
        name="Carbon Trust Lower CO2 label",
        issuer="The Carbon Trust",
        category="carbon",
        carbon_related=True,
        amazon_owned=False,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description=(
            "A Carbon Trust footprint label variant, for example for packaging, attesting a "
            "verified reduction in carbon footprint."
        ),
        url="https://www.carbontrust.com",
        recognized_since=None,
        provenance=UNCONFIRMED,
        source_url=None,
    ),
    CertificationFact(
        slug="cradle-to-cradle-certified",
        name="Cradle to Cradle Certified",
        issuer="Cradle to Cradle Products Innovation Institute",
        category="multi",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description=(
            "A multi-attribute standard with five levels covering material health, reuse, "
            "renewable energy and carbon management, water and social fairness. It touches on "
            "carbon only in part."
        ),
        url="https://www.c2ccertified.org",
        recognized_since=US_LAUNCH,
        provenance=SOURCED,
        source_url="https://createandsustain.org/textile-certifications-v2-0/",
    ),
    CertificationFact(
        slug="bluesign",
        name="bluesign",
        issuer="bluesign technologies",
        category="chemicals",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description=(
            "Textiles made with controlled chemistry and resource-efficient production processes."
        ),
        url="https://www.bluesign.com",
        recognized_since=None,
        provenance=SOURCED,
        source_url=PLANTBASEDNEWS,
    ),
    CertificationFact(
        slug="ewg-verified",
        name="EWG Verified",
        issuer="Environmental Working Group",
        category="chemicals",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description=(
            "Ingredients meet the Environmental Working Group's health and safety criteria and "
            "are fully disclosed."
        ),
        url="https://www.ewg.org",
        recognized_since=None,
        provenance=SOURCED,
        source_url=GREENBIZ_2021,
    ),
    CertificationFact(
        slug="made-safe",
        name="MADE SAFE",
        issuer="Nontoxic Certified / MADE SAFE",
        category="chemicals",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description="The product is screened to be free of known harmful chemicals.",
        url="https://madesafe.org",
        recognized_since=None,
        provenance=SOURCED,
        source_url=None,
    ),
    CertificationFact(
        slug="safer-choice",
        name="Safer Choice",
        issuer="US Environmental Protection Agency",
        category="chemicals",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=US_ONLY,
        description="Every ingredient meets EPA criteria for human health and the environment.",
        url="https://www.epa.gov/saferchoice",
        recognized_since=None,
        provenance=SOURCED,
        source_url=GREENBIZ_2021,
    ),
    CertificationFact(
        slug="global-recycled-standard",
        name="Global Recycled Standard (GRS)",
        issuer="Textile Exchange",
        category="recycled",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description=(
            "At least 20% recycled input, tracked through a full chain of custody, plus social, "
            "environmental and chemical requirements on production."
        ),
        url="https://textileexchange.org",
        recognized_since=None,
        provenance=SOURCED,
        source_url=SOURCING_JOURNAL,
    ),
    CertificationFact(
        slug="recycled-claim-standard",
        name="Recycled Claim Standard (RCS)",
        issuer="Textile Exchange",
        category="recycled",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description=(
            "Tracks recycled content through the supply chain, with a low threshold of 5% "
            "recycled material."
        ),
        url="https://textileexchange.org",
        recognized_since=None,
        provenance=SOURCED,
        source_url=SOURCING_JOURNAL,
    ),
    CertificationFact(
        slug="organic-content-standard",
        name="Organic Content Standard (OCS)",
        issuer="Textile Exchange",
        category="organic",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description="Organic fibre content is tracked from farm to final product.",
        url="https://textileexchange.org",
        recognized_since=None,
        provenance=SOURCED,
        source_url=SOURCING_JOURNAL,
    ),
    CertificationFact(
        slug="responsible-wool-standard",
        name="Responsible Wool Standard (RWS)",
        issuer="Textile Exchange",
        category="animal_welfare",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description=(
            "Wool comes from farms that meet animal welfare and land management requirements."
        ),
        url="https://textileexchange.org",
        recognized_since=None,
        provenance=SOURCED,
        source_url=SOURCING_JOURNAL,
    ),
    CertificationFact(
        slug="responsible-down-standard",
        name="Responsible Down Standard (RDS)",
        issuer="Textile Exchange",
        category="animal_welfare",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description="Down and feathers come from birds raised to animal welfare requirements.",
        url="https://textileexchange.org",
        recognized_since=None,
        provenance=UNCONFIRMED,
        source_url=None,
    ),
    CertificationFact(
        slug="global-organic-textile-standard",
        name="Global Organic Textile Standard (GOTS)",
        issuer="Global Standard gGmbH",
        category="organic",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description=(
            "Textiles made from organic natural fibres, with environmental and social criteria "
            "applied along the whole supply chain."
        ),
        url="https://global-standard.org",
        recognized_since=None,
        provenance=SOURCED,
        source_url=CONTROL_UNION,
    ),
    CertificationFact(
        slug="made-in-green-by-oeko-tex",
        name="Made in Green by OEKO-TEX",
        issuer="OEKO-TEX Association",
        category="chemicals",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description=(
            "A traceable label for textiles tested for harmful substances and made in "
            "environmentally friendly, socially responsible facilities."
        ),
        url="https://www.oeko-tex.com",
        recognized_since=None,
        provenance=SOURCED,
        source_url=SOURCING_JOURNAL,
    ),
    CertificationFact(
        slug="forest-stewardship-council",
        name="Forest Stewardship Council (FSC)",
        issuer="FSC International",
        category="forestry",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description=(
            "Wood and paper come from responsibly managed forests, with a chain of custody to "
            "the finished product."
        ),
        url="https://fsc.org",
        recognized_since=None,
        provenance=SOURCED,
        source_url=CONTROL_UNION,
    ),
    CertificationFact(
        slug="pefc",
        name="Programme for the Endorsement of Forest Certification (PEFC)",
        issuer="PEFC International",
        category="forestry",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description=(
            "Forest products come from sustainably managed forests, tracked by chain of custody."
        ),
        url="https://pefc.org",
        recognized_since=None,
        provenance=UNCONFIRMED,
        source_url=None,
    ),
    CertificationFact(
        slug="sustainable-forestry-initiative",
        name="Sustainable Forestry Initiative (SFI)",
        issuer="SFI Inc.",
        category="forestry",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description="Forest management and fibre sourcing meet the SFI sustainability standard.",
        url="https://forests.org",
        recognized_since=None,
        provenance=UNCONFIRMED,
        source_url=None,
    ),
    CertificationFact(
        slug="rainforest-alliance-certified",
        name="Rainforest Alliance Certified",
        issuer="Rainforest Alliance",
        category="farming",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description=(
            "Ingredients come from farms using climate-smart practices that protect forests and "
            "support farmer livelihoods; Amazon shows it under 'Farming practices'."
        ),
        url="https://www.rainforest-alliance.org",
        recognized_since=None,
        provenance=SOURCED,
        source_url="https://serpapi.com/amazon-product-sustainability-features",
    ),
    CertificationFact(
        slug="fairtrade",
        name="Fairtrade",
        issuer="Fairtrade International / Fairtrade Foundation",
        category="fair_trade",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description=(
            "Producers receive fair prices and a premium, and production meets labour and "
            "environmental standards."
        ),
        url="https://www.fairtrade.net",
        recognized_since=None,
        provenance=SOURCED,
        source_url=MINSTERFB,
    ),
    CertificationFact(
        slug="fair-trade-certified",
        name="Fair Trade Certified",
        issuer="Fair Trade USA",
        category="fair_trade",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description=(
            "Workers get fair wages and safe conditions, and communities receive a development "
            "premium."
        ),
        url="https://www.fairtradecertified.org",
        recognized_since=None,
        provenance=UNCONFIRMED,
        source_url=None,
    ),
    CertificationFact(
        slug="regenerative-organic-certified",
        name="Regenerative Organic Certified",
        issuer="Regenerative Organic Alliance",
        category="farming",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description=(
            "Builds on organic certification with requirements for soil health, animal welfare "
            "and social fairness."
        ),
        url="https://regenorganic.org",
        recognized_since=None,
        provenance=SOURCED,
        source_url=GREENBIZ_2021,
    ),
    CertificationFact(
        slug="certified-animal-welfare-approved",
        name="Certified Animal Welfare Approved",
        issuer="A Greener World",
        category="animal_welfare",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description=(
            "Animal products come from independent, pasture-based, high-welfare farms that use "
            "no hormones."
        ),
        url="https://agreenerworld.org",
        recognized_since=None,
        provenance=SOURCED,
        source_url=GREENBIZ_2021,
    ),
    CertificationFact(
        slug="usda-organic",
        name="USDA Organic",
        issuer="US Department of Agriculture",
        category="organic",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=US_ONLY,
        description="Grown and processed under the rules of the USDA National Organic Program.",
        url="https://www.ams.usda.gov/about-ams/programs-offices/national-organic-program",
        recognized_since=None,
        provenance=UNCONFIRMED,
        source_url=None,
    ),
    CertificationFact(
        slug="eu-organic",
        name="EU Organic",
        issuer="European Commission",
        category="organic",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=EUROPE,
        description="The product complies with the EU organic regulation (the Euro-leaf logo).",
        url="https://agriculture.ec.europa.eu/farming/organic-farming_en",
        recognized_since=None,
        provenance=SOURCED,
        source_url=ABOUTAMAZON_EU_2024,
    ),
    CertificationFact(
        slug="soil-association",
        name="Soil Association Organic / COSMOS",
        issuer="Soil Association Certification",
        category="organic",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=UK_ONLY,
        description=(
            "Organic certification for food, cosmetics (to the COSMOS standard) and textiles."
        ),
        url="https://www.soilassociation.org",
        recognized_since=None,
        provenance=SOURCED,
        source_url=MINSTERFB,
    ),
    CertificationFact(
        slug="eu-ecolabel",
        name="EU Ecolabel",
        issuer="European Commission",
        category="multi",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=EUROPE,
        description=(
            "A Type I ecolabel for products with a reduced environmental impact across their "
            "life cycle."
        ),
        url="https://environment.ec.europa.eu/topics/circular-economy/eu-ecolabel_en",
        recognized_since=EUROPE_LAUNCH,
        provenance=SOURCED,
        source_url=ABOUTAMAZON_EU_2020,
    ),
    CertificationFact(
        slug="blue-angel",
        name="Blue Angel (Der Blaue Engel)",
        issuer="German Federal Environment Ministry / UBA / RAL",
        category="multi",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=EUROPE,
        description=(
            "Germany's Type I ecolabel, for example for IT equipment that is low-energy, durable "
            "and recyclable."
        ),
        url="https://www.blauer-engel.de",
        recognized_since=EUROPE_LAUNCH,
        provenance=SOURCED,
        source_url=ABOUTAMAZON_EU_2020,
    ),
    CertificationFact(
        slug="nordic-swan-ecolabel",
        name="Nordic Swan Ecolabel",
        issuer="Nordic Ecolabelling",
        category="multi",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=EUROPE,
        description="The official Nordic Type I ecolabel, based on life-cycle criteria.",
        url="https://www.nordic-swan-ecolabel.org",
        recognized_since=EUROPE_LAUNCH,
        provenance=SOURCED,
        source_url=ABOUTAMAZON_EU_2020,
    ),
    CertificationFact(
        slug="ul-ecologo",
        name="UL ECOLOGO",
        issuer="UL Solutions",
        category="multi",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description=(
            "The product has a reduced impact in one or more life-cycle stages, judged against "
            "criteria specific to its product type."
        ),
        url="https://www.ul.com",
        recognized_since=US_LAUNCH,
        provenance=SOURCED,
        source_url=SEATTLE_TIMES,
    ),
    CertificationFact(
        slug="green-seal",
        name="Green Seal",
        issuer="Green Seal",
        category="multi",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description=(
            "Meets a life-cycle-based standard for health and environmental leadership in its "
            "product category."
        ),
        url="https://greenseal.org",
        recognized_since=None,
        provenance=UNCONFIRMED,
        source_url=None,
    ),
    CertificationFact(
        slug="epeat",
        name="EPEAT",
        issuer="Global Electronics Council",
        category="energy",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description=(
            "Electronics rated Bronze, Silver or Gold on life-cycle criteria: materials, energy "
            "use, end of life and corporate reporting, including greenhouse-gas disclosure."
        ),
        url="https://www.epeat.net",
        recognized_since=None,
        provenance=SOURCED,
        source_url=(
            "https://product.sustainability-directory.com/learn/"
            "what-criteria-are-used-by-epeat-to-certify-electronics"
        ),
    ),
    CertificationFact(
        slug="tco-certified",
        name="TCO Certified",
        issuer="TCO Development",
        category="energy",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description=(
            "IT products meeting environmental and social criteria, including conflict minerals "
            "and labour conditions."
        ),
        url="https://tcocertified.com",
        recognized_since=None,
        provenance=UNCONFIRMED,
        source_url=None,
    ),
    CertificationFact(
        slug="energy-star",
        name="ENERGY STAR",
        issuer="US EPA / US Department of Energy",
        category="energy",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=US_ONLY,
        description=(
            "The product meets US government energy-efficiency criteria (possibly the 'Most "
            "Efficient' tier); CPF inclusion is unconfirmed."
        ),
        url="https://www.energystar.gov",
        recognized_since=None,
        provenance=UNCONFIRMED,
        source_url=None,
    ),
    CertificationFact(
        slug="scs-recycled-content",
        name="SCS Recycled Content",
        issuer="SCS Global Services",
        category="recycled",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description=(
            "Verifies the share of pre- and post-consumer recycled content. The 2023 SCS-103A "
            "annex for electrical and electronic equipment needs more than one recycled input "
            "and category minimums."
        ),
        url="https://www.scsglobalservices.com",
        recognized_since=None,
        provenance=SOURCED,
        source_url=(
            "https://www.scsglobalservices.com/news/"
            "amazon-climate-pledge-friendly-program-now-includes-scs-recycled-content-certification"
        ),
    ),
    CertificationFact(
        slug="ecocert-cosmos",
        name="Ecocert / COSMOS Organic and Natural",
        issuer="Ecocert / COSMOS-standard AISBL",
        category="organic",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description="Certifies cosmetics as organic or natural under the COSMOS standard.",
        url="https://www.cosmos-standard.org",
        recognized_since=None,
        provenance=UNCONFIRMED,
        source_url=None,
    ),
    CertificationFact(
        slug="usda-certified-biobased",
        name="USDA Certified Biobased Product",
        issuer="USDA BioPreferred",
        category="recycled",
        carbon_related=False,
        amazon_owned=False,
        level="product",
        marketplaces=US_ONLY,
        description="The product's share of biobased content has been verified.",
        url="https://www.biopreferred.gov",
        recognized_since=None,
        provenance=UNCONFIRMED,
        source_url=None,
    ),
    CertificationFact(
        slug="compact-by-design",
        name="Compact by Design",
        issuer="Amazon",
        category="packaging",
        carbon_related=False,
        amazon_owned=True,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description=(
            "Amazon's own badge for products that ship less air, water and packaging per unit of "
            "use: unit efficiency must beat a per-category threshold. Its carbon benefit is "
            "indirect, through lighter, smaller shipments."
        ),
        url=AMAZON_CBD_PAGE,
        recognized_since=US_LAUNCH,
        provenance=SOURCED,
        source_url=AMAZON_CBD_PAGE,
    ),
    CertificationFact(
        slug="pre-owned-certified",
        name="Pre-owned Certified",
        issuer="Amazon",
        category="circular",
        carbon_related=False,
        amazon_owned=True,
        level="product",
        marketplaces=ALL_MARKETPLACES,
        description=(
            "Returned or traded-in items that are inspected, cleaned and repaired to full working "
            "order, then resold under the Amazon Renewed Guarantee. It attests reuse, not carbon."
        ),
        url=None,
        recognized_since=None,
        provenance=SOURCED,
        source_url=AMAZON_AD_POLICY,
    ),
)
