"""The executor's shortcut for plain fields answers exactly as graphql-core's own path."""

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
class Maker:
    name: str

    @classmethod
    def is_type_of(cls, obj: Any, _info: Any) -> bool:
        # Like ModelNode's: only rows that are makers complete as Maker.
        return isinstance(obj, Row) and hasattr(obj, "name") and not hasattr(obj, "count")


@strawberry.type
class Item:
    name: str
    nickname: str | None
    colour: Colour
    count: int
    broken: str
    maker: Maker  # plain objects, completed from a plan when their selection is plain
    backup_maker: Maker | None


GOOD_MAKER = Row(name="m")


@strawberry.type
class Query:
    @strawberry.field
    def items(self, only: int | None = None) -> list[Item]:
        rows: list[Any] = [
            Row(
                name="a",
                nickname=None,
                colour=Colour.RED,
                count=1,
                maker=GOOD_MAKER,
                backup_maker=None,
            ),
            Row(
                name=None,
                nickname="n",
                colour="red",
                count="x",
                maker=Row(name=None),
                backup_maker=GOOD_MAKER,
            ),
            Row(
                name="c",
                nickname="c",
                colour="red",
                count=3,
                maker=None,
                backup_maker=Row(name="not a maker", count=1),
            ),
        ]
        return rows if only is None else rows[only : only + 1]


def run(execution_context_class: Any, document: str) -> dict[str, Any]:
    toy = strawberry.Schema(query=Query, execution_context_class=execution_context_class)
    if execution_context_class is not StrawberryGraphQLCoreExecutionContext:
        toy.execution_context_class = for_schema(toy._schema)
    result = toy.execute_sync(document)
    errors = [(error.message, error.path) for error in result.errors or []]
    return {"data": result.data, "errors": sorted(errors, key=str)}


SELECTIONS = [
    "nickname colour",
    "name",  # null in a non-null field
    "count",  # a value the scalar refuses
    "broken",  # an attribute that raises
    "colour nickname name count",
    "maker { name }",  # a null inside, and a null non-null object
    "backupMaker { name }",  # a nullable object; a failed type check
    "m: backupMaker { n: name __typename } nickname",
    "maker { ... on Maker { name } }",
]


@pytest.mark.parametrize("only", [None, 0, 1, 2])
@pytest.mark.parametrize("selection", SELECTIONS)
def test_shortcut_gives_the_same_data_and_errors_as_graphql_core(
    selection: str, only: int | None
) -> None:
    arguments = "" if only is None else f"(only: {only})"
    document = f"{{ items{arguments} {{ {selection} }} }}"
    stock = run(StrawberryGraphQLCoreExecutionContext, document)
    fast = run("shortcut", document)
    assert fast == stock
    assert stock["data"] is not None or stock["errors"]


def test_shortcut_covers_plain_scalar_enum_and_object_fields_only() -> None:
    assert issubclass(pledgegraph_schema.execution_context_class, ExecutionContext)
    context_class = cast("type[ExecutionContext]", pledgegraph_schema.execution_context_class)
    product = pledgegraph_schema._schema.type_map["Product"]
    assert isinstance(product, GraphQLObjectType)
    plain = {
        name for name, field in product.fields.items() if id(field) in context_class.plain_fields
    }
    # Resolver fields (id, price, brandCompany, certifications...) keep the normal path.
    assert plain == {"asin", "title", "brand", "category", "marketplace", "provenance"}
