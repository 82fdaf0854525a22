"""The declarative entity maps on their own: operators, ordering names and JSON list matching."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import col, select

import models
from models.db import Database
from resolvers.carbon_credit import ISSUANCES
from resolvers.certification import CERTIFICATIONS
from resolvers.company import COMPANIES
from resolvers.entity_map import EntityMap, json_list_contains
from resolvers.errors import InvalidInput
from resolvers.product import PRODUCTS
from tests import factories


@pytest.mark.parametrize(
    ("entity", "spec", "field"),
    [
        pytest.param(PRODUCTS, {"title": {"gt": "a"}}, "title", id="range on text"),
        pytest.param(PRODUCTS, {"asin": {"starts_with": "B0"}}, "asin", id="prefix on a key"),
        pytest.param(COMPANIES, {"name": {"lte": "M"}}, "name", id="company name"),
        pytest.param(CERTIFICATIONS, {"slug": {"contains": "f"}}, "slug", id="certification"),
        pytest.param(ISSUANCES, {"vintage": {"contains": 20}}, "vintage", id="contains on a year"),
        pytest.param(
            PRODUCTS,
            {"or": [{"asin": {"eq": "B000000001"}}, {"brand": {"like": "%x"}}]},
            "brand",
            id="inside OR",
        ),
    ],
)
def test_where_with_an_unknown_operator_raises_invalid_input_naming_the_field(
    entity: EntityMap[Any], spec: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        entity.where(spec)

    assert raised.value.field == field
    assert f"`{field}`" in raised.value.message


def test_where_with_a_known_operator_builds_a_condition_on_its_column() -> None:
    condition = PRODUCTS.where({"asin": {"eq": "B000000001"}})

    sql = str(condition.compile(compile_kwargs={"literal_binds": True}))

    assert sql == "products.asin = 'B000000001'"


@pytest.mark.parametrize(
    ("order", "name", "directions"),
    [
        pytest.param(
            [("TITLE", False), ("PRICE", True)],
            "TITLE_ASC,PRICE_DESC",
            [("title", False), ("price_cents", True), ("id", True)],
            id="the id follows a descending last key",
        ),
        pytest.param(
            [("PRICE", True), ("TITLE", False)],
            "PRICE_DESC,TITLE_ASC",
            [("price_cents", True), ("title", False), ("id", False)],
            id="the id follows an ascending last key",
        ),
        pytest.param(None, "TITLE_ASC", [("title", False), ("id", False)], id="the default order"),
        pytest.param(
            [("BRAND", True)], "BRAND_DESC", [("brand", True), ("id", True)], id="one key"
        ),
    ],
)
def test_ordering_is_named_by_its_keys_and_ends_with_the_primary_key(
    order: list[tuple[str, bool]] | None, name: str, directions: list[tuple[str, bool]]
) -> None:
    ordering = PRODUCTS.ordering(order)

    assert ordering.name == name
    assert [(key.attribute, key.descending) for key in ordering.keys] == directions
    assert ordering.keys[-1].column is PRODUCTS.primary_key


def test_orderings_differing_only_in_direction_have_different_names() -> None:
    names = {PRODUCTS.ordering([("TITLE", descending)]).name for descending in (False, True)}

    assert len(names) == 2


def test_ordering_with_a_field_twice_raises_invalid_input_on_order_by() -> None:
    with pytest.raises(InvalidInput) as raised:
        PRODUCTS.ordering([("TITLE", False), ("PRICE", False), ("TITLE", True)])

    assert raised.value.field == "orderBy"


def test_json_list_contains_matches_the_quoted_element_with_its_quotes_escaped() -> None:
    condition = json_list_contains(col(models.CarbonProject.labels), 'say "hi"')

    compiled = condition.compile()

    assert list(compiled.params.values()) == ['"say \\"hi\\""']


@pytest.mark.parametrize(
    ("value", "matches"),
    [
        pytest.param('say "hi"', True, id="an element with quotes"),
        pytest.param("C:\\temp", True, id="an element with a backslash"),
        pytest.param("100%_sure", True, id="an element with LIKE wildcards"),
        pytest.param("plain", True, id="a plain element"),
        pytest.param("hi", False, id="a quoted word inside an element"),
        pytest.param('plain", "say', False, id="two elements glued by quotes"),
        pytest.param('"plain"', False, id="the element in quotes"),
        pytest.param("pla_n", False, id="an underscore is no wildcard"),
        pytest.param("100%", False, id="a percent sign is no wildcard"),
        pytest.param("C:\\", False, id="a prefix ending in a backslash"),
    ],
)
async def test_json_list_contains_matches_whole_elements_only(
    db: Database, value: str, matches: bool
) -> None:
    labels = ['say "hi"', "C:\\temp", "plain", "100%_sure"]
    project = await factories.make_project(db, labels=labels)
    await factories.make_project(db, labels=["other"])
    statement = select(col(models.CarbonProject.slug)).where(
        json_list_contains(col(models.CarbonProject.labels), value)
    )

    found = list(await db.all(statement))

    assert found == ([project.slug] if matches else [])
