"""Persisted queries: the automatic protocol (APQ) and the allow-list of registered operations."""

from __future__ import annotations

import hashlib
import logging
import re
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from graphql import GraphQLError
from redis.asyncio import Redis
from redis.exceptions import RedisError

from resolvers.viewer import Viewer
from schema.errors import BAD_REQUEST
from schema.graphiql import EXAMPLES
from schema.settings import ApiSettings

logger = logging.getLogger("pledgegraph.persisted")

OPERATIONS_DIR = Path(__file__).parent / "operations"
NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
NOT_ALLOWED = "PERSISTED_QUERY_NOT_ALLOWED"
# Apollo clients recognise a miss by this exact message (or the code) and resend with the query.
NOT_FOUND_MESSAGE = "PersistedQueryNotFound"
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
# A slow Redis must not hold requests: a store that does not answer counts as a miss.
_REDIS_TIMEOUT_SECONDS = 1.0


def sha256_hex(query: str) -> str:
    """The hash APQ clients send: SHA-256 of the document's exact UTF-8 text, lowercase hex."""
    return hashlib.sha256(query.encode("utf-8")).hexdigest()


class QueryStore(Protocol):
    """Where automatic persisted queries are kept, by hash."""

    async def get(self, sha256: str) -> str | None: ...

    async def put(self, sha256: str, query: str) -> None: ...


class MemoryStore:
    """A bounded LRU in this process: each worker learns each query once."""

    def __init__(self, max_entries: int) -> None:
        self._entries: OrderedDict[str, str] = OrderedDict()
        self._max_entries = max_entries

    async def get(self, sha256: str) -> str | None:
        query = self._entries.get(sha256)
        if query is not None:
            self._entries.move_to_end(sha256)
        return query

    async def put(self, sha256: str, query: str) -> None:
        self._entries[sha256] = query
        self._entries.move_to_end(sha256)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)


class RedisStore:
    """Shared by every worker; entries expire unless used, so abandoned queries do not pile up.

    An unreachable Redis degrades APQ to full queries (a miss, then the client resends the
    document), never to a failed request.
    """

    def __init__(self, client: Redis, *, prefix: str, ttl_seconds: int) -> None:
        self._client = client
        self._prefix = prefix
        self._ttl_seconds = ttl_seconds

    def key(self, sha256: str) -> str:
        return f"{self._prefix}apq:{sha256}"

    async def get(self, sha256: str) -> str | None:
        try:
            query = await self._client.getex(self.key(sha256), ex=self._ttl_seconds)
        except RedisError:
            logger.warning("persisted query store unreachable, %s counts as a miss", sha256)
            return None
        # The client decodes responses (decode_responses=True), so values are str.
        return query if isinstance(query, str) else None

    async def put(self, sha256: str, query: str) -> None:
        try:
            await self._client.set(self.key(sha256), query, ex=self._ttl_seconds)
        except RedisError:
            logger.warning("persisted query store unreachable, %s not stored", sha256)


@dataclass(frozen=True)
class Manifest:
    """The registered operations, by the SHA-256 of their exact text."""

    operations: Mapping[str, str]

    @classmethod
    def of(cls, documents: Iterable[str]) -> Manifest:
        return cls({sha256_hex(document): document for document in documents})

    @classmethod
    def committed(cls, directory: Path = OPERATIONS_DIR) -> Manifest:
        """GraphiQL's example operations and every `*.graphql` file in schema/operations/."""
        files = sorted(directory.glob("*.graphql"))
        return cls.of(
            [example["query"] for example in EXAMPLES]
            + [path.read_text(encoding="utf-8") for path in files]
        )


def _request_error(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


def _requested_hash(persisted: object) -> str:
    """The hash in `extensions.persistedQuery`, checked against Apollo's protocol (version 1)."""
    if not isinstance(persisted, Mapping):
        raise _request_error("extensions.persistedQuery must be an object.", BAD_REQUEST)
    version = persisted.get("version")
    if version != 1 or isinstance(version, bool):
        raise _request_error("Only persisted query version 1 is supported.", BAD_REQUEST)
    sha256 = persisted.get("sha256Hash")
    if not isinstance(sha256, str) or not _SHA256_HEX.fullmatch(sha256.lower()):
        raise _request_error(
            "extensions.persistedQuery.sha256Hash must be a SHA-256 in hex.", BAD_REQUEST
        )
    return sha256.lower()


@dataclass(frozen=True)
class PersistedQueries:
    """Turns a request's `query` and `extensions.persistedQuery` into the document to run."""

    store: QueryStore
    manifest: Manifest
    # When set, first-party callers may run registered (manifest) operations only.
    first_party_only: bool = False

    async def resolve(
        self, *, query: str | None, extensions: Mapping[str, Any] | None, viewer: Viewer
    ) -> str:
        """The document to execute; a GraphQLError with `extensions.code` when there is none."""
        restricted = self.first_party_only and viewer.first_party
        persisted = (extensions or {}).get("persistedQuery")
        if persisted is None:
            if query is None:
                raise _request_error("The request has no query.", BAD_REQUEST)
            if restricted and sha256_hex(query) not in self.manifest.operations:
                raise self._not_allowed()
            return query
        sha256 = _requested_hash(persisted)
        if query is not None and sha256_hex(query) != sha256:
            raise _request_error(
                "extensions.persistedQuery.sha256Hash is not the SHA-256 of the query.", BAD_REQUEST
            )
        registered = self.manifest.operations.get(sha256)
        if registered is not None:
            return registered
        if restricted:
            # Sending the full query would not help, so this is not a miss.
            raise self._not_allowed()
        if query is not None:
            await self.store.put(sha256, query)
            return query
        stored = await self.store.get(sha256)
        if stored is None:
            raise _request_error(NOT_FOUND_MESSAGE, NOT_FOUND)
        return stored

    @staticmethod
    def _not_allowed() -> GraphQLError:
        return _request_error(
            "This key may run registered operations only; this one is not registered.",
            NOT_ALLOWED,
        )


@asynccontextmanager
async def open_persisted_queries(settings: ApiSettings) -> AsyncIterator[PersistedQueries]:
    """The store chosen by the settings (Redis when REDIS_URL is set), open for the app's life."""
    manifest = Manifest.committed()
    only = settings.persisted_only_first_party
    if settings.redis_url is None:
        store = MemoryStore(settings.persisted_query_cache_size)
        yield PersistedQueries(store=store, manifest=manifest, first_party_only=only)
        return
    client = Redis.from_url(
        settings.redis_url,
        decode_responses=True,
        socket_timeout=_REDIS_TIMEOUT_SECONDS,
        socket_connect_timeout=_REDIS_TIMEOUT_SECONDS,
    )
    try:
        redis_store = RedisStore(
            client,
            prefix=settings.redis_key_prefix,
            ttl_seconds=settings.persisted_query_ttl_seconds,
        )
        yield PersistedQueries(store=redis_store, manifest=manifest, first_party_only=only)
    finally:
        await client.aclose()
