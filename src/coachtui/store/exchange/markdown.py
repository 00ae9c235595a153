"""A session as Markdown: the summary step shows it, exports and the clipboard use it.

Every piece of text a coach typed is escaped, so Markdown or markup in a dilemma is
shown as typed. With ``for_display=True`` control characters are also made visible
(for the screen); without it they are kept as they are (for files).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from coachtui.catalog import Catalog, load_catalog
from coachtui.store.types import STATUS_LABELS, ActionInfo, LearningEntry, ReviewInfo, SessionDetail
from coachtui.text import md_escape, one_line, session_label, visible

DISPLAY_LIMIT = 20_000


def category_name(category_id: str | None, catalog: Catalog | None = None) -> str:
    if not category_id:
        return ""
    catalog = catalog or load_catalog()
    try:
        return catalog.category(category_id).name
    except KeyError:
        return category_id


def format_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _action_line(action: ActionInfo, esc: Callable[[str], str]) -> str:
    parts = [esc(action.text)]
    extra = []
    if action.owner:
        extra.append(f"owner: {esc(action.owner)}")
    if action.due:
        extra.append(f"due {action.due.isoformat()}")
    if extra:
        parts.append(" — " + ", ".join(extra))
    if action.is_test:
        parts.append(f"  \n  _Test of change — we expect:_ {esc(action.prediction)}")
    return "".join(parts)


def escaper(for_display: bool) -> Callable[[str], str]:
    """Typed text made literal Markdown (and, on screen, visible and not too long)."""

    def esc(text: str) -> str:
        if not for_display:
            return md_escape(text)
        # A 1 MB paste is kept whole in the database and in files; on screen the
        # first part is enough, and rendering it all would stall the app.
        if len(text) > DISPLAY_LIMIT:
            hidden = len(text) - DISPLAY_LIMIT
            return _indented(md_escape(visible(text[:DISPLAY_LIMIT]))) + f" _(… {hidden:,} more characters, kept in full)_"
        return _indented(md_escape(visible(text)))

    return esc


# On screen a line's indentation is drawn with blank cells the Markdown widget keeps
# (it folds runs of spaces, no-break spaces too, into one; a tab showed as one space).
_LEADING_BLANKS_RE = re.compile(r"^[ \u00a0]+", re.MULTILINE)
_BLANK_CELL = "\u2800"


def _indented(markdown: str) -> str:
    return _LEADING_BLANKS_RE.sub(lambda m: _BLANK_CELL * len(m.group()), markdown)


def test_of_change(
    action: ActionInfo, review: ReviewInfo | None, esc: Callable[[str], str], *, team: bool = False
) -> str:
    """One test of change as a list item: prediction → result → learning."""
    status = STATUS_LABELS.get(review.status, review.status) if review is not None else "not reviewed yet"
    facts = [f"agreed {format_date(action.created_at)[:10]}", status]
    if team and action.team_name:
        facts.insert(0, esc(action.team_name))
    lines = [f"- **{esc(action.text)}** ({', '.join(facts)})", f"  _We expected:_ {esc(action.prediction)}"]
    if review is not None and review.note.strip():
        lines.append(f"  _What happened:_ {esc(review.note)}")
    if review is not None and review.learning.strip():
        lines.append(f"  _What we learned:_ {esc(review.learning)}")
    return "  \n".join(lines)


def learning_log_markdown(entries: list[LearningEntry], *, for_display: bool = False, team: bool = False) -> str:
    """A learning log: each test of change, newest first."""
    esc = escaper(for_display)
    if not entries:
        return "_No tests of change yet: mark an agreed action as one (ctrl+t on the Actions step)._"
    return "\n".join(test_of_change(entry.action, entry.review, esc, team=team) for entry in entries)


def meeting_heading(details: list[SessionDetail] | tuple[SessionDetail, ...]) -> str:
    """The name of a set's meeting of several presenters (the first's team and date)."""
    first = details[0]
    return f"Meeting of {one_line(first.team_name)}, {first.created_at.astimezone():%Y-%m-%d}: {len(details)} presenters"


def meeting_markdown(
    details: list[SessionDetail] | tuple[SessionDetail, ...],
    catalog: Catalog | None = None,
    *,
    for_display: bool = False,
    heading_level: int = 1,
) -> str:
    """A meeting as Markdown: a heading naming it and its presenters, then each
    presenter's part in turn under it. One session: :func:`session_markdown`."""
    if len(details) == 1:
        return session_markdown(details[0], catalog, for_display=for_display, heading_level=heading_level)
    esc = escaper(for_display)
    names = ", ".join(esc(d.presenter) if d.presenter.strip() else "?" for d in details)
    out = [f"{'#' * heading_level} {esc(meeting_heading(details))}", "", f"**Presenters:** {names}", ""]
    # the meeting opens with progress on the members' actions (reviewed in its first part)
    out += progress_lines(details[0], esc, "#" * (heading_level + 1))
    out += [session_markdown(d, catalog, for_display=for_display, heading_level=heading_level + 1, with_progress=False)
            for d in details]
    return "\n".join(out)


def meeting_look_back(details: list[SessionDetail], catalog: Catalog | None = None) -> str:
    """The review step's look back on the last meeting of a set (for the screen):
    every presenter in turn, the issue they brought and the actions they agreed."""
    esc = escaper(True)
    first = details[0]
    # short: the pane is narrow at 80 columns (a heading there is one line, cut), and
    # its title says it is the last session; the date on a line of its own
    out = [f"### {len(details)} presenters", "", f"Met on {first.created_at.astimezone():%Y-%m-%d}.", ""]
    for detail in details:
        who = esc(one_line(detail.presenter)) if detail.presenter.strip() else "?"
        title = esc(session_label(detail.title, detail.dilemma)) or "_no dilemma written_"
        out += [f"#### {detail.turn}. {who}: {title}", ""]
        if detail.actions:
            out += [f"- {_action_line(action, esc)}" for action in detail.actions]
        else:
            out.append("_No actions agreed._")
        out.append("")
    if first.insight.strip():
        out += ["#### What we learned", "", esc(first.insight), ""]
    return "\n".join(out)


def progress_lines(detail: SessionDetail, esc: Callable[[str], str], hh: str) -> list[str]:
    """The review of earlier actions made in a session (``hh``: its heading's
    hashes); in a set's meeting, progress on every member's actions, member by member."""
    who = esc(detail.presenter) if detail.presenter.strip() else ""
    progress: list[str] = []
    if detail.reviews:
        heading = "Progress on members' actions" if who else "Review of earlier actions"
        progress += [f"{hh} {heading}", ""]
        owner = None
        for item in sorted(detail.reviews, key=lambda r: r.action.owner.casefold()) if who else detail.reviews:
            if who and item.action.owner != owner:  # member by member
                owner = item.action.owner
                progress.append(f"- **{esc(owner) if owner.strip() else 'No owner'}**")
            pad = "  " if who else ""  # under the member's name
            line = f"{pad}- **{STATUS_LABELS.get(item.review.status, item.review.status)}:** "
            line += _action_line(item.action, esc)
            if item.review.note.strip():
                label = "What happened" if item.action.is_test else "Note"
                line += f"  \n{pad}  _{label}:_ {esc(item.review.note)}"
            if item.review.learning.strip():
                line += f"  \n{pad}  _What we learned:_ {esc(item.review.learning)}"
            progress.append(line)
        progress.append("")
    return progress


def session_markdown(
    detail: SessionDetail,
    catalog: Catalog | None = None,
    *,
    for_display: bool = False,
    heading_level: int = 1,
    actions_first: bool = False,
    with_progress: bool = True,
) -> str:
    """The whole session as Markdown, in the order of the session's steps (or with
    the actions it agreed first, for the review step's look back). ``with_progress``
    False: without the review of earlier actions (a meeting shows it once, above
    its presenters: :func:`meeting_markdown`)."""
    catalog = catalog or load_catalog()
    esc = escaper(for_display)
    h = "#" * heading_level
    hh = "#" * (heading_level + 1)
    # untitled: the start of the dilemma, as history lists it
    title = esc(detail.title) if detail.title.strip() else (esc(session_label("", detail.dilemma)) or "Untitled session")
    status = "completed" if detail.status == "completed" else "draft"
    # an action learning set's meeting reads as its minutes: each presenter in turn
    who = esc(detail.presenter) if detail.presenter.strip() else ""
    if who:
        title = f"{detail.turn}. {who} presents: {title}"
    meta = [f"**{'Set' if who else 'Team'}:** {esc(detail.team_name)}"]
    if detail.coach:
        meta.append(f"**Coach:** {esc(detail.coach)}")
    meta.append(f"**Date:** {format_date(detail.created_at)}")
    meta.append(f"**Status:** {status}")
    agreed = [f"{hh} Actions agreed", ""]
    if detail.actions:
        agreed += [f"- {_action_line(action, esc)}" for action in detail.actions]
    else:
        agreed.append("_None agreed._")
    agreed.append("")
    out = [*(agreed if actions_first else []), f"{h} {title}", "", " · ".join(meta), ""]

    progress = progress_lines(detail, esc, hh) if with_progress else []

    if who:  # a set's meeting opens with progress on every member's actions
        out += progress
    dilemma = esc(detail.dilemma) if detail.dilemma.strip() else "_Not written yet._"
    out += [f"{hh} {'The issue ' + who + ' brought' if who else 'Dilemma'}", "", dilemma, ""]
    if detail.context.strip():
        out += [f"{hh} Context", "", esc(detail.context), ""]

    out += [f"{hh} Category", ""]
    if detail.primary_category:
        out.append(f"- **Primary:** {category_name(detail.primary_category, catalog)}")
        if detail.secondary_category:
            out.append(f"- **Secondary:** {category_name(detail.secondary_category, catalog)}")
    elif detail.category_unsure:
        out.append("- Not sure yet")
    else:
        out.append("- _Not chosen._")
    if detail.suggested_category:
        suggestion = f"- **Suggested by coachtui:** {category_name(detail.suggested_category, catalog)}"
        if detail.suggestion_reasons:
            suggestion += " (" + ", ".join(esc(r) for r in detail.suggestion_reasons) + ")"
        out.append(suggestion)
    out.append("")

    if not who:
        out += progress
    out += [f"{hh} {'Questions the set asked' if who else 'Reflection questions'}", ""]
    if detail.questions:
        for number, question in enumerate(detail.questions, 1):
            line = f"{number}. {esc(question.text)}"
            if question.note.strip():
                line += f"  \n   _Note:_ {esc(question.note)}"
            out.append(line)
    else:
        out.append("_None picked._")
    out.append("")

    if not actions_first:
        out += [f"{hh} {'Actions ' + who + ' agreed' if who else 'Next actions'}", *agreed[1:]]
    if detail.insight.strip():
        out += [f"{hh} What we learned today", "", esc(detail.insight), ""]
    return "\n".join(out)
