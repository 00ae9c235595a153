"""Three-way merge of one text, line by line: what keep mine writes when another
window (or a sync) changed the same field meanwhile.

``base`` is the text both sides started from (the one this window last loaded or
saved), ``mine`` this window's, ``theirs`` the one on disk now. Each side's change
is a run of base lines replaced by other lines (difflib's opcodes). When no change
of theirs touches a line mine changes, the result holds both; when they overlap the
merge gives up (None) and the caller keeps mine and rescues theirs.

A line both sides inserted at the same place, or a change made identically on both
sides, is one change, not a clash. Standard library only.
"""

from __future__ import annotations

from difflib import SequenceMatcher

# (first base line, line after the last, the lines put there instead)
_Change = tuple[int, int, tuple[str, ...]]


def _changes(base: list[str], other: list[str]) -> list[_Change]:
    matcher = SequenceMatcher(None, base, other, autojunk=False)
    return [
        (i1, i2, tuple(other[j1:j2])) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
    ]


def _clash(a: _Change, b: _Change) -> bool:
    """Whether two changes touch the same base lines (or insert at the same place)."""
    (a1, a2, _), (b1, b2, _) = a, b
    if a1 == a2 and b1 == b2:
        return a1 == b1  # two insertions at one place: which goes first is a guess
    if a1 == a2:
        return b1 < a1 < b2  # inserted inside the lines the other replaced
    if b1 == b2:
        return a1 < b1 < a2
    return max(a1, b1) < min(a2, b2)


def merge_lines(base: str, mine: str, theirs: str) -> str | None:
    """``mine`` and ``theirs`` merged against ``base``: both sides' changes when they
    touch different lines, else None (they overlap: the caller decides)."""
    if theirs == base or mine == theirs:
        return mine
    if mine == base:
        return theirs
    base_lines = base.split("\n")
    ours = _changes(base_lines, mine.split("\n"))
    other = [change for change in _changes(base_lines, theirs.split("\n")) if change not in ours]
    if any(_clash(a, b) for a in ours for b in other):
        return None
    merged = list(base_lines)
    # from the end, so earlier positions hold; at one place an insertion goes first
    for start, end, lines in sorted(ours + other, key=lambda c: (c[0], c[1] != c[0]), reverse=True):
        merged[start:end] = lines
    return "\n".join(merged)
