"""Compiled reads: a query of aggregates the executor has answered is answered again without it,
exactly as the executor answers it, and goes back to the executor for anything else."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from strawberry.extensions import SchemaExtension

import resolvers.aggregate as aggregates
from models.db import Database
from schema.app import Sessionmaker, create_app
from schema.budget import MemoryBudget
from schema.compiled import MAX_QUERY_LENGTH
from schema.root import schema
from schema.settings import ApiSettings
from tests import factories
from tests.fixtures.clock import Clock
from tests.fixtures.http import serve

W4_LIKE = """
{
  __typename
  issuancesAggregate(groupBy: [PROJECT_PRIORITY_AREA, VINTAGE], first: 1000) {
    __typename
    hasMoreGroups
    groups { keys { projectPriorityArea vintage } sum { issuedQuantity } }
  }
}"""

W7_LIKE = """
query Top($from: Int!, $top: Int!) {
  retirementsAggregate(
    where: {claimYear: {gte: $from}}
    groupBy: [BENEFICIARY, CLAIM_YEAR, BENEFICIARY_REPORTED_TCO2E]
    orderBy: [{field: SUM_QUANTITY, direction: DESC}]
    first: $top
  ) {
    groups {
      keys { beneficiary { name slug } claimYear beneficiaryReportedTco2e }
      sum { quantity }
    }
    more: hasMoreGroups
  }
  byYear: retirementsAggregate(groupBy: [CLAIM_YEAR]) { groups { keys { claimYear } count } }
}"""


class Executed:
    """Counts the operations the executor runs."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        execute = schema.execute

        async def counted(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return await execute(*args, **kwargs)

        monkeypatch.setattr(schema, "execute", counted)


@asynccontextmanager
async def app_client(
    sessionmaker: Sessionmaker, capacity: int = 10**6, **settings: Any
) -> AsyncIterator[httpx.AsyncClient]:
    budget = MemoryBudget(capacity=capacity, leak_per_second=1, clock=Clock())
    app = create_app(
        sessionmaker=sessionmaker,
        budget=budget,
        api_settings=ApiSettings(budget_capacity=capacity, **settings),
    )
    async with serve(app) as client:
        yield client


async def _ledger(db: Database) -> None:
    """Issuances of two projects and retirements for two beneficiaries over three years."""
    acme = await factories.make_company(db, slug="acme", name="Acme")
    bolt = await factories.make_company(db, slug="bolt", name="Bolt")
    await factories.make_emissions_report(db, acme, year=2024)
    for area, vintages in (("forest_protection", (2019, 2020)), ("land_restoration", (2020,))):
        project = await factories.make_project(db, priority_area=area)
        for vintage in vintages:
            await factories.make_issuance(db, project, vintage=vintage, total_quantity=1000)
        for company, year, quantity in ((acme, 2024, 10), (bolt, 2023, 5), (acme, 2022, 7)):
            await factories.make_retirement(
                db, project, quantity=quantity, claim_year=year, beneficiary_company_id=company.id
            )


def _without_request(body: dict[str, Any]) -> dict[str, Any]:
    """The body without what differs between any two requests: the id and the budget left."""
    extensions = dict(body["extensions"])
    del extensions["requestId"]
    extensions["cost"] = {k: v for k, v in extensions["cost"].items() if k != "remaining"}
    return {**body, "extensions": extensions}


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (W4_LIKE, [None, None]),
        (W7_LIKE, [{"from": 2023, "top": 1}, {"from": 2022, "top": 10}]),
        ("{ __typename }", [None, None]),
    ],
)
async def test_a_read_the_executor_answered_is_answered_again_without_it_and_alike(
    db: Database,
    sessionmaker: Sessionmaker,
    monkeypatch: pytest.MonkeyPatch,
    query: str,
    variables: list[dict[str, Any] | None],
) -> None:
    await _ledger(db)
    executed = Executed(monkeypatch)
    compiles = db.dialect_name == "postgresql" or query == "{ __typename }"
    for values in variables:
        request = {"query": query, "variables": values}
        async with app_client(sessionmaker) as client:
            by_executor = (await client.post("/graphql", json=request)).json()
            before = executed.count
            again = (await client.post("/graphql", json=request)).json()
            assert executed.count == before + (0 if compiles else 1)
        assert "errors" not in by_executor
        assert _without_request(again) == _without_request(by_executor)
        # Charged once each, the requested cost.
        requested = by_executor["extensions"]["cost"]["requested"]
        remaining = by_executor["extensions"]["cost"]["remaining"]
        assert again["extensions"]["cost"]["remaining"] == remaining - requested


@pytest.mark.parametrize(
    ("variables", "code"),
    [
        ({"from": "2023", "top": 1}, "BAD_USER_INPUT"),  # a variable the executor refuses
        ({"from": 2023, "top": True}, "BAD_USER_INPUT"),  # equal to 1 in Python, not in GraphQL
        ({"from": 2023, "top": -1}, "BAD_USER_INPUT"),  # an argument the resolver refuses
        ({"from": 2023, "top": 1000}, "MAX_COST_EXCEEDED"),  # over the cost limit
    ],
)
async def test_what_a_compiled_read_would_refuse_goes_back_to_the_executor(
    db: Database,
    sessionmaker: Sessionmaker,
    monkeypatch: pytest.MonkeyPatch,
    variables: dict[str, Any],
    code: str,
) -> None:
    await _ledger(db)
    executed = Executed(monkeypatch)
    async with app_client(sessionmaker, max_cost=500) as client:
        learnt = await client.post(
            "/graphql", json={"query": W7_LIKE, "variables": {"from": 2023, "top": 1}}
        )
        before = executed.count
        refused = await client.post("/graphql", json={"query": W7_LIKE, "variables": variables})
    assert "errors" not in learnt.json()
    assert executed.count == before + 1
    assert [e["extensions"]["code"] for e in refused.json()["errors"]] == [code]


async def test_a_spent_budget_is_refused_by_the_executor_and_charged_nothing(
    db: Database, sessionmaker: Sessionmaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _ledger(db)
    executed = Executed(monkeypatch)
    query = {"query": W4_LIKE.replace("first: 1000", "first: 100")}
    async with app_client(sessionmaker, capacity=150, max_cost=150) as client:
        first = (await client.post("/graphql", json=query)).json()
        before = executed.count
        refused = await client.post("/graphql", json=query)
    assert "errors" not in first
    requested = first["extensions"]["cost"]["requested"]
    assert 150 - requested < requested  # the second does not fit
    assert executed.count == before + 1
    assert refused.status_code == 429
    assert refused.json()["extensions"]["cost"]["remaining"] == 150 - requested


async def test_a_statement_that_fails_after_the_charge_is_run_by_the_executor_charged_once(
    db: Database, sessionmaker: Sessionmaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    if db.dialect_name == "sqlite":
        pytest.skip("on SQLite no aggregate is compiled: the database writes no answer")
    await _ledger(db)
    executed = Executed(monkeypatch)
    answer = aggregates.AggregateQuery.answer
    failures = [ConnectionError("the database went away")]

    async def failing_once(query: Any, db: Any, parts: Any) -> Any:
        if failures:
            raise failures.pop()
        return await answer(query, db, parts)

    async with app_client(sessionmaker) as client:
        first = (await client.post("/graphql", json={"query": W4_LIKE})).json()
        monkeypatch.setattr(aggregates.AggregateQuery, "answer", failing_once)
        before = executed.count
        again = (await client.post("/graphql", json={"query": W4_LIKE})).json()
    assert not failures
    assert executed.count == before + 1
    assert _without_request(again) == _without_request(first)
    cost = first["extensions"]["cost"]
    assert again["extensions"]["cost"]["remaining"] == cost["remaining"] - cost["requested"]


@pytest.mark.parametrize(
    "query",
    [
        # a fragment, a directive, a field that is not an aggregate, a connection under a key
        "{ issuancesAggregate(groupBy: [VINTAGE]) { ...G } } "
        "fragment G on IssuanceAggregate { groups { count } }",
        "{ issuancesAggregate(groupBy: [VINTAGE]) { groups { count @include(if: true) } } }",
        "{ issuancesAggregate(groupBy: [VINTAGE]) { count } products(first: 1) { totalCount } }",
        "{ retirementsAggregate(groupBy: [BENEFICIARY]) "
        "{ groups { keys { beneficiary { products(first: 1) { totalCount } } } } } }",
        "{ productsAggregate(groupBy: [CATEGORY]) { groups { sum { price { amount } } } } }",
    ],
)
async def test_other_reads_are_left_to_the_executor(
    db: Database, sessionmaker: Sessionmaker, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    await _ledger(db)
    executed = Executed(monkeypatch)
    async with app_client(sessionmaker) as client:
        first = (await client.post("/graphql", json={"query": query})).json()
        again = (await client.post("/graphql", json={"query": query})).json()
    assert "errors" not in first
    assert executed.count == 2
    assert _without_request(again) == _without_request(first)


async def test_every_operation_reaches_another_extension(
    db: Database, sessionmaker: Sessionmaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An extension the compiled reads do not stand in for (tracing, say) turns them off."""
    seen: list[str] = []

    class Tracing(SchemaExtension):
        def on_operation(self) -> Iterator[None]:
            seen.append(self.execution_context.query or "")
            yield

    await _ledger(db)
    monkeypatch.setattr(schema, "extensions", (*schema.extensions, Tracing))
    async with app_client(sessionmaker) as client:
        for _ in range(3):
            assert "errors" not in (await client.post("/graphql", json={"query": W4_LIKE})).json()
    assert seen == [W4_LIKE] * 3


async def test_long_documents_are_left_to_the_executor(
    db: Database, sessionmaker: Sessionmaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _ledger(db)
    executed = Executed(monkeypatch)
    long = W4_LIKE + "\n# " + "x" * MAX_QUERY_LENGTH
    async with app_client(sessionmaker) as client:
        for _ in range(3):
            assert "errors" not in (await client.post("/graphql", json={"query": long})).json()
    assert executed.count == 3
