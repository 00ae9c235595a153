"""Nothing leaks (issue 16, items 1 to 3): redaction hides every person it can know
of, Markdown carries the text without needless backslashes, and nothing a coach
typed can drive the terminal a command prints to."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coachtui.store import open_store
from coachtui.store.exchange.interchange import dumps
from coachtui.store.types import ExportSelection
from conftest import Clock

# --- 1. redaction -----------------------------------------------------------------------------

# Every word by which a planted person could be recognised.
PLANTED_WORDS = [
    "Zoë", "Müller", "Chidi", "Okafor", "Ana", "Tom", "Lindqvist", "Agnew", "Beckford", "Nakamura",
    "Ignatius", "Ferreira", "Halloran", "Quist", "Bea", "Cal", "Dee", "Eve", "Oduya",
]
TITLED = re.compile(r"\b(?:mr|mrs|ms|miss|dr|prof|sister|matron)\.?\s+(?:coach|person)\b", re.IGNORECASE)


def fold(text: str) -> str:
    """Text without accents, case folded: how a reader would still recognise a name."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def surviving(text: str, words: list[str]) -> list[str]:
    folded = fold(text)
    return [w for w in words if re.search(rf"(?<!\w){re.escape(fold(w))}(?!\w)", folded)]


def plant(store: Any) -> dict[str, Any]:
    """Names of every kind: coaches with accents, owner lists, titles, possessives."""
    ward = store.create_team("Ward 7 (Respiratory)", coach="Zoë Müller")
    store.create_team("Pharmacy", coach="Chidi Okafor")
    session = store.start_session(ward.id, coach="Zoë Müller")
    store.save_draft(
        session.id,
        title="Handover with Tom's group",
        dilemma=(
            "Mr Okafor and Dr. Lindqvist disagree; Sister Agnew, Matron Beckford, Prof Nakamura, "
            "Coach Ignatius, Miss Ferreira, Mrs. Halloran and Ms Quist were asked. Lindqvist wants a trial."
        ),
        context="Ana (NQT) and TOM’S mentor; zoe muller said Dr Okafor agreed. Ask for Mr Oduya's view.",
    )
    store.add_action(session.id, "Ana to draft the rota with Tom", owner="Ana, Tom")
    store.add_action(session.id, "Review the chart with Bea", owner="Bea and Cal")
    store.add_action(session.id, "Plot the chart", owner="Dee & Eve")
    store.complete_session(session.id)
    return {"session": session}


def redacted_outputs(store: Any) -> dict[str, str]:
    outputs = {"json": dumps(store.export_json(ExportSelection(redact=True))), "md": store.export_markdown(ExportSelection(redact=True))}
    outputs.update(store.export_csv(ExportSelection(redact=True)))
    return outputs


def test_redaction_leaves_no_planted_name_in_md_csv_or_json(store) -> None:
    plant(store)
    for fmt, text in redacted_outputs(store).items():
        assert surviving(text, PLANTED_WORDS) == [], fmt
        assert TITLED.search(text) is None, (fmt, TITLED.search(text))
    # Unredacted, every planted word is there (so the checks above can fail).
    assert surviving(dumps(store.export_json()), PLANTED_WORDS) == PLANTED_WORDS


def test_each_person_keeps_one_pseudonym_of_their_own(store) -> None:
    plant(store)
    document = store.export_json(ExportSelection(redact=True))
    session = document["sessions"][0]
    coach = session["coach"]
    assert coach == "Coach A"
    okafor = document["teams"][1]["coach"]
    assert okafor == "Coach B"
    owners = [a["owner"] for a in document["actions"]]
    pairs = [re.split(r", | and | & ", owner) for owner in owners]
    assert [len(pair) for pair in pairs] == [2, 2, 2]
    people = [p for pair in pairs for p in pair]
    assert len(set(people)) == 6 and all(re.fullmatch(r"Person \d+", p) for p in people)
    ana, tom = pairs[0]
    # The title goes with the name: "Mr Okafor" and "Dr Okafor" are the coach Chidi Okafor.
    assert session["dilemma"].startswith(f"{okafor} and ")
    assert f"said {okafor} agreed" in session["context"]
    assert f"{coach} said" in session["context"]  # "zoe muller", no accents, lower case
    assert session["context"].startswith(f"{ana} (NQT) and {tom}’S mentor")
    assert session["title"] == f"Handover with {tom}'s group"
    assert document["actions"][0]["text"] == f"{ana} to draft the rota with {tom}"
    # An unknown name with a title is a person too, and so is the same name later on.
    lindqvist = re.search(r"and (Person \d+) disagree", session["dilemma"])
    assert lindqvist is not None and lindqvist.group(1) not in people
    assert session["dilemma"].endswith(f"{lindqvist.group(1)} wants a trial.")


def test_export_redact_names_the_words_left_to_check(tmp_path: Path) -> None:
    path = tmp_path / "coach.db"
    with open_store(str(path)) as store:
        plant(store)
        session = store.start_session(store.list_teams()[0].id, coach="Zoë Müller")
        store.save_draft(session.id, dilemma="Kowalczyk said no; Dr Okafor agreed.")
    for args in ([], ["-o", str(tmp_path / "out.md")]):
        result = subprocess.run(
            [sys.executable, "-m", "coachtui", "export", "--db", str(path), "--redact", *args],
            capture_output=True, text=True, check=False, env=os.environ.copy(),
        )
        assert result.returncode == 0, result.stderr
        prefix = "coachtui: might still be names, check before sharing: "
        assert result.stderr.startswith(prefix) and result.stderr.endswith("\n"), result.stderr
        listed = result.stderr[len(prefix) : -1].split(", ")
        # The unknown surname is listed; no name redaction replaced is.
        assert "Kowalczyk" in listed and surviving(" ".join(listed), PLANTED_WORDS) == [], listed
    shown = (tmp_path / "out.md").read_text("utf-8")
    assert "Kowalczyk" in shown and surviving(shown, PLANTED_WORDS) == []


# The property: whatever mix of known people, spellings and titles a text holds, no
# name survives redaction.
FILLER = ["the", "rota", "handover", "chart", "agreed", "plan", "shift", "and", "with", "said", "(NQT)", "—", "7"]
TITLES = ["Mr", "Mrs", "Ms", "Miss", "Dr", "Prof", "Sister", "Matron", "Coach", "Mr.", "Dr.", "Prof."]
RESERVED = {w.casefold() for w in FILLER} | {t.casefold().rstrip(".") for t in TITLES} | {
    "person", "team", "coach", "all", "none", "tbc", "tbd", "everyone", "nobody", "mx", "na", "me", "us", "we",
    "you", "miss",
}
ACCENTS = {"a": "á", "e": "ë", "o": "ö", "u": "ü", "i": "í", "n": "ñ", "c": "ç"}


@st.composite
def names(draw: Any) -> str:
    word = draw(st.from_regex(r"[A-Z][a-z]{2,8}", fullmatch=True).filter(lambda w: w.casefold() not in RESERVED))
    return word


def accented(word: str, mask: int) -> str:
    return "".join(ACCENTS.get(ch, ch) if mask >> i & 1 else ch for i, ch in enumerate(word))


@st.composite
def scenario(draw: Any) -> tuple[list[tuple[str, bool]], list[str], list[str]]:
    """(people as the database has them, typed texts, every name word planted)."""
    words = draw(st.lists(names(), min_size=2, max_size=7, unique_by=str.casefold))
    known, unknown = words[: max(1, len(words) - 2)], words[max(1, len(words) - 2) :]
    people: list[tuple[str, bool]] = []
    index = 0
    while index < len(known):
        if index + 1 < len(known) and draw(st.booleans()):
            joiner = draw(st.sampled_from([", ", " and ", " & ", " , "]))
            people.append((known[index] + joiner + known[index + 1], False))
            index += 2
        else:
            stored = accented(known[index], draw(st.integers(0, 255)))
            people.append((stored, draw(st.booleans())))
            index += 1
    fragments: list[str] = []
    for word in known:
        form = draw(st.sampled_from(["plain", "upper", "lower", "possessive", "titled", "accented", "nfd"]))
        text = {
            "plain": word,
            "upper": word.upper(),
            "lower": word.lower(),
            "possessive": word + draw(st.sampled_from(["'s", "’s", "'"])),
            "titled": draw(st.sampled_from(TITLES)) + " " + word,
            "accented": accented(word, draw(st.integers(0, 255))),
            "nfd": unicodedata.normalize("NFD", accented(word, draw(st.integers(0, 255)))),
        }[form]
        fragments.append(text)
    for word in unknown:
        fragments.append(draw(st.sampled_from(TITLES)) + " " + word)
        if draw(st.booleans()):
            fragments.append(word + draw(st.sampled_from(["", "'s"])))
    fragments += draw(st.lists(st.sampled_from(FILLER), max_size=6))
    order = draw(st.permutations(fragments))
    texts = [" ".join(order[: len(order) // 2]), " ".join(order[len(order) // 2 :])]
    return people, texts, words


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario())
def test_no_name_of_any_kind_survives_redaction(case: tuple[list[tuple[str, bool]], list[str], list[str]]) -> None:
    from coachtui.store.exchange.redact import Redactor

    people, texts, words = case
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    tables: dict[str, list[dict[str, Any]]] = {
        "sessions": [
            {"id": "s", "coach": "", "title": "", "dilemma": texts[0], "context": texts[1],
             "suggestion_reasons": "[]", "updated_by": "", "created_at": now}
        ],
        "actions": [
            {"id": f"a{i}", "text": "", "owner": name, "coach": "", "updated_by": ""}
            for i, (name, is_coach) in enumerate(people) if not is_coach
        ],
    }
    redactor = Redactor(people)
    redactor.tables(tables)
    out = " ".join([*(tables["sessions"][0][f] for f in ("dilemma", "context")),
                     *(a["owner"] for a in tables["actions"])])
    assert surviving(out, words) == [], (texts, out)
    assert TITLED.search(out) is None, out
    for action in tables["actions"]:
        parts = re.split(r"\s*(?:,|\band\b|&)\s*", action["owner"])
        assert len(parts) == len(set(parts)), action["owner"]  # each owner their own pseudonym


# --- 2. Markdown without needless backslashes ---------------------------------------------------


def _rendered(markdown: str, preset: str) -> str:
    """The text a reader sees once ``markdown`` is rendered: paragraphs only, no
    markup of any kind (a link from linkify shows its text, which is the same)."""
    from markdown_it import MarkdownIt

    blocks = []
    for token in MarkdownIt(preset).parse(markdown):
        assert token.type in ("paragraph_open", "paragraph_close", "inline"), (token.type, markdown)
        if token.type != "inline":
            continue
        parts = []
        for child in token.children or []:
            assert child.type in ("text", "softbreak", "hardbreak", "link_open", "link_close"), (child.type, markdown)
            if child.type == "text":
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append("\n")
        blocks.append("".join(parts))
    return "\n\n".join(blocks)


def _as_read(text: str) -> str:
    """Text as a reader sees it: no blank-line runs, no spaces at line ends."""
    lines = [line.replace("\u00a0", " ").strip(" \t") for line in text.replace("\r\n", "\n").split("\n")]
    paragraphs, current = [], []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return "\n\n".join(paragraphs)


# A web address stands alone: linkify-it reorders "~www.x.uk:1" by itself.
HOSTILE = st.lists(
    st.sampled_from(list("#-+>*_`[]()|!\\&;<>:=~.1234 \n\taZé?'\",/{}@$%^") + ["&amp;", "&#32;", "    ", " www.x.uk "]),
    max_size=40,
).map("".join)


@settings(max_examples=800, deadline=None)
@given(HOSTILE)
def test_escaped_text_renders_back_to_itself(text: str) -> None:
    from coachtui.text import md_escape

    escaped = md_escape(text)
    for preset in ("commonmark", "gfm-like"):
        assert _as_read(_rendered(escaped, preset)) == _as_read(text), (text, escaped)


def test_ordinary_punctuation_gets_no_backslash() -> None:
    from coachtui.text import md_escape

    plain = "Ward 7 (Respiratory): this term, it 'worked' — 50% of \"us\" agreed; see www.nhs.uk! C:\\temp?"
    assert md_escape(plain) == plain
    assert md_escape("    Fourth: indented") == "\u00a0" * 4 + "Fourth: indented"
    assert md_escape("# not a heading\n- not a list\n1. not a number\n> not a quote") == (
        "\\# not a heading  \n\\- not a list  \n1\\. not a number  \n\\> not a quote"
    )


def test_a_session_copied_as_markdown_reads_as_typed() -> None:
    from coachtui.store.exchange.markdown import session_markdown
    from coachtui.store.types import SessionDetail

    now = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)
    detail = SessionDetail(
        id="s", team_id="t", team_name="Ward 7 (Respiratory)", coach="Ana", title="Handovers, again",
        dilemma="This term, 'handover' overran.\n    Fourth: nobody knew.", context="", status="completed",
        primary_category=None, secondary_category=None, category_unsure=True, suggested_category=None,
        suggestion_reasons=(), step="summary", created_at=now, updated_at=now, completed_at=now, version=1,
    )
    text = session_markdown(detail)
    assert "**Team:** Ward 7 (Respiratory)" in text
    assert "This term, 'handover' overran.  \n\u00a0\u00a0\u00a0\u00a0Fourth: nobody knew." in text
    assert "&#32;" not in text and "\\" not in text


# --- 3. nothing typed drives the terminal -------------------------------------------------------

HOSTILE_BYTES = "\x1b[2J\x1b]0;pwned\x07\x00"


def on_a_terminal(*args: str) -> tuple[int, str]:
    """Run coachtui with standard output and error on a pseudo-terminal; return its
    exit code and everything it showed there (both streams)."""
    import pty

    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "coachtui", *args], stdin=subprocess.DEVNULL, stdout=slave, stderr=slave,
        env=os.environ.copy(),
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    code = process.wait(timeout=60)
    return code, b"".join(chunks).decode("utf-8", "replace")


def raw_controls(shown: str) -> list[str]:
    return sorted({c for c in shown if c in "\x1b\x07\x00\x9b\u202e"})


@pytest.fixture
def hostile_db(tmp_path: Path) -> Path:
    folder = tmp_path / f"notes{HOSTILE_BYTES[:-1]}"
    folder.mkdir()
    path = folder / "coach.db"
    clock = Clock()
    with open_store(str(path), clock=clock) as store:
        team = store.create_team(f"Ward{HOSTILE_BYTES}", coach="Ana")
        session = store.start_session(team.id, coach="Ana")
        store.save_draft(session.id, title=f"T{HOSTILE_BYTES}", dilemma=f"D{HOSTILE_BYTES}")
        store.add_action(session.id, f"A{HOSTILE_BYTES}", owner=f"O{HOSTILE_BYTES}")
        store.complete_session(session.id)
    return path


def test_export_to_a_terminal_shows_control_characters(hostile_db: Path, tmp_path: Path) -> None:
    for fmt in ("md", "csv", "json"):
        code, shown = on_a_terminal("export", "--db", str(hostile_db), "--format", fmt)
        assert code == 0 and "Ward" in shown, shown
        assert raw_controls(shown) == [], fmt
    # A file keeps the text exact.
    target = tmp_path / "out.json"
    code, shown = on_a_terminal("export", "--db", str(hostile_db), "-o", str(target))
    assert code == 0 and raw_controls(shown) == []
    assert json.loads(target.read_text("utf-8"))["sessions"][0]["dilemma"] == f"D{HOSTILE_BYTES}"


def test_info_import_and_sync_show_control_characters(hostile_db: Path, tmp_path: Path) -> None:
    code, shown = on_a_terminal("info", "--db", str(hostile_db))
    assert code == 0 and "database" in shown and raw_controls(shown) == [], shown
    assert "notes␛[2J␛]0;pwned␇" in shown

    exported = tmp_path / f"export{HOSTILE_BYTES[:-1]}.json"
    with open_store(str(hostile_db)) as store:
        exported.write_text(dumps(store.export_json()), "utf-8")
    code, shown = on_a_terminal("import", "--db", str(tmp_path / "laptop.db"), str(exported))
    assert code == 0 and "Imported" in shown and raw_controls(shown) == [], shown

    broken = tmp_path / f"broken{HOSTILE_BYTES[:-1]}.json"
    broken.write_text(json.dumps({"format": "coachtui-export", f"x{HOSTILE_BYTES}": 1}), "utf-8")
    code, shown = on_a_terminal("import", "--db", str(tmp_path / "laptop.db"), str(broken))
    assert code == 1 and "cannot import" in shown and raw_controls(shown) == [], shown

    hub = tmp_path / f"hub{HOSTILE_BYTES[:-1]}.db"
    open_store(str(hub)).close()
    code, shown = on_a_terminal("sync", "--db", str(hostile_db), "--hub", str(hub))
    assert code == 0 and "Synced with" in shown and raw_controls(shown) == [], shown
    code, shown = on_a_terminal("sync", "--db", str(tmp_path / "laptop.db"), "--hub", str(hub))
    assert code == 0 and raw_controls(shown) == [], shown


def test_a_titled_name_written_in_lower_case_elsewhere_is_hidden_too() -> None:
    """"Prof Zoë" made Zoë a person, but "zoe" typed in lower case later stayed, and
    anyone could tell it was the same person (found by a tester). An everyday word
    that happens to be a titled name ("Dr Will ... we will") stays a word."""
    from coachtui.store.exchange.redact import Redactor

    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    text = "Prof Zoë spoke; Zoë again. Later zoe said yes, and ZOE agreed. Dr Will said we will try."
    tables: dict[str, list[dict[str, Any]]] = {
        "sessions": [{"id": "s", "coach": "", "title": "", "dilemma": text, "context": "",
                      "suggestion_reasons": "[]", "updated_by": "", "created_at": now}],
        "actions": [],
    }
    Redactor([]).tables(tables)
    out = tables["sessions"][0]["dilemma"]
    assert surviving(out, ["Zoë"]) == [], out
    assert "Will" not in out and "we will try" in out, out
