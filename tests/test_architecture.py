"""Contract tests: layering, unshadowed top-level names, described schema, committed SDL."""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    specified_scalar_types,
)

from schema.root import schema
from schema.sdl import SDL_PATH, render_sdl

ROOT = Path(__file__).resolve().parents[1]
OUR_PACKAGES = ["schema", "resolvers", "models", "seeds"]


@dataclass(frozen=True)
class Rule:
    """A layer and the modules it must not import (a module and everything under it)."""

    layer: str
    forbidden: tuple[str, ...]
    allowed: tuple[str, ...] = ()

    def breaks(self, module: str) -> bool:
        def within(prefix: str) -> bool:
            return module == prefix or module.startswith(prefix + ".")

        return any(map(within, self.forbidden)) and not any(map(within, self.allowed))


RULES = [
    Rule("models", forbidden=("schema", "resolvers", "seeds", "strawberry")),
    Rule("resolvers", forbidden=("schema", "strawberry"), allowed=("strawberry.dataloader",)),
    Rule("seeds", forbidden=("schema",)),
]


def imported_modules(source: str, package: str) -> Iterator[tuple[int, str]]:
    """(line, absolute module) for every import; `from a import b` yields `a.b`."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            base = ".".join(parts[: len(parts) - node.level + 1]) if node.level else ""
            module = ".".join(filter(None, [base, node.module]))
            for alias in node.names:
                yield node.lineno, f"{module}.{alias.name}"


def violations(rule: Rule) -> list[str]:
    found = []
    for path in sorted((ROOT / rule.layer).rglob("*.py")):
        package = ".".join(path.parent.relative_to(ROOT).parts)
        for line, module in imported_modules(path.read_text(encoding="utf-8"), package):
            if rule.breaks(module):
                found.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return found


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.layer)
def test_layer_imports_nothing_above_it(rule: Rule) -> None:
    assert violations(rule) == []


def test_import_walk_reports_forbidden_imports_when_present() -> None:
    source = (
        "import strawberry\n"
        "from strawberry import relay\n"
        "from strawberry.dataloader import DataLoader\n"
        "from strawberry import dataloader\n"
        "from ..schema.root import schema\n"
        "from .pagination import Listing\n"
    )
    modules = [module for _, module in imported_modules(source, "resolvers")]
    resolvers_rule = RULES[1]

    assert [m for m in modules if resolvers_rule.breaks(m)] == [
        "strawberry",
        "strawberry.relay",
        "schema.root.schema",
    ]
    assert "resolvers.pagination.Listing" in modules


@pytest.mark.parametrize("name", OUR_PACKAGES)
def test_top_level_name_is_our_package_and_no_distribution_provides_it(name: str) -> None:
    spec = importlib.util.find_spec(name)
    assert spec is not None, f"{name} cannot be imported"
    assert spec.origin is not None, (
        f"{name} resolves to a namespace package: add {name}/__init__.py, or an installed"
        " distribution with the same top-level name would take its place"
    )
    assert Path(spec.origin).resolve().is_relative_to(ROOT), (
        f"{name} is imported from {spec.origin}, outside the repository {ROOT}"
    )
    distributions = importlib.metadata.packages_distributions().get(name, [])
    assert distributions == [], (
        f"installed distribution(s) {', '.join(distributions)} provide the top-level name {name!r}"
        " and shadow (or are shadowed by) our package"
    )


def undescribed(graphql_schema: GraphQLSchema) -> list[str]:
    """Every named type, field, argument, input field and enum value without a description."""
    missing = []
    for name, graphql_type in graphql_schema.type_map.items():
        if name.startswith("__") or name in specified_scalar_types:
            continue
        if not graphql_type.description:
            missing.append(f"type {name}")
        if isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in graphql_type.fields.items():
                if not field.description:
                    missing.append(f"field {name}.{field_name}")
                missing.extend(
                    f"argument {name}.{field_name}({arg_name})"
                    for arg_name, arg in field.args.items()
                    if not arg.description
                )
        elif isinstance(graphql_type, GraphQLInputObjectType):
            missing.extend(
                f"input field {name}.{field_name}"
                for field_name, field in graphql_type.fields.items()
                if not field.description
            )
        elif isinstance(graphql_type, GraphQLEnumType):
            missing.extend(
                f"enum value {name}.{value_name}"
                for value_name, value in graphql_type.values.items()
                if not value.description
            )
    return missing


def test_every_schema_element_has_a_description() -> None:
    missing = undescribed(schema._schema)
    assert missing == [], "missing descriptions:\n" + "\n".join(missing)


def test_description_check_reports_undescribed_elements() -> None:
    probe = build_schema(
        """
        "Described."
        type Query {
          "Described."
          described("Described." text: String): String
          echo(text: String): Colour
          find(filter: Filter): String
        }
        enum Colour { "Described." GREEN RED }
        "Described."
        input Filter { name: String }
        """
    )

    assert sorted(undescribed(probe)) == [
        "argument Query.echo(text)",
        "argument Query.find(filter)",
        "enum value Colour.RED",
        "field Query.echo",
        "field Query.find",
        "input field Filter.name",
        "type Colour",
    ]


def test_committed_sdl_matches_the_schema() -> None:
    assert SDL_PATH.read_text(encoding="utf-8") == render_sdl(), (
        "schema/schema.graphql is out of date: run `make sdl` and commit the result"
    )
