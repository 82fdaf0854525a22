"""The benchmark workloads: one request each for pledgegraph, PostGraphile and the floor."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# One canonical, comparable form of a workload's answer, whichever system gave it.
Canonical = Any
Json = Any

W1_CATEGORY = "household"
W2_SLUG = "unilever"
# W5 reads the page after this many products in (title, id) order.
W5_SKIP = 200_000
# W7: the top groups by credits retired, among claims on these years and later.
W7_CLAIMS_FROM = 2020
W7_TOP = 100


@dataclass(frozen=True, kw_only=True)
class Workload:
    """What to send to each system, and how to read each answer back into one form."""

    key: str
    title: str
    pledgegraph: str
    # None where PostGraphile cannot express the workload; `note` says why.
    postgraphile: str | None
    # Floor endpoints by system label; W3 has two SQL forms, timed side by side.
    floor: dict[str, str]
    pledgegraph_variables: dict[str, Json]
    postgraphile_variables: dict[str, Json]
    floor_params: dict[str, Json]
    # The floor answers in pledgegraph's shape, so one reader serves both.
    read_pledgegraph: Callable[[Json], Canonical]
    read_postgraphile: Callable[[Json], Canonical]
    # Least size of the canonical answer, so that three empty answers never "agree".
    min_size: int
    # What the report must say about this workload's comparison, if anything.
    note: str = ""


def _w1_pledgegraph(data: Json) -> Canonical:
    return [
        {
            "asin": node["asin"],
            "title": node["title"],
            "certifications": [
                [c["certification"]["name"], c["certification"]["issuer"]]
                for c in node["certifications"]
            ],
            "brand": (
                None
                if node["brandCompany"] is None
                else [node["brandCompany"]["name"], node["brandCompany"]["hqCountry"]]
            ),
        }
        for node in data["products"]["nodes"]
    ]


def _w1_postgraphile(data: Json) -> Canonical:
    return [
        {
            "asin": node["asin"],
            "title": node["title"],
            "certifications": [
                [c["certification"]["name"], c["certification"]["issuer"]]
                for c in node["productCertifications"]["nodes"]
            ],
            "brand": (
                None
                if node["brandCompany"] is None
                else [node["brandCompany"]["name"], node["brandCompany"]["hqCountry"]]
            ),
        }
        for node in data["products"]["nodes"]
    ]


def _w2(
    company: Json, *, products: str, certifications: Callable[[Json], list[Json]], reports: str
) -> Canonical:
    if company is None:
        return None
    report_nodes = company["emissionsReports"]
    if isinstance(report_nodes, dict):
        report_nodes = report_nodes["nodes"]
    return {
        "name": company["name"],
        "products": [
            {
                "title": product["title"],
                "certifications": [c["certification"]["name"] for c in certifications(product)],
            }
            for product in company[products]["nodes"]
        ],
        # BigInt travels as a number from pledgegraph and the floor, as a string from PostGraphile.
        "reports": [
            [
                int(r["year"]),
                int(r[f"scope1{reports}"]),
                int(r[f"scope2{reports}"]),
                int(r[f"scope3{reports}"]),
            ]
            for r in report_nodes
        ],
    }


def _w2_pledgegraph(data: Json) -> Canonical:
    return _w2(
        data["company"],
        products="products",
        certifications=lambda product: list(product["certifications"]),
        reports="Tco2e",
    )


def _w2_postgraphile(data: Json) -> Canonical:
    return _w2(
        data["companyBySlug"],
        products="productsByBrandCompanyId",
        certifications=lambda product: list(product["productCertifications"]["nodes"]),
        reports="Tco2E",
    )


def _w2_size(canonical: Canonical) -> int:
    return len(canonical["products"]) if canonical else 0


def _w3_pledgegraph(data: Json) -> Canonical:
    # The workload asks for no particular order, so compare by slug.
    return sorted(
        [node["slug"], node["name"], int(node["products"]["totalCount"])]
        for node in data["certifications"]["nodes"]
    )


def _w3_postgraphile(data: Json) -> Canonical:
    return sorted(
        [node["slug"], node["name"], int(node["productCertifications"]["totalCount"])]
        for node in data["certifications"]["nodes"]
    )


def _w5(data: Json) -> Canonical:
    return [[node["asin"], node["title"]] for node in data["products"]["nodes"]]


def _by_keys(groups: list[list[Json]]) -> list[list[Json]]:
    """[key, key, …, figure] rows in key order, a null key last (keys may be null)."""
    return sorted(groups, key=lambda row: [(key is None, key or 0) for key in row[:-1]])


def _w4_pledgegraph(data: Json) -> Canonical:
    # Each side returns groups in key order, but enum names and stored values sort differently.
    return _by_keys(
        [
            [
                g["keys"]["projectPriorityArea"],
                g["keys"]["vintage"],
                int(g["sum"]["issuedQuantity"]),
            ]
            for g in data["issuancesAggregate"]["groups"]
        ]
    )


def _w4_postgraphile(data: Json) -> Canonical:
    # pg-aggregates groups issuances by their own columns only: per project by vintage here, and
    # the client adds the projects of one priority area up (outside the timing).
    totals: dict[tuple[str | None, int], int] = {}
    for project in data["carbonProjects"]["nodes"]:
        area = project["priorityArea"]
        for group in project["issuancesByProjectId"]["groupedAggregates"]:
            key = (None if area is None else area.upper(), int(group["keys"][0]))
            totals[key] = totals.get(key, 0) + int(group["sum"]["issuedQuantity"])
    return _by_keys([[area, vintage, total] for (area, vintage), total in totals.items()])


def _w0(data: Json) -> Canonical:
    return [data["__typename"]]


def _w6(data: Json) -> Canonical:
    return _by_keys(
        [
            [g["keys"]["certificationCategory"], g["keys"]["certificateValidFromYear"], g["count"]]
            for g in data["productsAggregate"]["groups"]
        ]
    )


def _w7(data: Json) -> Canonical:
    # The order is part of the answer: the top groups by credits retired.
    def reported(value: Json) -> int | None:
        return None if value is None else int(value)

    return [
        [
            None if g["keys"]["beneficiary"] is None else g["keys"]["beneficiary"]["name"],
            g["keys"]["claimYear"],
            reported(g["keys"]["beneficiaryReportedTco2e"]),
            int(g["sum"]["quantity"]),
        ]
        for g in data["retirementsAggregate"]["groups"]
    ]


# The same document for both GraphQL servers: only the root type's name, no data.
W0_GRAPHQL = "{ __typename }"
W0_NOTE = (
    "W0: a reference, not a target: the fixed cost of any request through each server. The"
    " floor answers it without the database, as its bare HTTP route; an aggregate's ratio to the"
    " floor cannot exceed pledgegraph's W0 req/s over the floor's req/s for that aggregate."
)

W1_PLEDGEGRAPH = """
query W1($category: ProductCategory!) {
  products(first: 50, where: {category: {eq: $category}},
           orderBy: [{field: TITLE, direction: ASC}]) {
    nodes {
      asin title
      certifications { certification { name issuer } }
      brandCompany { name hqCountry }
    }
  }
}"""

W1_POSTGRAPHILE = """
query W1($category: String!) {
  products(first: 50, condition: {category: $category}, orderBy: [TITLE_ASC, ROW_ID_ASC]) {
    nodes {
      asin title
      productCertifications(orderBy: [VALID_FROM_ASC, ROW_ID_ASC]) {
        nodes { certification { name issuer } }
      }
      brandCompany { name hqCountry }
    }
  }
}"""

W2_PLEDGEGRAPH = """
query W2($slug: String!) {
  company(slug: $slug) {
    name
    products(first: 20) { nodes { title certifications { certification { name } } } }
    emissionsReports { year scope1Tco2e scope2Tco2e scope3Tco2e }
  }
}"""

W2_POSTGRAPHILE = """
query W2($slug: String!) {
  companyBySlug(slug: $slug) {
    name
    productsByBrandCompanyId(first: 20, orderBy: [TITLE_ASC, ROW_ID_ASC]) {
      nodes {
        title
        productCertifications(orderBy: [VALID_FROM_ASC, ROW_ID_ASC]) {
          nodes { certification { name } }
        }
      }
    }
    emissionsReports(orderBy: [YEAR_ASC]) {
      nodes { year scope1Tco2E scope2Tco2E scope3Tco2E }
    }
  }
}"""

W3_PLEDGEGRAPH = "{ certifications(first: 100) { nodes { slug name products { totalCount } } } }"

# PostGraphile counts link rows, not distinct products; the seeds never give a product the
# same certification twice, and the content check proves the counts agree on this data.
W3_POSTGRAPHILE = """
{
  certifications(first: 100, orderBy: [ROW_ID_ASC]) {
    nodes { slug name productCertifications { totalCount } }
  }
}"""

W5_PLEDGEGRAPH = """
query W5($after: String!) {
  products(first: 50, after: $after, orderBy: [{field: TITLE}]) { nodes { asin title } }
}"""

W5_POSTGRAPHILE = """
query W5($after: Cursor!) {
  products(first: 50, after: $after, orderBy: [TITLE_ASC, ROW_ID_ASC]) { nodes { asin title } }
}"""

# `first: 1000` (the most groups one request returns): every group, whatever the data.
W4_PLEDGEGRAPH = """
{
  issuancesAggregate(groupBy: [PROJECT_PRIORITY_AREA, VINTAGE], first: 1000) {
    groups { keys { projectPriorityArea vintage } sum { issuedQuantity } }
  }
}"""

W4_POSTGRAPHILE = """
{
  carbonProjects {
    nodes {
      priorityArea
      issuancesByProjectId {
        groupedAggregates(groupBy: [VINTAGE]) { keys sum { issuedQuantity } }
      }
    }
  }
}"""

W6_PLEDGEGRAPH = """
{
  productsAggregate(groupBy: [CERTIFICATION_CATEGORY, CERTIFICATE_VALID_FROM_YEAR], first: 1000) {
    groups { keys { certificationCategory certificateValidFromYear } count }
  }
}"""

W7_PLEDGEGRAPH = """
query W7($from: Int!, $top: Int!) {
  retirementsAggregate(
    where: {claimYear: {gte: $from}}
    groupBy: [BENEFICIARY, CLAIM_YEAR, BENEFICIARY_REPORTED_TCO2E]
    orderBy: [{field: SUM_QUANTITY, direction: DESC}]
    first: $top
  ) {
    groups { keys { beneficiary { name } claimYear beneficiaryReportedTco2e } sum { quantity } }
  }
}"""

W3_NOTE = (
    "W3: PostGraphile's `totalCount` counts product_certifications rows, where pledgegraph and "
    "the floor count distinct products (count(DISTINCT product_id)); the seeds never repeat a "
    "certification on a product, so the answers agree (checked), but PostGraphile skips the "
    "DISTINCT."
)
W4_NOTE = (
    "W4: pg-aggregates groups a table by its own columns only, so it cannot group issuances by "
    "their project's priority area; PostGraphile answers the nearest query it can express, "
    "every project's issuances grouped by vintage (one grouped aggregate per project), and the "
    "bench's reader adds the projects of each priority area up (outside the timing) before the "
    "content check."
)
W6_NOTE = (
    "W6: a product counts once per certification category and year in which it got a "
    "certificate of that category (products without a certificate would form one group with "
    "null keys; the floor counts them too, and on this data there are none). PostGraphile: n/a. "
    "pg-aggregates groups a table by its own columns (and timestamps truncated to the hour or "
    "day): neither a certificate's category (on certifications, a hop from "
    "product_certifications) nor the year of a date is a grouping it offers, and adding up "
    "per-certification counts client-side would count a product twice when it holds two "
    "certifications of one category from the same year."
)
W7_NOTE = (
    f"W7: the top {W7_TOP} (beneficiary, claim year) groups by credits retired among claims on "
    f"{W7_CLAIMS_FROM} and later, each with the beneficiary's reported emissions (scopes 1-3) "
    "for that year; ties break on the keys (beneficiary id, year, emissions). PostGraphile: "
    "n/a. pg-aggregates can group retirements by BENEFICIARY_COMPANY_ID and CLAIM_YEAR, but "
    "it cannot order groups by an aggregate nor cut them to the top N (graphile/pg-aggregates"
    "#75), nor bring a row of another table (the emissions report of that company and year) "
    "into a group: the client would fetch every group and every report and join, sort and cut "
    "them itself."
)

# Setup only: walk pledgegraph's own cursors to the W5 position (cursors are opaque).
W5_PLEDGEGRAPH_PAGE = """
query W5Setup($after: String) {
  products(first: 100, after: $after, orderBy: [{field: TITLE}]) { pageInfo { endCursor } }
}"""
W5_PLEDGEGRAPH_PAGE_SIZE = 100

# Setup only: PostGraphile's cursor of the W5_SKIP-th product, found once by offset.
W5_POSTGRAPHILE_CURSOR = """
query W5Setup($offset: Int!) {
  products(first: 1, offset: $offset, orderBy: [TITLE_ASC, ROW_ID_ASC]) { edges { cursor } }
}"""


def build_workloads(
    *,
    pledgegraph_cursor: str | None,
    postgraphile_cursor: str | None,
    floor_after: tuple[str, int],
) -> list[Workload]:
    """Every workload; W5 needs each system's position of the W5_SKIP-th product (the driver
    finds them only when it runs W5)."""
    return [
        Workload(
            key="W0",
            title="empty request",
            pledgegraph=W0_GRAPHQL,
            postgraphile=W0_GRAPHQL,
            floor={"floor": "/w0"},
            pledgegraph_variables={},
            postgraphile_variables={},
            floor_params={},
            read_pledgegraph=_w0,
            read_postgraphile=_w0,
            min_size=1,
            note=W0_NOTE,
        ),
        Workload(
            key="W1",
            title="frontend listing",
            pledgegraph=W1_PLEDGEGRAPH,
            postgraphile=W1_POSTGRAPHILE,
            floor={"floor": "/w1"},
            pledgegraph_variables={"category": W1_CATEGORY.upper()},
            postgraphile_variables={"category": W1_CATEGORY},
            floor_params={"category": W1_CATEGORY},
            read_pledgegraph=_w1_pledgegraph,
            read_postgraphile=_w1_postgraphile,
            min_size=50,
        ),
        Workload(
            key="W2",
            title="partner profile",
            pledgegraph=W2_PLEDGEGRAPH,
            postgraphile=W2_POSTGRAPHILE,
            floor={"floor": "/w2"},
            pledgegraph_variables={"slug": W2_SLUG},
            postgraphile_variables={"slug": W2_SLUG},
            floor_params={"slug": W2_SLUG},
            read_pledgegraph=_w2_pledgegraph,
            read_postgraphile=_w2_postgraphile,
            min_size=20,
        ),
        Workload(
            key="W3",
            title="counts",
            pledgegraph=W3_PLEDGEGRAPH,
            postgraphile=W3_POSTGRAPHILE,
            floor={"floor (grouped)": "/w3-grouped", "floor (correlated)": "/w3-correlated"},
            pledgegraph_variables={},
            postgraphile_variables={},
            floor_params={},
            read_pledgegraph=_w3_pledgegraph,
            read_postgraphile=_w3_postgraphile,
            min_size=10,
            note=W3_NOTE,
        ),
        Workload(
            key="W4",
            title="credits issued by priority area and vintage",
            pledgegraph=W4_PLEDGEGRAPH,
            postgraphile=W4_POSTGRAPHILE,
            floor={"floor": "/w4"},
            pledgegraph_variables={},
            postgraphile_variables={},
            floor_params={},
            read_pledgegraph=_w4_pledgegraph,
            read_postgraphile=_w4_postgraphile,
            min_size=10,
            note=W4_NOTE,
        ),
        Workload(
            key="W5",
            title="deep page",
            pledgegraph=W5_PLEDGEGRAPH,
            postgraphile=W5_POSTGRAPHILE,
            floor={"floor": "/w5"},
            # None: pledgegraph could not page there; the driver reports why.
            pledgegraph_variables={"after": pledgegraph_cursor},
            postgraphile_variables={"after": postgraphile_cursor},
            floor_params={"title": floor_after[0], "id": floor_after[1]},
            read_pledgegraph=_w5,
            read_postgraphile=_w5,
            min_size=50,
        ),
        Workload(
            key="W6",
            title="products per certification category and year",
            pledgegraph=W6_PLEDGEGRAPH,
            postgraphile=None,
            floor={"floor": "/w6"},
            pledgegraph_variables={},
            postgraphile_variables={},
            floor_params={},
            read_pledgegraph=_w6,
            read_postgraphile=_w6,
            min_size=10,
            note=W6_NOTE,
        ),
        Workload(
            key="W7",
            title="credits retired per beneficiary and claim year, with emissions",
            pledgegraph=W7_PLEDGEGRAPH,
            postgraphile=None,
            floor={"floor": "/w7"},
            pledgegraph_variables={"from": W7_CLAIMS_FROM, "top": W7_TOP},
            postgraphile_variables={},
            floor_params={"from": W7_CLAIMS_FROM, "top": W7_TOP},
            read_pledgegraph=_w7,
            read_postgraphile=_w7,
            min_size=W7_TOP,
            note=W7_NOTE,
        ),
    ]


def canonical_size(workload: Workload, canonical: Canonical) -> int:
    """How many top-level items an answer holds (products, or certifications for W3)."""
    if workload.key == "W2":
        return _w2_size(canonical)
    return len(canonical) if canonical else 0
