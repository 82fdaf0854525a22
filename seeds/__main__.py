"""`python -m seeds [--scale demo|full] [--if-empty]`: load the seed data into DATABASE_URL."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from models.db import create_engine
from models.settings import DatabaseSettings
from seeds.load import ScaleMismatch, is_empty, seed
from seeds.scale import SCALES


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m seeds", description=__doc__)
    parser.add_argument("--scale", choices=sorted(SCALES), default="demo")
    parser.add_argument(
        "--if-empty", action="store_true", help="do nothing when the database already has data"
    )
    args = parser.parse_args()
    return asyncio.run(_run(SCALES[args.scale], only_if_empty=args.if_empty))


async def _run(scale: object, *, only_if_empty: bool) -> int:
    engine = create_engine(DatabaseSettings())
    try:
        if only_if_empty and not await is_empty(engine):
            print("database already seeded; nothing to do", file=sys.stderr)  # noqa: T201
            return 0
        started = time.perf_counter()
        report = await seed(engine, scale, progress=sys.stderr.isatty())  # type: ignore[arg-type]
        elapsed = time.perf_counter() - started
    except ScaleMismatch as error:
        print(f"error: {error}", file=sys.stderr)  # noqa: T201
        return 2
    finally:
        await engine.dispose()
    inserted = ", ".join(f"{table} {count}" for table, count in report.inserted.items())
    print(f"seeded in {elapsed:.1f} s: {inserted}", file=sys.stderr)  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
