import subprocess
import sys

import pytest

import greenprompt
from greenprompt.records.errors import GreenPromptError

from conftest import ROOT


def test_documented_example_runs(tmp_path):
    proc = subprocess.run([sys.executable, str(ROOT / "docs" / "api_example.py"), "2"], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "4 variants x 2 items" in out and "frontier:" in out and "exported:" in out
    assert out.count("J/query") == 4


def test_public_names_and_bad_options():
    for name in ("compare", "load_prompt_set", "load_dataset", "to_json", "export_run", "GreenPromptError"):
        assert getattr(greenprompt, name)
    with pytest.raises(GreenPromptError, match="unexpected keyword"):
        greenprompt.compare(ROOT / "prompts" / "reviews.yaml", colour="red")
    with pytest.raises(AttributeError):
        greenprompt.not_a_thing  # noqa: B018


def test_import_is_light():
    code = "import sys, greenprompt; print(sorted(m for m in ('llama_cpp', 'datasets', 'codecarbon', 'numpy') if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "[]"
