"""The GraphiQL page partners open in a browser, with example operations as tabs."""

from __future__ import annotations

import json
from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static" / "graphiql"
_TEMPLATE = Path(__file__).parent / "graphiql.html"
_PLACEHOLDER = "__GRAPHIQL_EXAMPLES__"

EXAMPLES: list[dict[str, str]] = [
    {
        "query": """# Product search: ranked full-text over title and brand, narrowed with `where`.
query Search($text: String!, $after: String) {
  products(
    first: 10
    after: $after
    search: $text
    where: {climatePledgeFriendlyOn: "2026-01-01", marketplace: {in: [US, UK]}}
  ) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      asin
      title
      price { amount currency }
      certifications { validFrom validTo certification { name category } }
    }
  }
}
""",
        "variables": '{"text": "laundry detergent"}',
    },
    {
        "query": """# A category in title order, each product with its certifications and brand.
query Category($category: ProductCategory!) {
  products(first: 50, where: {category: {eq: $category}}, orderBy: [{field: TITLE}]) {
    nodes {
      asin
      title
      certifications { certification { name issuer } }
      brandCompany { name hqCountry }
    }
  }
}
""",
        "variables": '{"category": "HOUSEHOLD"}',
    },
    {
        "query": """# A partner's profile: its products (paged per company) and emissions reports.
query Profile($slug: String!) {
  company(slug: $slug) {
    name
    signature { signedOn netZeroTargetYear }
    products(first: 20) {
      totalCount
      nodes { title certifications { certification { name } } }
    }
    emissionsReports { year scope1Tco2e scope2Tco2e scope3Tco2e publicUrl }
  }
}
""",
        "variables": '{"slug": "unilever"}',
    },
    {
        "query": """# Signatories from one country that joined in 2021, newest names last.
query Signatories($after: String) {
  signatories(
    first: 10
    after: $after
    where: {hqCountry: {eq: "GB"}, signedOn: {gte: "2021-01-01", lte: "2021-12-31"}}
    orderBy: [{field: NAME}]
  ) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      name
      sector
      hqCountry
      signature { signedOn netZeroTargetYear }
    }
  }
}
""",
        "variables": "{}",
    },
    {
        "query": """# A product page: certificates, the badge, the brand company.
query ProductPage($asin: String!) {
  product(asin: $asin) {
    id
    title
    brand
    price { amount currency }
    climatePledgeFriendly
    brandCompany { name hqCountry }
    certifications {
      certificateNumber
      validFrom
      validTo
      certification { name issuer category carbonRelated }
    }
  }
}
""",
        "variables": '{"asin": "B000000001"}',
    },
    {
        "query": """# The carbon-related certifications and how many products hold each.
query Certifications {
  certifications(first: 100, where: {carbonRelated: true}) {
    totalCount
    nodes {
      slug
      name
      issuer
      marketplaces
      provenance
      products { totalCount }
    }
  }
}
""",
        "variables": "{}",
    },
    {
        "query": """# Land-restoration projects with the ABACUS label: credits issued and retired.
query Restoration {
  carbonProjects(
    first: 20
    where: {priorityArea: {eq: LAND_RESTORATION}, label: {eq: "ABACUS"}}
  ) {
    nodes {
      name
      country
      registry
      credits { issued available held retired }
      issuances { vintage credits { issued retired } }
    }
  }
}
""",
        "variables": "{}",
    },
    {
        "query": """# A carbon project with its issuances (credits are whole tonnes CO2e).
query Project($slug: String!) {
  carbonProject(slug: $slug) {
    name
    registry
    registryProjectId
    country
    priorityArea
    quality { additionality { rating notes } }
    issuances { vintage issuedOn totalQuantity bufferQuantity issuedQuantity serialPrefix }
  }
}
""",
        "variables": '{"slug": "art102-guyana"}',
    },
    {
        "query": """# The credit exchange's offer: projects on sale, their price and credits left.
# With a partner key, creditsPurchase buys from it and creditsRetire retires what you
# hold (see the README); Company.creditEligibility says whether your company may buy.
query Offer {
  carbonProjects(first: 10, where: {onOffer: true, priorityArea: {in: [LAND_RESTORATION]}}) {
    totalCount
    nodes {
      name
      projectType
      offerPrice { amount currency }
      credits { issued available retired }
    }
  }
}
""",
        "variables": "{}",
    },
    {
        "query": """# Published retirements: who retired what, for which year.
query Retirements {
  retirements(first: 20) {
    nodes { retiredOn beneficiaryName quantity reason claimYear note provenance }
  }
}
""",
        "variables": "{}",
    },
    {
        "query": """# Can we buy credits? The exchange's three buyer conditions, from our data.
# Eligibility and the declarations behind it are private: send your partner key from the
# Headers tab ({"Authorization": "Bearer pgk_..."}) and your company's slug. Meet a missing
# condition with netZeroTargetSet, emissionsReportSubmit or residualUseAttest.
query CanWeBuyCredits($slug: String!) {
  company(slug: $slug) {
    name
    signature { netZeroTargetYear }
    creditEligibility { eligible checks { criterion met detail } }
    buyerCommitment { netZeroTargetYear coversScopes1To3 evidenceUrl residualUseAttestedAt }
  }
}
""",
        "variables": '{"slug": "amazon"}',
    },
    {
        "query": """# Who am I? Send your key from the Headers tab:
#   {"Authorization": "Bearer pgk_..."}
# Partners then also see their own company's credit blocks and purchases; see
# extensions.cost in the response for what the query cost and the budget left.
query Me {
  viewer { role company { name } apiKey { name prefix } }
  creditBlocks(first: 10) {
    totalCount
    nodes { vintage quantity status project { name } }
  }
}
""",
        "variables": "{}",
    },
    {
        "query": """# Our credit holdings: private, so send your partner key from the Headers tab.
# Your company's credits by project, vintage and status, largest first.
query Holdings {
  viewer { company { name } }
  creditHoldings(first: 20, orderBy: [{field: QUANTITY, direction: DESC}]) {
    totalCount
    nodes { project { name registry } vintage status quantity blockCount }
  }
}
""",
        "variables": "{}",
    },
    {
        "query": """# Climate Pledge signatories by sector, by headquarters country and by year
# joined.
query Signatories {
  bySector: signatoriesAggregate(groupBy: [SECTOR], orderBy: [{field: COUNT, direction: DESC}]) {
    count
    groups { keys { sector } count }
  }
  byCountry: signatoriesAggregate(
    groupBy: [HQ_COUNTRY]
    orderBy: [{field: COUNT, direction: DESC}]
    first: 20
  ) {
    groups { keys { hqCountry } count }
    hasMoreGroups
  }
  byYearJoined: signatoriesAggregate(groupBy: [SIGNED_ON_YEAR]) {
    groups { keys { signedOnYear } count }
  }
}
""",
        "variables": "{}",
    },
    {
        "query": """# Climate Pledge Friendly products by the certifications that make them so today
# (certificates valid today, UTC), by their categories, and by store category on a
# day. A product with several certifications counts once in each of them; the null
# group holds the products without a valid certificate today.
query FriendlyProducts($day: Date!) {
  byCertification: productsAggregate(
    groupBy: [CURRENT_CERTIFICATION]
    orderBy: [{field: COUNT, direction: DESC}]
    first: 10
  ) {
    count
    groups { keys { currentCertification { name issuer } } count }
  }
  byCertificationCategory: productsAggregate(groupBy: [CURRENT_CERTIFICATION_CATEGORY]) {
    groups { keys { currentCertificationCategory } count }
  }
  byCategory: productsAggregate(where: {climatePledgeFriendlyOn: $day}, groupBy: [CATEGORY]) {
    groups { keys { category } count avg { price { amount currency } } }
  }
}
""",
        "variables": '{"day": "2025-06-30"}',
    },
    {
        "query": """# Certified products added per year (by their first certificate), and the growth
# between two years: the certified catalogue at the end of each.
query CertifiedProductsGrowth {
  addedPerYear: productsAggregate(
    where: {certifiedSince: {gte: "2020-01-01"}}
    groupBy: [CERTIFIED_SINCE_YEAR]
  ) {
    groups { keys { certifiedSinceYear } count }
  }
  end2022: productsAggregate(where: {certifiedSince: {lte: "2022-12-31"}}) { count }
  end2024: productsAggregate(where: {certifiedSince: {lte: "2024-12-31"}}) { count }
}
""",
        "variables": "{}",
    },
    {
        "query": """# Credits issued, held and retired by priority area, project type and vintage
# (public totals: holdings are summed, never shown per holder).
query CreditsByPriorityArea {
  issuancesAggregate(
    groupBy: [PROJECT_PRIORITY_AREA, PROJECT_TYPE, VINTAGE]
    orderBy: [{field: SUM_ISSUED_QUANTITY, direction: DESC}]
    first: 50
  ) {
    sum { issuedQuantity heldCredits retiredCredits }
    groups {
      keys { projectPriorityArea projectType vintage }
      sum { issuedQuantity availableCredits heldCredits retiredCredits }
    }
  }
}
""",
        "variables": "{}",
    },
    {
        "query": """# Net-zero progress: credits retired per beneficiary and claim year, against the
# emissions that company reported for the year (null without a report).
query NetZeroProgress {
  retirementsAggregate(
    where: {claimYear: {gte: 2020}}
    groupBy: [BENEFICIARY, CLAIM_YEAR, BENEFICIARY_REPORTED_TCO2E]
    orderBy: [{field: SUM_QUANTITY, direction: DESC}]
    first: 20
  ) {
    groups {
      keys { beneficiary { name } claimYear beneficiaryReportedTco2e }
      sum { quantity }
    }
  }
}
""",
        "variables": "{}",
    },
    {
        "query": """# Carbon projects by quality rating, with their credits.
query ProjectsByQuality {
  carbonProjectsAggregate(
    groupBy: [ADDITIONALITY_RATING, QUANTIFICATION_RATING, SAFEGUARDS_RATING]
  ) {
    count
    groups {
      keys { additionalityRating quantificationRating safeguardsRating }
      count
      sum { issuedCredits retiredCredits }
    }
  }
}
""",
        "variables": "{}",
    },
]


def render_graphiql(examples: list[dict[str, str]] = EXAMPLES) -> str:
    """The page with the examples embedded; `<`, `>` and `&` escaped so data cannot end the tag."""
    data = json.dumps(examples)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        data = data.replace(char, escaped)
    return _TEMPLATE.read_text(encoding="utf-8").replace(_PLACEHOLDER, data)
