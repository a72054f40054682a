"""`pip install .` gives a `kdlab` command that works outside the repository, with the shipped measurements."""
from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_pyproject_asks_for_the_python_that_has_tomllib_and_declares_the_core_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11"
    names = {dep.split(">")[0].split("=")[0].strip() for dep in project["dependencies"]}
    assert {"torch", "scikit-learn"} <= names
    assert project["scripts"]["kdlab"] == "kdlab.cli:main"


def test_pip_install_then_kdlab_list_works_from_another_folder(tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(ROOT)], check=True, cwd=tmp_path, capture_output=True)
    assert (target / "kdlab" / "lessons_measured.json").is_file()
    env = {**os.environ, "PYTHONPATH": str(target)}
    done = subprocess.run([str(target / "bin" / "kdlab"), "list", "--json"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert '"digits"' in done.stdout
