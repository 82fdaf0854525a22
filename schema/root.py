"""The strawberry Schema: Query, Mutation, the types reachable only through Node, and extensions."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig

from schema.errors import ShapeErrors
from schema.mutations import Mutation
from schema.queries import Query
from schema.scalars import SCALARS
from schema.types.company import EmissionsReport


class Schema(strawberry.Schema):
    """Strawberry's schema, minus its logging of every error: ShapeErrors logs the unexpected."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        return None


schema = Schema(
    query=Query,
    mutation=Mutation,
    types=[EmissionsReport],
    config=StrawberryConfig(sort_schema=True, scalar_map=SCALARS),
    extensions=[ParserCache, ValidationCache, ShapeErrors],
)
