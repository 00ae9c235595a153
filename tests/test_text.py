"""Hostile text stays literal: visible() and md_escape(), and the session Markdown."""

from __future__ import annotations

import datetime as dt

from coachtui.store.exchange.markdown import session_markdown
from coachtui.store.types import ActionInfo, PickedQuestionInfo, SessionDetail
from coachtui.text import md_escape, one_line, visible


def test_visible_shows_control_characters() -> None:
    assert visible("a\x1b[31mb\x00c\x7f\td\ne") == "a␛[31mb␀c␡\td\ne"
    assert visible("x\u202eevil\u202c") == "x⟨RLO⟩evil⟨PDF⟩"
    assert visible("שלום 🙂 e\u0301") == "שלום 🙂 e\u0301"
    assert visible("\x85") == "\\x85"


def test_one_line_flattens_and_truncates() -> None:
    assert one_line("a\n b\t\tc") == "a b c"
    assert one_line("abcdef", limit=4) == "abc…"


def test_md_escape_renders_literally_with_markdown_it() -> None:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    for text in ["# not a heading", "*not em*", "[bold]x[/]", "[link](http://e.x)", "    code?", "1. list?",
                 "<b>html</b>", "a | b", "back\\slash", "&amp;", "`tick`", "> quote", "- item", "_u_ ~s~"]:
        tokens = [t for t in md.parse(md_escape(text)) if t.type == "inline"]
        assert len(tokens) == 1, text
        rendered = "".join(child.content for child in tokens[0].children if child.type == "text")
        # Indentation, which would make code, is kept as no-break spaces; a
        # paragraph's first line loses it when rendered, as any paragraph does.
        assert rendered.replace("\u00a0", " ").strip() == text.strip(), (text, rendered)


def test_md_escape_keeps_line_breaks() -> None:
    assert md_escape("one\ntwo\n\nthree") == "one  \ntwo\n\nthree"


def _detail(**overrides: object) -> SessionDetail:
    now = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)
    action = ActionInfo(
        id="a1", team_id="t", session_id="s", text="Plot [bold]ten[/] points", owner="Sam",
        due=dt.date(2026, 12, 1), status="open", position=0, created_at=now, updated_at=now,
    )
    values: dict[str, object] = dict(
        id="s", team_id="t", team_name="Ward *4*", coach="Ana", title="# Falls", dilemma="Line 1\nLine 2",
        context="", status="completed", primary_category="capability", secondary_category="environment",
        category_unsure=False, suggested_category="capability", suggestion_reasons=("run chart",), step="summary",
        created_at=now, updated_at=now, completed_at=now, version=3,
        questions=(PickedQuestionInfo("cap-01", "Which part?", "capability", note="\x1b[31mred"),),
        actions=(action,),
    )
    values.update(overrides)
    return SessionDetail(**values)  # type: ignore[arg-type]


def test_session_markdown_has_every_part_escaped() -> None:
    text = session_markdown(_detail())
    assert text.startswith("# \\# Falls\n")
    assert "**Team:** Ward \\*4\\*" in text
    assert "Line 1  \nLine 2" in text
    assert "- **Primary:** Improvement science capability" in text
    assert "- **Secondary:** Environmental conditions" in text
    assert "(run chart)" in text
    assert "1. Which part?" in text and "\x1b[31mred" in text
    assert "- Plot \\[bold\\]ten\\[/\\] points — owner: Sam, due 2026-12-01" in text
    assert "## Context" not in text


def test_session_markdown_for_display_shows_controls() -> None:
    text = session_markdown(_detail(), for_display=True)
    assert "\x1b" not in text and "␛[31mred" in text


def test_session_markdown_empty_parts_say_so() -> None:
    text = session_markdown(_detail(title="  ", dilemma="", questions=(), actions=(), primary_category=None,
                                    secondary_category=None, suggested_category=None, category_unsure=True))
    assert text.startswith("# Untitled session")
    assert "_Not written yet._" in text and "- Not sure yet" in text
    assert "_None picked._" in text and "_None agreed._" in text


def test_where_it_differs_shows_the_part_that_tells_two_texts_apart() -> None:
    from coachtui.text import where_it_differs

    shared = "The night staff say the handover is rushed because the ward round runs late and nobody reads "
    mine, theirs = shared + "the plan; without it the team guesses.", shared + "the sheet at all."
    cut = where_it_differs(mine, theirs, 50)
    assert cut.startswith("…") and "the plan; without it" in cut and len(cut) <= 50
    assert "the sheet at all." in where_it_differs(theirs, mine, 50)
    # short texts are whole; a long text that differs at its start keeps its start
    assert where_it_differs("Falls at night", "Falls", 50) == "Falls at night"
    assert where_it_differs("x" * 100, "y", 30) == "x" * 29 + "…"
