"""Subcommands of the ``coachtui`` command line.

Each module here defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int``. Modules keep their top-level imports light (``--help`` imports
all of them); the real work is imported inside ``run``.
"""

from __future__ import annotations

COMMANDS: tuple[str, ...] = (
    "info",
    "search",
    "actions",
    "similar",
    "export",
    "import",
    "demo-data",
    "backup",
    "restore",
    "vacuum",
    "sync",
    "serve",
    "encrypt",
    "decrypt",
    "config",
    "suggest-eval",
    "suggest-forget",
    "completion",
)
