"""`python -m schema.keys`: create, list and revoke keys in the database named by DATABASE_URL."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from models.db import Database, create_engine, create_sessionmaker
from models.settings import DatabaseSettings
from resolvers import api_keys
from resolvers.errors import Unauthenticated
from resolvers.viewer import Role, Viewer
from schema import keys
from tests.fixtures.database import empty_database, migrate


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


Runner = Callable[..., Awaitable[Run]]


@pytest.fixture(scope="module")
async def cli_database(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[AsyncEngine]:
    """A database of its own: the command line commits, so the shared test database is no place."""
    async with empty_database(backend, tmp_path_factory.mktemp("keys")) as url:
        await migrate(url)
        engine = create_engine(DatabaseSettings(url=url))
        async with engine.begin() as connection:
            await connection.execute(
                sa.text(
                    "INSERT INTO companies (slug, name, sector, hq_country, provenance)"
                    " VALUES ('acme', 'Acme', 'Retail', 'US', 'generated')"
                )
            )
        yield engine
        await engine.dispose()


@pytest.fixture
def run(
    cli_database: AsyncEngine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Runner:
    monkeypatch.setenv("DATABASE_URL", cli_database.url.render_as_string(hide_password=False))

    async def run(*argv: str) -> Run:
        capsys.readouterr()
        # main() runs its own event loop, so it gets a thread of its own.
        code = await asyncio.to_thread(keys.main, list(argv))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


async def authenticate(engine: AsyncEngine, key: str) -> Viewer:
    async with create_sessionmaker(engine)() as session:
        return await api_keys.authenticate(Database(session), f"Bearer {key}")


async def stored_rows(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as connection:
        rows = (await connection.execute(sa.text("SELECT * FROM api_keys"))).all()
    return [" ".join(map(str, row)) for row in rows]


def cell(header: str, line: str, column: str) -> str:
    """The first word of a column in the fixed-width listing."""
    return line[header.index(column) :].split(maxsplit=1)[0]


async def test_create_prints_a_working_key_once_and_stores_only_its_hash(
    run: Runner, cli_database: AsyncEngine
) -> None:
    made = await run("create", "--name", "Acme reporting", "--role", "partner", "--company", "acme")

    assert made.code == 0
    key = made.out.strip()
    assert made.out == key + "\n"  # stdout holds the key alone, for scripts
    assert "only time the key is shown" in made.err
    assert "not stored" in made.err
    assert key not in made.err
    viewer = await authenticate(cli_database, key)
    assert viewer.role is Role.PARTNER
    assert viewer.company_id is not None
    assert not [row for row in await stored_rows(cli_database) if key.rsplit("_", 1)[1] in row]


async def test_list_shows_keys_without_their_secrets_and_revoke_stops_one(
    run: Runner, cli_database: AsyncEngine
) -> None:
    made = await run("create", "--name", "Ops on call", "--role", "admin", "--first-party")
    key = made.out.strip()
    prefix = key.split("_")[1]

    listed = await run("list")
    [line] = [line for line in listed.out.splitlines() if prefix in line]
    revoked = await run("revoke", prefix)
    listed_after = await run("list")
    [line_after] = [line for line in listed_after.out.splitlines() if prefix in line]

    header = listed.out.splitlines()[0]
    assert listed.code == 0
    assert header.split() == [
        "PREFIX", "ROLE", "COMPANY", "FIRST-PARTY", "CREATED", "REVOKED", "NAME"
    ]  # fmt: skip
    assert line.split()[:4] == [prefix, "admin", "-", "yes"]
    assert line.endswith("Ops on call")
    assert key.rsplit("_", 1)[1] not in listed.out
    assert revoked.code == 0
    assert f"Key {prefix}" in revoked.err
    assert cell(header, line, "REVOKED") == "-"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", cell(header, line_after, "REVOKED"))
    with pytest.raises(Unauthenticated, match="revoked"):
        await authenticate(cli_database, key)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("create", "--name", "x", "--role", "partner"), "give its slug"),
        (("create", "--name", "x", "--role", "partner", "--company", "nope"), "'nope'"),
        (("create", "--name", "x", "--role", "admin", "--company", "acme"), "leave out"),
        (("create", "--name", " ", "--role", "admin"), "name"),
        (("revoke", "000000000000"), "no API key has the prefix"),
    ],
    ids=[
        "partner without company",
        "unknown company",
        "admin with company",
        "blank name",
        "revoke unknown",
    ],
)
async def test_refused_input_exits_1_with_a_message_and_writes_nothing(
    run: Runner, cli_database: AsyncEngine, argv: tuple[str, ...], message: str
) -> None:
    before = await stored_rows(cli_database)

    result = await run(*argv)

    assert (result.code, result.out) == (1, "")
    assert result.err.startswith("error: ")
    assert message in result.err
    assert await stored_rows(cli_database) == before


async def test_unknown_role_is_a_usage_error(run: Runner) -> None:
    with pytest.raises(SystemExit) as exited:
        await run("create", "--name", "x", "--role", "anonymous")

    assert exited.value.code == 2
