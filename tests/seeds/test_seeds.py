"""Seeding: real facts land as DOMAIN.md states them, reruns change nothing, the ledger adds up."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

from models.db import Database, create_engine, create_sessionmaker
from models.settings import DatabaseSettings
from resolvers.viewer import ANONYMOUS, Role, Viewer
from schema.context import Context
from schema.graphiql import EXAMPLES
from schema.root import schema
from seeds.facts import FACTS
from seeds.load import ScaleMismatch, SeedReport, is_empty, seed
from seeds.scale import SCALES, Scale
from tests.fixtures.database import empty_database, migrate

DEMO = SCALES["demo"]


@pytest.fixture(scope="module")
async def seeded(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[AsyncEngine, SeedReport]]:
    """A fresh database seeded once at demo scale (seeding commits, so it cannot roll back)."""
    async with empty_database(backend, Path(tmp_path_factory.mktemp("seeds"))) as url:
        await migrate(url)
        engine = create_engine(DatabaseSettings(url=url))
        assert await is_empty(engine)
        report = await seed(engine, DEMO, progress=False)
        yield engine, report
        await engine.dispose()


async def _rows(engine: AsyncEngine, sql: str) -> list[tuple[Any, ...]]:
    async with engine.connect() as connection:
        return [tuple(row) for row in (await connection.execute(sa.text(sql))).all()]


async def _fingerprint(engine: AsyncEngine) -> dict[str, tuple[object, ...]]:
    """Per table: row count and the sum of keys, enough to see any insert or delete."""
    result: dict[str, tuple[object, ...]] = {}
    for table in SQLModel.metadata.sorted_tables:
        (key,) = table.primary_key.columns
        sql = f"SELECT count(*), coalesce(sum({key.name}), 0) FROM {table.name}"
        (row,) = await _rows(engine, sql)
        result[table.name] = tuple(row)
    return result


async def test_seed_loads_every_table(seeded: tuple[AsyncEngine, SeedReport]) -> None:
    engine, report = seeded
    counts = {name: count for name, (count, _) in (await _fingerprint(engine)).items()}
    # API keys are made by admins, idempotency keys by buyers' requests: never by the seeds.
    assert counts.pop("api_keys") == 0
    assert counts.pop("idempotency_keys") == 0
    assert counts == report.inserted
    assert report.inserted["products"] == DEMO.products
    assert report.inserted["pledge_signatures"] == DEMO.signatories
    assert report.inserted["certifications"] == len(FACTS.certifications)


async def test_seed_twice_changes_nothing(seeded: tuple[AsyncEngine, SeedReport]) -> None:
    engine, _ = seeded
    before = await _fingerprint(engine)
    again = await seed(engine, DEMO, progress=False)
    assert set(again.inserted.values()) == {0}
    assert await _fingerprint(engine) == before


async def test_seed_refuses_another_scale(seeded: tuple[AsyncEngine, SeedReport]) -> None:
    engine, _ = seeded
    other = Scale("other", 554, 10, DEMO.products + 1, 60, 10, 10)
    with pytest.raises(ScaleMismatch, match="seed a new, empty database"):
        await seed(engine, other, progress=False)


async def test_certification_facts_keep_issuer_category_and_carbon_flag(
    seeded: tuple[AsyncEngine, SeedReport],
) -> None:
    engine, _ = seeded
    rows = await _rows(
        engine, "SELECT slug, issuer, category, carbon_related, provenance FROM certifications"
    )
    stored = {row[0]: tuple(row[1:]) for row in rows}
    expected = {
        fact.slug: (fact.issuer, fact.category, fact.carbon_related, fact.provenance)
        for fact in FACTS.certifications
    }
    assert {slug: (i, c, bool(k), p) for slug, (i, c, k, p) in stored.items()} == expected
    # DOMAIN.md marks PEFC [K] and Carbonfree Certified [S].
    assert stored["pefc"][3] == "unconfirmed"
    assert stored["carbonfree-certified"][3] == "sourced"


async def test_named_signatories_carry_their_signature(
    seeded: tuple[AsyncEngine, SeedReport],
) -> None:
    engine, _ = seeded
    rows = await _rows(
        engine,
        "SELECT c.slug, c.sector, c.hq_country, s.signed_on, s.net_zero_target_year"
        " FROM companies c JOIN pledge_signatures s ON s.company_id = c.id"
        " WHERE c.slug IN ('amazon', 'unilever', 'infosys')",
    )
    by_slug = {row[0]: row for row in rows}
    assert by_slug["amazon"][2] == "US"
    assert str(by_slug["amazon"][3]) == "2019-09-19"
    assert by_slug["infosys"][2] == "IN"
    assert {row[4] for row in rows} == {2040}
    non_signatories = await _rows(
        engine,
        "SELECT count(*) FROM companies c JOIN pledge_signatures s ON s.company_id = c.id"
        " WHERE c.slug IN ('flickr', 'steelcase', 'corsair')",
    )
    assert non_signatories[0][0] == 0


async def test_guyana_issuances_match_the_published_figures(
    seeded: tuple[AsyncEngine, SeedReport],
) -> None:
    engine, _ = seeded
    rows = await _rows(
        engine,
        "SELECT i.vintage, i.total_quantity, i.buffer_quantity, i.issued_quantity"
        " FROM issuances i JOIN carbon_projects p ON p.id = i.project_id"
        " WHERE p.registry_project_id = 'ART102' ORDER BY i.vintage",
    )
    assert rows[:2] == [
        (2016, 8_348_155, 481_051, 7_867_104),
        (2017, 8_070_022, 465_024, 7_604_998),
    ]
    assert len(rows) == 8


async def test_every_issuance_is_fully_accounted_for(
    seeded: tuple[AsyncEngine, SeedReport],
) -> None:
    """available + held + retired + cancelled = issued, counting live (not split) blocks."""
    engine, _ = seeded
    mismatched = await _rows(
        engine,
        "SELECT i.id FROM issuances i JOIN credit_blocks b ON b.issuance_id = i.id"
        " WHERE b.status <> 'split' GROUP BY i.id, i.issued_quantity"
        " HAVING sum(b.quantity) <> i.issued_quantity",
    )
    assert mismatched == []
    (unblocked,) = await _rows(
        engine,
        "SELECT count(*) FROM issuances i"
        " WHERE NOT EXISTS (SELECT 1 FROM credit_blocks b WHERE b.issuance_id = i.id)",
    )
    assert unblocked[0] == 0


async def test_live_blocks_never_overlap_and_splits_add_up(
    seeded: tuple[AsyncEngine, SeedReport],
) -> None:
    engine, _ = seeded
    (overlaps,) = await _rows(
        engine,
        "SELECT count(*) FROM credit_blocks a JOIN credit_blocks b"
        " ON a.issuance_id = b.issuance_id AND a.id < b.id"
        " AND a.serial_start <= b.serial_end AND b.serial_start <= a.serial_end"
        " WHERE a.status <> 'split' AND b.status <> 'split'",
    )
    assert overlaps[0] == 0
    unbalanced = await _rows(
        engine,
        "SELECT p.id FROM credit_blocks p JOIN credit_blocks c ON c.parent_block_id = p.id"
        " GROUP BY p.id, p.quantity, p.serial_start, p.serial_end"
        " HAVING sum(c.quantity) <> p.quantity OR min(c.serial_start) <> p.serial_start"
        " OR max(c.serial_end) <> p.serial_end",
    )
    assert unbalanced == []


async def test_every_block_change_has_one_ledger_event(
    seeded: tuple[AsyncEngine, SeedReport],
) -> None:
    engine, _ = seeded
    counts = dict(await _rows(engine, "SELECT kind, count(*) FROM ledger_events GROUP BY kind"))
    statuses = dict(
        await _rows(engine, "SELECT status, count(*) FROM credit_blocks GROUP BY status")
    )
    issuances = (await _rows(engine, "SELECT count(*) FROM issuances"))[0][0]
    purchases = (await _rows(engine, "SELECT count(*) FROM purchases"))[0][0]
    assert counts["issued"] == issuances
    assert counts["split"] == statuses["split"]
    assert counts["retired"] == statuses["retired"]
    assert counts["purchased"] == purchases


async def test_retirements_never_claim_more_than_reported_emissions(
    seeded: tuple[AsyncEngine, SeedReport],
) -> None:
    engine, _ = seeded
    over = await _rows(
        engine,
        "SELECT r.beneficiary_company_id, r.claim_year FROM retirements r"
        " JOIN credit_blocks b ON b.retirement_id = r.id"
        " LEFT JOIN emissions_reports e ON e.company_id = r.beneficiary_company_id"
        " AND e.year = r.claim_year AND e.public_url IS NOT NULL"
        " WHERE r.provenance = 'generated'"
        " GROUP BY r.beneficiary_company_id, r.claim_year,"
        " e.scope_1_tco2e, e.scope_2_tco2e, e.scope_3_tco2e"
        " HAVING sum(b.quantity)"
        " > coalesce(e.scope_1_tco2e + e.scope_2_tco2e + e.scope_3_tco2e, 0)",
    )
    assert over == []


async def test_published_retirements_keep_their_serial_ranges(
    seeded: tuple[AsyncEngine, SeedReport],
) -> None:
    engine, _ = seeded
    rows = await _rows(
        engine,
        "SELECT b.serial_start, b.serial_end, r.beneficiary_name FROM credit_blocks b"
        " JOIN retirements r ON r.id = b.retirement_id WHERE r.provenance = 'sourced'"
        " ORDER BY b.serial_start",
    )
    expected = sorted(
        (fact.serial_start, fact.serial_end, fact.beneficiary_name) for fact in FACTS.retirements
    )
    assert sorted(rows) == expected


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example["query"].split("\n")[0])
async def test_graphiql_examples_run_against_the_demo_data(
    seeded: tuple[AsyncEngine, SeedReport], example: dict[str, str]
) -> None:
    engine, _ = seeded
    async with create_sessionmaker(engine)() as session:
        result = await schema.execute(
            example["query"],
            variable_values=json.loads(example["variables"]),
            context_value=Context.for_db(Database(session)),
        )
    assert result.errors is None, result.errors
    assert result.data is not None
    # Every example is chosen to show data, not an empty answer.
    assert all(value for value in result.data.values())


async def test_the_holdings_example_shows_a_buyer_its_credits_as_its_blocks_add_up(
    seeded: tuple[AsyncEngine, SeedReport],
) -> None:
    engine, _ = seeded
    # Straight from the blocks, not through the view: each buyer's live credits per group.
    groups = await _rows(
        engine,
        "SELECT b.owner_company_id, i.project_id, i.vintage, b.status, sum(b.quantity)"
        " FROM credit_blocks b JOIN issuances i ON i.id = b.issuance_id"
        " WHERE b.owner_company_id IS NOT NULL AND b.status IN ('held', 'retired', 'cancelled')"
        " GROUP BY b.owner_company_id, i.project_id, i.vintage, b.status",
    )
    per_owner: dict[int, list[int]] = {}
    for owner, *_, quantity in groups:
        per_owner.setdefault(owner, []).append(int(quantity))
    owner, expected = max(per_owner.items(), key=lambda item: (len(item[1]), -item[0]))
    holdings = next(e["query"] for e in EXAMPLES if "query Holdings" in e["query"])

    async with create_sessionmaker(engine)() as session:
        result = await schema.execute(
            holdings,
            context_value=Context.for_db(
                Database(session), Viewer(role=Role.PARTNER, company_id=owner)
            ),
        )

    assert result.errors is None, result.errors
    assert result.data is not None
    page = result.data["creditHoldings"]
    assert page["totalCount"] == len(expected)
    assert [node["quantity"] for node in page["nodes"]] == sorted(expected, reverse=True)[:20]


async def test_the_eligibility_example_shows_its_company_s_checks_to_the_company_s_partner(
    seeded: tuple[AsyncEngine, SeedReport],
) -> None:
    engine, _ = seeded
    example = next(e for e in EXAMPLES if "query CanWeBuyCredits" in e["query"])
    variables = json.loads(example["variables"])
    async with engine.connect() as connection:
        company_id = await connection.scalar(
            sa.text("SELECT id FROM companies WHERE slug = :slug"), variables
        )
    answers = {}
    for who, viewer in {
        "anonymous": ANONYMOUS,
        "partner": Viewer(role=Role.PARTNER, company_id=company_id),
    }.items():
        async with create_sessionmaker(engine)() as session:
            result = await schema.execute(
                example["query"],
                variable_values=variables,
                context_value=Context.for_db(Database(session), viewer),
            )
        assert result.errors is None, result.errors
        assert result.data is not None
        answers[who] = result.data["company"]

    assert answers["anonymous"]["creditEligibility"] is None
    assert answers["anonymous"]["buyerCommitment"] is None
    checks = answers["partner"]["creditEligibility"]["checks"]
    assert [check["criterion"] for check in checks] == [
        "NET_ZERO_TARGET",
        "PUBLIC_EMISSIONS_REPORTING",
        "RESIDUAL_EMISSIONS_ONLY",
    ]
    assert answers["partner"]["buyerCommitment"] is not None
