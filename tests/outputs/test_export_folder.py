"""The export folder: a previous export is replaced as a whole (never a mix of two runs'
prompt files), any other non-empty folder is refused, an interrupted export leaves the
previous one as it was, and every prompt file written reads back as a variant."""

import signal
import subprocess
import sys
import time
from dataclasses import replace

import pytest

from greenprompt.engine.driver import run_comparison
from greenprompt.engine.local import LocalExecutor
from greenprompt.inputs.prompt_sets import load_prompt_set
from greenprompt.outputs import export
from greenprompt.outputs.export import export_profiles, export_run, prepare_export_dir
from greenprompt.outputs.export_folder import MANIFEST
from greenprompt.records.config import Config
from greenprompt.records.errors import GreenPromptError

from conftest import EXAMPLE, ROOT
from fakes import FixedBackend, FixedMeter


def _run(tmp_path, prompts, limit=2):
    config = Config(prompts=str(prompts), limit=limit, store=str(tmp_path / "store.db"), bootstrap=0)
    return run_comparison(config, executor=LocalExecutor(FixedBackend, FixedMeter))


def _one_variant_set(folder, names=("only",)):
    variants = "".join(f"  - name: {name!r}\n    template: 'Review: {{{{ text }}}}'\n" for name in names)
    path = folder / "set.yaml"
    path.write_text(f"dataset: {ROOT / 'prompts' / 'reviews.csv'}\ntarget: label\nscorer: contains\nvariants:\n{variants}")
    return path


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """(a 4-variant run, a 1-variant run), by the deterministic fake backend."""
    tmp = tmp_path_factory.mktemp("runs")
    return _run(tmp, EXAMPLE), _run(tmp, _one_variant_set(tmp))


def _snapshot(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _prompt_files(folder):
    return sorted(p.name for p in folder.glob("*.md"))


def test_a_previous_export_is_replaced_as_a_whole(tmp_path, runs):
    four, one = runs
    out = tmp_path / "exports" / "out"
    export_run(four, out)
    assert len(_prompt_files(out)) == 4
    written = export_run(one, out)
    assert _prompt_files(out) == ["01-only.md"]
    assert sorted(p.name for p in written) == sorted(p.name for p in out.iterdir())
    assert [v.name for v in load_prompt_set(out).variants] == ["only"]
    assert one.run_id in (out / MANIFEST).read_text() and four.run_id not in (out / "results.csv").read_text()
    assert [p.name for p in out.parent.iterdir()] == ["out"]  # no temporary folder left beside it


def test_a_folder_that_is_not_an_export_is_refused(tmp_path, runs):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my notes")
    for attempt in (lambda: prepare_export_dir(out), lambda: export_run(runs[0], out)):
        with pytest.raises(GreenPromptError) as e:
            attempt()
        message = str(e.value)
        assert message.startswith(f"{out}: ") and "not a previous greenprompt export" in message
        assert "choose a new or empty folder" in message and "\n" not in message
    assert _snapshot(out) == {"notes.txt": b"my notes"}
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(GreenPromptError, match="is a file, not a folder"):
        export_run(runs[0], tmp_path / "a-file")


def test_an_empty_folder_takes_an_export(tmp_path, runs):
    out = tmp_path / "empty"
    out.mkdir()
    export_run(runs[1], out)
    assert _prompt_files(out) == ["01-only.md"]


def test_a_previous_export_with_a_file_of_the_users_is_refused(tmp_path, runs):
    out = tmp_path / "out"
    export_run(runs[0], out)
    (out / "my-analysis.ipynb").write_text("{}")
    before = _snapshot(out)
    with pytest.raises(GreenPromptError, match=r"files it did not write \(my-analysis.ipynb\).*move them elsewhere"):
        export_run(runs[1], out)
    assert _snapshot(out) == before


def test_an_interrupted_export_leaves_the_previous_one(tmp_path, runs, monkeypatch):
    out = tmp_path / "exports" / "out"
    export_run(runs[0], out)
    before = _snapshot(out)

    def interrupted(*_):
        raise KeyboardInterrupt

    monkeypatch.setattr(export, "write_emissions_csv", interrupted)  # after the prompt files and results.csv
    with pytest.raises(KeyboardInterrupt):
        export_run(runs[1], out)
    assert _snapshot(out) == before
    assert [p.name for p in out.parent.iterdir()] == ["out"]


_STUCK_EXPORT = """
import sys, time
from greenprompt.outputs.export_folder import write_folder
write_folder(sys.argv[1], lambda d: [d.joinpath("results.csv").write_text("partial"), time.sleep(120)])
"""


def _stuck_export(out):
    """A process writing an export to `out` that stops in the middle; (process, its folder)."""
    seen = set(out.parent.iterdir()) if out.parent.exists() else set()
    proc = subprocess.Popen([sys.executable, "-c", _STUCK_EXPORT, str(out)])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        new = [p for p in out.parent.glob(".out.*.tmp") if p not in seen and (p / "results.csv").exists()]
        if new:
            return proc, new[0]
        time.sleep(0.05)
    proc.kill()
    raise AssertionError("the child never started its export")


def test_a_killed_exports_leftovers_are_removed_by_the_next_export(tmp_path, runs):
    out = tmp_path / "exports" / "out"
    export_run(runs[0], out)
    running, running_tmp = _stuck_export(out)
    try:
        killed, killed_tmp = _stuck_export(out)  # its own sweep kept the running export's folder
        killed.send_signal(signal.SIGKILL)  # no cleanup runs
        killed.wait()
        assert killed_tmp.exists() and running_tmp.exists()
        export_run(runs[1], out)
        assert not killed_tmp.exists()  # its process is gone
        assert running_tmp.exists()  # an export still in progress keeps its folder
        assert sorted(p.name for p in out.parent.iterdir()) == sorted(["out", running_tmp.name])
        assert len(load_prompt_set(out).variants) == 1
    finally:
        running.kill()
        running.wait()


def test_an_export_written_before_the_manifest_is_recognised(tmp_path, runs):
    out = tmp_path / "old"
    export_run(runs[0], out)
    (out / MANIFEST).unlink()
    export_run(runs[1], out)
    assert _prompt_files(out) == ["01-only.md"]


def test_serving_profiles_are_replaced_with_the_folder(tmp_path, runs):
    four, one = runs
    out = tmp_path / "out"
    export_profiles(replace(four, other_servings=(replace(four, serving="batch"),)), out)
    assert len(_prompt_files(out / "batch")) == 4 and (out / "batch" / MANIFEST).is_file()
    export_profiles(one, out)
    assert not (out / "batch").exists() and _prompt_files(out) == ["01-only.md"]


def test_every_prompt_file_reads_back_as_its_variant(tmp_path):
    """Names the prompt-directory rule skips (README*, LICENSE*, CHANGELOG*, _*, .*) are
    exported under the rank prefix, so the folder reads back with every variant."""
    names = ["README", "LICENSE.md", "changelog", "_draft", ".hidden", "plain"]
    result = _run(tmp_path, _one_variant_set(tmp_path, names), limit=1)
    out = tmp_path / "out"
    export_run(result, out)
    assert sorted(v.name for v in load_prompt_set(out).variants) == sorted(names)


def test_the_current_folder_is_never_replaced(tmp_path, runs, monkeypatch):
    out = tmp_path / "out"
    export_run(runs[0], out)
    (out / "inner").mkdir()
    for cwd, target in ((out, "."), (out / "inner", "..")):
        monkeypatch.chdir(cwd)
        with pytest.raises(GreenPromptError, match="is the current folder or holds it"):
            export_run(runs[1], target)
    assert len(_prompt_files(out)) == 4
