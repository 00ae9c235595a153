"""Read and validate ``categories.toml`` and ``questions.toml``.

Every problem is reported as one :class:`CatalogError` whose message names the file
and what is wrong with it, so a bad edit to the bank never surfaces as a traceback.
"""

from __future__ import annotations

import functools
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from coachtui.catalog.model import Catalog, Category, Frame, Question, Signal

CATEGORY_IDS = ("capability", "learning", "relational", "environment")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


class CatalogError(ValueError):
    """The catalog files are malformed or inconsistent."""


def _read(source: Path | None, default_name: str) -> tuple[str, dict[str, Any]]:
    if source is None:
        name = default_name
        try:
            text = resources.files("coachtui").joinpath("assets", default_name).read_text("utf-8")
        except (FileNotFoundError, OSError) as exc:
            raise CatalogError(f"{name}: cannot read the packaged file ({exc})") from None
    else:
        name = str(source)
        try:
            text = Path(source).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CatalogError(f"{name}: cannot read ({exc.__class__.__name__}: {exc})") from None
    try:
        return name, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{name}: not valid TOML ({exc})") from None


def _text(name: str, where: str, table: dict[str, Any], key: str, *, required: bool = True) -> str:
    value = table.get(key)
    if value is None:
        if required:
            raise CatalogError(f"{name}: {where} has no {key!r}")
        return ""
    if not isinstance(value, str):
        raise CatalogError(f"{name}: {where}: {key!r} must be text")
    value = value.strip()
    if required and not value:
        raise CatalogError(f"{name}: {where}: {key!r} is empty")
    return value


def _text_list(name: str, where: str, table: dict[str, Any], key: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise CatalogError(f"{name}: {where}: {key!r} must be a list of non-empty texts")
    return tuple(v.strip() for v in value)


def _tables(name: str, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key)
    if not isinstance(value, list) or not value:
        raise CatalogError(f"{name}: no [[{key}]] entries")
    for index, item in enumerate(value, 1):
        if not isinstance(item, dict):
            raise CatalogError(f"{name}: {key} #{index} is not a table")
    return value


def _identifier(name: str, where: str, table: dict[str, Any], seen: set[str]) -> str:
    ident = _text(name, where, table, "id")
    if not _ID_RE.match(ident):
        raise CatalogError(f"{name}: {where}: id {ident!r} may only use a-z, 0-9, '-', '_', '.'")
    if ident in seen:
        raise CatalogError(f"{name}: duplicate id {ident!r}")
    seen.add(ident)
    return ident


def parse_categories(name: str, data: dict[str, Any]) -> tuple[Category, ...]:
    categories: list[Category] = []
    seen: set[str] = set()
    keys: set[str] = set()
    for index, table in enumerate(_tables(name, data, "category"), 1):
        ident = _identifier(name, f"category #{index}", table, seen)
        where = f"category {ident!r}"
        if ident not in CATEGORY_IDS:
            raise CatalogError(
                f"{name}: unknown category {ident!r} (expected one of {', '.join(CATEGORY_IDS)})"
            )
        key = _text(name, where, table, "key")
        if len(key) != 1 or key in keys:
            raise CatalogError(f"{name}: {where}: 'key' must be one character, unique")
        keys.add(key)
        raw_signals = table.get("signal")
        if not isinstance(raw_signals, list) or not raw_signals:
            raise CatalogError(f"{name}: {where} has no [[category.signal]] entries")
        signals = []
        for number, raw in enumerate(raw_signals, 1):
            if not isinstance(raw, dict):
                raise CatalogError(f"{name}: {where}: signal #{number} is not a table")
            swhere = f"{where} signal #{number}"
            words = _text_list(name, swhere, raw, "words")
            if not words:
                raise CatalogError(f"{name}: {swhere} has no words")
            signals.append(Signal(text=_text(name, swhere, raw, "text"), words=words))
        categories.append(
            Category(
                id=ident,
                name=_text(name, where, table, "name"),
                key=key,
                summary=_text(name, where, table, "summary"),
                description=_text(name, where, table, "description"),
                signals=tuple(signals),
                examples=_text_list(name, where, table, "examples"),
            )
        )
    missing = [c for c in CATEGORY_IDS if c not in seen]
    if missing:
        raise CatalogError(f"{name}: missing categories: {', '.join(missing)}")
    order = {c: i for i, c in enumerate(CATEGORY_IDS)}
    return tuple(sorted(categories, key=lambda c: order[c.id]))


def parse_questions(
    name: str, data: dict[str, Any], category_ids: tuple[str, ...]
) -> tuple[tuple[Frame, ...], tuple[Question, ...]]:
    frames: list[Frame] = []
    frame_ids: set[str] = set()
    for index, table in enumerate(_tables(name, data, "frame"), 1):
        ident = _identifier(name, f"frame #{index}", table, frame_ids)
        where = f"frame {ident!r}"
        frames.append(
            Frame(
                id=ident,
                name=_text(name, where, table, "name"),
                description=_text(name, where, table, "description"),
            )
        )
    questions: list[Question] = []
    seen: set[str] = set()
    for index, table in enumerate(_tables(name, data, "question"), 1):
        ident = _identifier(name, f"question #{index}", table, seen)
        where = f"question {ident!r}"
        category = _text(name, where, table, "category", required=False) or None
        frame = _text(name, where, table, "frame", required=False) or None
        if (category is None) == (frame is None):
            raise CatalogError(f"{name}: {where} needs exactly one of 'category' or 'frame'")
        if category is not None and category not in category_ids:
            raise CatalogError(f"{name}: {where} names unknown category {category!r}")
        if frame is not None and frame not in frame_ids:
            raise CatalogError(f"{name}: {where} names unknown frame {frame!r}")
        questions.append(
            Question(id=ident, text=_text(name, where, table, "text"), category=category, frame=frame)
        )
    for each in frames:
        if not any(q.frame == each.id for q in questions):
            raise CatalogError(f"{name}: frame {each.id!r} has no questions")
    return tuple(frames), tuple(questions)


def load_catalog(categories: Path | None = None, questions: Path | None = None) -> Catalog:
    """Load the catalog; with no arguments, the files shipped in the package (cached)."""
    if categories is None and questions is None:
        return _packaged_catalog()
    return _load(categories, questions)


def _load(categories: Path | None, questions: Path | None) -> Catalog:
    cat_name, cat_data = _read(categories, "categories.toml")
    parsed = parse_categories(cat_name, cat_data)
    q_name, q_data = _read(questions, "questions.toml")
    frames, bank = parse_questions(q_name, q_data, tuple(c.id for c in parsed))
    return Catalog(categories=parsed, frames=frames, questions=bank)


@functools.cache
def _packaged_catalog() -> Catalog:
    return _load(None, None)
