"""Cursor Connections over keyset pages: edges, nodes, pageInfo and a lazy totalCount."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Generic, TypeVar

import strawberry
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)

from resolvers.pagination import Listing, Nesting, Page, PageRequest
from schema.context import Info
from schema.inputs import order_spec, to_spec
from schema.scalars import BigInt
from schema.types.node import NODE_BY_MODEL

N = TypeVar("N")
T = TypeVar("T")

_PAGE_FIELDS = frozenset({"edges", "nodes", "pageInfo"})

FIRST = "Return the first N items (0 to 100), after `after` if given."
AFTER = "A cursor from a previous page; return items after it."
LAST = "Return the last N items (0 to 100), before `before` if given."
BEFORE = "A cursor from a previous page; return items before it."

# Argument types shared by every connection field.
First = Annotated[int | None, strawberry.argument(description=FIRST)]
After = Annotated[str | None, strawberry.argument(description=AFTER)]
Last = Annotated[int | None, strawberry.argument(description=LAST)]
Before = Annotated[str | None, strawberry.argument(description=BEFORE)]
Where = Annotated[
    T | None, strawberry.argument(description="Only items matching these conditions.")
]
OrderBy = Annotated[
    list[T] | None,
    strawberry.argument(description="Sort keys, most significant first; ties break on id."),
]


@strawberry.type(description="Where a page sits in the whole list (Relay Cursor Connections).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(
        description=(
            "Items come before this page. When paging forward it is true whenever `after` was"
            " given, as the Cursor Connections specification allows."
        )
    )
    # Cursors are encoded only when asked for (resolvers.pagination.Page.cursors).
    page: strawberry.Private[Page[Any]]

    @strawberry.field(description="The first item's cursor.")
    def start_cursor(self) -> str | None:
        return self.page.cursors[0] if self.page.rows else None

    @strawberry.field(description="The last item's cursor.")
    def end_cursor(self) -> str | None:
        return self.page.cursors[-1] if self.page.rows else None


@strawberry.type(description="An item in a page, with the cursor that points at it.")
class Edge(Generic[N]):
    node: N = strawberry.field(description="The item.")
    cursor: str = strawberry.field(
        description="Opaque cursor for `after`/`before`; valid only under the same ordering."
    )


@strawberry.type(description="A page of a list, read with keyset cursors.")
class Connection(Generic[N]):
    nodes: list[N] = strawberry.field(description="The page's items, without cursors.")
    page_info: PageInfo = strawberry.field(description="Paging state for this page.")
    page: strawberry.Private[Page[Any]]
    counter: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="The page's items with their cursors.")
    def edges(self) -> list[Edge[N]]:
        return [
            Edge(node=row, cursor=cursor)
            for row, cursor in zip(self.page.rows, self.page.cursors, strict=True)
        ]

    @strawberry.field(
        description="How many items the whole list holds, across all pages. Costs one count."
    )
    async def total_count(self) -> BigInt:
        return BigInt(await self.counter())

    @classmethod
    async def read(
        cls: type[Connection[N]],
        info: Info,
        list_items: Callable[..., Listing[Any]],
        *,
        where: Any,
        order_by: Any,
        first: int | None,
        after: str | None,
        last: int | None,
        before: str | None,
    ) -> Connection[N]:
        """A root connection: its page (only if the query asks for items) and its count."""
        db = info.context.db
        viewer = info.context.viewer
        listing = list_items(viewer=viewer, where=to_spec(where), order=order_spec(order_by))
        request = _page_request(info, first=first, after=after, last=last, before=before)
        page = await listing.page(db, request) if request else None
        await _prefetch(info, page)
        return cls._of(page, lambda: listing.count(db))

    @classmethod
    async def read_nested(
        cls: type[Connection[N]],
        info: Info,
        list_items: Callable[..., Listing[Any]],
        *,
        nesting: Nesting,
        parent_id: int,
        where: Any,
        order_by: Any,
        first: int | None,
        after: str | None,
        last: int | None,
        before: str | None,
    ) -> Connection[N]:
        """A connection under a parent: pages and counts are batched across all parents that
        ask for the same relation with the same filters and ordering."""
        spec, order = to_spec(where), order_spec(order_by)
        # The field, not its response key: one alias may name different relations elsewhere.
        key = (info._raw_info.parent_type.name, info.field_name, repr(spec), repr(order))
        loaders = info.context.loaders
        listing = loaders.listing(
            key, lambda: list_items(viewer=info.context.viewer, where=spec, order=order)
        )
        request = _page_request(info, first=first, after=after, last=last, before=before)
        page = (
            await loaders.pages(key, listing, nesting, request).load(parent_id) if request else None
        )
        counts = loaders.counts(key, listing, nesting)
        if _selects_total_count(info):
            # Asked for now, so every parent's count joins one batch: the parents awaiting a
            # prefetch below would otherwise ask later than those with empty pages.
            counts.load(parent_id)
        await _prefetch(info, page)
        return cls._of(page, lambda: counts.load(parent_id))

    @classmethod
    def _of(cls, page: Page[Any] | None, counter: Callable[[], Awaitable[int]]) -> Connection[N]:
        page = page or Page(rows=[])
        return cls(
            nodes=list(page.rows),
            page_info=PageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=page.has_previous_page,
                page=page,
            ),
            page=page,
            counter=counter,
        )


def _page_request(info: Info, **arguments: Any) -> PageRequest | None:
    """Validated paging arguments, or None when the query reads only totalCount."""
    selects_page = _selects_page(info)
    if not selects_page and all(value is None for value in arguments.values()):
        return None
    request = PageRequest.from_arguments(**arguments)
    return request if selects_page else None


async def _prefetch(info: Info, page: Page[Any] | None) -> None:
    """Batch-load the relations the query reads on this page's items, before they resolve."""
    if page is None or not page.rows:
        return
    node_type = NODE_BY_MODEL.get(type(page.rows[0]))
    if node_type is not None:
        await node_type.prefetch(info, page.rows, _item_fields(info))


def _item_fields(info: Info) -> set[str]:
    """Names of the fields selected on the items: under `nodes` and under `edges { node }`."""
    fragments = info._raw_info.fragments
    items: list[FieldNode] = []
    for child in _children(info):
        if child.name.value == "nodes":
            items.append(child)
        elif child.name.value == "edges":
            items.extend(e for e in selected_fields([child], fragments) if e.name.value == "node")
    return {field.name.value for field in selected_fields(items, fragments)}


def _children(info: Info) -> list[FieldNode]:
    """The fields selected directly on this connection."""
    raw = info._raw_info
    return selected_fields(raw.field_nodes, raw.fragments)


def selected_fields(
    parents: list[FieldNode], fragments: dict[str, FragmentDefinitionNode]
) -> list[FieldNode]:
    """The fields selected on these fields, looking through fragments."""
    found: list[FieldNode] = []

    def walk(selection_set: SelectionSetNode | None) -> None:
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                found.append(selection)
            elif isinstance(selection, InlineFragmentNode):
                walk(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                walk(fragments[selection.name.value].selection_set)

    for parent in parents:
        walk(parent.selection_set)
    return found


def _selects_total_count(info: Info) -> bool:
    return any(child.name.value == "totalCount" for child in _children(info))


def _selects_page(info: Info) -> bool:
    """Whether the query reads the page itself (not only totalCount), through fragments too."""
    return any(child.name.value in _PAGE_FIELDS for child in _children(info))


def connection_field(
    *,
    node: Any,
    where: Any,
    order: Any,
    listing: Callable[..., Listing[Any]],
    description: str,
    nesting: Nesting | None = None,
) -> Any:
    """A connection field with the usual `first/after/last/before/where/orderBy` arguments, read
    by `Connection.read`, or by `Connection.read_nested` for a field under a parent (`nesting`).

    Strawberry builds the arguments and the return type from the resolver's annotations, which
    `from __future__ import annotations` would leave as strings naming nothing in this module:
    so the resolver gets them as objects, the node, filter and order types of the field.
    `node` may be lazy (`Annotated["Product", strawberry.lazy(...)]`) to avoid import cycles.
    """
    # Named first: mypy accepts these aliases applied to runtime values only as assignments.
    where_argument = Where[where]
    order_argument = OrderBy[order]
    annotations = {
        "info": Info,
        "first": First,
        "after": After,
        "last": Last,
        "before": Before,
        "where": where_argument,
        "order_by": order_argument,
        "return": Connection[node],
    }

    async def connection(
        root: Any,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        where: Any = None,
        order_by: Any = None,
    ) -> Connection[Any]:
        if nesting is None:
            return await Connection.read(
                info,
                listing,
                where=where,
                order_by=order_by,
                first=first,
                after=after,
                last=last,
                before=before,
            )
        return await Connection.read_nested(
            info,
            listing,
            nesting=nesting,
            parent_id=root.id,
            where=where,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    connection.__annotations__ = annotations
    return strawberry.field(resolver=connection, description=description)
