"""The executor's shortcut for fields at hand answers exactly as graphql-core's own path."""

from __future__ import annotations

from enum import Enum
from typing import Any, cast

import pytest
import strawberry
from graphql import GraphQLObjectType
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from resolvers.loaders import NOT_LOADED
from schema.execution import ExecutionContext, at_hand, for_schema
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


def _partner_at_hand(root: Any, _context: Any) -> Any:
    # Like a dataloader's cache: some rows have their partner loaded, the rest do not.
    return root.__dict__.get("partner", NOT_LOADED)


def _partner(root: strawberry.Parent[Any]) -> Maker | None:
    # The resolver's answer when the value is not at hand: always the same maker.
    RESOLVED.append("partner")
    partner: Maker | None = root.__dict__.get("partner", GOOD_MAKER)
    return partner


@strawberry.type
class Item:
    name: str
    nickname: str | None
    colour: Colour
    count: int
    broken: str
    maker: Maker  # plain objects, completed from a plan when their selection is plain
    backup_maker: Maker | None
    tags: list[str]  # plain lists, of leaves and of objects
    makers: list[Maker | None] | None

    partner: Maker | None = strawberry.field(resolver=_partner, metadata=at_hand(_partner_at_hand))


GOOD_MAKER = Row(name="m")
RESOLVED: list[str] = []


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
                tags=["x", "y"],
                makers=[GOOD_MAKER, None],
                partner=GOOD_MAKER,
            ),
            Row(
                name=None,
                nickname="n",
                colour="red",
                count="x",
                maker=Row(name=None),
                backup_maker=GOOD_MAKER,
                tags=["x", None],
                makers=None,
            ),
            Row(
                name="c",
                nickname="c",
                colour="red",
                count=3,
                maker=None,
                backup_maker=Row(name="not a maker", count=1),
                tags="not a list",
                makers=[Row(name=None)],
                partner=None,
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
    "tags",  # a null item in a non-null list; a value that is not a list
    "makers { name __typename }",  # nullable items, a null item inside
    "partner { name }",  # at hand for some rows; the resolver for the others
    "name partner { name } tags makers { name }",
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


def test_shortcut_covers_plain_fields_and_relations_at_hand() -> None:
    assert issubclass(pledgegraph_schema.execution_context_class, ExecutionContext)
    context_class = cast("type[ExecutionContext]", pledgegraph_schema.execution_context_class)
    product = pledgegraph_schema._schema.type_map["Product"]
    assert isinstance(product, GraphQLObjectType)
    fast = {
        name for name, field in product.fields.items() if id(field) in context_class.fast_fields
    }
    leaves = {
        name for name, field in product.fields.items() if id(field) in context_class.plain_leaves
    }
    # Other resolver fields (id, price, climatePledgeFriendly...) keep the normal path.
    assert leaves == {"asin", "title", "brand", "category", "marketplace", "provenance"}
    assert fast == leaves | {"brandCompany", "certifications"}


def test_values_at_hand_skip_the_resolver() -> None:
    RESOLVED.clear()
    fast = run("shortcut", "{ items(only: 0) { tags makers { name } partner { name } } }")
    assert fast["data"] == {
        "items": [{"tags": ["x", "y"], "makers": [{"name": "m"}, None], "partner": {"name": "m"}}]
    }
    assert RESOLVED == []
    # Not at hand (the second row has no partner loaded): the resolver answers.
    run("shortcut", "{ items(only: 1) { partner { name } } }")
    assert RESOLVED == ["partner"]
