"""The team list is on the screen before SQLAlchemy starts loading (issue 19).

Loading SQLAlchemy holds the interpreter for long stretches; if it starts before
the quickly read team list is drawn, the coach waits for both. The child here gets
a sitecustomize module that makes the first ``import sqlalchemy`` keep the
interpreter to itself for 40 seconds (a long switch interval and a busy loop), an
exaggerated, deterministic version of what the real import does on a slow machine.
The team names must be on the screen well before that ends.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import tomli_w
from tests.terminal import Terminal, coachtui_command

HOG_SQLALCHEMY = """
import sys, time

class _Hog:
    done = False

    def find_spec(self, name, path=None, target=None):
        if name == "sqlalchemy" and not _Hog.done:
            _Hog.done = True
            interval = sys.getswitchinterval()
            sys.setswitchinterval(100.0)  # no other thread runs until this one blocks
            until = time.monotonic() + 40
            while time.monotonic() < until:
                pass
            sys.setswitchinterval(interval)
        return None

sys.meta_path.insert(0, _Hog())
"""


@pytest.mark.slow
def test_the_team_list_is_drawn_before_sqlalchemy_loads(tmp_path: Path) -> None:
    from coachtui.store import open_store

    db = tmp_path / "coach.db"
    with open_store(str(db)) as store:
        store.create_team("Ward 4")
        store.create_team("Maple Clinic")
    home = tmp_path / "home"
    config, site = home / "config", home / "site"
    config.mkdir(parents=True)
    site.mkdir()
    (config / "settings.toml").write_text(tomli_w.dumps({"coach_name": "Ana Ruiz", "name_asked": True}))
    (site / "sitecustomize.py").write_text(HOG_SQLALCHEMY)
    env = {k: v for k, v in os.environ.items() if not k.startswith("COACHTUI_")}
    env.update(HOME=str(home), COACHTUI_CONFIG_DIR=str(config), COACHTUI_DATA_DIR=str(home / "data"),
               TERM="xterm-256color", PYTHONPATH=str(site))

    app = Terminal(coachtui_command(db), env)
    try:
        # 25 s: far more than a loaded machine needs to draw it, far less than the 40 s hog.
        screen = app.wait_for("Maple Clinic", timeout=25)
        assert "Ward 4" in screen
    finally:
        app.kill()
