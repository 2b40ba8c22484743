from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "prompts" / "reviews.yaml"
SST2 = ROOT.parent / "shared" / "datasets" / "sst2-dev.tsv"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    # Caches (model sha256) go to a per-session directory, never the user's home.
    monkeypatch.setenv("GREENPROMPT_HOME", str(tmp_path_factory.getbasetemp() / "greenprompt-home"))
