"""Everyday words: every word of the labelled dilemmas the suggestion is trained on
(``assets/dilemmas.tsv``), 1,500 notes written the way coaches write.

Redaction asks it whether a name learnt from a title ("Dr Young") is also a word
people write in lower case ("a young team"): only then is the lower-case word left
alone. A name that is no everyday word ("Prof Zoë" ... "zoe said") is hidden in any case.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)


@functools.cache
def everyday_words() -> frozenset[str]:
    """The corpus's words, casefolded (empty if the wheel has no corpus)."""
    try:
        text = resources.files("coachtui").joinpath("assets", "dilemmas.tsv").read_text("utf-8")
    except (FileNotFoundError, OSError):
        return frozenset()
    return frozenset(word.casefold() for word in _WORD_RE.findall(text))
