"""Real carbon projects, issuances and retirements named in DOMAIN.md (§3.4, §4.4, §4.7, §4.11)."""

from __future__ import annotations

from datetime import date
from typing import Final

from .records import IssuanceFact, ProjectFact, RetirementFact

SOURCED: Final = "sourced"
UNCONFIRMED: Final = "unconfirmed"

# DOMAIN.md takes every registry figure below from CarbonPlan's copies of real registry exports.
CARBONPLAN_OFFSETS_DB: Final = "https://github.com/carbonplan/offsets-db-data"
STRATOS_SOURCE: Final = (
    "https://www.finanzen.at/nachrichten/aktien/"
    "1pointfive-in-10-year-carbon-removal-credit-purchase-deal-with-amazon-1032622782"
)

ART_TREES: Final = "ART TREES"
ART_TREES_V2: Final = "ART TREES v2.0"
GOLD_STANDARD_AR: Final = "Gold Standard A/R"


def _art_programme(
    *,
    number: int,
    slug: str,
    name: str,
    developer: str,
    country: str,
    status: str,
    crediting_start: date,
    methodology: str = ART_TREES,
) -> ProjectFact:
    return ProjectFact(
        slug=slug,
        registry="art",
        registry_project_id=f"ART{number}",
        name=name,
        developer=developer,
        country=country,
        project_type="jurisdictional_redd_plus",
        priority_area="forest_protection",
        mitigation_type="reduction",
        methodology=methodology,
        labels=(),
        status=status,
        crediting_period_start=crediting_start,
        crediting_period_end=None,
        description=(
            f"Jurisdictional REDD+ programme of {name} under ART TREES: credits are issued to "
            "the government for reduced deforestation and degradation across the jurisdiction."
        ),
        provenance=SOURCED,
        source_url=CARBONPLAN_OFFSETS_DB,
    )


ART_PROJECTS: tuple[ProjectFact, ...] = (
    _art_programme(
        number=102,
        slug="art102-guyana",
        name="Guyana",
        developer="Guyana Forestry Commission",
        country="GY",
        status="registered",
        crediting_start=date(2016, 1, 1),
        methodology=ART_TREES_V2,
    ),
    _art_programme(
        number=124,
        slug="art124-para",
        name="Para REDD+ Program",
        developer="State Secretariat for Environment and Sustainability of Pará",
        country="BR",
        status="listed",
        crediting_start=date(2023, 1, 1),
    ),
    _art_programme(
        number=101,
        slug="art101-costa-rica",
        name="Costa Rica",
        developer="Fondo Nacional de Financiamento Forestal (FONAFIFO)",
        country="CR",
        status="listed",
        crediting_start=date(2017, 1, 1),
    ),
    _art_programme(
        number=105,
        slug="art105-amapa",
        name="Amapá",
        developer="Secretaria de Estado de Meio Ambiente do Amapá",
        country="BR",
        status="listed",
        crediting_start=date(2016, 1, 1),
    ),
    _art_programme(
        number=123,
        slug="art123-acre",
        name="Acre",
        developer="Institute of Climate Change and Regulation of Environmental Services (IMC)",
        country="BR",
        status="listed",
        crediting_start=date(2023, 1, 1),
    ),
    _art_programme(
        number=108,
        slug="art108-colombia-amazon-region",
        name="Amazon Region",
        developer="Ministerio de Ambiente y Desarrollo Sostenible",
        country="CO",
        status="listed",
        crediting_start=date(2021, 1, 1),
    ),
    _art_programme(
        number=114,
        slug="art114-gabon",
        name="Gabon",
        developer="Conseil National Climat (CNC - National Climate Council)",
        country="GA",
        status="listed",
        crediting_start=date(2018, 1, 1),
    ),
)

VERRA_PROJECTS: tuple[ProjectFact, ...] = (
    ProjectFact(
        slug="vcs1340-bale-mountains",
        registry="verra",
        registry_project_id="VCS1340",
        name="Bale Mountains Eco-region REDD+ project",
        developer=None,
        country="ET",
        project_type="redd_plus",
        priority_area="forest_protection",
        mitigation_type="reduction",
        methodology="VM0015",
        labels=("CCB-No Distinction",),
        status="registered",
        crediting_period_start=None,
        crediting_period_end=None,
        description=(
            "Avoids unplanned deforestation in the Bale Mountains highlands of Ethiopia. Its "
            "2020 vintage VCUs carry a CCB label."
        ),
        provenance=SOURCED,
        source_url=CARBONPLAN_OFFSETS_DB,
    ),
    ProjectFact(
        slug="vcs2551-brazilian-amazon-apd",
        registry="verra",
        registry_project_id="VCS2551",
        name="Brazilian Amazon APD Grouped Project",
        developer=None,
        country="BR",
        project_type="redd_plus",
        priority_area="forest_protection",
        mitigation_type="reduction",
        methodology="VM0007",
        labels=("CCB-Biodiversity Gold",),
        status="registered",
        crediting_period_start=None,
        crediting_period_end=None,
        description=(
            "A grouped project avoiding planned deforestation in the Brazilian Amazon, with VCUs "
            "labelled CCB Biodiversity Gold."
        ),
        provenance=SOURCED,
        source_url=CARBONPLAN_OFFSETS_DB,
    ),
    ProjectFact(
        slug="vcs832-cikel-brazilian-amazon",
        registry="verra",
        registry_project_id="VCS832",
        name="Cikel Brazilian Amazon REDD APD",
        developer=None,
        country="BR",
        project_type="redd_plus",
        priority_area="forest_protection",
        mitigation_type="reduction",
        methodology="VM0007",
        labels=(),
        status="registered",
        crediting_period_start=None,
        crediting_period_end=None,
        description=(
            "Avoids planned deforestation on forest land in the Brazilian Amazon; one of its "
            "vintages covers only part of a year."
        ),
        provenance=SOURCED,
        source_url=CARBONPLAN_OFFSETS_DB,
    ),
    ProjectFact(
        slug="vcs5953-marcondes",
        registry="verra",
        registry_project_id="VCS5953",
        name="MARCONDES REDD+",
        developer="Organica Consultoria LTDA",
        country="BR",
        project_type="redd_plus",
        priority_area="forest_protection",
        mitigation_type="reduction",
        methodology="VM0007",
        labels=(),
        status="listed",
        crediting_period_start=date(2023, 5, 1),
        crediting_period_end=date(2063, 4, 30),
        description="A REDD+ project in Brazil under development with Verra, using VM0007.",
        provenance=SOURCED,
        source_url=CARBONPLAN_OFFSETS_DB,
    ),
    ProjectFact(
        slug="vcs5889-cabeceira-do-xingu",
        registry="verra",
        registry_project_id="VCS5889",
        name="Cabeceira do Xingu REDD Project",
        developer="CABECEIRA DO XINGU LTDA",
        country="BR",
        project_type="redd_plus",
        priority_area="forest_protection",
        mitigation_type="reduction",
        methodology="VM0048",
        labels=(),
        status="listed",
        crediting_period_start=date(2025, 8, 5),
        crediting_period_end=date(2065, 8, 4),
        description=(
            "A Brazilian REDD+ project under validation that uses VM0048, Verra's method with "
            "jurisdiction-allocated baselines."
        ),
        provenance=SOURCED,
        source_url=CARBONPLAN_OFFSETS_DB,
    ),
    ProjectFact(
        slug="vcs5901-uramia",
        registry="verra",
        registry_project_id="VCS5901",
        name=(
            "PROJECT URAMIA – COMMUNITY-LED FOREST CONSERVATION REDD+ PROJECT IN CHOCÓ, COLOMBIA"
        ),
        developer=None,
        country="CO",
        project_type="redd_plus",
        priority_area="forest_protection",
        mitigation_type="reduction",
        methodology="VM0048",
        labels=(),
        status="listed",
        crediting_period_start=date(2024, 5, 10),
        crediting_period_end=date(2064, 5, 9),
        description=(
            "Community-led forest conservation in Chocó, Colombia, estimated at about 1.34 "
            "million tonnes of avoided emissions a year."
        ),
        provenance=SOURCED,
        source_url=CARBONPLAN_OFFSETS_DB,
    ),
    ProjectFact(
        slug="vcs5949-gran-pajonal",
        registry="verra",
        registry_project_id="VCS5949",
        name="Gran Pajonal REDD+ and Agroforestry Project",
        developer="Ama Pacha S.A.S",
        country="PE",
        project_type="redd_plus",
        priority_area="forest_protection",
        mitigation_type="reduction",
        methodology="VM0048",
        labels=(),
        status="listed",
        crediting_period_start=date(2026, 1, 16),
        crediting_period_end=date(2066, 1, 15),
        description="Forest protection combined with agroforestry in Peru's Gran Pajonal.",
        provenance=SOURCED,
        source_url=CARBONPLAN_OFFSETS_DB,
    ),
    ProjectFact(
        slug="vcs5879-amazon-outgrowers",
        registry="verra",
        registry_project_id="VCS5879",
        name="Amazon Forest Landscape Restoration - Outgrowers Component",
        developer="Amazon Restoration Company S.A.C.",
        country="PE",
        project_type="arr",
        priority_area="land_restoration",
        mitigation_type="removal",
        methodology="VM0047",
        labels=(),
        status="listed",
        crediting_period_start=date(2025, 1, 1),
        crediting_period_end=date(2064, 12, 31),
        description=(
            "Restores degraded land in the Peruvian Amazon with outgrower farmers, crediting "
            "removals under VM0047."
        ),
        provenance=SOURCED,
        source_url=CARBONPLAN_OFFSETS_DB,
    ),
    ProjectFact(
        slug="vcs5862-tubura",
        registry="verra",
        registry_project_id="VCS5862",
        name="Tubura Forest Landscape Restoration Program",
        developer="One Acre Fund",
        country="RW",
        project_type="arr",
        priority_area="land_restoration",
        mitigation_type="removal",
        methodology="VM0047",
        labels=(),
        status="listed",
        crediting_period_start=date(2023, 11, 1),
        crediting_period_end=date(2053, 10, 31),
        description="One Acre Fund's tree-planting and landscape restoration programme in Rwanda.",
        provenance=SOURCED,
        source_url=CARBONPLAN_OFFSETS_DB,
    ),
    ProjectFact(
        slug="vcs5876-kablaki",
        registry="verra",
        registry_project_id="VCS5876",
        name="Kablaki Agroforestry for Small Farmers Program",
        developer=None,
        country="TL",
        project_type="agroforestry",
        priority_area="land_restoration",
        mitigation_type="removal",
        methodology="VM0047",
        labels=(),
        status="listed",
        crediting_period_start=None,
        crediting_period_end=None,
        description="Agroforestry with smallholder farmers in Timor-Leste.",
        provenance=SOURCED,
        source_url=CARBONPLAN_OFFSETS_DB,
    ),
    ProjectFact(
        slug="vcs5877-sierra-leone-prido",
        registry="verra",
        registry_project_id="VCS5877",
        name="Sierra Leone PRIDO ARR-Agroforestry Program",
        developer=None,
        country="SL",
        project_type="agroforestry",
        priority_area="land_restoration",
        mitigation_type="removal",
        methodology="VM0047",
        labels=(),
        status="listed",
        crediting_period_start=None,
        crediting_period_end=None,
        description="Reforestation and agroforestry on degraded land in Sierra Leone.",
        provenance=SOURCED,
        source_url=CARBONPLAN_OFFSETS_DB,
    ),
    ProjectFact(
        slug="vcs5918-ffcp-fields-and-forests",
        registry="verra",
        registry_project_id="VCS5918",
        name="Family Forest Carbon Program - Fields & Forests",
        developer="Family Forest Impact Foundation",
        country="US",
        project_type="arr",
        priority_area="land_restoration",
        mitigation_type="removal",
        methodology="VM0047",
        labels=(),
        status="listed",
        crediting_period_start=date(2023, 11, 13),
        crediting_period_end=date(2063, 11, 12),
        description="Tree planting on family-owned land in the United States.",
        provenance=SOURCED,
        source_url=CARBONPLAN_OFFSETS_DB,
    ),
    ProjectFact(
        slug="vcs5919-ffcp-north",
        registry="verra",
        registry_project_id="VCS5919",
        name="Family Forest Carbon Program - North",
        developer="Family Forest Impact Foundation",
        country="US",
        project_type="ifm",
        priority_area="land_restoration",
        mitigation_type="removal",
        methodology="VM0045",
        labels=(),
        status="listed",
        crediting_period_start=date(2024, 3, 25),
        crediting_period_end=date(2044, 3, 24),
        description=(
            "Improved management of family-owned forests in the northern United States, measured "
            "against dynamic matched baselines."
        ),
        provenance=SOURCED,
        source_url=CARBONPLAN_OFFSETS_DB,
    ),
    ProjectFact(
        slug="vcs5895-bigcoast-haida-gwaii",
        registry="verra",
        registry_project_id="VCS5895",
        name="BigCoast Forest Climate Initiative Haida Gwaii",
        developer="Mosaic Forest Management Corporation",
        country="CA",
        project_type="ifm",
        priority_area="land_restoration",
        mitigation_type="reduction",
        methodology="VM0012",
        labels=(),
        status="listed",
        crediting_period_start=date(2018, 1, 1),
        crediting_period_end=date(2047, 12, 31),
        description="Improved forest management on Haida Gwaii, British Columbia.",
        provenance=SOURCED,
        source_url=CARBONPLAN_OFFSETS_DB,
    ),
    ProjectFact(
        slug="vcs5957-kenya-highlands",
        registry="verra",
        registry_project_id="VCS5957",
        name="KENYA HIGHLANDS GROUPED CARBON PROJECT",
        developer=None,
        country="KE",
        project_type="agricultural_land_management",
        priority_area="land_restoration",
        mitigation_type="removal",
        methodology="VM0042",
        labels=(),
        status="listed",
        crediting_period_start=date(2024, 4, 1),
        crediting_period_end=date(2044, 3, 31),
        description="Improved agricultural land management across farms in the Kenyan highlands.",
        provenance=SOURCED,
        source_url=CARBONPLAN_OFFSETS_DB,
    ),
)

GOLD_STANDARD_PROJECTS: tuple[ProjectFact, ...] = (
    ProjectFact(
        slug="gs23517-bioplantation-ghana",
        registry="gold_standard",
        registry_project_id="GS23517",
        name="BIOPLANTATION Ghana Regenerative Agroforestry Project",
        developer="BioPlantation Ghana Ltd",
        country="GH",
        project_type="agroforestry",
        priority_area="land_restoration",
        mitigation_type="removal",
        methodology=GOLD_STANDARD_AR,
        labels=(),
        status="listed",
        crediting_period_start=None,
        crediting_period_end=None,
        description=(
            "Regenerative agroforests of moringa, local crops and native species on degraded land "
            "in Ghana, developed with local communities."
        ),
        provenance=SOURCED,
        source_url=CARBONPLAN_OFFSETS_DB,
    ),
    ProjectFact(
        slug="gs23511-greenated-agroforestry",
        registry="gold_standard",
        registry_project_id="GS23511",
        name="Greenated Small Farmers AgroForestry Project in India",
        developer="Greenated Clima Tech Private Limited",
        country="IN",
        project_type="agroforestry",
        priority_area="land_restoration",
        mitigation_type="removal",
        methodology=GOLD_STANDARD_AR,
        labels=(),
        status="listed",
        crediting_period_start=None,
        crediting_period_end=None,
        description=(
            "Smallholder farmers in India plant trees alongside crops or on fallow land and keep "
            "the rights to the trees."
        ),
        provenance=SOURCED,
        source_url=CARBONPLAN_OFFSETS_DB,
    ),
    ProjectFact(
        slug="gs23453-circle-zambia",
        registry="gold_standard",
        registry_project_id="GS23453",
        name=(
            "Community Initiated Regeneration for Carbon and Livelihood Enhancement (CIRCLE) "
            "Project"
        ),
        developer="World Vision Korea",
        country="ZM",
        project_type="arr",
        priority_area="land_restoration",
        mitigation_type="removal",
        methodology=GOLD_STANDARD_AR,
        labels=(),
        status="listed",
        crediting_period_start=None,
        crediting_period_end=None,
        description=(
            "Restores degraded land in Zambia's Luapula province and offers alternative "
            "livelihoods to charcoal production."
        ),
        provenance=SOURCED,
        source_url=CARBONPLAN_OFFSETS_DB,
    ),
)

REMOVAL_PROJECTS: tuple[ProjectFact, ...] = (
    ProjectFact(
        slug="isometric-deep-sky-alpha",
        registry="isometric",
        registry_project_id="prj_1HCHT9G2H1S05MYP",
        name="Deep Sky Alpha",
        developer="Deep Sky",
        country="CA",
        project_type="dac",
        priority_area="removal_technology",
        mitigation_type="removal",
        methodology="Isometric Direct Air Capture Protocol",
        labels=(),
        status="registered",
        crediting_period_start=date(2025, 8, 2),
        crediting_period_end=date(2030, 8, 2),
        description=(
            "A test site in Innisfail, Alberta, for several direct air capture technologies; the "
            "captured CO2 is liquefied, trucked and stored underground off-site."
        ),
        provenance=SOURCED,
        source_url=CARBONPLAN_OFFSETS_DB,
    ),
    ProjectFact(
        slug="isometric-mombak-reforesting-amazon-1",
        registry="isometric",
        registry_project_id="prj_1KA95092G1S093EM",
        name="Reforesting the Brazilian Amazon Project 1",
        developer="Mombak",
        country="BR",
        project_type="arr",
        priority_area="land_restoration",
        mitigation_type="removal",
        methodology="Isometric Reforestation Protocol",
        labels=(),
        status="listed",
        crediting_period_start=date(2023, 3, 31),
        crediting_period_end=date(2073, 3, 30),
        description=(
            "Mombak turns degraded pasture in Pará into native forest through planting and "
            "assisted natural regeneration."
        ),
        provenance=SOURCED,
        source_url=CARBONPLAN_OFFSETS_DB,
    ),
    ProjectFact(
        slug="1pointfive-stratos",
        # Amazon's 2023 offtake is bilateral; no registry listing for STRATOS is attested, so the
        # registry and the identifier are placeholders.
        registry="isometric",
        registry_project_id="STRATOS",
        name="STRATOS",
        developer="1PointFive",
        country="US",
        project_type="dac",
        priority_area="removal_technology",
        mitigation_type="removal",
        methodology=None,
        labels=(),
        status="listed",
        crediting_period_start=None,
        crediting_period_end=None,
        description=(
            "Occidental's direct air capture plant in Ector County, Texas, designed for up to "
            "500,000 t of CO2 a year stored in saline aquifers. Amazon agreed in 2023 to buy "
            "250,000 t of removal credits from it over ten years."
        ),
        provenance=UNCONFIRMED,
        source_url=STRATOS_SOURCE,
    ),
    ProjectFact(
        slug="acr1129-tradewater-middle-east-1",
        registry="acr",
        registry_project_id="ACR1129",
        name="Tradewater - Middle East 1",
        developer="Tradewater, LLC",
        country="FR",
        project_type="ods_destruction",
        priority_area=None,
        mitigation_type="reduction",
        methodology=(
            "Destruction of Ozone Depleting Substances (ODS) from International Sources v1.0"
        ),
        labels=(),
        status="registered",
        crediting_period_start=date(2025, 2, 7),
        crediting_period_end=None,
        description=(
            "Ozone-depleting substances collected abroad are destroyed at Saint-Vulbas, France. "
            "Credits from it were retired on behalf of AWS in 2026 for 2025 emissions from "
            "customer usage."
        ),
        provenance=SOURCED,
        source_url=CARBONPLAN_OFFSETS_DB,
    ),
)

PROJECTS: tuple[ProjectFact, ...] = (
    ART_PROJECTS + VERRA_PROJECTS + GOLD_STANDARD_PROJECTS + REMOVAL_PROJECTS
)

# Guyana ART102 (DOMAIN.md §4.4): vintage, total, buffer, approval date, serial batch. Batch 3
# (vintage 2019) and batch 9 (vintage 2016) appear in real retirement serials; the other batch
# numbers are placeholders that keep every prefix unique.
_GUYANA_VINTAGES: Final = (
    (2016, 8_348_155, 481_051, date(2022, 12, 1), 9),
    (2017, 8_070_022, 465_024, date(2022, 12, 1), 1),
    (2018, 7_695_698, 443_454, date(2022, 12, 1), 2),
    (2019, 4_752_242, 273_841, date(2022, 12, 1), 3),
    (2020, 6_651_113, 383_261, date(2022, 12, 1), 4),
    (2021, 7_591_076, 446_714, date(2024, 2, 28), 5),
    (2022, 9_273_338, 540_409, date(2025, 2, 21), 6),
    (2023, 9_621_384, 535_461, date(2025, 12, 21), 7),
)

ISSUANCES: tuple[IssuanceFact, ...] = (
    *(
        IssuanceFact(
            project_slug="art102-guyana",
            vintage=vintage,
            issued_on=approved_on,
            total_quantity=total,
            buffer_quantity=buffer,
            serial_prefix=f"ART-GY-102-{vintage}-{batch}",
            serial_start=1,
            provenance=SOURCED,
            source_url=CARBONPLAN_OFFSETS_DB,
        )
        for vintage, total, buffer, approved_on, batch in _GUYANA_VINTAGES
    ),
    IssuanceFact(
        project_slug="acr1129-tradewater-middle-east-1",
        vintage=2025,
        issued_on=date(2025, 6, 30),
        total_quantity=261_826,
        buffer_quantity=0,
        serial_prefix="ACR-FR-1129-2025-2917",
        serial_start=1,
        provenance=SOURCED,
        source_url=CARBONPLAN_OFFSETS_DB,
    ),
)

AWS_RETIREMENT_NOTE: Final = "Retirement for 2025 emissions associated with customer usage; AWS"

RETIREMENTS: tuple[RetirementFact, ...] = (
    RetirementFact(
        project_slug="acr1129-tradewater-middle-east-1",
        vintage=2025,
        serial_start=30_932,
        serial_end=35_143,
        registry_serial="ACR-FR-1129-2025-2917-30932 to 35143",
        beneficiary_slug="aws",
        beneficiary_name="AWS",
        retired_by_slug="amazon",
        reason="environmental_benefit",
        claim_year=2025,
        retired_on=date(2026, 4, 13),
        note=AWS_RETIREMENT_NOTE,
        provenance=SOURCED,
        source_url=CARBONPLAN_OFFSETS_DB,
    ),
    RetirementFact(
        project_slug="acr1129-tradewater-middle-east-1",
        vintage=2025,
        serial_start=4_751,
        serial_end=23_327,
        registry_serial="ACR-FR-1129-2025-2917-4751 to 23327",
        beneficiary_slug="aws",
        beneficiary_name="AWS",
        retired_by_slug="amazon",
        reason="environmental_benefit",
        claim_year=2025,
        retired_on=date(2026, 4, 13),
        note=AWS_RETIREMENT_NOTE,
        provenance=SOURCED,
        source_url=CARBONPLAN_OFFSETS_DB,
    ),
    RetirementFact(
        project_slug="art102-guyana",
        vintage=2019,
        serial_start=2_500_001,
        serial_end=2_600_000,
        registry_serial="ART-GY-102-2019-3-2500001 to 2600000",
        beneficiary_slug="apple",
        beneficiary_name="Apple",
        retired_by_slug="apple",
        reason="corporate_target",
        claim_year=2024,
        retired_on=date(2025, 3, 14),
        note="FY24",
        provenance=SOURCED,
        source_url=CARBONPLAN_OFFSETS_DB,
    ),
)
