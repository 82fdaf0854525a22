"""Shared table machinery: constraint naming, portable column types and the provenance mixin."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

# Deterministic constraint names keep Alembic migrations reviewable and reversible.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# JSON on SQLite, JSONB on PostgreSQL (indexable, compact).
JSONList = sa.JSON().with_variant(JSONB(), "postgresql")


def enum_type(enum: type[StrEnum], name: str) -> sa.Enum:
    """A portable enum column: VARCHAR of the member values plus a CHECK constraint."""
    return sa.Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        # One generous width for every enum, so adding a member never needs a column change.
        length=40,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


# ISO 3166-1 alpha-2: the 249 officially assigned codes. The database checks only the shape
# (two letters A-Z); writes through the API are checked against this list.
_ASSIGNED_CODES = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR
    BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ
    EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW
    GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY
    KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV
    MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY
    QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG
    TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM
    ZW
"""
ISO_COUNTRIES = frozenset(_ASSIGNED_CODES.split())


def iso_country_check(column: str) -> sa.CheckConstraint:
    """ISO 3166-1 alpha-2: exactly two upper-case letters A-Z."""
    letters = " AND ".join(f"substr({column}, {i}, 1) BETWEEN 'A' AND 'Z'" for i in (1, 2))
    return sa.CheckConstraint(
        f"length({column}) = 2 AND upper({column}) = {column} AND {letters}",
        name=f"{column}_iso_alpha2",
    )


class Provenance(StrEnum):
    """Where a row's facts come from."""

    SOURCED = "sourced"
    UNCONFIRMED = "unconfirmed"
    GENERATED = "generated"


def provenance_field() -> Any:
    return Field(
        default=Provenance.GENERATED,
        sa_type=enum_type(Provenance, "provenance"),
        nullable=False,
    )


def source_url_field() -> Any:
    return Field(default=None, max_length=500, nullable=True)


class View(SQLModel, registry=registry()):
    """Base of read-only views, each created by a migration: mapped like tables for reading, but
    on a metadata of their own, so nothing creates, compares (Alembic) or empties them as tables."""


# Search structures differ per database, so only the migrations create them (see 0002).
_MIGRATION_ONLY = ("products_fts", "ix_products_search")


def described_by_models(
    _object: object, name: str | None, _type: str, _reflected: bool, _compare_to: object
) -> bool:
    """For Alembic autogenerate: compare only what the models describe."""
    return not (name or "").startswith(_MIGRATION_ONLY)
