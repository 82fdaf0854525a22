"""graphql-transport-ws for subscriptions only, with coded errors for queries and mutations sent
there and for one connection opening too many subscriptions."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError, OperationType, parse
from graphql.utilities import get_operation_ast
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage

from schema.context import Context
from schema.settings import DEFAULT_SETTINGS, ApiSettings

SUBSCRIPTION_LIMIT_EXCEEDED = "SUBSCRIPTION_LIMIT_EXCEEDED"
SUBSCRIPTIONS_ONLY = "SUBSCRIPTIONS_ONLY"


class TransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """Strawberry's handler; its own over-limit error has no `extensions.code`."""

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        limit = self.max_subscriptions_per_connection
        new = self.connection_acknowledged and message["id"] not in self.operations
        if new and limit is not None and len(self.operations) >= limit:
            await self._refuse(
                message,
                f"At most {limit} subscriptions may run on one connection: complete one first.",
                SUBSCRIPTION_LIMIT_EXCEEDED,
            )
            return
        if new and not self._is_subscription(message["payload"]):
            # The WebSocket carries no caller's API key, session or budget, which queries and
            # mutations need: they are served over HTTP, where all three are.
            await self._refuse(
                message,
                "Queries and mutations are served over HTTP (GET or POST /graphql); this"
                " WebSocket carries subscriptions only.",
                SUBSCRIPTIONS_ONLY,
            )
            return
        await super().handle_subscribe(message)

    def _is_subscription(self, payload: Any) -> bool:
        """Whether the operation to run is a subscription; True when that cannot be told (a
        syntax error, no such operation), which strawberry then reports as before."""
        settings: ApiSettings = getattr(self.view, "settings", DEFAULT_SETTINGS)
        try:
            document = parse(payload["query"], max_tokens=settings.max_tokens)
        except GraphQLError:
            return True
        operation = get_operation_ast(document, payload.get("operationName"))
        return operation is None or operation.operation is OperationType.SUBSCRIPTION

    async def _refuse(self, message: SubscribeMessage, text: str, code: str) -> None:
        error = GraphQLError(text, extensions={"code": code})
        await self.send_message(
            {"id": message["id"], "type": "error", "payload": [error.formatted]}
        )
