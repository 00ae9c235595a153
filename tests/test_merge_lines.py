"""The line-by-line three-way merge keep mine uses (session/merge.py)."""

from __future__ import annotations

import pytest

from coachtui.session.merge import merge_lines

BASE = "Night shift misses the huddle.\nMatron joins on Fridays.\nBeds are short."


@pytest.mark.parametrize(
    ("mine", "theirs", "merged"),
    [
        # the other side did not change it, or both made the same change: mine
        (BASE + " Mine", BASE, BASE + " Mine"),
        (BASE + " Same", BASE + " Same", BASE + " Same"),
        # this side changed nothing of it: theirs
        (BASE, BASE + "\nTheirs", BASE + "\nTheirs"),
        # different lines: both
        (
            BASE.replace("Night shift", "The night shift"),
            BASE.replace("Beds are short.", "Beds are short in winter."),
            "The night shift misses the huddle.\nMatron joins on Fridays.\nBeds are short in winter.",
        ),
        # a sync's "both": their text after a blank line, mine typed on the last line
        ("Rota. Mine", "Rota.\n\nTheir line.", "Rota. Mine\n\nTheir line."),
        ("Rota. Mine", "Their line.\n\nRota.", "Their line.\n\nRota. Mine"),
        # lines added at different places
        ("Top\n" + BASE, BASE + "\nBottom", "Top\n" + BASE + "\nBottom"),
    ],
)
def test_changes_to_different_lines_are_both_kept(mine: str, theirs: str, merged: str) -> None:
    assert merge_lines(BASE if "Rota" not in mine else "Rota.", mine, theirs) == merged


@pytest.mark.parametrize(
    ("base", "mine", "theirs"),
    [
        (BASE, BASE.replace("huddle.", "huddle. Mine"), BASE.replace("huddle.", "huddle. Theirs")),
        (BASE, BASE + "\nMine", BASE + "\nTheirs"),  # two lines added at one place
        ("", "Mine", "Theirs"),  # both typed into an empty field
        (BASE, "Mine only", BASE.replace("Beds", "Cots")),  # mine rewrote it all
    ],
)
def test_overlapping_changes_do_not_merge(base: str, mine: str, theirs: str) -> None:
    assert merge_lines(base, mine, theirs) is None
