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


@dataclass(frozen=True, kw_only=True)
class Workload:
    """What to send to each system, and how to read each answer back into one form."""

    key: str
    title: str
    pledgegraph: str
    postgraphile: str
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
    *, pledgegraph_cursor: str | None, postgraphile_cursor: str, floor_after: tuple[str, int]
) -> list[Workload]:
    """The four workloads; W5 needs each system's position of the W5_SKIP-th product."""
    return [
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
    ]


def canonical_size(workload: Workload, canonical: Canonical) -> int:
    """How many top-level items an answer holds (products, or certifications for W3)."""
    if workload.key == "W2":
        return _w2_size(canonical)
    return len(canonical) if canonical else 0
