"""``coachtui vacuum``: leave no trace of deleted teams and sessions in the database file."""

from __future__ import annotations

import argparse

NAME = "vacuum"
HELP = "rewrite the database so deleted text leaves no trace in its files"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Empty the write-ahead log, compact any full-text index and rebuild the "
        "database file, so that text of deleted teams and sessions is gone from the "
        "files on disk. Backups are not changed."
    )


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    value = size / 1024
    for unit in ("KB", "MB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def run(args: argparse.Namespace) -> int:
    from coachtui.store import open_store
    from coachtui.store.db.database import backup_folder

    with open_store(args.db, create=False) as store:
        report = store.vacuum()
        path = store.target.path
    compacted = "; search index rebuilt" if report.optimized else ""
    print(
        f"Vacuumed {path}: {human_size(report.before_bytes)} before, "
        f"{human_size(report.after_bytes)} after{compacted}."
    )
    if not report.wal_cleared:
        print("Another program still has the database open, so its log could not be emptied; close it and run vacuum again.")
    if path is not None:
        folder = backup_folder(path)
        kept = list(folder.glob(f"{path.stem}-*.db")) if folder.is_dir() else []
        if kept:
            print(
                f"Backups keep their own copies: {len(kept)} file(s) in {folder} made before a deletion "
                "still hold its text (daily backups rotate out; delete others by hand if need be)."
            )
    from coachtui import rescue

    copies = rescue.files()
    if copies:
        where = ", ".join(sorted({str(p.parent) for p in copies}))
        print(
            f"Rescue copies keep text that could not be saved: {len(copies)} file(s) in {where} "
            "(read them, and delete those you no longer need)."
        )
    return 0
