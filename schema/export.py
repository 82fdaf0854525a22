"""GET /export/{entity}.ndjson|.csv|.schema.json: streamed bulk exports of the GraphQL lists."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import logging
from binascii import b2a_base64
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from graphql import GraphQLError
from graphql.utilities import coerce_input_value, validate_input_value
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.types import Receive, Scope, Send
from strawberry.types.arguments import convert_argument

from models.db import Database
from resolvers.errors import DomainError, ErrorCode, InvalidInput
from resolvers.export import EXPORTS, Column, Export, ExportPage, Kind, Shape
from schema.auth import authenticate_request
from schema.budget import Budget
from schema.http import Exchange, HTTPError
from schema.inputs import order_spec, to_spec
from schema.limits import caller_id
from schema.root import schema
from schema.scalars import utc
from schema.settings import ApiSettings
from schema.types.node import NODE_BY_MODEL

logger = logging.getLogger("pledgegraph.export")

NDJSON = "application/x-ndjson"
CSV = "text/csv; charset=utf-8; header=present"
SCHEMA = "schema.json"
FORMATS = ("ndjson", "csv", SCHEMA)
CURSOR = "_cursor"
PARAMETERS = frozenset({"where", "orderBy", "after"})
TOO_MANY_EXPORTS = "TOO_MANY_EXPORTS"
RATE_LIMITED = "RATE_LIMITED"

Sessionmaker = async_sessionmaker[AsyncSession]


# --- reading the request -----------------------------------------------------------------------


def _split(file: str) -> tuple[str, str]:
    """`products.csv` -> ("products", "csv"); 404 for an entity or format we do not export."""
    for suffix in FORMATS:
        entity = file.removesuffix("." + suffix)
        if entity != file and entity in EXPORTS:
            return entity, suffix
    known = ", ".join(EXPORTS)
    raise HTTPError(
        404,
        ErrorCode.NOT_FOUND.value,
        f"No export at /export/{file}: ask for <entity>.ndjson, .csv or .schema.json, with an"
        f" entity among {known}.",
    )


def _argument(entity: str, name: str, python_name: str, text: str) -> Any:
    """A JSON query parameter read as the GraphQL list's argument of the same name: validated
    and converted by the very input types the schema uses, then made a spec for the resolvers."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise InvalidInput(f"`{name}` is not valid JSON.", field=name) from None
    graphql_type = schema._schema.query_type.fields[entity].args[name].type  # type: ignore[union-attr]
    problems: list[str] = []

    def collect(error: GraphQLError, path: list[str | int]) -> None:
        where = ".".join(str(part) for part in [name, *path])
        problems.append(f"`{where}`: {error.message}")

    validate_input_value(value, graphql_type, collect, hide_suggestions=False)
    if problems:
        raise InvalidInput(" ".join(problems[:5]), field=name)
    strawberry_field = schema.get_field_for_type(entity, "Query")
    assert strawberry_field is not None
    (argument,) = [a for a in strawberry_field.arguments if a.python_name == python_name]
    converted = convert_argument(
        coerce_input_value(value, graphql_type),
        argument.type,
        schema.schema_converter.scalar_registry,
        schema.config,
    )
    return to_spec(converted) if name == "where" else order_spec(converted)  # type: ignore[arg-type]


def _export(request: Request, entity: str, settings: ApiSettings, viewer: Any) -> Export:
    params = request.query_params
    unknown = sorted(set(params) - PARAMETERS)
    if unknown:
        raise InvalidInput(
            f"Unknown parameter {unknown[0]!r}: exports take {sorted(PARAMETERS)}.",
            field=unknown[0],
        )
    if any(len(params.getlist(name)) > 1 for name in params):
        raise InvalidInput("Send each parameter once.")
    where, order = params.get("where"), params.get("orderBy")
    return Export(
        EXPORTS[entity],
        viewer=viewer,
        where=_argument(entity, "where", "where", where) if where else None,
        order=_argument(entity, "orderBy", "order_by", order) if order else None,
        after=params.get("after") or None,
        page_size=settings.export_page_size,
    )


# --- writing rows ------------------------------------------------------------------------------


def _money(cents: int | None) -> str | None:
    """Integer cents as an exact decimal string, as GraphQL's Money.amount writes it."""
    if cents is None:
        return None
    if cents >= 0:
        return f"{cents // 100}.{cents % 100:02d}"
    return str(Decimal(cents).scaleb(-2))


def _global_id(model: Any) -> Callable[[Any], str | None]:
    prefix = f"{NODE_BY_MODEL[model].__name__}:"

    def encode(row_id: int | None) -> str | None:
        if row_id is None:
            return None
        return b2a_base64(f"{prefix}{row_id}".encode(), newline=False).decode()

    return encode


def _enum_names(column: Column) -> dict[Any, str]:
    """Stored value (or member) -> the GraphQL enum value's name, e.g. "beauty" -> "BEAUTY"."""
    assert column.enum is not None
    return {member.value: member.name for member in column.enum}


def _date(day: Any) -> str | None:
    return None if day is None else str(day.isoformat())


def _instant(moment: Any) -> str | None:
    return None if moment is None else utc(moment).isoformat()


def _list(values: Any) -> list[Any]:
    return list(values or ())


def _enum(column: Column) -> Callable[[Any], Any]:
    names = _enum_names(column)
    if column.kind is Kind.LIST:
        return lambda values: [names[value] for value in values or ()]
    return lambda value: None if value is None else names[value]


def _converter(column: Column) -> Callable[[Any], Any] | None:
    """How a value read from the database is written; None: as it is."""
    if column.kind is Kind.ID:
        assert column.refers_to is not None
        return _global_id(column.refers_to)
    if column.enum is not None:
        return _enum(column)
    return {
        Kind.MONEY: _money,
        Kind.DATE: _date,
        Kind.INSTANT: _instant,
        Kind.LIST: _list,
    }.get(column.kind)


@dataclass
class Writer:
    """Encodes pages of one export's rows; each page becomes one chunk of the response."""

    shape: Shape
    names: list[str] = field(init=False)
    converters: list[tuple[int, Callable[[Any], Any]]] = field(init=False)

    def __post_init__(self) -> None:
        self.names = [*self.shape.names, CURSOR]
        converters = [_converter(column) for column in self.shape.columns]
        self.converters = [(i, f) for i, f in enumerate(converters) if f is not None]

    def values(self, page: ExportPage) -> Iterator[list[Any]]:
        converters = self.converters
        for row, cursor in zip(page.rows, page.cursors, strict=True):
            values = list(row)
            for i, convert in converters:
                values[i] = convert(values[i])
            values.append(cursor)
            yield values

    def head(self) -> bytes:
        return b""

    def page(self, page: ExportPage) -> bytes:
        raise NotImplementedError


_encode_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class NDJSONWriter(Writer):
    """One JSON object per line, keys in column order, `_cursor` last."""

    def page(self, page: ExportPage) -> bytes:
        names, encode = self.names, _encode_json
        lines = [encode(dict(zip(names, values, strict=True))) for values in self.values(page)]
        return ("\n".join(lines) + "\n").encode()


class CSVWriter(Writer):
    """RFC 4180 CSV (CRLF, quotes only where needed), a header row, UTF-8 without a BOM; null is
    an empty cell (the csv module's own rule), booleans `true`/`false`, lists `;`-joined."""

    def __post_init__(self) -> None:
        super().__post_init__()
        kinds = [column.kind for column in self.shape.columns]
        kinds += [Kind.LIST] * len(self.shape.related)
        cells: dict[Kind, Callable[[Any], Any]] = {Kind.BOOLEAN: _csv_boolean, Kind.LIST: _csv_list}
        self.cells = [(i, cells[kind]) for i, kind in enumerate(kinds) if kind in cells]

    def head(self) -> bytes:
        return self._csv([self.names])

    def page(self, page: ExportPage) -> bytes:
        cells = self.cells
        rows = list(self.values(page))
        for values in rows:
            for i, cell in cells:
                values[i] = cell(values[i])
        return self._csv(rows)

    @staticmethod
    def _csv(rows: list[list[Any]]) -> bytes:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows(rows)
        return buffer.getvalue().encode()


def _csv_boolean(value: bool | None) -> str | None:
    return None if value is None else "true" if value else "false"


def _csv_list(values: list[str]) -> str:
    return ";".join(_list_item(item) for item in values)


def _list_item(item: str) -> str:
    """A list element in a `;`-joined cell: backslashes and semicolons escaped by a backslash."""
    if "\\" in item or ";" in item:
        return item.replace("\\", "\\\\").replace(";", "\\;")
    return item


# --- the row schema ----------------------------------------------------------------------------

_JSON_TYPES: dict[Kind, dict[str, Any]] = {
    Kind.ID: {"type": "string", "description": "A global id (the GraphQL `id`)."},
    Kind.TEXT: {"type": "string"},
    Kind.INTEGER: {"type": "integer"},
    Kind.CREDITS: {"type": "integer", "minimum": 0},
    Kind.MONEY: {"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$"},
    Kind.DATE: {"type": "string", "format": "date"},
    Kind.INSTANT: {"type": "string", "format": "date-time"},
    Kind.BOOLEAN: {"type": "boolean"},
    Kind.ENUM: {"type": "string"},
    Kind.LIST: {"type": "array", "items": {"type": "string"}},
}


def _property(column: Column) -> dict[str, Any]:
    schema_type = dict(_JSON_TYPES[column.kind])
    schema_type.pop("description", None)
    if column.enum is not None:
        names = sorted(member.name for member in column.enum)
        if column.kind is Kind.LIST:
            schema_type["items"] = {"type": "string", "enum": names}
        else:
            schema_type["enum"] = names
    if column.nullable:
        schema_type["type"] = [schema_type["type"], "null"]
        if "enum" in schema_type:
            schema_type["enum"] = [*schema_type["enum"], None]
    unit = {
        Kind.MONEY: " An exact decimal string, two decimals.",
        Kind.CREDITS: " Whole credits (1 credit = 1 tonne CO2e).",
        Kind.ID: " A global id, as GraphQL's `id`.",
    }.get(column.kind, "")
    return {**schema_type, "description": column.description + unit, "x-kind": column.kind.value}


def row_schema(entity: str) -> dict[str, Any]:
    """The JSON Schema of one NDJSON row of an export; CSV has the same columns, in order."""
    shape = EXPORTS[entity]
    properties = {column.name: _property(column) for column in shape.columns}
    for related in shape.related:
        properties[related.name] = {
            "type": "array",
            "items": {"type": "string"},
            "description": related.description + " In CSV: joined with `;`.",
            "x-kind": Kind.LIST.value,
        }
    properties[CURSOR] = {
        "type": "string",
        "description": (
            "The row's keyset cursor (a GraphQL connection cursor under the same ordering):"
            " pass it as `after` to resume the export just after this row."
        ),
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"/export/{entity}.schema.json",
        "title": f"One row of /export/{entity}.ndjson (and of the .csv, columns in this order)",
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


# --- limits ------------------------------------------------------------------------------------


class ExportSlots:
    """How many exports each caller is running in this process."""

    def __init__(self) -> None:
        self.running: dict[str, int] = {}

    def take(self, caller: str, limit: int) -> bool:
        if self.running.get(caller, 0) >= limit:
            return False
        self.running[caller] = self.running.get(caller, 0) + 1
        return True

    def give_back(self, caller: str) -> None:
        left = self.running.get(caller, 0) - 1
        if left > 0:
            self.running[caller] = left
        else:
            self.running.pop(caller, None)


def page_cost(settings: ApiSettings) -> int:
    """Budget points charged before each page is read: one per `export_rows_per_point` rows."""
    return -(-settings.export_page_size // settings.export_rows_per_point)


class ExportResponse(StreamingResponse):
    """A streamed export that gives its slot back however the stream ends (done, failed, or the
    client gone)."""

    def __init__(self, content: AsyncIterator[bytes], *, release: Callable[[], None], **kw: Any):
        super().__init__(content, **kw)
        self._release = release

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._release()


# --- the endpoint ------------------------------------------------------------------------------


@dataclass
class ExportEndpoint:
    """Checks everything (entity, input, cursor, credentials, limits) before the first byte;
    then streams one chunk per keyset page."""

    settings: ApiSettings
    slots: ExportSlots = field(default_factory=ExportSlots)

    async def __call__(self, request: Request) -> Response:
        exchange = Exchange(request, self.settings)
        try:
            return exchange.finish(await self.respond(request, exchange.request_id))
        except HTTPError as error:
            return exchange.refuse(error)
        except DomainError as error:
            return exchange.finish(_refuse_input(error, exchange.request_id))

    async def respond(self, request: Request, request_id: str) -> Response:
        entity, suffix = _split(request.path_params["file"])
        if suffix == SCHEMA:
            return JSONResponse(row_schema(entity), media_type="application/schema+json")
        sessionmaker: Sessionmaker = request.state.sessionmaker
        async with sessionmaker() as session:
            db = Database(session)
            try:
                viewer = await authenticate_request(db, request)
            finally:
                await db.close()
        export = _export(request, entity, self.settings, viewer)
        client = request.client
        caller = caller_id(viewer, client.host if client else None)
        if not self.slots.take(caller, self.settings.max_exports_per_caller):
            raise HTTPError(
                429,
                TOO_MANY_EXPORTS,
                f"This caller already runs {self.settings.max_exports_per_caller} exports; wait"
                " for one to finish.",
                headers={"Retry-After": "1"},
            )
        try:
            budget: Budget = request.state.budget
            await self._charge_first(budget, caller)
        except BaseException:
            self.slots.give_back(caller)
            raise
        writer: Writer = (
            NDJSONWriter(export.shape) if suffix == "ndjson" else CSVWriter(export.shape)
        )
        return ExportResponse(
            self._stream(
                export,
                writer,
                sessionmaker=sessionmaker,
                budget=budget,
                caller=caller,
                request_id=request_id,
            ),
            release=lambda: self.slots.give_back(caller),
            media_type=NDJSON if suffix == "ndjson" else CSV,
            headers={
                "Content-Disposition": f'attachment; filename="{entity}.{suffix}"',
                "Cache-Control": "no-store",
            },
        )

    async def _charge_first(self, budget: Budget, caller: str) -> None:
        """The first page is paid for before the response starts: 429 if it does not fit."""
        charge = await budget.charge(caller, page_cost(self.settings))
        if charge is not None and not charge.allowed:
            raise HTTPError(
                429,
                RATE_LIMITED,
                f"The cost budget of this caller is spent: a page of an export costs"
                f" {page_cost(self.settings)} points and {charge.remaining} are left.",
                headers={"Retry-After": str(charge.retry_after)},
            )

    async def _pay(self, budget: Budget, caller: str) -> None:
        """Later pages wait for the budget instead of failing: the stream slows to its rate."""
        while True:
            charge = await budget.charge(caller, page_cost(self.settings))
            if charge is None or charge.allowed:
                return
            await asyncio.sleep(charge.retry_after)

    async def _stream(
        self,
        export: Export,
        writer: Writer,
        *,
        sessionmaker: Sessionmaker,
        budget: Budget,
        caller: str,
        request_id: str,
    ) -> AsyncIterator[bytes]:
        @asynccontextmanager
        async def open_db() -> AsyncIterator[Database]:
            async with sessionmaker() as session:
                db = Database(session)
                try:
                    yield db
                finally:
                    await db.close()

        head = writer.head()
        if head:
            yield head
        pages = export.pages(open_db, lambda: self._pay(budget, caller))
        try:
            async for page in pages:
                yield writer.page(page)
        except Exception:
            # Headers are sent: the connection is cut without the final chunk, so the client
            # sees an incomplete transfer and resumes from the last row's cursor.
            logger.exception("export failed in request %s", request_id)
            raise
        finally:
            await pages.aclose()


def _refuse_input(error: DomainError, request_id: str) -> Response:
    """400 with the GraphQL-shaped body: BAD_USER_INPUT or INVALID_CURSOR, and the field."""
    extensions: dict[str, Any] = {"code": error.code.value}
    if error.field:
        extensions["field"] = error.field
    body = {
        "errors": [{"message": error.message, "extensions": extensions}],
        "extensions": {"requestId": request_id},
    }
    return JSONResponse(body, status_code=400)
