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
    assert "coachtui/store/migrations/env.py" in names
    assert "coachtui/store/migrations/versions/0001_initial.py" in names
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
