"""Layering and import hygiene: no Textual below ui/, nothing happens at import time."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "coachtui"


def _python(code: str, cwd: Path, env_home: Path) -> subprocess.CompletedProcess[str]:
    env = {
        "HOME": str(env_home),
        "PATH": "/usr/bin:/bin",
        "XDG_DATA_HOME": str(env_home / "xdg-data"),
        "XDG_CONFIG_HOME": str(env_home / "xdg-config"),
    }
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, check=False)


def test_store_and_catalog_do_not_import_textual(tmp_path: Path) -> None:
    result = _python(
        "import coachtui.store, coachtui.catalog, coachtui.store.api, sys; "
        "assert 'textual' not in sys.modules; print('ok')",
        tmp_path,
        tmp_path,
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_the_session_layer_imports_neither_textual_nor_the_ui(tmp_path: Path) -> None:
    # session/ is the live session in plain Python: it runs (and is tested) without a screen.
    result = _python(
        "import coachtui.session.model, coachtui.session.controller, coachtui.session.saver, "
        "coachtui.session.conflicts, sys; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual' or m.startswith('coachtui.ui')))",
        tmp_path,
        tmp_path,
    )
    assert result.stdout.strip() == "[]", result.stderr


def test_importing_the_store_package_does_not_load_sqlalchemy(tmp_path: Path) -> None:
    result = _python(
        "import coachtui.store, coachtui.store.types, sys; "
        "assert 'sqlalchemy' not in sys.modules and 'sqlmodel' not in sys.modules; print('ok')",
        tmp_path,
        tmp_path,
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_the_app_module_paints_without_the_database_layer(tmp_path: Path) -> None:
    # The first screen must not wait ~0.4 s for SQLAlchemy: the UI imports only the
    # store's plain types and opens the database in a worker.
    result = _python(
        "import coachtui.cli, coachtui.ui, coachtui.ui.app, sys; "
        "bad = [m for m in ('sqlalchemy', 'sqlmodel', 'alembic', 'dateparser') if m in sys.modules]; "
        "print(bad)",
        tmp_path,
        tmp_path,
    )
    assert result.stdout.strip() == "[]", result.stderr


def test_the_first_screen_loads_only_what_it_shows(tmp_path: Path) -> None:
    # Every module is import time before the first paint (bench/run.py measures it
    # against a bare Textual app): the other screens, the prompts, the question bank,
    # the team list's table and sqlite3 load after it.
    result = _python(
        "import coachtui.cli, coachtui.ui, coachtui.ui.app, sys; "
        "later = ('coachtui.ui.modals', 'coachtui.ui.conflicts', 'coachtui.session.conflicts', 'coachtui.ui.palette', 'coachtui.catalog', "
        "'coachtui.store.types', 'coachtui.ui.screens.history', 'coachtui.ui.screens.tracker', "
        "'coachtui.ui.screens.trends', 'coachtui.ui.steps.dilemma', 'textual.widgets._data_table', "
        "'textual.widgets._text_area', 'textual.widgets._markdown', 'sqlite3', 'argparse'); "
        "print([m for m in later if m in sys.modules])",
        tmp_path,
        tmp_path,
    )
    assert result.stdout.strip() == "[]", result.stderr


def test_importing_every_module_creates_no_file_folder_or_engine(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    code = """
import importlib, pkgutil, sys
import sqlalchemy
def refuse(*a, **k):
    raise AssertionError("engine created at import time")
sqlalchemy.create_engine = refuse
import coachtui
names = [m.name for m in pkgutil.walk_packages(coachtui.__path__, "coachtui.")
         if ".migrations" not in m.name and m.name != "coachtui.__main__"]
for name in names:
    importlib.import_module(name)
print(len(names))
"""
    result = _python(code, work, home)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) >= 10
    assert list(home.iterdir()) == []
    assert list(work.iterdir()) == []


def test_only_ui_imports_textual_and_only_store_imports_sqlalchemy() -> None:
    for path in SRC.rglob("*.py"):
        relative = path.relative_to(SRC).as_posix()
        lines = [line.strip() for line in path.read_text("utf-8").splitlines()]
        imports = [line for line in lines if line.startswith(("import ", "from "))]
        if not relative.startswith("ui/"):
            assert not any(line.split()[1].startswith("textual") for line in imports), relative
        if not relative.startswith("store/"):
            assert not any(line.split()[1].startswith(("sqlalchemy", "sqlmodel", "alembic")) for line in imports), relative
        if relative.startswith("session/"):
            assert not any(line.split()[1].startswith("coachtui.ui") for line in imports), relative


def test_the_import_contracts_hold() -> None:
    # The layers (ui and commands over the store over the catalog), a store without
    # Textual, and no import cycles inside the store: [tool.importlinter] in pyproject.
    lint = Path(sys.executable).parent / "lint-imports"
    command = str(lint) if lint.exists() else shutil.which("lint-imports")
    if command is None:
        pytest.fail("lint-imports is missing: install the test extra (pip install -e '.[test]')")
    result = subprocess.run(
        [command, "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_no_store_module_imports_another_ones_private_names() -> None:
    # A helper two modules share is public in the module that owns it.
    offenders = []
    for path in (SRC / "store").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("coachtui."):
                private = [a.name for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
                if private:
                    offenders.append(f"{path.relative_to(SRC)}: {node.module} {private}")
    assert offenders == []



def test_migrations_are_frozen() -> None:
    # A migration says what it did in its own SQL: importing live store code (models,
    # search_index, changes...) would let a later change alter what an old migration does.
    migrations = sorted((SRC / "store" / "db" / "migrations").rglob("*.py"))
    assert len(migrations) > 5
    for path in migrations:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(name.startswith("coachtui") for name in names), path.name


def test_only_the_dialect_modules_name_an_engine() -> None:
    # SQLite/PostgreSQL differences live in store/db/dialects/ (and the frozen migrations);
    # models.py's column types adapt values per dialect, as SQLAlchemy asks them to.
    allowed = {"db/dialects/__init__.py", "db/models.py"}
    for path in (SRC / "store").rglob("*.py"):
        relative = path.relative_to(SRC / "store").as_posix()
        if relative in allowed or relative.startswith("db/migrations/"):
            continue
        assert "dialect.name" not in path.read_text("utf-8"), relative
