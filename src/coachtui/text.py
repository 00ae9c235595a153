"""Helpers that keep user text literal wherever it is shown or written as Markdown.

Coaches paste anything: Rich markup (``[bold]``), Markdown, ANSI escapes, control
characters. These functions make such text display as exactly what was typed.
"""

from __future__ import annotations

import re
import sys
from typing import Any, TextIO, cast

# C0 controls (but tab and newline), DEL and C1 controls have no glyph; show the
# Unicode "control picture" (␀ ␛ ...) or a ⍰-style code instead, so ESC[31m reads
# as ␛[31m rather than turning the screen red.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidirectional overrides and isolates would re-order the rest of the line.
_BIDI_CONTROLS = {
    "\u202a": "⟨LRE⟩",
    "\u202b": "⟨RLE⟩",
    "\u202c": "⟨PDF⟩",
    "\u202d": "⟨LRO⟩",
    "\u202e": "⟨RLO⟩",
    "\u2066": "⟨LRI⟩",
    "\u2067": "⟨RLI⟩",
    "\u2068": "⟨FSI⟩",
    "\u2069": "⟨PDI⟩",
}
_BIDI_RE = re.compile("[" + "".join(_BIDI_CONTROLS) + "]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return f"\\x{code:02x}"


# One visible cell for each invisible control character, for text being edited,
# where every character must keep its place: ␛ for ESC, ␀ for NUL, ⇄ for the
# bidirectional embedding, override and isolate controls.
_CELL_TABLE: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20) if code not in (0x09, 0x0A)}
_CELL_TABLE[0x7F] = "\u2421"
_CELL_TABLE.update({code: "\u2370" for code in range(0x80, 0xA0)})
_CELL_TABLE.update({ord(ch): "\u21c4" for ch in _BIDI_CONTROLS})
_NEEDS_CELLS_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + "".join(_BIDI_CONTROLS) + "]")


def needs_cells(text: str) -> bool:
    return _NEEDS_CELLS_RE.search(text) is not None


def visible_cells(text: str) -> str:
    """Like :func:`visible`, but one character for one: for text being edited."""
    return text.translate(_CELL_TABLE)


def visible(text: str) -> str:
    """Text with every invisible control character replaced by a visible stand-in."""
    text = _CONTROL_RE.sub(_picture, text)
    return _BIDI_RE.sub(lambda m: _BIDI_CONTROLS[m.group()], text)


class ShownStream:
    """A terminal's text stream that shows control characters (␛, ␇, ␀, bidi
    overrides) instead of passing them to the terminal, which would obey them."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(visible(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def unguarded(stream: Any) -> Any:
    """The terminal stream behind a :class:`ShownStream`, for drawing coachtui's own
    progress bars (their escape sequences must reach the terminal; no text of a
    coach's goes in them)."""
    return stream.stream if isinstance(stream, ShownStream) else stream


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class TerminalGuard:
    """While active, whatever is printed to a terminal (standard output or error) is
    shown, not obeyed: text a coach typed or a file brought in cannot clear the
    screen, retitle the window or hide what follows. Pipes and files get it exact."""

    def __init__(self) -> None:
        self.saved: tuple[Any, Any] | None = None

    def __enter__(self) -> TerminalGuard:
        self.saved = (sys.stdout, sys.stderr)
        if _is_terminal(sys.stdout):
            sys.stdout = cast(TextIO, ShownStream(sys.stdout))
        if _is_terminal(sys.stderr):
            sys.stderr = cast(TextIO, ShownStream(sys.stderr))
        return self

    def release(self) -> None:
        """Give the real streams back (before starting the full-screen app)."""
        if self.saved is not None:
            sys.stdout, sys.stderr = self.saved
            self.saved = None

    def __exit__(self, *exc: object) -> None:
        self.release()


def one_line(text: str, limit: int | None = None) -> str:
    """Collapse text onto one visible line (for lists and table cells)."""
    flat = " ".join(visible(text).replace("\u240a", " ").split())
    if limit is not None and len(flat) > limit:
        return flat[: max(0, limit - 1)] + "…"
    return flat


def where_it_differs(text: str, other: str, limit: int) -> str:
    """``text`` on one line (as :func:`one_line`), cut to about ``limit`` characters
    around where it first differs from ``other``: two versions of a long text that
    share their start show the part that tells them apart ("…the handover sheet is
    lost at 21:00…"), not the start they share. A cut end is marked with "…"."""
    flat, against = one_line(text), one_line(other)
    if len(flat) <= limit:
        return flat
    limit = max(limit, 8)
    first = next((i for i, (a, b) in enumerate(zip(flat, against, strict=False)) if a != b), min(len(flat), len(against)))
    # about a third of the room before the difference, the rest after it
    start = max(0, min(first - limit // 3, len(flat) - (limit - 1)))
    if start > 0:
        space = flat.find(" ", start - 1, min(first, start + 12))  # begin at a word where one is near
        start = space + 1 if space != -1 else start
    head = "…" if start > 0 else ""
    room = limit - len(head)
    if len(flat) - start <= room:
        return head + flat[start:]
    return head + flat[start : start + room - 1] + "…"


def session_label(title: str, dilemma: str, limit: int = 60) -> str:
    """What a session is called wherever it is named: its title, else the start of
    its dilemma (as history lists it), else "" (the caller says it is untitled)."""
    return one_line(title, limit) or one_line(dilemma, limit)


# What makes Markdown of a line, checked on the line without its indentation:
# a heading, a quote, a list item, a numbered item, a fence.
_MD_LINE_START_RE = re.compile(r"(?:#|>|[-+*](?=[ \t]|$)|~~~)")
_MD_NUMBERED_RE = re.compile(r"(\d{1,9})([.)])(?=[ \t]|$)")
# A line of only these is a rule, a heading underline or a table's delimiter row.
_MD_RULE_RE = re.compile(r"[-=_*|:+ \t]+")
# Closing hashes of a heading ("Stock #").
_MD_CLOSING_HASHES_RE = re.compile(r"(?:(?<=[ \t])|^)#+[ \t]*$")
_MD_ENTITY_RE = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
_PUNCTUATION = r"!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~"
_MD_INLINE_RE = re.compile(
    r"\\(?=[" + _PUNCTUATION + r"]|$)"  # a backslash that would escape what follows
    r"|`"  # code
    r"|<(?=[A-Za-z/!?])"  # HTML, autolinks
    r"|~(?=~)|(?<=~)~"  # strikethrough (two or more)
    r"|\*(?![ \t])|(?<![ \t])\*"  # emphasis (a lone * between spaces is literal)
    r"|_(?![0-9A-Za-z])|(?<![0-9A-Za-z])_"  # emphasis (snake_case is literal)
)
_NBSP = "\u00a0"


# A line none of the rules below would touch: it does not start with indentation, a
# digit or a character that can open a block, and holds none of the characters that
# are ever escaped inside a line. Most typed lines are such, and are kept as they are.
_MD_PLAIN_RE = re.compile(r"[^\s\d\\`<~*_&\[\]|#>+=:\-][^\\`<~*_&\[\]|#]*")


def _md_line(line: str, *, brackets: bool, table: bool) -> str:
    if _MD_PLAIN_RE.fullmatch(line):
        return line
    body = line.lstrip(" \t")
    indent = line[: len(line) - len(body)]
    if len(indent.expandtabs(4)) >= 4:
        # Four columns of indentation would make a code block: keep the indentation
        # visible with no-break spaces, which Markdown treats as text.
        indent = _NBSP * len(indent.expandtabs(4))
    if not body:
        return ""
    escaped = _MD_INLINE_RE.sub(lambda m: "\\" + m.group(), body)
    if "&" in escaped:
        escaped = _MD_ENTITY_RE.sub(r"\&", escaped)
    if brackets:
        escaped = escaped.replace("[", "\\[").replace("]", "\\]")
    if table:
        escaped = escaped.replace("|", "\\|")
    if _MD_RULE_RE.fullmatch(body) or _MD_LINE_START_RE.match(body):
        if not escaped.startswith("\\"):
            escaped = "\\" + escaped
    else:
        numbered = _MD_NUMBERED_RE.match(escaped)
        if numbered:
            escaped = f"{numbered.group(1)}\\{numbered.group(2)}{escaped[numbered.end():]}"
    closing = _MD_CLOSING_HASHES_RE.search(escaped)
    if closing and closing.start() > 0:
        escaped = escaped[: closing.start()] + "\\" + escaped[closing.start():]
    return indent + escaped


def md_escape(text: str, *, table: bool = False) -> str:
    """Text that a Markdown renderer shows exactly as typed, line breaks kept, with as
    few backslashes as that needs: so that pasted into an e-mail it still reads well.

    Only what would change the structure is escaped: at a line start a ``#``, ``>``,
    ``-``/``+``/``*`` list marker, a number and dot, a line of rule or underline
    characters; anywhere backticks, ``*`` and ``_`` that could emphasise, ``[`` and
    ``]`` when both are there, ``<`` before a tag, ``~~``, an ``&`` that would start a
    character reference and a backslash that would escape what follows. ``|`` only
    with ``table=True`` (inside a table cell). Four or more leading spaces, which
    would make a code block, become no-break spaces; single line breaks become hard
    breaks (two spaces at the line's end).
    """
    if "\n" not in text and "\r" not in text and _MD_PLAIN_RE.fullmatch(text):
        return text  # one line that no rule touches (most of what is typed)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    brackets = "[" in text and "]" in text
    lines = [_md_line(line, brackets=brackets, table=table) for line in text.split("\n")]
    out: list[str] = []
    for index, line in enumerate(lines):
        last = index == len(lines) - 1
        if not last and line.strip(" \t") and lines[index + 1].strip(" \t"):
            out.append(line + "  ")
        else:
            out.append(line)
    return "\n".join(out)
