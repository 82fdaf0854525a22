"""Authentication over HTTP: the caller named by the Authorization header, or a 401."""

from __future__ import annotations

from starlette.requests import Request

from models.db import Database
from resolvers.api_keys import authenticate
from resolvers.errors import Unauthenticated
from resolvers.viewer import Viewer
from schema.http import HTTPError

# RFC 6750: a refused bearer token is answered with this challenge.
CHALLENGE = 'Bearer realm="pledgegraph", error="invalid_token"'


async def authenticate_request(db: Database, request: Request) -> Viewer:
    """The request's caller; HTTPError 401 (nothing executes) for credentials that fail."""
    headers = request.headers.getlist("authorization")
    try:
        if len(headers) > 1:  # which one would count is anyone's guess: refuse them all
            raise Unauthenticated("Send one Authorization header, not several.")
        return await authenticate(db, headers[0] if headers else None)
    except Unauthenticated as error:
        raise HTTPError(
            401, error.code.value, error.message, headers={"WWW-Authenticate": CHALLENGE}
        ) from None
