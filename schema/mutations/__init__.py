"""The Mutation root: every group of mutations, merged into one type."""

from __future__ import annotations

from strawberry.tools import merge_types

from schema.mutations.api_keys import ApiKeyMutations

Mutation = merge_types("Mutation", (ApiKeyMutations,))
# merge_types takes no description; partners read this one in GraphiQL.
Mutation.__strawberry_definition__.description = "Everything a client can change."  # type: ignore[attr-defined]
