"""Export and import: the lossless JSON interchange format, Markdown reports, CSV.

Methods here are mixed into :class:`coachtui.store.service.Store`; they use its
``_read()``/``_write()`` sessions and helpers.
"""

from __future__ import annotations


class ExchangeMixin:
    """Mixed into Store."""
