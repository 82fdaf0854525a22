"""Rows read for display: a model's columns in a light read-only tuple, not a mapped instance."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any, ClassVar, TypeVar, cast

import sqlalchemy as sa
from sqlmodel import SQLModel

M = TypeVar("M")


class Row(tuple[Any, ...]):
    """A read row of `model`: its column attributes, in `names` order.

    Profiling a 50-product page showed building mapped instances (identity map, instance
    state, pydantic's private attributes) as a large share of a request, for objects that are
    only ever read. Resolvers read `row.title` exactly as from an instance. Read rows are typed
    as their model (they carry every column attribute it has) but are not instances of it:
    `is_row_of` tells which model a row or instance belongs to. Writes load mapped instances.
    """

    __slots__ = ()
    model: ClassVar[type[SQLModel]]  # a table model
    names: ClassVar[tuple[str, ...]]

    def __repr__(self) -> str:
        values = ", ".join(
            f"{name}={value!r}" for name, value in zip(self.names, self, strict=True)
        )
        return f"{type(self).__name__}({values})"


_ROW_TYPES: dict[type[Any], type[Row]] = {}


def row_type(model: type[Any]) -> type[Row]:
    """The read-row class of a model, made once."""
    made = _ROW_TYPES.get(model)
    if made is None:
        made = _ROW_TYPES[model] = _make_row_type(model)
    return made


def _make_row_type(model: type[Any]) -> type[Row]:
    names = tuple(attribute.key for attribute in sa.inspect(model).column_attrs)
    namespace: dict[str, Any] = {"__slots__": (), "model": model, "names": names}
    for index, name in enumerate(names):
        namespace[name] = property(itemgetter(index))
    return type(f"{model.__name__}Row", (Row,), namespace)


def columns(model: type[Any], source: Any = None) -> list[Any]:
    """The columns to select for read rows of `model`, from its table or from `source` (a
    subquery or lateral of a statement over the model)."""
    attributes = sa.inspect(model).column_attrs
    if source is None:
        return [attribute.columns[0] for attribute in attributes]
    return [source.c[attribute.columns[0].key] for attribute in attributes]


def read_rows(model: type[M], rows: Sequence[Sequence[Any]]) -> list[M]:
    """Read rows of `model` from result rows that start with `columns(model)`."""
    make = reader(model)
    return [make(row) for row in rows]


def read_row(model: type[M], row: Sequence[Any]) -> M:
    """One read row of `model` from a result row that starts with `columns(model)`."""
    return reader(model)(row)


def reader(model: type[M]) -> Callable[[Sequence[Any]], M]:
    """A function making read rows of `model` from result rows that start with its columns;
    for loops over many rows."""
    make = row_type(model)
    width = len(make.names)
    return cast("Callable[[Sequence[Any]], M]", lambda row: make(row[:width]))


def is_row_of(obj: Any, model: type[Any]) -> bool:
    """Whether `obj` is a mapped instance or a read row of `model`."""
    return isinstance(obj, model) or getattr(type(obj), "model", None) is model
