"""The per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import uuid4

import strawberry

from models.db import Database
from resolvers.loaders import Loaders
from resolvers.viewer import ANONYMOUS, Viewer


@dataclass
class Context:
    """The caller, one database handle, fresh dataloaders and a request id, for one operation."""

    db: Database
    loaders: Loaders
    viewer: Viewer = ANONYMOUS
    request_id: str = field(default_factory=lambda: uuid4().hex)

    @classmethod
    def for_db(cls, db: Database, viewer: Viewer = ANONYMOUS) -> Context:
        return cls(db=db, loaders=Loaders.for_db(db, viewer=viewer), viewer=viewer)


Info = strawberry.Info[Context, None]
