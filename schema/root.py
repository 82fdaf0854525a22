"""The strawberry Schema: Query, Mutation, the types reachable only through Node, and extensions."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ValidationCache
from strawberry.schema.config import StrawberryConfig

from schema.cost import describe_costs
from schema.errors import ParserCache, ShapeErrors
from schema.execution import convert_arguments_once, for_schema
from schema.limits import Limiter
from schema.mutations import Mutation
from schema.queries import Query
from schema.scalars import SCALARS
from schema.types.company import EmissionsReport


class Schema(strawberry.Schema):
    """Strawberry's schema, minus its logging of every error (ShapeErrors logs the unexpected),
    plus each field's cost in its description."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        describe_costs(self._schema)

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        return None


schema = Schema(
    query=Query,
    mutation=Mutation,
    types=[EmissionsReport],
    config=StrawberryConfig(sort_schema=True, scalar_map=SCALARS),
    # Limiter first: it sets the token limit before ParserCache parses.
    extensions=[Limiter, ParserCache, ValidationCache, ShapeErrors],
)
# Plain leaf fields take a shorter path through the executor (see schema.execution).
schema.execution_context_class = for_schema(schema._schema)
convert_arguments_once(schema)
