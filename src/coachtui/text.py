"""Helpers that keep user text literal wherever it is shown or written as Markdown.

Coaches paste anything: Rich markup (``[bold]``), Markdown, ANSI escapes, control
characters. These functions make such text display as exactly what was typed.
"""

from __future__ import annotations

import re

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


def one_line(text: str, limit: int | None = None) -> str:
    """Collapse text onto one visible line (for lists and table cells)."""
    flat = " ".join(visible(text).replace("\u240a", " ").split())
    if limit is not None and len(flat) > limit:
        return flat[: max(0, limit - 1)] + "…"
    return flat


_MD_SPECIAL_RE = re.compile(r"([!-/:-@\[-`{-~])")


def md_escape(text: str) -> str:
    """Escape text so a Markdown renderer shows it literally, line breaks kept.

    Every ASCII punctuation character gets a backslash (CommonMark allows that for
    all of them), leading spaces become character references so they cannot start
    a code block, and single line breaks become hard breaks.
    """
    lines = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        escaped = _MD_SPECIAL_RE.sub(r"\\\1", line)
        stripped = escaped.lstrip(" ")
        lines.append("&#32;" * (len(escaped) - len(stripped)) + stripped)
    out: list[str] = []
    for index, line in enumerate(lines):
        last = index == len(lines) - 1
        next_blank = not last and lines[index + 1].strip() == ""
        if not last and line.strip() and not next_blank:
            out.append(line + "\\")
        else:
            out.append(line)
    return "\n".join(out)
