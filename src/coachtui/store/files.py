"""The old import path of ``coachtui.store.exchange.files`` (writing export files)."""

from coachtui.store.exchange.files import (
    check_output,
    export_kind,
    write_export,
    write_export_stream,
)

__all__ = ["check_output", "export_kind", "write_export", "write_export_stream"]
