"""Cursor Connections over keyset pages: edges, nodes, pageInfo and a lazy totalCount."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar

import strawberry
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)

from resolvers import carbon_credit, product
from resolvers.pagination import Listing, Nesting, Page, PageRequest
from schema.context import Info
from schema.inputs import (
    CreditBlockOrder,
    CreditBlockWhere,
    ProductOrder,
    ProductWhere,
    PurchaseOrder,
    PurchaseWhere,
    order_spec,
    to_spec,
)
from schema.scalars import BigInt
from schema.types.node import NODE_BY_MODEL

if TYPE_CHECKING:
    from schema.types.carbon_credit import CreditBlock, Purchase
    from schema.types.product import Product

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
    counter: strawberry.Private[Callable[[], Awaitable[int]]]

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
        listing = list_items(viewer=info.context.viewer, where=spec, order=order)
        key = (info.path.key, info._raw_info.parent_type.name, repr(spec), repr(order))
        loaders = info.context.loaders
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
        page = page or Page(rows=[], cursors=[], has_next_page=False, has_previous_page=False)
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
            items.extend(e for e in _fields([child], fragments) if e.name.value == "node")
    return {field.name.value for field in _fields(items, fragments)}


def _children(info: Info) -> list[FieldNode]:
    """The fields selected directly on this connection."""
    raw = info._raw_info
    return _fields(raw.field_nodes, raw.fragments)


def _fields(
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


def related_products(nesting: Nesting, description: str) -> Any:
    """A `products` connection field under a parent (a company, a certification)."""

    async def products(
        root: strawberry.Parent[Any],
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: Where[ProductWhere] = None,
        order_by: OrderBy[ProductOrder] = None,
    ) -> Connection[Annotated[Product, strawberry.lazy("schema.types.product")]]:
        return await Connection.read_nested(
            info,
            product.list_products,
            nesting=nesting,
            parent_id=root.id,
            where=where,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    return strawberry.field(resolver=products, description=description)


def related_credit_blocks(nesting: Nesting, description: str) -> Any:
    """A `creditBlocks` connection field under a parent (a company, an issuance, a purchase)."""

    async def credit_blocks(
        root: strawberry.Parent[Any],
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: Where[CreditBlockWhere] = None,
        order_by: OrderBy[CreditBlockOrder] = None,
    ) -> Connection[Annotated[CreditBlock, strawberry.lazy("schema.types.carbon_credit")]]:
        return await Connection.read_nested(
            info,
            carbon_credit.list_credit_blocks,
            nesting=nesting,
            parent_id=root.id,
            where=where,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    return strawberry.field(resolver=credit_blocks, description=description)


def related_purchases(nesting: Nesting, description: str) -> Any:
    """A `purchases` connection field under a parent (a company)."""

    async def purchases(
        root: strawberry.Parent[Any],
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: Where[PurchaseWhere] = None,
        order_by: OrderBy[PurchaseOrder] = None,
    ) -> Connection[Annotated[Purchase, strawberry.lazy("schema.types.carbon_credit")]]:
        return await Connection.read_nested(
            info,
            carbon_credit.list_purchases,
            nesting=nesting,
            parent_id=root.id,
            where=where,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    return strawberry.field(resolver=purchases, description=description)
