"""The floor: one hand-written SQL statement per workload that builds the whole JSON response."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

# Each statement answers in pledgegraph's response shape, so one reader checks both.
_CERTIFICATIONS_OF_P = """
(SELECT coalesce(json_agg(json_build_object('certification', json_build_object({fields}))
                          ORDER BY pc.valid_from, pc.id), '[]')
   FROM product_certifications pc JOIN certifications c ON c.id = pc.certification_id
  WHERE pc.product_id = p.id)"""

W1 = f"""
SELECT json_build_object('data', json_build_object('products', json_build_object('nodes',
  coalesce(json_agg(json_build_object(
    'asin', p.asin,
    'title', p.title,
    'certifications', {_CERTIFICATIONS_OF_P.format(fields="'name', c.name, 'issuer', c.issuer")},
    'brandCompany', (SELECT json_build_object('name', co.name, 'hqCountry', co.hq_country)
                       FROM companies co WHERE co.id = p.brand_company_id)
  ) ORDER BY p.title, p.id), '[]'))))::text
FROM (SELECT id, asin, title, brand_company_id FROM products
       WHERE category = $1 ORDER BY title, id LIMIT 50) p
"""

W2 = f"""
SELECT json_build_object('data', json_build_object('company', (
  SELECT json_build_object(
    'name', co.name,
    'products', json_build_object('nodes', (
      SELECT coalesce(json_agg(json_build_object(
               'title', p.title,
               'certifications', {_CERTIFICATIONS_OF_P.format(fields="'name', c.name")}
             ) ORDER BY p.title, p.id), '[]')
        FROM (SELECT id, title FROM products WHERE brand_company_id = co.id
               ORDER BY title, id LIMIT 20) p)),
    'emissionsReports', (
      SELECT coalesce(json_agg(json_build_object(
               'year', er.year, 'scope1Tco2e', er.scope_1_tco2e,
               'scope2Tco2e', er.scope_2_tco2e, 'scope3Tco2e', er.scope_3_tco2e
             ) ORDER BY er.year), '[]')
        FROM emissions_reports er WHERE er.company_id = co.id))
  FROM companies co WHERE co.slug = $1)))::text
"""

# W3 in the two forms the issue asks to compare; both count distinct products, as specified.
_W3 = """
SELECT json_build_object('data', json_build_object('certifications', json_build_object('nodes',
  coalesce(json_agg(json_build_object(
    'slug', c.slug, 'name', c.name, 'products', json_build_object('totalCount', {count})
  ) ORDER BY c.name, c.id), '[]'))))::text
FROM (SELECT id, slug, name FROM certifications ORDER BY name, id LIMIT 100) c
{join}
"""
W3_GROUPED = _W3.format(
    count="coalesce(n.products, 0)",
    join="""LEFT JOIN (SELECT certification_id, count(DISTINCT product_id) AS products
             FROM product_certifications GROUP BY certification_id) n
       ON n.certification_id = c.id""",
)
W3_CORRELATED = _W3.format(
    count="""(SELECT count(DISTINCT pc.product_id) FROM product_certifications pc
              WHERE pc.certification_id = c.id)""",
    join="",
)

# Keyset: the position is the (title, id) of the last product before the page.
W5 = """
SELECT json_build_object('data', json_build_object('products', json_build_object('nodes',
  coalesce(json_agg(json_build_object('asin', p.asin, 'title', p.title)
                    ORDER BY p.title, p.id), '[]'))))::text
FROM (SELECT id, asin, title FROM products
       WHERE (title, id) > ($1, $2) ORDER BY title, id LIMIT 50) p
"""

# The aggregates. Enum keys go out as GraphQL enum names (the stored value upper-cased).
W4 = """
SELECT json_build_object('data', json_build_object('issuancesAggregate', json_build_object(
  'groups', coalesce(json_agg(json_build_object(
    'keys', json_build_object('projectPriorityArea', upper(g.priority_area), 'vintage', g.vintage),
    'sum', json_build_object('issuedQuantity', g.issued)
  ) ORDER BY g.priority_area, g.vintage), '[]'))))::text
FROM (SELECT p.priority_area, i.vintage, sum(i.issued_quantity) AS issued
        FROM issuances i JOIN carbon_projects p ON p.id = i.project_id
       GROUP BY p.priority_area, i.vintage) g
"""

# A product counts once per (category, year) of its certificates: the DISTINCT rows. Products
# without a certificate form one group with null keys, as in pledgegraph (an anti-join; none
# in the seeds, so it finds nothing, but it pays for the look).
W6 = """
SELECT json_build_object('data', json_build_object('productsAggregate', json_build_object(
  'groups', coalesce(json_agg(json_build_object(
    'keys', json_build_object('certificationCategory', upper(g.category),
                              'certificateValidFromYear', g.year),
    'count', g.products
  ) ORDER BY g.category, g.year), '[]'))))::text
FROM (SELECT category, year, count(*) AS products
        FROM (SELECT DISTINCT pc.product_id, c.category,
                     CAST(extract(year FROM pc.valid_from) AS integer) AS year
                FROM product_certifications pc JOIN certifications c ON c.id = pc.certification_id
             ) held
       GROUP BY category, year
      UNION ALL
      SELECT NULL, NULL, count(*) FROM products p
       WHERE NOT EXISTS (SELECT FROM product_certifications pc WHERE pc.product_id = p.id)
      HAVING count(*) > 0) g
"""

# The top N by credits retired; ties break on the keys, as pledgegraph orders groups.
W7 = """
SELECT json_build_object('data', json_build_object('retirementsAggregate', json_build_object(
  'groups', coalesce(json_agg(json_build_object(
    'keys', json_build_object(
      'beneficiary', CASE WHEN co.id IS NULL THEN NULL ELSE json_build_object('name', co.name) END,
      'claimYear', g.claim_year,
      'beneficiaryReportedTco2e', g.reported),
    'sum', json_build_object('quantity', g.retired)
  ) ORDER BY g.retired DESC, g.company_id, g.claim_year, g.reported), '[]'))))::text
FROM (SELECT r.beneficiary_company_id AS company_id, r.claim_year,
             er.scope_1_tco2e + er.scope_2_tco2e + er.scope_3_tco2e AS reported,
             sum(r.quantity) AS retired
        FROM retirements r
        LEFT JOIN emissions_reports er
          ON er.company_id = r.beneficiary_company_id AND er.year = r.claim_year
       WHERE r.claim_year >= $1
       GROUP BY 1, 2, 3
       ORDER BY retired DESC, company_id, claim_year, reported
       LIMIT $2) g
LEFT JOIN companies co ON co.id = g.company_id
"""

# Path -> (statement, names of its parameters in the request body, in order).
STATEMENTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "/w1": (W1, ("category",)),
    "/w2": (W2, ("slug",)),
    "/w3-grouped": (W3_GROUPED, ()),
    "/w3-correlated": (W3_CORRELATED, ()),
    "/w5": (W5, ("title", "id")),
    "/w4": (W4, ()),
    "/w6": (W6, ()),
    "/w7": (W7, ("from", "top")),
}

POOL_SIZE = 10  # pledgegraph's DATABASE_POOL_SIZE default and PostGraphile's pool.max


async def _keep_session(_connection: Any) -> None:
    # Statements here change no session state, so skip asyncpg's reset round trip on release.
    return None


async def _empty(_request: Request) -> Response:
    """W0: the answer to `{ __typename }`, without the database: the bare HTTP round trip."""
    return Response(b'{"data":{"__typename":"Query"}}', media_type="application/json")


async def _healthz(_request: Request) -> Response:
    return PlainTextResponse("ok")


def create_app() -> Starlette:
    """The floor app; DATABASE_URL names the database (postgresql://...)."""
    dsn = os.environ["DATABASE_URL"]
    state: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=POOL_SIZE, reset=_keep_session)
        state["pool"] = pool
        try:
            yield
        finally:
            await pool.close()

    def endpoint(statement: str, names: tuple[str, ...]) -> Any:
        async def answer(request: Request) -> Response:
            body = await request.json() if names else {}
            text: str = await state["pool"].fetchval(statement, *(body[name] for name in names))
            return Response(text, media_type="application/json")

        return answer

    routes = [
        Route(path, endpoint(statement, names), methods=["POST"])
        for path, (statement, names) in STATEMENTS.items()
    ]
    routes.append(Route("/w0", _empty, methods=["POST"]))
    routes.append(Route("/healthz", _healthz))
    return Starlette(routes=routes, lifespan=lifespan)
