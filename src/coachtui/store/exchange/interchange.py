"""The JSON interchange format: its definition, encoding and strict validation.

An export is one JSON object::

    {"format": "coachtui-export", "version": 1, "exported_at": "2026-11-02T09:00:00.000000Z",
     "coachtui": "0.1.0", "redacted": false, "filters": {...},
     "teams": [...], "sessions": [...], "picked_questions": [...],
     "custom_questions": [...], "actions": [...], "action_reviews": [...]}

Each list holds every column of one table, one object per row, keyed by column name.
Timestamps are ISO 8601 UTC with microseconds and a ``Z``; dates are ``YYYY-MM-DD``.
Rows are in a fixed order, so the same database always gives the same file.

Validation runs before anything is written and turns every problem into one line
that says where it is (``sessions[3].created_at: ...``). Pure Python: no database.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from coachtui.store.errors import ImportRefused
from coachtui.store.types import LOCAL_DRAFTS

FORMAT_NAME = "coachtui-export"
FORMAT_VERSION = 1

# Field kinds.
ID = "id"
REF = "ref"  # an id of another record
OPT_REF = "ref?"
TEXT = "text"
OPT_TEXT = "text?"
BOOL = "bool"
INT = "int"
STAMP = "timestamp"
OPT_STAMP = "timestamp?"
OPT_DATE = "date?"


@dataclass(frozen=True)
class TableSpec:
    key: str  # the list's name in the file
    table: str  # the SQL table
    fields: tuple[tuple[str, str], ...]
    # fields added after version 1 was first written, and the value a file without them gives
    later: tuple[tuple[str, Any], ...] = ()

    @cached_property
    def later_defaults(self) -> dict[str, Any]:
        return dict(self.later)

    @cached_property
    def columns(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.fields)

    @cached_property
    def column_set(self) -> frozenset[str]:
        return frozenset(self.columns)


# Columns that belong to one laptop and never travel in an export or a sync: the
# action a coach is half-way through typing, review notes typed before their mark.
LOCAL_COLUMNS: dict[str, frozenset[str]] = {"sessions": LOCAL_DRAFTS}

# The lists of an export, in the file's order, and the model each one holds.
LISTS: tuple[tuple[str, str], ...] = (
    ("teams", "Team"),
    ("sessions", "CoachingSession"),
    ("picked_questions", "PickedQuestion"),
    ("custom_questions", "CustomQuestion"),
    ("actions", "Action"),
    ("action_reviews", "ActionReview"),
)
KINDS = frozenset({ID, REF, OPT_REF, TEXT, OPT_TEXT, BOOL, INT, STAMP, OPT_STAMP, OPT_DATE})

if TYPE_CHECKING:
    import sqlalchemy as sa

    # Made from the models on first use (tables(), specs()), so that importing this
    # module does not load SQLAlchemy.
    TABLES: tuple[TableSpec, ...]
    SPECS: dict[str, TableSpec]


def kind_of(column: sa.Column[Any]) -> str:
    """A column's field kind in the file, from the model: the key is an ``id``, a
    column named ``*_id`` holds the id of another record, and the rest follow the
    column's type; a nullable column's kind ends in ``?``."""
    import sqlalchemy as sa

    from coachtui.store.db.models import UTCDateTime

    if column.primary_key:
        return ID
    if column.name.endswith("_id"):
        kind = REF
    elif isinstance(column.type, sa.Boolean):
        kind = BOOL
    elif isinstance(column.type, sa.Integer):
        kind = INT
    elif isinstance(column.type, UTCDateTime):
        kind = STAMP
    elif isinstance(column.type, sa.Date):
        kind = "date"
    else:
        kind = TEXT
    kind = f"{kind}?" if column.nullable else kind
    if kind not in KINDS:
        raise TypeError(f"the export format has no field kind for {column.table.name}.{column.name} ({kind})")
    return kind


def _default(column: sa.Column[Any]) -> Any:
    from sqlalchemy.sql.schema import ScalarElementColumnDefault

    if column.default is None and column.nullable:
        return None  # an optional column an older file lacks (a session's meeting_id)
    if not isinstance(column.default, ScalarElementColumnDefault):
        raise TypeError(f"{column.table.name}.{column.name} is marked LATER but has no plain default")
    return column.default.arg


def _derive() -> tuple[TableSpec, ...]:
    """Every column of every exported table but the laptop's own, in the models' order."""
    from coachtui.store.db import models

    specs = []
    for key, name in LISTS:
        table = models.table(getattr(models, name))
        local = LOCAL_COLUMNS.get(key, frozenset())
        columns = [column for column in table.columns if column.name not in local]
        fields = tuple((column.name, kind_of(column)) for column in columns)
        later = tuple((column.name, _default(column)) for column in columns if column.info.get("later"))
        specs.append(TableSpec(key, table.name, fields, later))
    return tuple(specs)


@functools.cache
def tables() -> tuple[TableSpec, ...]:
    """The lists of an export (also ``TABLES``), made from the models once."""
    return _derive()


@functools.cache
def specs() -> dict[str, TableSpec]:
    """The lists of an export by their key (also ``SPECS``)."""
    return {spec.key: spec for spec in tables()}


def __getattr__(name: str) -> Any:
    if name == "TABLES":
        return tables()
    if name == "SPECS":
        return specs()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


META_KEYS = ("format", "version", "exported_at", "coachtui", "redacted", "filters")

# --- encoding ------------------------------------------------------------------------


def format_stamp(value: dt.datetime) -> str:
    """ISO 8601 in UTC with microseconds, e.g. ``2026-11-02T09:00:00.000001Z``."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def encode_value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind in (STAMP, OPT_STAMP):
        return format_stamp(value)
    if kind == OPT_DATE:
        return value.isoformat()
    return value


def encode_row(spec: TableSpec, row: Mapping[str, Any]) -> dict[str, Any]:
    return {name: encode_value(kind, row[name]) for name, kind in spec.fields}


def dumps(document: Mapping[str, Any]) -> str:
    """The file text of an export: indented, UTF-8 characters kept, one final newline."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# --- parsing ---------------------------------------------------------------------------


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ImportRefused(f"the key {key!r} appears twice in one object")
        result[key] = value
    return result


def _refuse_constant(name: str) -> Any:
    raise ImportRefused(f"{name} is not a value JSON allows")


def parse_json(raw: bytes) -> Any:
    """Decode an export file's bytes (UTF-8, a byte order mark allowed) as JSON."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused(f"it is not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise ImportRefused("the file is empty")
    try:
        return json.loads(text, object_pairs_hook=_refuse_duplicates, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        # The JSON stopping mid-way (not a typo in the middle) means a cut-off file.
        if not text[exc.pos :].strip() or exc.msg.startswith("Unterminated string"):
            raise ImportRefused(f"the JSON ends too early at line {exc.lineno}: the file looks truncated") from None
        raise ImportRefused(f"it is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise ImportRefused("its JSON is nested too deeply to be an export") from None


# --- validation ------------------------------------------------------------------------

_SURROGATE_RE = re.compile("[\ud800-\udfff]")
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
ID_MAX = 200


@dataclass(frozen=True, slots=True)
class ValidExport:
    """An export that passed validation, with Python values (datetimes, dates)."""

    tables: dict[str, list[dict[str, Any]]]
    redacted: bool
    exported_at: dt.datetime


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:39] + "…"
        return repr(shown)
    if isinstance(value, (int, float)):
        return repr(value)
    return "a list" if isinstance(value, list) else "an object"


def parse_stamp(value: Any, where: str) -> dt.datetime:
    if not isinstance(value, str):
        raise ImportRefused(f"{where}: expected a timestamp, found {_describe(value)}")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ImportRefused(f"{where}: {_describe(value)} is not an ISO 8601 timestamp") from None
    if parsed.tzinfo is None:
        raise ImportRefused(f"{where}: the timestamp {_describe(value)} has no time zone")
    return parsed.astimezone(dt.UTC)


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ImportRefused(f"{where}: expected text, found {_describe(value)}")
    if _SURROGATE_RE.search(value):
        raise ImportRefused(f"{where}: the text holds an unpaired surrogate, which is not a character")
    return value


def _value(kind: str, value: Any, where: str) -> Any:
    optional = kind.endswith("?")
    if value is None:
        if optional:
            return None
        raise ImportRefused(f"{where}: a value is required, found null")
    base = kind.rstrip("?")
    if base in (ID, REF):
        text = _text(value, where)
        if not text or len(text) > ID_MAX:
            raise ImportRefused(f"{where}: {_describe(value)} is not a usable id")
        return text
    if base == TEXT:
        return _text(value, where)
    if base == BOOL:
        if not isinstance(value, bool):
            raise ImportRefused(f"{where}: expected true or false, found {_describe(value)}")
        return value
    if base == INT:
        if isinstance(value, bool) or not isinstance(value, int) or not INT_MIN <= value <= INT_MAX:
            raise ImportRefused(f"{where}: expected a whole number, found {_describe(value)}")
        return value
    if base == STAMP:
        return parse_stamp(value, where)
    if base == "date":
        if not isinstance(value, str):
            raise ImportRefused(f"{where}: expected a date, found {_describe(value)}")
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ImportRefused(f"{where}: {_describe(value)} is not a date (YYYY-MM-DD)") from None
    raise AssertionError(kind)  # pragma: no cover - the spec is fixed


def _row(spec: TableSpec, raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ImportRefused(f"{where}: expected an object, found {_describe(raw)}")
    unknown = [key for key in raw if key not in spec.column_set]
    if unknown:
        raise ImportRefused(f"{where}: unknown field {unknown[0]!r}")
    row = {}
    for name, kind in spec.fields:
        if name not in raw and name in spec.later_defaults:
            row[name] = spec.later_defaults[name]
            continue
        if name not in raw:
            raise ImportRefused(f"{where}: the field {name!r} is missing")
        row[name] = _value(kind, raw[name], f"{where}.{name}")
    return row


def _rules() -> dict[tuple[str, str], tuple[str, ...]]:
    """Fields that only take known values (the app's logic depends on them)."""
    from coachtui.catalog.loader import CATEGORY_IDS
    from coachtui.store.types import ACTION_STATUSES, REVIEW_STATUSES, STEPS

    return {
        ("sessions", "primary_category"): CATEGORY_IDS,
        ("sessions", "secondary_category"): CATEGORY_IDS,
        ("sessions", "suggested_category"): CATEGORY_IDS,
        ("sessions", "step"): STEPS,
        ("sessions", "status"): ("draft", "completed"),
        ("custom_questions", "category"): CATEGORY_IDS,
        ("actions", "status"): ACTION_STATUSES,
        ("action_reviews", "status"): REVIEW_STATUSES,
    }


def _check_row(key: str, row: dict[str, Any], where: str, rules: dict[tuple[str, str], tuple[str, ...]]) -> None:
    from coachtui.store.types import FIELD_LIMITS

    for (table, name), allowed in rules.items():
        if table == key and row[name] is not None and row[name] not in allowed:
            raise ImportRefused(f"{where}.{name}: unknown value {_describe(row[name])}")
    if key == "teams":
        cleaned = " ".join(row["name"].split())
        if not cleaned:
            raise ImportRefused(f"{where}.name: a team needs a name")
        # name_key is derived: it is recomputed, whatever the file says.
        row["name"], row["name_key"] = cleaned, cleaned.casefold()
    elif key in ("actions", "custom_questions") and not row["text"].strip():
        what = "action" if key == "actions" else "question"
        raise ImportRefused(f"{where}.text: it is empty, and the app keeps no {what} without text")
    elif key == "sessions":
        try:
            reasons = json.loads(row["suggestion_reasons"])
        except ValueError:
            reasons = None
        if not isinstance(reasons, list) or not all(isinstance(r, str) for r in reasons):
            raise ImportRefused(f"{where}.suggestion_reasons: expected a JSON list of texts")
    # The same limits the app keeps when the coach types (store/types.py).
    for (table, name), limit in FIELD_LIMITS.items():
        if table == key and len(row[name]) > limit:
            raise ImportRefused(
                f"{where}.{name}: {len(row[name]):,} characters, more than the {limit:,} the app allows"
            )


def validate(document: Any) -> ValidExport:
    """Check an export completely; return its rows with Python values.

    Raises :class:`ImportRefused` naming the first problem. References between
    records are checked later, against the file and the database together.
    """
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise ImportRefused('it is not a coachtui export (no "format": "coachtui-export")')
    version = document.get("version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise ImportRefused(
            f"it is a coachtui export of format version {_describe(version)}; "
            f"this coachtui reads version {FORMAT_VERSION} (a newer coachtui may read it)"
        )
    unknown = [key for key in document if key not in META_KEYS and key not in specs()]
    if unknown:
        raise ImportRefused(f"unknown top-level field {unknown[0]!r}")
    exported_at = parse_stamp(document.get("exported_at"), "exported_at")
    # Descriptive only (which coachtui wrote it, with which filters), but typed.
    if not isinstance(document.get("coachtui", ""), str):
        raise ImportRefused(f"coachtui: expected text, found {_describe(document['coachtui'])}")
    if not isinstance(document.get("filters", {}), dict):
        raise ImportRefused(f"filters: expected an object, found {_describe(document['filters'])}")
    redacted = document.get("redacted", False)
    if not isinstance(redacted, bool):
        raise ImportRefused(f"redacted: expected true or false, found {_describe(redacted)}")
    rules = _rules()
    found: dict[str, list[dict[str, Any]]] = {}
    for spec in tables():
        if spec.key not in document:
            raise ImportRefused(f"the list {spec.key!r} is missing")
        raw_rows = document[spec.key]
        if not isinstance(raw_rows, list):
            raise ImportRefused(f"{spec.key}: expected a list, found {_describe(raw_rows)}")
        rows, seen = [], set()
        for index, raw in enumerate(raw_rows):
            where = f"{spec.key}[{index}]"
            row = _row(spec, raw, where)
            _check_row(spec.key, row, where, rules)
            if row["id"] in seen:
                raise ImportRefused(f"{where}.id: the id {_describe(row['id'])} appears twice")
            seen.add(row["id"])
            rows.append(row)
        found[spec.key] = rows
    _check_unique(found)
    return ValidExport(tables=found, redacted=redacted, exported_at=exported_at)


def _check_unique(tables: dict[str, list[dict[str, Any]]]) -> None:
    """Rules the database enforces, checked up front for a clear message."""
    names: dict[str, str] = {}
    for index, team in enumerate(tables["teams"]):
        if team["name_key"] in names:
            raise ImportRefused(
                f"teams[{index}].name: two teams in the file are called {_describe(team['name'])} (ignoring case)"
            )
        names[team["name_key"]] = team["id"]
    picked: set[tuple[str, str]] = set()
    for index, row in enumerate(tables["picked_questions"]):
        pair = (row["session_id"], row["question_id"])
        if pair in picked:
            raise ImportRefused(f"picked_questions[{index}]: the same question is picked twice in one session")
        picked.add(pair)
