"""The rows of a dataset file kept for the next read (inputs.dataset_cache): the same
records without `datasets` or a child process, and never a stale row."""

import datetime
import os
import subprocess
import sys

from greenprompt.inputs import dataset_cache, datasets
from greenprompt.inputs.dataset_cache import Table
from greenprompt.inputs.disk_cache import cache_dir

from conftest import ROOT, SST2_FORMAT

READ_IN_A_FRESH_PROCESS = (
    "import sys\n"
    "from greenprompt.inputs import datasets as d\n"
    "d.start_reader()\n"  # as the CLI does: a reader child waits for the first read
    "pending = d.start_loading(sys.argv[1], limit=3)\n"
    "ds = pending.result()\n"
    "print(repr([(i.id, i.target, i.columns) for i in ds.items]), 'datasets' in sys.modules, pending.in_child, "
    "'idle' in d._READER)\n"
)


def read_in_fresh_process(path):
    out = subprocess.run([sys.executable, "-c", READ_IN_A_FRESH_PROCESS, str(path)], capture_output=True, text=True,
                         check=True, cwd=ROOT, env=os.environ).stdout
    return out.strip()


def test_second_read_is_the_same_without_a_child_or_datasets():
    first = read_in_fresh_process(SST2_FORMAT)
    assert list((cache_dir() / "datasets").glob("*.marshal")), "the first read keeps the rows"
    second = read_in_fresh_process(SST2_FORMAT)
    items, how = first.rsplit("]", 1)
    assert how == " False True False"  # read by the child
    assert second == f"{items}] False False False"  # the same items; no child, no `datasets`, the idle reader stopped
    assert datasets.load_dataset(SST2_FORMAT, limit=3) == datasets.read_here(
        str(SST2_FORMAT), None, 3, None, 0, True, table=None)


def test_a_changed_file_is_read_again(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("text,label\na,x\nb,y\n")
    assert [i.target for i in datasets.load_dataset(p).items] == ["x", "y"]
    p.write_text("text,label\na,x\nb,z\n")  # same size: the modification time tells
    os.utime(p, ns=(p.stat().st_atime_ns, p.stat().st_mtime_ns + 1))
    assert [i.target for i in datasets.load_dataset(p).items] == ["x", "z"]
    p.write_text("text,label\na,x\nb,z\nc,w\n")
    assert [i.target for i in datasets.load_dataset(p).items] == ["x", "z", "w"]


def test_checks_run_on_kept_rows_with_the_same_messages(tmp_path):
    p = tmp_path / "dup.csv"
    p.write_text("id,text,label\n1,a,x\n2,b,y\n")
    datasets.load_dataset(p)  # kept
    messages = []
    for _ in range(2):
        try:
            datasets.load_dataset(p, target="gold")
        except Exception as e:
            messages.append(str(e))
    assert len(messages) == 2 and messages[0] == messages[1] and "target column 'gold' not found" in messages[0]


def test_rejected_files_and_unmarshalable_rows_are_not_kept(tmp_path):
    bad = tmp_path / "d.jsonl"
    bad.write_text("{not json")
    for _ in range(2):
        try:
            datasets.load_dataset(bad)
        except Exception as e:
            assert "cannot read as JSONL" in str(e)
    assert dataset_cache.lookup(bad, "opts") is None and not (cache_dir() / "datasets").exists()
    p = tmp_path / "d.csv"
    p.write_text("text,label\na,x\n")
    dataset_cache.keep(p, "opts", Table(("when",), ({"when": datetime.date(2026, 1, 1)},)))
    assert dataset_cache.lookup(p, "opts") is None
    dataset_cache.keep(p, "opts", Table(("text",), ({"text": "a"},)))
    assert dataset_cache.lookup(p, "opts") == Table(("text",), ({"text": "a"},))
    assert dataset_cache.lookup(p, "other options") is None
