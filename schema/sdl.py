"""Writes the committed SDL, schema/schema.graphql: `python -m schema.sdl` (or `make sdl`)."""

from __future__ import annotations

from pathlib import Path

from schema.root import schema

SDL_PATH = Path(__file__).parent / "schema.graphql"


def render_sdl() -> str:
    return schema.as_str() + "\n"


if __name__ == "__main__":
    SDL_PATH.write_text(render_sdl(), encoding="utf-8")
    print(f"wrote {SDL_PATH}")  # noqa: T201
