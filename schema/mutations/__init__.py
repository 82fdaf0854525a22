"""The Mutation root: every write, grouped by who may make it."""

from __future__ import annotations

from strawberry.tools import merge_types
from strawberry.types.base import get_object_definition

from schema.mutations.api_keys import ApiKeyMutations
from schema.mutations.catalogue import CatalogueMutations
from schema.mutations.eligibility import EligibilityMutations
from schema.mutations.emissions import EmissionsMutations
from schema.mutations.exchange import ExchangeMutations

Mutation = merge_types(
    "Mutation",
    (
        ApiKeyMutations,
        CatalogueMutations,
        EmissionsMutations,
        EligibilityMutations,
        ExchangeMutations,
    ),
)
get_object_definition(Mutation, strict=True).description = (
    "Everything a client can change. Each mutation takes one `input` and returns a payload with"
    " the changed object and `userErrors`; a refused input writes nothing."
)
