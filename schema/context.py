"""The per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import uuid4

import strawberry

from models.db import Database
from resolvers.loaders import Loaders


@dataclass
class Context:
    """One database handle, fresh dataloaders and a request id, for one GraphQL operation."""

    db: Database
    loaders: Loaders
    request_id: str = field(default_factory=lambda: uuid4().hex)

    @classmethod
    def for_db(cls, db: Database) -> Context:
        return cls(db=db, loaders=Loaders.for_db(db))


Info = strawberry.Info[Context, None]
