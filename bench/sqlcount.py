"""A PostgreSQL wire-protocol proxy that records every statement a server sends, for all three.

Counting on the wire treats pledgegraph (SQLAlchemy + asyncpg), PostGraphile (node-postgres) and
the floor (asyncpg) alike, needs no server extension (pg_stat_statements needs a restart to
load) and changes no setting of the shared PostgreSQL server. A statement is one simple Query
message or one Execute message of the extended protocol (the same unit as log_statement = all);
Parse/Bind/Describe are parts of one execution and are not counted.
"""

from __future__ import annotations

import asyncio
import re
import struct
from dataclasses import dataclass, field

_SSL_REQUEST = 80877103
_GSSENC_REQUEST = 80877104
_PROTOCOL_3 = 196608

# Session and transaction bookkeeping, reported apart from the statements that read data.
_CONTROL = re.compile(
    r"^\s*(BEGIN|START|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE|SET|RESET|DISCARD|SHOW|"
    r"DEALLOCATE|CLOSE|UNLISTEN|SELECT\s+set_config|SELECT\s+pg_advisory_unlock_all|;|$)",
    re.IGNORECASE,
)


def is_control(statement: str) -> bool:
    """True for transaction control, session settings and empty pings."""
    return _CONTROL.match(statement) is not None


@dataclass
class Recorder:
    """Statements seen since the last reset, in the order they were executed."""

    statements: list[str] = field(default_factory=list)

    def reset(self) -> None:
        self.statements.clear()


def _cstrings(payload: bytes, count: int) -> list[str]:
    parts = payload.split(b"\0", count)
    return [part.decode("utf-8", "replace") for part in parts[:count]]


class _Session:
    """One client connection: forwards bytes both ways, reads the client's messages."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self.prepared: dict[str, str] = {}
        self.portals: dict[str, str] = {}

    def on_message(self, kind: bytes, payload: bytes) -> None:
        if kind == b"Q":
            self.recorder.statements.append(_cstrings(payload, 1)[0])
        elif kind == b"P":
            name, query = _cstrings(payload, 2)
            self.prepared[name] = query
        elif kind == b"B":
            portal, statement = _cstrings(payload, 2)
            self.portals[portal] = self.prepared.get(statement, "?")
        elif kind == b"E":
            portal = _cstrings(payload, 1)[0]
            self.recorder.statements.append(self.portals.get(portal, "?"))

    async def client_to_server(
        self,
        client: asyncio.StreamReader,
        client_out: asyncio.StreamWriter,
        server: asyncio.StreamWriter,
    ) -> None:
        # Untyped start-up messages first; decline encryption ourselves so the rest is readable.
        while True:
            header = await client.readexactly(8)
            length, code = struct.unpack("!ii", header)
            body = await client.readexactly(length - 8)
            if code in (_SSL_REQUEST, _GSSENC_REQUEST):
                client_out.write(b"N")
                await client_out.drain()
                continue
            server.write(header + body)
            if code == _PROTOCOL_3:
                break
        while True:
            header = await client.readexactly(5)
            (length,) = struct.unpack("!i", header[1:])
            payload = await client.readexactly(length - 4)
            self.on_message(header[:1], payload)
            server.write(header + payload)
            await server.drain()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while chunk := await reader.read(65536):
        writer.write(chunk)
        await writer.drain()


class CountingProxy:
    """Listens on 127.0.0.1:<port> and forwards to PostgreSQL, recording statements."""

    def __init__(self, *, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.recorder = Recorder()
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def port(self) -> int:
        assert self._server is not None
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _serve(self, client: asyncio.StreamReader, client_out: asyncio.StreamWriter) -> None:
        server_in, server_out = await asyncio.open_connection(*self.upstream)
        session = _Session(self.recorder)
        directions = {
            asyncio.create_task(session.client_to_server(client, client_out, server_out)),
            asyncio.create_task(_pipe(server_in, client_out)),
        }
        self._tasks |= directions
        try:
            # Either side hanging up ends the connection; the other direction is then moot.
            done, pending = await asyncio.wait(directions, return_when=asyncio.FIRST_COMPLETED)
            for task in pending:
                task.cancel()
            for task in done:
                if not task.cancelled():
                    task.exception()  # retrieved: a hang-up is expected, not worth a warning
        finally:
            for writer in (client_out, server_out):
                writer.close()
            self._tasks -= directions
