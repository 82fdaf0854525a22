"""`python -m schema.keys create|list|revoke`: manage API keys in DATABASE_URL from a shell."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from datetime import datetime

from models import ApiKeyRole
from models.db import Database, create_engine, create_sessionmaker
from models.settings import DatabaseSettings
from resolvers import api_keys

EPILOG = """examples:
  python -m schema.keys create --name "Acme reporting" --role partner --company acme
  python -m schema.keys create --name "Ops" --role admin
  python -m schema.keys list
  python -m schema.keys revoke 0a1b2c3d4e5f
"""


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; 0 on success, 1 when the input is refused, 2 on a usage error."""
    args = _parser().parse_args(argv)
    return asyncio.run(_run(args))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m schema.keys",
        description="Manage API keys in the database named by DATABASE_URL.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="make a key and print it (once)")
    create.add_argument("--name", required=True, help="who will hold the key")
    create.add_argument("--role", required=True, choices=[role.value for role in ApiKeyRole])
    create.add_argument("--company", help="partner keys: the slug of the company it acts for")
    create.add_argument("--first-party", action="store_true", help="for one of our own frontends")
    commands.add_parser("list", help="list every key, newest first (never the keys themselves)")
    revoke = commands.add_parser("revoke", help="stop a key working")
    revoke.add_argument("prefix", help="the key's prefix, as `list` shows it")
    return parser


async def _run(args: argparse.Namespace) -> int:
    engine = create_engine(DatabaseSettings())
    try:
        async with create_sessionmaker(engine)() as session:
            db = Database(session)
            if args.command == "create":
                return await _create(db, args)
            if args.command == "revoke":
                return await _revoke(db, args.prefix)
            return await _list(db)
    finally:
        await engine.dispose()


async def _create(db: Database, args: argparse.Namespace) -> int:
    result = await api_keys.create_api_key(
        db,
        name=args.name,
        role=ApiKeyRole(args.role),
        company_slug=args.company,
        first_party=args.first_party,
    )
    if isinstance(result, api_keys.Refused):
        for error in result.errors:
            _err(f"error: {error.message}")
        return 1
    api_key = result.api_key
    company = f" for company {args.company}" if args.company else ""
    _err(f"Made {api_key.role.value} key {api_key.name!r}{company}, prefix {api_key.prefix}:")
    _out(result.key)
    _err(
        "This is the only time the key is shown: it is not stored (only its hash is) and cannot"
        " be recovered. Hand it over securely; it is sent as `Authorization: Bearer <key>`."
    )
    return 0


async def _list(db: Database) -> int:
    columns = ("PREFIX", "ROLE", "COMPANY", "FIRST-PARTY", "CREATED", "REVOKED", "NAME")
    rows = [
        (
            api_key.prefix,
            api_key.role.value,
            slug or "-",
            "yes" if api_key.first_party else "no",
            _moment(api_key.created_at),
            _moment(api_key.revoked_at),
            api_key.name,
        )
        for api_key, slug in await api_keys.all_api_keys(db)
    ]
    widths = [max(len(row[i]) for row in [columns, *rows]) for i in range(len(columns) - 1)]
    for row in [columns, *rows]:
        _out("  ".join([*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[-1]]))
    return 0


async def _revoke(db: Database, prefix: str) -> int:
    api_key = await api_keys.get_api_key_by_prefix(db, prefix)
    if api_key is None:
        _err(f"error: no API key has the prefix {prefix!r} (see `list`).")
        return 1
    was_revoked = api_key.revoked_at is not None
    await api_keys.revoke_api_key(db, api_key)
    state = "was already revoked" if was_revoked else "is revoked"
    _err(f"Key {prefix} ({api_key.name!r}) {state} as of {_moment(api_key.revoked_at)}.")
    return 0


def _moment(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


def _out(text: str) -> None:
    print(text)  # noqa: T201


def _err(text: str) -> None:
    print(text, file=sys.stderr)  # noqa: T201


if __name__ == "__main__":
    raise SystemExit(main())
