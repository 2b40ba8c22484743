"""The dataset read in a child process (inputs.datasets): the same records and the same
one-line errors as an in-process read, and a long-lived process that never imports `datasets`."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from greenprompt.inputs import datasets
from greenprompt.inputs.disk_cache import cache_dir
from greenprompt.records.errors import GreenPromptError

from conftest import ROOT, SST2_FORMAT


@pytest.fixture
def in_child(monkeypatch):
    """Reads in-process until `arm()`: then the next read goes to a fresh reader child,
    whatever this test process has imported."""
    monkeypatch.setattr(datasets, "_READER", {"started": True})

    def arm():
        monkeypatch.setattr(datasets, "_READER", {"started": True, "idle": datasets.spawn_reader()})

    return arm


def forget_kept_rows():
    shutil.rmtree(cache_dir() / "datasets", ignore_errors=True)


def both_ways(in_child, path, **kwargs):
    """(in-process result or error message, child's result or error message)."""
    answers = []
    for child in (False, True):
        if child:
            forget_kept_rows()  # else the child would not be needed: the first read kept the rows
            in_child()
        pending = datasets.start_loading(path, **kwargs)
        assert pending.in_child == child
        try:
            answers.append(pending.result())
        except GreenPromptError as e:
            answers.append(f"error: {e}")
    return answers


def test_child_returns_the_same_records(in_child, tmp_path):
    here, child = both_ways(in_child, SST2_FORMAT, sample=5, seed=3)
    assert child == here and len(child.items) == 5
    p = tmp_path / "d.jsonl"  # nested values, nulls, numbers: the same Python values come back
    p.write_text("\n".join(json.dumps(r) for r in [{"q": "a", "answer": 1.5, "meta": {"tags": ["x"]}, "n": None},
                                                   {"q": "b", "answer": 2, "meta": {"tags": []}, "n": 3}]))
    here, child = both_ways(in_child, p)
    assert child == here and child.items[0].columns["meta"] == {"tags": ["x"]}


@pytest.mark.parametrize(
    "name, content, kwargs, message",
    [
        ("header.csv", "text,label\n", {}, "no rows"),
        ("d.jsonl", "{not json", {}, "cannot read as JSONL"),
        ("dup.csv", "id,text,label\n1,a,x\n1,b,y\n", {}, "duplicate id"),
        ("d.csv", "text,label\na,1\n", {"target": "gold"}, "target column 'gold' not found"),
    ],
)
def test_child_errors_are_the_same_one_line_messages(in_child, tmp_path, name, content, kwargs, message):
    p = tmp_path / name
    p.write_text(content)
    here, child = both_ways(in_child, p, **kwargs)
    assert child == here and message in child and "\n" not in child


def test_a_reader_that_died_is_one_line_error(in_child, tmp_path):
    in_child()
    datasets._READER["idle"].kill()
    with pytest.raises(GreenPromptError, match=r"reader process failed") as e:
        datasets.load_dataset(SST2_FORMAT)
    assert "\n" not in str(e.value)


def test_long_lived_process_never_imports_datasets_and_stops_an_unused_reader():
    script = (
        "import os, sys\n"
        "from greenprompt.inputs import datasets as d\n"
        f"ds = d.load_dataset({str(SST2_FORMAT)!r}, limit=2)\n"
        "print(len(ds.items), 'datasets' in sys.modules, 'pandas' in sys.modules)\n"
        "d._READER['started'] = False\n"
        "d.start_reader()\n"
        "print(d._READER['idle'].pid)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    first, pid = out.splitlines()
    assert first == "2 False False"
    assert not os.path.exists(f"/proc/{pid}")  # killed and reaped when the parent exited
