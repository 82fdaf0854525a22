"""Authentication over HTTP: the caller named by the Authorization header, or a 401 response."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from models.db import Database
from resolvers.api_keys import authenticate
from resolvers.errors import Unauthenticated
from resolvers.viewer import Viewer

# RFC 6750: a refused bearer token is answered with this challenge.
CHALLENGE = 'Bearer realm="pledgegraph", error="invalid_token"'


async def authenticate_request(db: Database, request: Request) -> Viewer | Response:
    """The request's caller, or the 401 response to send instead of executing anything."""
    headers = request.headers.getlist("authorization")
    try:
        if len(headers) > 1:  # which one would count is anyone's guess: refuse them all
            raise Unauthenticated("Send one Authorization header, not several.")
        return await authenticate(db, headers[0] if headers else None)
    except Unauthenticated as error:
        body = {"errors": [{"message": error.message, "extensions": {"code": error.code.value}}]}
        return JSONResponse(body, status_code=401, headers={"WWW-Authenticate": CHALLENGE})
