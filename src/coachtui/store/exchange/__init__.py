"""Export and import: the lossless JSON interchange format, Markdown reports, CSV.

Each call takes the open :class:`~coachtui.store.db.engine.Database`;
:class:`coachtui.store.api.Store` is their public face. The work is done by:

* ``store/exchange/interchange.py`` — the JSON format: definition, encoding, validation;
* ``store/exchange/export.py`` — reading the selected rows out of the database;
* ``store/exchange/redact.py`` — pseudonyms for ``--redact``;
* ``store/exchange/report.py`` — the Markdown report and the CSV tables;
* ``store/exchange/merge.py`` — merging a validated export into the database;
* ``store/exchange/files.py`` — writing a file atomically, owner-only.

All of them load lazily, so importing this module stays cheap.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from coachtui.store.errors import ImportRefused, InvalidInput, NotFound
from coachtui.store.exchange.files import (
    BOM,
    check_output,
    csv_bytes,
    csv_zip_bytes,
    write_csv_zip,
    write_export,
    write_export_stream,
    write_export_with,
)
from coachtui.store.types import (
    EVERY_SESSION,
    EVERYTHING,
    EXPORT_FORMATS,
    FORMATS,
    DateLike,
    ExportResult,
    ExportSelection,
    ImportSummary,
    SessionFilter,
)

if TYPE_CHECKING:
    from sqlmodel import Session

    from coachtui.store.db.engine import Database
    from coachtui.store.exchange.export import ExportData
    from coachtui.store.exchange.redact import Redactor

CSV_TABLES = ("sessions", "actions")
CSV_TABLES_IN_ZIP = ("sessions.csv", "actions.csv")
# A streamed export is written in pieces of about this many characters.
WRITE_CHUNK = 1 << 16
# The format each file name suffix asks for (from the list in store/types.py).
SUFFIX_FORMATS = {suffix: f.key for f in FORMATS for suffix in f.suffixes}

__all__ = [
    "CSV_TABLES",
    "csv_bytes",
    "csv_zip_bytes",
    "format_for",
    "read_export",
    "since_instant",
    "write_export",
]


def since_instant(since: DateLike | None, tz: dt.tzinfo | None = None) -> dt.datetime | None:
    """The moment a ``since`` filter starts: a date means its midnight where the coach
    is (``tz``; None: local time), a naive datetime is local time too."""
    if since is None:
        return None
    if isinstance(since, dt.datetime):
        moment = since if since.tzinfo is not None else since.astimezone()
    else:
        midnight = dt.datetime.combine(since, dt.time())
        moment = midnight.replace(tzinfo=tz) if tz is not None else midnight.astimezone()
    return moment.astimezone(dt.UTC)


def format_for(path: str | os.PathLike[str], fmt: str | None = None) -> str:
    """The export format for a file: as asked, else from its suffix; Markdown for
    standard output (``path`` empty) and a name without a suffix. Any other suffix
    is an error: a report must not be written into ``out.xlsx`` or ``notes.db``."""
    if fmt is not None:
        if fmt not in EXPORT_FORMATS:
            raise InvalidInput(f"unknown export format {fmt!r} (use md, csv or json)", field="format")
        return fmt
    suffix = Path(path).suffix.lower()
    if not suffix:
        return "md"
    if suffix not in SUFFIX_FORMATS:
        raise InvalidInput(
            f"cannot tell which format to write to {path}: name it .md, .json, .csv or .zip, "
            "or give --format md, csv or json",
            field="format",
        )
    return SUFFIX_FORMATS[suffix]


def _export_data(db: Database, selection: ExportSelection, *, redact: bool, for_report: bool = False) -> ExportData:
    from coachtui.store.db.models import Team
    from coachtui.store.exchange.export import collect, known_people, known_teams
    from coachtui.store.exchange.redact import Redactor

    which = selection.sessions
    session_ids = _chosen_ids(db, which)
    exported_at = db.now()
    session: Session
    with db.read() as session:
        if which.team_id is not None and session.get(Team, which.team_id) is None:
            raise NotFound("That team no longer exists.")
        data = collect(
            session,
            exported_at=exported_at,
            team_id=which.team_id,
            since=since_instant(which.since, which.tz),
            session_ids=session_ids,
            for_report=for_report,
        )
        data.which = which
        if redact:
            redactor = Redactor(known_people(session), known_teams(session), keep_team_names=selection.keep_team_names)
            redactor.tables(data.tables, {"actions": data.extra_actions, "action_reviews": data.extra_reviews})
            data.redacted = True
    return data


def _streams_redacted(which: SessionFilter) -> bool:
    """Whether a redacted export of ``which`` is written as it is read: a selection
    by team and date alone (exchange/redacted.py); chosen sessions and a search's
    are redacted in memory."""
    return not which.searches and which.session_ids is None


def _redactor(session: Session, selection: ExportSelection, *, for_report: bool = False) -> Redactor | None:
    """For a redacted export of ``selection``, the redactor that writes it as it is
    read (exchange/redacted.py); None for a full one."""
    if not selection.redact:
        return None
    from coachtui.store.exchange.redacted import prepared_redactor

    which = selection.sessions
    return prepared_redactor(session, team_id=which.team_id, since=since_instant(which.since, which.tz),
                             for_report=for_report, keep_team_names=selection.keep_team_names)


def _chosen_ids(db: Database, which: SessionFilter) -> tuple[str, ...] | None:
    """The sessions a filter names by id (chosen, or found by a history search), or
    None when it selects by team and date alone."""
    if which.searches:
        # text, coach, category, status or until: the sessions history search finds
        from coachtui.store.queries import session_ids_matching

        return tuple(session_ids_matching(db, which))
    return which.session_ids


def _stream_csv(
    db: Database, path: Path, selection: ExportSelection, names: tuple[str, ...], *, as_zip: bool
) -> ExportResult:
    """CSV tables written as they are read, a batch of sessions at a time
    (exchange/stream.py): the same bytes as the CSV made in memory, in memory that
    does not grow with the history, in one pass over the selection."""
    which = selection.sessions
    exported_at = db.now()
    _check_team(db, which.team_id)
    if not which.searches and which.session_ids is None and not selection.redact:
        # by team and date alone: one ordered read per table
        return _stream_csv_tables(db, path, which.team_id, since_instant(which.since, which.tz), names, as_zip=as_zip,
                                  exported_at=exported_at)
    tally: dict[str, Any] = {}

    def spooled(spool: BinaryIO) -> Iterator[bytes]:
        spool.seek(0)
        while chunk := spool.read(1 << 16):
            yield chunk

    def zipped(handle: BinaryIO) -> None:
        # actions.csv waits in an unnamed temporary file beside the export.
        with tempfile.TemporaryFile(dir=Path(path).expanduser().parent) as spool:
            sessions = _csv_batches(db, selection, "sessions.csv", spool, tally)
            write_csv_zip(handle, {"sessions.csv": sessions, "actions.csv": spooled(spool)}, exported_at,
                          redacted=selection.redact)

    if as_zip:
        written, size = write_export_with(path, zipped)
    else:
        written, size = write_export_stream(
            path, itertools.chain([BOM], _csv_batches(db, selection, names[0], None, tally))
        )
    return ExportResult(
        path=str(written),
        format="csv",
        teams=tally["teams"] or len(tally["team_ids"]),
        sessions=tally["sessions"],
        actions=tally["actions"],
        size=size,
        tables=names,
    )


def _check_team(db: Database, team_id: str | None) -> None:
    """NotFound when an export asks for a team that is gone."""
    from coachtui.store.db.models import Team

    if team_id is None:
        return
    session: Session
    with db.read() as session:
        if session.get(Team, team_id) is None:
            raise NotFound("That team no longer exists.")


def _csv_batches(
    db: Database, selection: ExportSelection, first: str, spool: BinaryIO | None, tally: dict[str, Any]
) -> Iterator[str]:
    """The CSV table ``first`` of ``selection`` (redacted if it asks), piece by piece,
    read a batch of sessions at a time (exchange/stream.py); with a ``spool``,
    actions.csv is written to it in the same pass (a zip's second member: one read
    for both). ``tally`` gets what was written: sessions, actions, teams (every team
    for the whole history, else 0) and ``team_ids``."""
    from coachtui.catalog import load_catalog
    from coachtui.store.exchange.redact import TABLE_ORDER
    from coachtui.store.exchange.report import csv_part
    from coachtui.store.exchange.stream import all_teams, batch_tables, session_batches

    catalog = load_catalog()
    which = selection.sessions
    session_ids = _chosen_ids(db, which)
    since = since_instant(which.since, which.tz)
    whole = which == EVERY_SESSION
    tally.update(sessions=0, actions=0, teams=0, team_ids=set() if which.team_id is None else {which.team_id})
    header = True
    inner: Session
    with db.read() as inner:
        redactor = _redactor(inner, selection)
        batches = session_batches(inner, team_id=which.team_id, since=since, session_ids=session_ids)
        # A filter's reviews count when their session is selected: the ids of all.
        selected = None
        if not whole:
            listed = list(batches)
            selected = {ident for batch in listed for ident in batch}
            batches = iter(listed)
        for ids in batches:
            tables = batch_tables(inner, ids, whole=whole, selected=selected)
            if redactor is not None:
                for key in TABLE_ORDER:
                    redactor.whole(key, tables.get(key, []))
            tally["sessions"] += len(tables["sessions"])
            tally["actions"] += len(tables["actions"])
            tally["team_ids"].update(row["id"] for row in tables["teams"])
            if spool is not None:
                spool.write(csv_part("actions.csv", tables, catalog, header=header).encode("utf-8"))
            yield csv_part(first, tables, catalog, header=header)
            header = False
        if whole:  # the whole history holds every team, coached or not
            tally["teams"] = all_teams(inner)
    if header:  # nothing selected: the headers alone
        empty: dict[str, list[dict[str, Any]]] = {
            "sessions": [], "actions": [], "teams": [], "picked_questions": [], "action_reviews": []
        }
        if spool is not None:
            spool.write(csv_part("actions.csv", empty, catalog, header=True).encode("utf-8"))
        yield csv_part(first, empty, catalog, header=True)


def _stream_csv_tables(
    db: Database,
    path: Path,
    team_id: str | None,
    since: dt.datetime | None,
    names: tuple[str, ...],
    *,
    as_zip: bool,
    exported_at: dt.datetime,
) -> ExportResult:
    """CSV tables of a selection by team and date (or of everything) written from one
    ordered read per table (exchange/stream.py), in one read transaction: the same
    bytes as the CSV made in memory."""
    from coachtui.catalog import load_catalog
    from coachtui.store.exchange.report import ACTION_COLUMNS, SESSION_COLUMNS, csv_pieces
    from coachtui.store.exchange.stream import csv_action_rows, csv_counts, csv_session_rows

    catalog = load_catalog()
    counts: dict[str, int] = {}
    session: Session

    def table(name: str) -> Iterator[str]:
        if name == "sessions.csv":
            return csv_pieces(SESSION_COLUMNS, csv_session_rows(session, catalog, team_id=team_id, since=since))
        return csv_pieces(ACTION_COLUMNS, csv_action_rows(session, team_id=team_id, since=since))

    with db.read() as session:
        counts.update(csv_counts(session, team_id=team_id, since=since))
        if as_zip:
            written, size = write_export_with(
                path, lambda handle: write_csv_zip(handle, {name: table(name) for name in names}, exported_at)
            )
        else:
            written, size = write_export_stream(path, itertools.chain([BOM], table(names[0])))
    return ExportResult(
        path=str(written),
        format="csv",
        teams=counts["teams"],
        sessions=counts["sessions"],
        actions=counts["actions"],
        size=size,
        tables=names,
    )


def _csv_table(db: Database, team_id: str | None, since: dt.datetime | None, name: str) -> Iterator[str]:
    """One CSV table of a selection by team and date, from one ordered read (see
    :func:`_stream_csv_tables`), piece by piece."""
    from coachtui.catalog import load_catalog
    from coachtui.store.exchange.report import ACTION_COLUMNS, SESSION_COLUMNS, csv_pieces
    from coachtui.store.exchange.stream import csv_action_rows, csv_session_rows

    session: Session
    with db.read() as session:
        if name == "sessions.csv":
            yield from csv_pieces(SESSION_COLUMNS, csv_session_rows(session, load_catalog(), team_id=team_id,
                                                                    since=since))
        else:
            yield from csv_pieces(ACTION_COLUMNS, csv_action_rows(session, team_id=team_id, since=since))


def _stream_markdown(
    db: Database, path: Path, selection: ExportSelection, names_left: NamesLeft | None = None
) -> ExportResult:
    """The report written as it is read (exchange/stream.py): the same text as
    :func:`export_markdown`, in memory that does not grow with the history.
    ``names_left``: see :func:`export_file`."""
    facts: dict[str, int] = {}
    written, size = write_export_stream(path, _markdown_pieces(db, selection, facts, names_left))
    return ExportResult(
        path=str(written),
        format="md",
        teams=facts.get("teams", 0),
        sessions=facts.get("sessions", 0),
        actions=facts.get("actions", 0),
        size=size,
        tables=(),
    )


def _markdown_pieces(
    db: Database, selection: ExportSelection, facts: dict[str, int], names_left: NamesLeft | None = None
) -> Iterator[str]:
    """The report of ``selection`` (redacted if it asks) piece by piece, as it is
    read; ``facts`` gets the teams, sessions and actions it holds. ``names_left``
    (redacted): told what :func:`redaction_check` gives, from the same redactor."""
    from coachtui.catalog import load_catalog
    from coachtui.store.db.models import Team
    from coachtui.store.exchange.stream import markdown_lines

    which = selection.sessions
    session_ids = _chosen_ids(db, which)
    exported_at = db.now()
    session: Session
    with db.read() as session:
        if which.team_id is not None and session.get(Team, which.team_id) is None:
            raise NotFound("That team no longer exists.")
        redactor = _redactor(session, selection, for_report=True)
        if redactor is not None and names_left is not None:
            from coachtui.store.exchange.redacted import possible_names_left

            since = since_instant(which.since, which.tz)
            names_left(possible_names_left(session, redactor, team_id=which.team_id, since=since))
        yield from markdown_lines(
            session,
            redactor=redactor,
            which=which,
            team_id=which.team_id,
            since=since_instant(which.since, which.tz),
            session_ids=session_ids,
            exported_at=exported_at,
            catalog=load_catalog(),
            counted=facts,
        )


def export_stream(
    db: Database, selection: ExportSelection = EVERYTHING, *, names_left: NamesLeft | None = None
) -> Iterator[str]:
    """The export of ``selection`` as text made as it is read, piece by piece: what
    standard output gets. ``selection.fmt``: md (the default), json, or csv (one
    table, ``selection.table`` or sessions; no byte order mark). The same text as
    :func:`export_markdown`, ``dumps(export_json())`` or that table of
    :func:`export_csv`; a redacted export of chosen sessions or a search's is made
    in memory (exchange/redacted.py). ``names_left``: see :func:`export_file` (told
    before the first piece)."""
    from coachtui.store.exchange.interchange import dumps

    fmt = format_for("", selection.fmt)
    if selection.table is not None and fmt != "csv":
        raise InvalidInput("choosing a table applies to CSV only", field="table")
    if selection.table is not None and selection.table not in CSV_TABLES:
        raise InvalidInput(f"unknown table {selection.table!r} (use sessions or actions)", field="table")
    which = selection.sessions
    _check_team(db, which.team_id)
    by_filter = not which.searches and which.session_ids is None
    if names_left is not None and selection.redact:
        if fmt == "md" and by_filter:
            return _markdown_pieces(db, selection, {}, names_left)
        names_left(redaction_check(db, selection))
    if fmt == "json":
        if by_filter:
            return _json_pieces(db, selection, dict.fromkeys(("teams", "sessions", "actions"), 0))
        return iter([dumps(export_json(db, selection))])
    if not by_filter and selection.redact:
        if fmt == "md":
            return iter([export_markdown(db, selection)])
        return iter([export_csv(db, selection)[f"{selection.table or 'sessions'}.csv"]])
    if fmt == "md":
        return _markdown_pieces(db, selection, {})
    name = f"{selection.table or 'sessions'}.csv"
    if by_filter and not selection.redact:
        return _csv_table(db, which.team_id, since_instant(which.since, which.tz), name)
    return _csv_batches(db, selection, name, None, {})


def export_json(db: Database, selection: ExportSelection = EVERYTHING) -> dict[str, Any]:
    return _document(_export_data(db, selection, redact=selection.redact))


def export_markdown(db: Database, selection: ExportSelection = EVERYTHING) -> str:
    from coachtui.store.exchange.report import render_markdown

    return render_markdown(_export_data(db, selection, redact=selection.redact, for_report=True))


def export_csv(db: Database, selection: ExportSelection = EVERYTHING) -> dict[str, str]:
    from coachtui.store.exchange.report import render_csv

    return render_csv(_export_data(db, selection, redact=selection.redact))


def redaction_check(db: Database, selection: ExportSelection = EVERYTHING) -> list[str]:
    """What a redacted export of ``selection`` still holds that may be a name (it is
    redacted here whatever ``selection.redact`` says)."""
    from coachtui.store.exchange.redact import possible_names, redacted_texts

    which = selection.sessions
    if _streams_redacted(which):
        from coachtui.store.db.models import Team
        from coachtui.store.exchange.redacted import possible_names_left, prepared_redactor

        since = since_instant(which.since, which.tz)
        session: Session
        with db.read() as session:
            if which.team_id is not None and session.get(Team, which.team_id) is None:
                raise NotFound("That team no longer exists.")
            redactor = prepared_redactor(session, team_id=which.team_id, since=since, for_report=True,
                                         keep_team_names=selection.keep_team_names)
            return possible_names_left(session, redactor, team_id=which.team_id, since=since)
    data = _export_data(db, selection, redact=True, for_report=True)
    return possible_names(
        redacted_texts(data.tables, {"actions": data.extra_actions, "action_reviews": data.extra_reviews})
    )


# Told the words a redacted export still holds that may be names (redaction_check's).
NamesLeft = Callable[[list[str]], object]


def export_file(
    db: Database,
    path: str | os.PathLike[str],
    selection: ExportSelection = EVERYTHING,
    *,
    force: bool = False,
    names_left: NamesLeft | None = None,
) -> ExportResult:
    """See Store.export_file. ``names_left``, for a redacted export: called with what
    :func:`redaction_check` gives, before the file is written (a redacted report
    written as it is read checks with the redactor it writes with: its names are
    learnt and numbered once)."""
    from coachtui.store.exchange.interchange import dumps
    from coachtui.store.exchange.report import render_csv, render_markdown

    fmt = format_for(path, selection.fmt)
    table = selection.table
    path = check_output(path, fmt, database=db.target.path, force=force, redacted=selection.redact)
    as_zip = fmt == "csv" and Path(path).suffix.lower() == ".zip"
    if table is not None and (fmt != "csv" or as_zip):
        raise InvalidInput(
            "choosing a table applies to a single .csv file only (a .zip holds both tables)", field="table"
        )
    if table is not None and table not in CSV_TABLES:
        raise InvalidInput(f"unknown table {table!r} (use sessions or actions)", field="table")
    which = selection.sessions
    streams = not selection.redact or _streams_redacted(which)
    if fmt == "md" and streams:
        return _stream_markdown(db, path, selection, names_left if selection.redact else None)
    if names_left is not None and selection.redact:
        names_left(redaction_check(db, selection))
    if fmt == "json" and not which.searches and which.session_ids is None:
        return _stream_json(db, path, selection)
    if fmt == "csv" and streams:
        members = CSV_TABLES_IN_ZIP if as_zip else (f"{table or 'sessions'}.csv",)
        return _stream_csv(db, path, selection, members, as_zip=as_zip)
    data = _export_data(db, selection, redact=selection.redact, for_report=fmt == "md")
    names: tuple[str, ...] = ()
    if fmt == "json":
        content: bytes = dumps(_document(data)).encode("utf-8")
    elif fmt == "md":
        content = render_markdown(data).encode("utf-8")
    else:
        tables = render_csv(data)
        if as_zip:
            content, names = csv_zip_bytes(tables, data.exported_at, redacted=data.redacted), tuple(tables)
        else:
            name = f"{table or 'sessions'}.csv"
            content, names = csv_bytes(tables[name]), (name,)
    written = write_export(path, content)
    return ExportResult(
        path=str(written),
        format=fmt,
        teams=len(data.tables["teams"]),
        sessions=len(data.tables["sessions"]),
        actions=len(data.tables["actions"]),
        size=len(content),
        tables=names,
    )


def _stream_json(db: Database, path: Path, selection: ExportSelection = EVERYTHING) -> ExportResult:
    """The whole history, or the sessions of one team or since a date (``selection``), as
    JSON written as it is read (one read transaction, a batch of rows at a time),
    redacted if it asks: the same bytes as ``dumps(export_json())`` of that selection,
    in memory that does not grow with the history."""
    _check_team(db, selection.sessions.team_id)
    counts = dict.fromkeys(("teams", "sessions", "actions"), 0)
    written, size = write_export_stream(path, _json_pieces(db, selection, counts))
    return ExportResult(
        path=str(written),
        format="json",
        teams=counts["teams"],
        sessions=counts["sessions"],
        actions=counts["actions"],
        size=size,
        tables=(),
    )


def _json_pieces(db: Database, selection: ExportSelection, counts: dict[str, int]) -> Iterator[str]:
    """The JSON export of a selection by team and date (see :func:`_stream_json`)
    piece by piece; ``counts`` gets how many teams, sessions and actions it holds."""
    from coachtui.store.exchange.export import ExportData, stream_table
    from coachtui.store.exchange.interchange import TABLES

    which = selection.sessions
    team_id, since = which.team_id, since_instant(which.since, which.tz)
    header = _document(ExportData(tables={spec.key: [] for spec in TABLES}, exported_at=db.now(), team_id=team_id,
                                  since=since, redacted=selection.redact))
    # json.dumps(document, indent=2) written piece by piece: the header's
    # fields, then each table's rows, each indented to its depth.
    head = json.dumps(
        {k: v for k, v in header.items() if k not in {spec.key for spec in TABLES}}, ensure_ascii=False, indent=2
    )
    yield head[: -len("\n}")]
    session: Session
    with db.read() as session:
        redactor = _redactor(session, selection)
        for spec in TABLES:
            yield f",\n  {json.dumps(spec.key)}: ["
            rows, written = 0, 0
            batch: list[str] = []
            size = 0
            for row in stream_table(session, spec.key, team_id=team_id, since=since):
                if redactor is not None:
                    redactor.whole(spec.key, [row])
                text = _row_json(row)
                batch.append(text)
                rows += 1
                size += len(text)
                if size >= WRITE_CHUNK:  # fewer, larger writes; memory stays small
                    yield ("\n" if not written else ",\n") + ",\n".join(batch)
                    written += len(batch)
                    batch.clear()
                    size = 0
            if batch:
                yield ("\n" if not written else ",\n") + ",\n".join(batch)
            if spec.key in counts:
                counts[spec.key] = rows
            yield "\n  ]" if rows else "]"
    yield "\n}\n"


def import_data(db: Database, data: Any, *, source: str = "") -> ImportSummary:
    from coachtui.store.exchange.interchange import ValidExport
    from coachtui.store.exchange.merge import merge

    valid = data if isinstance(data, ValidExport) else check_export(data, source=source)
    tables, _late = clamp_future(valid.tables, db.now())
    valid = dataclasses.replace(valid, tables=tables)
    try:
        session: Session
        with db.write() as session:
            return merge(session, valid, db.coach)
    except ImportRefused as exc:
        raise ImportRefused(f"{_cannot(source)}: {exc}; nothing was changed") from None


# A file to import may come from a computer whose clock is some days off: only stamps
# further ahead than this count as from the future.
IMPORT_TOLERANCE = dt.timedelta(days=30)
STAMPS = ("created_at", "updated_at", "completed_at")


def clamp_future(tables: dict[str, list[dict[str, Any]]], now: dt.datetime) -> tuple[dict[str, list[dict[str, Any]]], int]:
    """Records to import with every stamp more than 30 days later than ``now`` brought
    back to ``now``: a file stamped 2099 would otherwise win every later comparison,
    here and, through sync, everywhere. (A file from a computer whose clock is some
    days off is taken as it is: clamping it would make importing it twice change
    something.) Returns the rows and how many stamps changed."""
    limit = now + IMPORT_TOLERANCE
    changed = 0
    out: dict[str, list[dict[str, Any]]] = {}
    for kind, rows in tables.items():
        fixed = []
        for row in rows:
            late = [n for n in STAMPS if isinstance(row.get(n), dt.datetime) and row[n] > limit]
            if late:
                row = dict(row)
                for name in late:
                    row[name] = now
                changed += len(late)
            fixed.append(row)
        out[kind] = fixed
    return out, changed


def import_file(db: Database, path: str | os.PathLike[str]) -> ImportSummary:
    return import_data(db, read_export(path), source=str(path))


def _cannot(source: str) -> str:
    return f"cannot import {source}" if source else "cannot import"


def check_export(data: Any, *, source: str = "") -> Any:
    """Validate a parsed export completely, before any database is opened; returns
    what :meth:`import_data` takes. Raises :class:`ImportRefused` in one line."""
    from coachtui.store.exchange.interchange import validate

    try:
        return validate(data)
    except ImportRefused as exc:
        raise ImportRefused(f"{_cannot(source)}: {exc}; nothing was changed") from None


def read_export(path: str | os.PathLike[str]) -> Any:
    """Read and parse an export file (not yet validated). Raises :class:`ImportRefused`
    with one line naming the file when it cannot be read or is not JSON."""
    from coachtui.store.exchange.interchange import parse_json

    label = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ImportRefused(f"cannot read {label}: {exc.strerror or exc}") from None
    try:
        return parse_json(raw)
    except ImportRefused as exc:
        raise ImportRefused(f"cannot import {label}: {exc}; nothing was changed") from None


def _document(data: ExportData) -> dict[str, Any]:
    from coachtui import __version__
    from coachtui.store.exchange.interchange import (
        FORMAT_NAME,
        FORMAT_VERSION,
        TABLES,
        encode_row,
        format_stamp,
    )

    document: dict[str, Any] = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "exported_at": format_stamp(data.exported_at),
        "coachtui": __version__,
        "redacted": data.redacted,
        "filters": {
            "team_id": data.team_id,
            "since": format_stamp(data.since) if data.since is not None else None,
            "session_ids": list(data.session_ids) if data.session_ids is not None else None,
        },
    }
    for spec in TABLES:
        document[spec.key] = [encode_row(spec, row) for row in data.tables[spec.key]]
    return document


# The C encoder writes a flat object with these separators exactly as json.dumps
# with indent=2 writes it one level deeper (json.dumps with an indent is pure Python).
_flat_json = json.JSONEncoder(ensure_ascii=False, separators=(",\n      ", ": ")).encode


def _row_json(row: dict[str, Any]) -> str:
    """``json.dumps(row, ensure_ascii=False, indent=2)`` for a row of an export's
    table, indented by four more spaces (its depth in the document). Every field of
    the format is a single value (KINDS), never a list or an object."""
    if not row:
        return "    {}"
    return "    {\n      " + _flat_json(row)[1:-1] + "\n    }"
