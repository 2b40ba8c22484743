import json

import pytest

from greenprompt.inputs.datasets import load_dataset
from greenprompt.records.errors import GreenPromptError

from conftest import SST2_FORMAT


def test_sst2_format_tsv_loads_every_row_with_its_bare_quotes():
    ds = load_dataset(SST2_FORMAT)
    # 42 rows: read with CSV quoting, the unclosed quote of row 21 would swallow ten rows
    assert len(ds.items) == 42
    assert ds.column_names == ("text", "label") and ds.target_column == "label"
    assert [i.target for i in ds.items].count("1") == 21 and {i.target for i in ds.items} == {"0", "1"}
    assert ds.items[0].id == "0" and ds.items[0].columns["text"].startswith("a warm , funny")
    texts = {i.id: i.columns["text"] for i in ds.items}
    assert texts["21"] == '" i was bored , and then i was asleep . '  # as written: quote and trailing space
    assert texts["31"] == '"epic" is the word on the poster ; "endless" is the word you will use . '
    assert texts["16"] == "`` the long way home '' earns every one of its tears . "


def test_limit_and_seeded_sample():
    assert [i.id for i in load_dataset(SST2_FORMAT, limit=3).items] == ["0", "1", "2"]
    a = [i.id for i in load_dataset(SST2_FORMAT, sample=5, seed=7).items]
    b = [i.id for i in load_dataset(SST2_FORMAT, sample=5, seed=7).items]
    c = [i.id for i in load_dataset(SST2_FORMAT, sample=5, seed=8).items]
    assert a == b and a != c and len(set(a)) == 5


@pytest.mark.parametrize("suffix", ["csv", "jsonl", "json", "parquet"])
def test_formats_with_id_column_and_explicit_target(tmp_path, suffix):
    rows = [{"id": "q1", "question": "2+2", "gold": "4"}, {"id": "q2", "question": "3+3", "gold": "6"}]
    p = tmp_path / f"d.{suffix}"
    if suffix == "csv":
        p.write_text("id,question,gold\nq1,2+2,4\nq2,3+3,6\n")
    elif suffix == "jsonl":
        p.write_text("\n".join(json.dumps(r) for r in rows))
    elif suffix == "json":
        p.write_text(json.dumps(rows))
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(rows), p)
    ds = load_dataset(p, target="gold")
    assert [(i.id, i.target, i.columns["question"]) for i in ds.items] == [("q1", "4", "2+2"), ("q2", "6", "3+3")]


@pytest.mark.parametrize(
    "name, content, kwargs, message",
    [
        ("missing.csv", None, {}, "not found"),
        ("empty.csv", "", {}, "is empty"),
        ("header.csv", "text,label\n", {}, "no rows"),
        ("d.xlsx", "x", {}, "unsupported dataset format"),
        ("d.csv", "text,label\na,1\n", {"target": "gold"}, "target column 'gold' not found; available columns: text, label"),
        ("d.csv", "text,y\na,1\n", {}, "no target column"),
        ("d.csv", "text,label\na,1\n", {"limit": 0}, "positive number"),
        ("d.jsonl", "{not json", {}, "cannot read as JSONL"),
        ("dup.csv", "id,text,label\n1,a,x\n1,b,y\n", {}, "duplicate id"),
    ],
)
def test_bad_datasets(tmp_path, name, content, kwargs, message):
    p = tmp_path / name
    if content is not None:
        p.write_text(content)
    with pytest.raises(GreenPromptError, match=message):
        load_dataset(p, **kwargs)
