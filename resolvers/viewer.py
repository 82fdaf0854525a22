"""Who is calling: the role and company every scope and limit decision starts from."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .errors import Forbidden


class Role(StrEnum):
    """What a caller may do. Partners act for one company; admins for the service."""

    ANONYMOUS = "anonymous"
    PARTNER = "partner"
    ADMIN = "admin"


@dataclass(frozen=True)
class Viewer:
    """The authenticated caller of one request (anonymous when no key was sent)."""

    role: Role = Role.ANONYMOUS
    company_id: int | None = None  # set for partners only
    api_key_id: int | None = None
    # First-party keys (our own frontends) may be held to registered operations only.
    first_party: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def owns(self, company_id: int | None) -> bool:
        """Whether this caller may see and change the company's private data."""
        return self.is_admin or (company_id is not None and company_id == self.company_id)


ANONYMOUS = Viewer()


def require_admin(viewer: Viewer, action: str) -> None:
    """Refuse (FORBIDDEN) unless the caller is an admin; `action` says what only admins do."""
    if not viewer.is_admin:
        raise Forbidden(f"Only an admin API key may {action}.")


def acting_company(viewer: Viewer, company_id: int | None, action: str) -> int | None:
    """The company the caller may `action` for: a partner's own, any for an admin.

    None when an admin names no company. Raises Forbidden for anyone else, before anything
    about the input or the company is looked at.
    """
    if viewer.is_admin:
        return company_id
    if viewer.role is Role.PARTNER and viewer.company_id is not None:
        if company_id is None or viewer.owns(company_id):
            return viewer.company_id
        raise Forbidden(f"A partner may {action} for its own company only.")
    raise Forbidden(f"Only a partner's or an admin's API key may {action}.")
