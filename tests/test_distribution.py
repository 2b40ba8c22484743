"""The distribution: a wheel built from this checkout installs under greenprompt's own
name (PyPI's `greenprompt` is an unrelated tool), with the `greenprompt` package and command."""

import shutil
import subprocess
import sys
from email.parser import Parser
from pathlib import Path

from conftest import ROOT

DISTRIBUTION = "greenprompt-cli"


def test_the_installed_distribution_has_our_name_and_command(tmp_path):
    # Built from a copy: an in-tree build would leave build/ and an egg-info in the checkout.
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(ROOT / "pyproject.toml", src)
    shutil.copy(ROOT / "README.md", src)
    shutil.copytree(ROOT / "greenprompt", src / "greenprompt", ignore=shutil.ignore_patterns("__pycache__"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(tmp_path / "dist"), str(src)], check=True, capture_output=True, timeout=600)
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    site = tmp_path / "site"
    subprocess.run([*pip, "install", "--no-deps", "--target", str(site), str(wheel)], check=True, capture_output=True, timeout=600)

    (info,) = site.glob("*.dist-info")
    metadata = Parser().parsestr((info / "METADATA").read_text(encoding="utf-8"))
    assert metadata["Name"] == DISTRIBUTION
    assert (site / "greenprompt" / "__init__.py").exists()
    # The extras keep their names under the new distribution name.
    assert {"report", "mlflow", "gemma", "dev"} <= set(metadata.get_all("Provides-Extra"))

    version = subprocess.run(
        [str(site / "bin" / "greenprompt"), "--version"], capture_output=True, text=True, timeout=120,
        env={"PYTHONPATH": str(site), "PATH": str(Path(sys.executable).parent)},
    )
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"greenprompt {metadata['Version']}"
