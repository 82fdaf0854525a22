"""Loaders: each key's rows, complete and in order, from one statement per batch."""

from __future__ import annotations

from datetime import date

from models.db import Database
from resolvers.loaders import HeldCertificate, Loaders
from resolvers.viewer import ANONYMOUS
from tests import factories


async def test_certificates_of_a_batch_share_certifications_read_once(db: Database) -> None:
    first, second = (
        await factories.make_certification(db, marketplaces=["us"]),
        await factories.make_certification(db, marketplaces=["de", "fr"]),
    )
    a = await factories.make_product(db)
    b = await factories.make_product(db)
    c = await factories.make_product(db)
    await factories.make_product_certification(db, a, first, valid_from=date(2020, 1, 1))
    await factories.make_product_certification(db, a, second, valid_from=date(2019, 1, 1))
    await factories.make_product_certification(db, b, first, valid_from=date(2018, 1, 1))
    await factories.make_product_certification(db, b, second, valid_from=date(2021, 1, 1))

    loaders = Loaders.for_db(db, viewer=ANONYMOUS)
    held = await loaders.certificates_by_product_id.load_many([a.id or 0, b.id or 0, c.id or 0])

    def names(certificates: list[HeldCertificate]) -> list[tuple[str, date, list[str]]]:
        return [
            (h.certification.name, h.valid_from, h.certification.marketplaces) for h in certificates
        ]

    # Oldest first per product, whichever product's certificate came first in the batch.
    assert names(held[0]) == [
        (second.name, date(2019, 1, 1), ["de", "fr"]),
        (first.name, date(2020, 1, 1), ["us"]),
    ]
    assert names(held[1]) == [
        (first.name, date(2018, 1, 1), ["us"]),
        (second.name, date(2021, 1, 1), ["de", "fr"]),
    ]
    assert held[2] == []
