"""Read rows: a model's columns as a light tuple, read like an instance, told apart by model."""

from __future__ import annotations

import sqlalchemy as sa

import models
from models.db import Database
from resolvers.loaders import load_by_id
from resolvers.rows import is_row_of, row_type
from resolvers.viewer import ANONYMOUS
from tests import factories


async def test_a_read_row_holds_every_column_attribute_of_its_model(db: Database) -> None:
    company = await factories.make_company(db, name="Acme", hq_country="DE", website=None)

    (row,) = await load_by_id(db, models.Company, [company.id or 0], viewer=ANONYMOUS)

    assert row is not None
    assert not isinstance(row, models.Company)
    names = {attribute.key for attribute in sa.inspect(models.Company).column_attrs}
    assert set(row_type(models.Company).names) == names
    for name in names:
        assert getattr(row, name) == getattr(company, name), name
    # Enums come back as enums, exactly as on a mapped instance.
    assert row.provenance is company.provenance


async def test_rows_and_instances_are_told_apart_by_model(db: Database) -> None:
    company = await factories.make_company(db)
    (row,) = await load_by_id(db, models.Company, [company.id or 0], viewer=ANONYMOUS)

    assert is_row_of(row, models.Company)
    assert is_row_of(company, models.Company)
    assert not is_row_of(row, models.Product)
    assert not is_row_of(company, models.Product)
    assert repr(row).startswith(f"CompanyRow(id={company.id}, ")


async def test_reads_see_changes_the_session_has_not_flushed_yet(db: Database) -> None:
    company = await factories.make_company(db, name="Before")
    company.name = "After"  # pending in the session, as in a write block before its flush

    (row,) = await load_by_id(db, models.Company, [company.id or 0], viewer=ANONYMOUS)

    assert row is not None
    assert row.name == "After"
