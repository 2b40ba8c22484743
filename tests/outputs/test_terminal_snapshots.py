"""The report as people see it, at 80 columns (a terminal) and 120 (piped: the CLI's width
when stdout is not a terminal), compared with the rendered text kept in tests/data/snapshots/.

The results come from the golden experiment's deterministic backend and meter (tests/fakes.py),
so the text is the same on every run but for the run id. To regenerate the snapshots after an
intended change of the report, run

    GREENPROMPT_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/outputs/test_terminal_snapshots.py -q

and read `git diff tests/data/snapshots/` before committing them."""

import difflib
import io
import os
import re

import pytest
from rich.cells import cell_len
from rich.console import Console

from greenprompt.engine.driver import run_comparison
from greenprompt.engine.local import LocalExecutor
from greenprompt.outputs.terminal import print_report
from greenprompt.records.config import Config

from conftest import ROOT
from fakes import LARGE, SMALL, FixedBackend, SourcedMeter

SNAPSHOTS = ROOT / "tests" / "data" / "snapshots"
UPDATE = os.environ.get("GREENPROMPT_UPDATE_SNAPSHOTS") == "1"
RUN_ID = re.compile(r"\b\d{8}-\d{6}-[0-9a-f]{6}\b")

# the golden experiment, then the same with two models and as cascades of the two
KINDS = {
    "single": {},
    "multi": {"models": (SMALL, LARGE), "baseline": f"terse@{SMALL}"},
    "cascade": {"cascade": f"{SMALL},{LARGE}", "escalate_when": "invalid", "baseline": None},
}


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)  # the report names the dataset as given, relative to the repository (as the golden test)
        for kind, options in KINDS.items():
            config = Config(**{
                "prompts": "prompts/reviews.yaml", "limit": 6, "repeats": 2, "baseline": "terse", "volume": 1000.0,
                "price_in": 0.03, "price_out": 0.06, "min_quality": 0.3, "country": "FRA", "no_cache": True,
                "store": str(tmp_path_factory.mktemp(kind) / "runs.db"), **options})
            out[kind] = run_comparison(config, executor=LocalExecutor(FixedBackend, SourcedMeter))
    return out


def render(result, width: int) -> str:
    """The report as plain text at `width` columns; trailing spaces dropped, the run id replaced."""
    console = Console(width=width, file=io.StringIO(), color_system=None, force_terminal=False, soft_wrap=False)
    print_report(result, console)
    text = "\n".join(line.rstrip() for line in console.file.getvalue().splitlines())
    return RUN_ID.sub("<run id>", text) + "\n"


def _check_snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    expected = path.read_text(encoding="utf-8") if path.exists() else ""
    if text != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True),
                                            f"{path.relative_to(ROOT)} (kept)", "rendered now"))
        pytest.fail(f"the report differs from its snapshot (if intended, regenerate: see this module's "
                    f"docstring):\n{diff}", pytrace=False)


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("kind", list(KINDS))
def test_report_matches_its_snapshot(results, kind, width):
    _check_snapshot(f"report-{kind}-{width}.txt", render(results[kind], width))


@pytest.mark.parametrize("width", [80, 100, 120])
@pytest.mark.parametrize("kind", list(KINDS))
def test_every_variant_name_shows_whole_in_the_ranked_table(results, kind, width):
    text = render(results[kind], width)
    table = text.split("Variants ranked on quality vs carbon")[1].split("★ frontier")[0]
    header = next(line for line in table.splitlines() if "variant" in line)
    assert "rank" in header and "quality" in header and "CO2e" in header, header
    for v in results[kind].variants:
        assert re.search(rf"^\s*\d+\s+\S*\s+[A-Z]+\s+{re.escape(v.name)}\s", table, re.M), (v.name, table)
    # nothing is cut: every figure of every column is somewhere in the tables
    for header in ("latency", "tok in", "tok out", "energy", "p(front)", "95% CI"):
        assert header in table, header
    assert all(cell_len(line) <= width for line in text.splitlines()), text
