"""The executor's shortcut for plain leaf fields answers exactly as graphql-core's own path."""

from __future__ import annotations

from enum import Enum
from typing import Any, cast

import pytest
import strawberry
from graphql import GraphQLObjectType
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.execution import ExecutionContext, for_schema
from schema.root import schema as pledgegraph_schema


@strawberry.enum
class Colour(Enum):
    RED = "red"


class Row:
    """A source object whose attributes misbehave in every way a database row could."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    @property
    def broken(self) -> str:
        raise RuntimeError("attribute failed")


@strawberry.type
class Item:
    name: str
    nickname: str | None
    colour: Colour
    count: int
    broken: str


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item]:
        return [
            Row(name="a", nickname=None, colour=Colour.RED, count=1),  # type: ignore[list-item]
            Row(name=None, nickname="n", colour="red", count="x"),  # type: ignore[list-item]
        ]


def run(execution_context_class: Any, document: str) -> dict[str, Any]:
    toy = strawberry.Schema(query=Query, execution_context_class=execution_context_class)
    if execution_context_class is not StrawberryGraphQLCoreExecutionContext:
        toy.execution_context_class = for_schema(toy._schema)
    result = toy.execute_sync(document)
    errors = [(error.message, error.path) for error in result.errors or []]
    return {"data": result.data, "errors": sorted(errors, key=str)}


@pytest.mark.parametrize(
    "document",
    [
        "{ items { nickname colour } }",
        "{ items { name } }",  # null in a non-null field
        "{ items { count } }",  # a value the scalar refuses
        "{ items { broken } }",  # an attribute that raises
        "{ items { colour nickname name count } }",
    ],
)
def test_shortcut_gives_the_same_data_and_errors_as_graphql_core(document: str) -> None:
    stock = run(StrawberryGraphQLCoreExecutionContext, document)
    fast = run("shortcut", document)
    assert fast == stock
    assert stock["data"] is not None or stock["errors"]


def test_shortcut_covers_plain_scalar_and_enum_fields_only() -> None:
    assert issubclass(pledgegraph_schema.execution_context_class, ExecutionContext)
    context_class = cast("type[ExecutionContext]", pledgegraph_schema.execution_context_class)
    product = pledgegraph_schema._schema.type_map["Product"]
    assert isinstance(product, GraphQLObjectType)
    plain = {
        name for name, field in product.fields.items() if id(field) in context_class.plain_leaves
    }
    # Resolver fields (id, price, brandCompany, certifications...) keep the normal path.
    assert plain == {"asin", "title", "brand", "category", "marketplace", "provenance"}
