"""The per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import uuid4

import strawberry

from models.db import Database
from resolvers.loaders import Loaders
from resolvers.viewer import ANONYMOUS, Viewer
from schema.budget import Budget, Charge
from schema.settings import DEFAULT_SETTINGS, ApiSettings


@dataclass
class Context:
    """The caller, one database handle, fresh dataloaders and a request id, for one operation;
    the app's settings and the callers' cost budget (none: operations are costed, not charged)."""

    db: Database
    loaders: Loaders
    viewer: Viewer = ANONYMOUS
    request_id: str = field(default_factory=lambda: uuid4().hex)
    client_address: str | None = None  # whose budget an anonymous caller spends
    settings: ApiSettings = DEFAULT_SETTINGS
    budget: Budget | None = None
    # Set once the operation's cost is charged to the budget before the executor runs it (a
    # compiled read that fell back to it): the executor must not charge it again.
    prepaid: Charge | None = None

    @classmethod
    def for_db(
        cls,
        db: Database,
        viewer: Viewer = ANONYMOUS,
        *,
        client_address: str | None = None,
        settings: ApiSettings = DEFAULT_SETTINGS,
        budget: Budget | None = None,
        request_id: str | None = None,
    ) -> Context:
        return cls(
            db=db,
            loaders=Loaders.for_db(db, viewer=viewer),
            viewer=viewer,
            request_id=request_id or uuid4().hex,
            client_address=client_address,
            settings=settings,
            budget=budget,
        )


Info = strawberry.Info[Context, None]
