"""The GraphiQL page partners open in a browser, with example operations as tabs."""

from __future__ import annotations

import json
from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static" / "graphiql"
_TEMPLATE = Path(__file__).parent / "graphiql.html"
_PLACEHOLDER = "__GRAPHIQL_EXAMPLES__"

EXAMPLES: list[dict[str, str]] = [
    {
        "query": """# Climate Pledge signatories, 10 at a time. Pass pageInfo.endCursor as $after.
query Signatories($after: String) {
  signatories(first: 10, after: $after) {
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
        "query": """# The certifications behind the Climate Pledge Friendly badge.
query Certifications {
  certifications(first: 100) {
    totalCount
    nodes { slug name issuer category carbonRelated amazonOwned marketplaces provenance }
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
        "query": """# Published retirements: who retired what, for which year.
query Retirements {
  retirements(first: 20) {
    nodes { retiredOn beneficiaryName quantity reason claimYear note provenance }
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
