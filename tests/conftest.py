"""Fixture modules, listed once so no conftest grows out of hand."""

pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.graphql",
    "tests.fixtures.http",
    "tests.fixtures.redis",
]
