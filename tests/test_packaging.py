"""The wheel ships the assets, and the catalog loads from an installed wheel."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("coachtui-*.whl")
    return built


def test_wheel_contains_assets_migrations_and_entry_point(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "coachtui/assets/categories.toml" in names
    assert "coachtui/assets/questions.toml" in names
    assert "coachtui/store/db/migrations/env.py" in names
    assert "coachtui/store/db/migrations/versions/0001_initial.py" in names
    # the stylesheets: the first screen's, and the rest's read once it is painted
    assert {"coachtui/ui/app.tcss", "coachtui/ui/later.tcss"} <= names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "coachtui = coachtui.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_catalog_loads_from_the_installed_wheel_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        "import coachtui, coachtui.catalog as c; cat = c.load_catalog(); "
        "print(coachtui.__file__); print(len(cat.categories), len(cat.questions))"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True, text=True, check=True
    )
    location, counts = result.stdout.strip().splitlines()
    assert location.startswith(str(target))
    assert counts.startswith("4 ")
    assert int(counts.split()[1]) >= 60


def test_the_wheel_carries_the_licence_and_honest_metadata(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    names = set(archive.namelist())
    (licence,) = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
    assert archive.read(licence).decode().startswith("MIT License")
    metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "License-Expression: MIT" in metadata
    assert "Curses" not in metadata  # a Textual app, not a curses one
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")


def test_every_install_hint_works_from_a_checkout() -> None:
    """coachtui is not on PyPI: `pip install 'coachtui[...]'` fails for everyone, so no
    message or page may say it (issue 20, item 1)."""
    import re

    wrong = re.compile(r"pip install\s+(-U\s+)?['\"]?coachtui\b")
    places = [ROOT / "README.md", *sorted((ROOT / "src").rglob("*.py"))]
    offending = [
        f"{path.relative_to(ROOT)}: {line.strip()}"
        for path in places
        for line in path.read_text("utf-8").splitlines()
        if wrong.search(line) and "finds nothing" not in line
    ]
    assert offending == []
    readme = (ROOT / "README.md").read_text("utf-8")
    for way in ("pip install -e .", "pipx install .", "uv tool install .", "git clone"):
        assert way in readme


def test_the_browser_server_is_an_extra_the_tests_install() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert not any(d.startswith("textual-serve") for d in project["dependencies"])
    extras = project["optional-dependencies"]
    assert any(d.startswith("textual-serve") for d in extras["serve"])
    assert any(d.startswith("textual-serve") for d in extras["test"])  # the serve tests still run


def test_serve_without_its_extra_says_how_to_add_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from coachtui.cli import main

    monkeypatch.setitem(sys.modules, "textual_serve", None)  # as if it were not installed
    db = tmp_path / "coach.db"
    assert main(["--db", str(db), "serve", "--port", "1"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "coachtui: coachtui serve needs textual-serve; "
        "install it from coachtui's source folder with: pip install -e '.[serve]'\n"
    )
    assert not db.exists()
