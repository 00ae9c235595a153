"""One of the processes in tests/test_two_processes.py: a coach saving a draft as
fast as the store lets it, logging every save only after the store confirmed it.

    python concurrent_writer.py DB LOG NAME SECONDS GO_FILE

Waits for GO_FILE to exist (so both processes start together), then for SECONDS
alternates save_draft and add_action on its own draft. Any error is logged and ends
the process with status 1.
"""

from __future__ import annotations

import os
import sys
import time
import traceback


def main() -> int:
    db, log_path, name, seconds, go_file = sys.argv[1:6]
    from coachtui.store import open_store

    with open(log_path, "a", encoding="utf-8", buffering=1) as log:
        try:
            store = open_store(db)
            team = store.create_team(f"Team {name}")
            draft = store.start_session(team.id)
            log.write(f"session {draft.id}\n")
            while not os.path.exists(go_file):
                time.sleep(0.005)
            end = time.monotonic() + float(seconds)
            i = 0
            while time.monotonic() < end:
                store.save_draft(draft.id, title=f"{name} title {i}", dilemma=f"{name} dilemma {i}\n" * 20)
                log.write(f"draft {i}\n")
                action = store.add_action(draft.id, f"{name} action {i}")
                log.write(f"action {action.id} {i}\n")
                i += 1
            store.close()
            log.write("done\n")
        except BaseException:  # noqa: BLE001 - the parent test reads every failure from the log
            log.write("error " + traceback.format_exc().replace("\n", " | ") + "\n")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
