"""The strawberry Schema: Query, the types reachable only through Node, and extensions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig

from schema.cost import describe_costs
from schema.errors import ShapeErrors
from schema.limits import Limiter
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


class CachedParser(ParserCache):
    """Strawberry's ParserCache, except that a document it cannot parse is left to strawberry's
    own parse: an error raised in this hook would bypass every extension's on_operation, so
    ShapeErrors would never give it a code (GRAPHQL_PARSE_FAILED, MAX_TOKENS_EXCEEDED)."""

    def on_parse(self) -> Iterator[None]:
        execution = self.execution_context
        # Failures are not cached: strawberry parses again and reports the error as a result.
        with suppress(GraphQLError):
            execution.graphql_document = self.cached_parse_document(
                execution.query, **execution.parse_options
            )
        yield


schema = Schema(
    query=Query,
    types=[EmissionsReport],
    config=StrawberryConfig(sort_schema=True, scalar_map=SCALARS),
    # Limiter first: it sets the token limit before CachedParser parses.
    extensions=[Limiter, CachedParser, ValidationCache, ShapeErrors],
)
