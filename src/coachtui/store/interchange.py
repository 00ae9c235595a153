"""The old import path of ``coachtui.store.exchange.interchange`` (the JSON format)."""

from coachtui.store.exchange.interchange import (
    FORMAT_NAME,
    FORMAT_VERSION,
    dumps,
    parse_json,
    validate,
)

__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "dumps", "parse_json", "validate"]
