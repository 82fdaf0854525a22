"""built_once: one build per shape, whoever asks."""

from __future__ import annotations

import uuid

from resolvers.statements import built_once


def test_each_shape_is_built_once_and_shapes_do_not_mix() -> None:
    builds: list[str] = []

    def build(name: str) -> str:
        builds.append(name)
        return f"statement {name}"

    tag = uuid.uuid4().hex  # shapes no other test uses
    first = built_once(("test", tag, "a"), lambda: build("a"))
    again = built_once(("test", tag, "a"), lambda: build("a"))
    other = built_once(("test", tag, "b"), lambda: build("b"))

    assert (first, again, other) == ("statement a", "statement a", "statement b")
    assert builds == ["a", "b"]
