"""`make bench-export`: stream a whole export from the full-scale database through uvicorn."""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import os
import platform
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx

from bench.run import (
    CLIENT_CORE,
    FULL_PRODUCTS,
    PG_PORT,
    RESULTS,
    Server,
    _products_count,
    database_url,
    ensure_database,
    say,
    start_server,
    wait_ready,
)

MB = 1024 * 1024


@dataclass(frozen=True)
class Run:
    """One whole export: rows and bytes received, seconds, the server's peak RSS."""

    rows: int
    bytes: int
    seconds: float
    peak_rss: int
    with_certifications: int

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds


async def _expected_rows(entity: str) -> int:
    table = {"products": "products", "companies": "companies"}
    connection = await asyncpg.connect(database_url())
    try:
        count: int = await connection.fetchval(f"SELECT count(*) FROM {table[entity]}")
        return count
    finally:
        await connection.close()


async def export_once(server: Server, path: str, fmt: str) -> Run:
    """Read the whole stream, counting rows as they arrive (constant memory here too)."""
    server.reset_peak_rss()
    rows = size = certified = 0
    tail = b""
    started = time.perf_counter()
    async with (
        httpx.AsyncClient(timeout=None) as client,
        client.stream("GET", server.base_url + path) as response,
    ):
        response.raise_for_status()
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            lines = (tail + chunk).split(b"\n")
            tail = lines.pop()
            rows += len(lines)
            if fmt == "ndjson":
                # A row without certifications would end its array empty.
                certified += sum(1 for line in lines if b'"certifications":[]' not in line)
    seconds = time.perf_counter() - started
    if fmt == "csv":
        rows -= 1  # the header
    return Run(rows, size, seconds, server.peak_rss(), certified)


def _sample(server: Server, path: str, fmt: str) -> str:
    """The first row, to show what was measured."""
    with httpx.stream("GET", server.base_url + path, timeout=None) as response:
        for line in response.iter_lines():
            if fmt == "ndjson":
                return json.dumps(json.loads(line), ensure_ascii=False)
            header = next(csv.reader(io.StringIO(line)))
            return ",".join(header)
    return ""


async def bench(options: argparse.Namespace) -> int:
    expected = await _expected_rows(options.entity)
    os.environ["API_EXPORT_PAGE_SIZE"] = str(options.page_size)
    server = start_server("pledgegraph", db_port=PG_PORT, tag="export")
    report = [
        f"# Bulk export benchmark ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
        "",
        f"`python -m bench.export --entity {options.entity} --page-size {options.page_size}"
        f" --rounds {options.rounds}`: uvicorn (one worker, pinned to core 0) serving"
        f" `pledgegraph_bench`; the client (core 1) reads each whole stream. {platform.node()},"
        f" Python {platform.python_version()}.",
        "",
        "| format | round | rows | MB sent | seconds | rows/s | server peak RSS (MB) | load avg |",
        "|---|---|---|---|---|---|---|---|",
    ]
    samples: list[str] = []
    try:
        await wait_ready(server)
        for fmt in options.formats.split(","):
            path = f"/export/{options.entity}.{fmt}"
            for round_number in range(1, options.rounds + 1):
                run = await export_once(server, path, fmt)
                say(
                    f"{fmt} round {round_number}: {run.rows:,} rows in {run.seconds:.1f} s ="
                    f" {run.rows_per_second:,.0f} rows/s, {run.bytes / MB:.0f} MB,"
                    f" peak RSS {run.peak_rss / MB:.0f} MB"
                )
                if run.rows != expected:
                    raise RuntimeError(f"{path}: {run.rows} rows, expected {expected}")
                if (
                    fmt == "ndjson"
                    and options.entity == "products"
                    and run.with_certifications != run.rows
                ):
                    raise RuntimeError(
                        f"{run.rows - run.with_certifications} rows lack certifications"
                    )
                report.append(
                    f"| {fmt} | {round_number} | {run.rows:,} | {run.bytes / MB:.0f} |"
                    f" {run.seconds:.1f} | {run.rows_per_second:,.0f} | {run.peak_rss / MB:.0f} |"
                    f" {os.getloadavg()[0]:.1f} |"
                )
            samples += ["", f"First row of `{path}`:", "", "```", _sample(server, path, fmt), "```"]
    finally:
        await server.stop()
    report += [
        "",
        "Load avg: the machine's 1-minute load average after the round (2 cores; above 2, other"
        " work shared them and the figures are lower bounds).",
        *samples,
    ]
    output = RESULTS / "export.md"
    output.write_text("\n".join(report) + "\n")
    say(f"wrote {output.relative_to(Path.cwd()) if output.is_relative_to(Path.cwd()) else output}")
    return 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.export", description=__doc__)
    parser.add_argument("--entity", default="products", choices=["products", "companies"])
    parser.add_argument("--formats", default="ndjson,csv", help="comma-separated: ndjson,csv")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--page-size", type=int, default=2000)
    return parser.parse_args()


def main() -> int:
    options = parse_args()
    # A full database is used as it is: the bench database is shared with branches whose
    # migrations differ, and exports read tables every one of them has.
    if asyncio.run(_products_count()) != FULL_PRODUCTS:
        ensure_database()
    os.sched_setaffinity(0, {CLIENT_CORE})
    return asyncio.run(bench(options))


if __name__ == "__main__":
    raise SystemExit(main())
