"""Cursor Connections over keyset pages: edges, nodes, pageInfo and a lazy totalCount."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import strawberry
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)

from resolvers.pagination import Listing, Page, PageRequest
from schema.context import Info
from schema.scalars import BigInt

N = TypeVar("N")

_PAGE_FIELDS = frozenset({"edges", "nodes", "pageInfo"})

FIRST = "Return the first N items (0 to 100), after `after` if given."
AFTER = "A cursor from a previous page; return items after it."
LAST = "Return the last N items (0 to 100), before `before` if given."
BEFORE = "A cursor from a previous page; return items before it."


@strawberry.type(description="Where a page sits in the whole list (Relay Cursor Connections).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(
        description=(
            "Items come before this page. When paging forward it is true whenever `after` was"
            " given, as the Cursor Connections specification allows."
        )
    )
    start_cursor: str | None = strawberry.field(description="The first item's cursor.")
    end_cursor: str | None = strawberry.field(description="The last item's cursor.")


@strawberry.type(description="An item in a page, with the cursor that points at it.")
class Edge(Generic[N]):
    node: N = strawberry.field(description="The item.")
    cursor: str = strawberry.field(
        description="Opaque cursor for `after`/`before`; valid only under the same ordering."
    )


@strawberry.type(description="A page of a list, read with keyset cursors.")
class Connection(Generic[N]):
    edges: list[Edge[N]] = strawberry.field(description="The page's items with their cursors.")
    nodes: list[N] = strawberry.field(description="The page's items, without cursors.")
    page_info: PageInfo = strawberry.field(description="Paging state for this page.")
    listing: strawberry.Private[Listing[Any]]

    @strawberry.field(
        description="How many items the whole list holds, across all pages. Costs one count."
    )
    async def total_count(self, info: Info) -> BigInt:
        return await self.listing.count(info.context.db)  # type: ignore[return-value]

    @classmethod
    async def read(
        cls: type[Connection[N]],
        info: Info,
        listing: Listing[Any],
        *,
        first: int | None,
        after: str | None,
        last: int | None,
        before: str | None,
    ) -> Connection[N]:
        """Fetch the page only when the query asks for items or page info."""
        page: Page[Any] = Page(rows=[], cursors=[], has_next_page=False, has_previous_page=False)
        if _selects_page(info) or any(arg is not None for arg in (first, after, last, before)):
            request = PageRequest.from_arguments(first=first, after=after, last=last, before=before)
            if _selects_page(info):
                page = await listing.page(info.context.db, request)
        return cls(
            edges=[
                Edge(node=row, cursor=c) for row, c in zip(page.rows, page.cursors, strict=True)
            ],
            nodes=list(page.rows),
            page_info=PageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=page.has_previous_page,
                start_cursor=page.cursors[0] if page.cursors else None,
                end_cursor=page.cursors[-1] if page.cursors else None,
            ),
            listing=listing,
        )


def _selects_page(info: Info) -> bool:
    """Whether the query reads the page itself (not only totalCount), through fragments too."""
    raw = info._raw_info
    return any(
        _selects(node.selection_set, raw.fragments)
        for node in raw.field_nodes
        if node.selection_set
    )


def _selects(selection_set: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode]) -> bool:
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            found = selection.name.value in _PAGE_FIELDS
        elif isinstance(selection, InlineFragmentNode):
            found = _selects(selection.selection_set, fragments)
        elif isinstance(selection, FragmentSpreadNode):
            found = _selects(fragments[selection.name.value].selection_set, fragments)
        if found:
            return True
    return False
