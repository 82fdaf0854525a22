"""Writes: input checks, typed problems, and all-or-nothing transactions that report them."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.exc import DataError, IntegrityError
from sqlmodel import col

import models
from models.db import Database

from .entity_map import public_name
from .product import MAX_CENTS

T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)
Row_co = TypeVar("Row_co", covariant=True)
logger = logging.getLogger("pledgegraph.writes")

INPUT = ("input",)
Path = tuple[str, ...]


class ProblemCode(StrEnum):
    """Why a write refused its input (the API calls it UserErrorCode)."""

    INVALID_INPUT = "INVALID_INPUT"
    BLANK = "BLANK"
    TOO_LONG = "TOO_LONG"
    NOT_FOUND = "NOT_FOUND"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    # The credit exchange's refusals (resolvers.exchange).
    INELIGIBLE_BUYER = "INELIGIBLE_BUYER"
    NOT_FOR_SALE = "NOT_FOR_SALE"
    PRICE_ABOVE_LIMIT = "PRICE_ABOVE_LIMIT"
    INSUFFICIENT_CREDITS = "INSUFFICIENT_CREDITS"
    ALREADY_RETIRED = "ALREADY_RETIRED"
    ALREADY_CANCELLED = "ALREADY_CANCELLED"
    CLAIM_EXCEEDS_REPORTED_EMISSIONS = "CLAIM_EXCEEDS_REPORTED_EMISSIONS"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"


@dataclass(frozen=True)
class Problem:
    """One reason a write was refused: the input field at fault (API names), what, and a code."""

    field: Path | None
    message: str
    code: ProblemCode = ProblemCode.INVALID_INPUT


@dataclass(frozen=True)
class Written(Generic[Row_co]):
    """What a write returns: the row written, or the problems that kept anything from being."""

    row: Row_co | None = None
    problems: tuple[Problem, ...] = ()
    replayed: bool = False  # the row an earlier request with the same idempotency key wrote


class Refused(Exception):
    """Raised inside a write to undo everything it did and report the problems."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class Conflict:
    """A unique constraint and the problem its violation means to the caller.

    PostgreSQL names the violated constraint; SQLite names its columns instead.
    """

    constraint: str
    columns: str
    problem: Problem

    def matches(self, message: str) -> bool:
        return f'"{self.constraint}"' in message or f"constraint failed: {self.columns}" in message


async def write(
    db: Database, work: Callable[[], Awaitable[T]], conflicts: Sequence[Conflict] = ()
) -> Written[T]:
    """Run `work` as one transaction: committed if it returns, undone if it is refused.

    Unique keys are left to the database (no check-then-insert race): their violation becomes
    the matching Conflict's problem. Any other constraint the database enforces is checked
    before writing, so one that still fires means a check is missing: it is logged and reported
    as a generic problem, still never a partial write or a server error.
    """
    try:
        async with db.atomic():
            row = await work()
    except Refused as refused:
        return Written(problems=refused.problems)
    except (IntegrityError, DataError) as error:
        message = str(error.orig)
        for conflict in conflicts:
            if conflict.matches(message):
                return Written(problems=(conflict.problem,))
        logger.warning("the database refused a checked write: %s", message)
        problem = Problem(None, "The database refused the input; nothing was written.")
        return Written(problems=(problem,))
    return Written(row=row)


async def company_problem(db: Database, company_id: int | None) -> Problem | None:
    """Why `input.companyId` names no company to act for, or None: admins must name one (see
    `viewer.acting_company`), and it must exist."""
    if company_id is None:
        message = "Name the company to act for (admins act for a company they name)."
        return Problem(at("company_id"), message, ProblemCode.BLANK)
    company = col(models.Company.id)
    found = await db.rows(sa.select(company).where(company == company_id))
    if not found:
        return Problem(at("company_id"), "No company has this id.", ProblemCode.NOT_FOUND)
    return None


class Invalid(Exception):
    """Raised by a check: what is wrong with a value, and where below the field if in a list."""

    def __init__(
        self, message: str, code: ProblemCode = ProblemCode.INVALID_INPUT, at: Path = ()
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.at = at


Check = Callable[[Any], Any]
"""Returns the value to store (perhaps normalised) or raises Invalid."""


def check_values(
    values: Mapping[str, Any], checks: Mapping[str, Check]
) -> tuple[dict[str, Any], list[Problem]]:
    """Every given value through its field's check: the clean values and the problems found."""
    clean: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, value in values.items():
        try:
            clean[name] = checks[name](value)
        except Invalid as invalid:
            field = (*INPUT, public_name(name), *invalid.at)
            problems.append(Problem(field, invalid.message, invalid.code))
    return clean, problems


def at(*names: str) -> Path:
    """The API path of an input field given by its Python names: at("hq_country")."""
    return (*INPUT, *(name if name.isdigit() else public_name(name) for name in names))


def required(value: Any) -> Any:
    if value is None:
        raise Invalid("A value is required; null is not allowed here.", ProblemCode.BLANK)
    return value


def optional(check: Check) -> Check:
    """The check, but null passes (the column is nullable)."""
    return lambda value: None if value is None else check(value)


def text(max_length: int) -> Check:
    """Non-blank text of at most `max_length` characters, stored without surrounding spaces."""

    def check(value: Any) -> str:
        stripped = str(required(value)).strip()
        if not stripped:
            raise Invalid("Must not be blank.", ProblemCode.BLANK)
        if len(stripped) > max_length:
            raise Invalid(f"At most {max_length} characters.", ProblemCode.TOO_LONG)
        if "\x00" in stripped:  # PostgreSQL text cannot hold it
            raise Invalid("Must not contain a NUL character.")
        return stripped

    return check


def pattern(max_length: int, matches: Callable[[str], object], rule: str) -> Check:
    """Text that also follows a format, described by `rule` for the caller."""
    base = text(max_length)

    def check(value: Any) -> str:
        clean: str = base(value)
        if not matches(clean):
            raise Invalid(rule)
        return clean

    return check


slug = pattern(
    80,
    re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*").fullmatch,
    "Lower-case letters and digits in words joined by single hyphens, e.g. `best-buy`.",
)


def _is_web_address(value: str) -> bool:
    if not value.isprintable() or " " in value:
        return False
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False
    return parts.scheme in {"http", "https"} and bool(parts.hostname)


def url(max_length: int) -> Check:
    return pattern(max_length, _is_web_address, "An http(s) address, e.g. `https://example.org/`.")


def country(value: Any) -> str:
    """An assigned ISO 3166-1 alpha-2 code; lower case is accepted and stored upper case."""
    code: str = text(2)(value).upper()
    if code not in models.ISO_COUNTRIES:
        raise Invalid(f"`{code}` is not an ISO 3166-1 alpha-2 country code, e.g. `US`.")
    return code


def one_of(choices: Collection[str], what: str) -> Check:
    def check(value: Any) -> str:
        if required(value) not in choices:
            raise Invalid(f"Not a known {what}: one of {', '.join(sorted(choices))}.")
        return str(value)

    return check


def whole(low: int, high: int) -> Check:
    def check(value: Any) -> int:
        number = int(required(value))
        if not low <= number <= high:
            raise Invalid(f"Must be between {low} and {high}.")
        return number

    return check


def day(earliest: date, what: str) -> Check:
    """A date from `earliest` (described by `what`) up to today (UTC)."""

    def check(value: Any) -> date:
        chosen: date = required(value)
        if chosen < earliest:
            raise Invalid(f"Must be on or after {earliest.isoformat()} ({what}).")
        if chosen > today():
            raise Invalid("Must not be in the future.")
        return chosen

    return check


def today() -> date:
    return datetime.now(UTC).date()


def distinct_list(check: Check, *, max_items: int, min_items: int = 0) -> Check:
    """A list whose items each pass `check` and differ from each other."""

    def check_list(values: Any) -> list[Any]:
        values = required(values)
        if len(values) > max_items:
            raise Invalid(f"At most {max_items} items.")
        if len(values) < min_items:
            raise Invalid(f"At least {min_items} item(s).", ProblemCode.BLANK)
        clean: list[Any] = []
        for index, value in enumerate(values):
            try:
                item = check(value)
            except Invalid as invalid:
                raise Invalid(invalid.message, invalid.code, (str(index),)) from invalid
            if item in clean:
                raise Invalid("Listed twice.", at=(str(index),))
            clean.append(item)
        return clean

    return check_list


def member(enum: type[E]) -> Check:
    """A member of the enum; the schema may hand over a member or its value."""

    def check(value: Any) -> E:
        try:
            return enum(required(value))
        except ValueError as error:
            raise Invalid(f"Not a {enum.__name__} value.") from error

    return check


def provenance(value: Any) -> models.Provenance:
    """SOURCED or UNCONFIRMED: GENERATED is reserved for the seed generator's demo data."""
    chosen: models.Provenance = member(models.Provenance)(value)
    if chosen is models.Provenance.GENERATED:
        raise Invalid("GENERATED marks the seed generator's demo data; use SOURCED or UNCONFIRMED.")
    return chosen


def cents(amount: Decimal) -> int:
    """An exact amount as integer hundredths; more than two decimals is refused, never rounded."""
    try:
        hundredths = Decimal(amount) * 100
    except InvalidOperation as error:
        raise Invalid("Not an amount.") from error
    if not hundredths.is_finite() or hundredths < 0 or hundredths > MAX_CENTS:
        raise Invalid("Must be a finite amount from 0 up to the largest price stored.")
    if hundredths != hundredths.to_integral_value():
        raise Invalid('At most two decimals; send the amount as a decimal string, e.g. "12.99".')
    return int(hundredths)
