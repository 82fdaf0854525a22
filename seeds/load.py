"""Loading the seed rows into a migrated database, in foreign-key order, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import SQLModel
from tqdm import tqdm

import models
from seeds.catalogue import Catalogue
from seeds.ledger import Ledger
from seeds.scale import Scale
from seeds.writer import BulkWriter, Row, chunks


class ScaleMismatch(Exception):
    """The database already holds seed data of another scale."""


@dataclass(frozen=True)
class SeedReport:
    """Rows inserted per table by one run (all zero when the data was already there)."""

    inserted: dict[str, int]


async def is_empty(engine: AsyncEngine) -> bool:
    async with engine.connect() as connection:
        result = await connection.execute(
            sa.select(sa.func.count()).select_from(_table(models.Company))
        )
        return int(result.scalar_one()) == 0


async def seed(engine: AsyncEngine, scale: Scale, *, progress: bool = True) -> SeedReport:
    """Insert the real facts and the generated data; a second run inserts nothing."""
    catalogue = Catalogue(scale).build()
    ledger = Ledger(catalogue).build()
    before: list[tuple[type[SQLModel], list[Row]]] = [
        (models.Company, catalogue.companies),
        (models.PledgeSignature, catalogue.signatures),
        (models.EmissionsReport, catalogue.emissions_reports),
        (models.BuyerCommitment, catalogue.buyer_commitments),
        (models.Certification, catalogue.certifications),
    ]
    after: list[tuple[type[SQLModel], list[Row]]] = [
        (models.CarbonProject, ledger.projects),
        (models.Issuance, ledger.issuances),
        (models.Purchase, ledger.purchases),
        (models.Retirement, ledger.retirements),
        # Blocks are made after their parent, so id order satisfies the self-reference.
        (models.CreditBlock, ledger.blocks),
        (models.LedgerEvent, ledger.events),
    ]
    total = scale.products + sum(len(rows) for _, rows in before + after)
    bar = tqdm(total=total, unit="rows", disable=not progress, desc=f"seeding {scale.name}")
    with bar:
        async with engine.begin() as connection:
            await _check_scale(connection, scale)
            writer = BulkWriter(connection, on_rows=bar.update)
            for model, rows in before:
                await writer.write(_table(model), rows)
            # Products and their certificates in step: each batch of certificates refers only
            # to products already written, and nothing the size of the catalogue is held.
            for batch in chunks(catalogue.products()):
                await writer.write(_table(models.Product), [product for product, _ in batch])
                certificates = [c for _, held in batch for c in held]
                await writer.write(_table(models.ProductCertification), certificates)
                bar.update(-len(certificates))  # the bar counts products, not certificates
            for model, rows in after:
                await writer.write(_table(model), rows)
            await writer.finish()
    return SeedReport(inserted=writer.inserted)


def _table(model: type[SQLModel]) -> sa.Table:
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, sa.Table)
    return table


async def _check_scale(connection: AsyncConnection, scale: Scale) -> None:
    result = await connection.execute(
        sa.select(sa.func.count()).select_from(_table(models.Product))
    )
    existing = int(result.scalar_one())
    if existing not in (0, scale.products):
        raise ScaleMismatch(
            f"The database holds {existing} products, not the {scale.products} of the"
            f" '{scale.name}' scale; seed a new, empty database instead."
        )
