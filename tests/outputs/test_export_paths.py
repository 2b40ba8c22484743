"""Variant names and item ids never escape the export directory."""

import json

from conftest import ROOT
from fakes import invoke


def test_hostile_names_stay_inside_the_export_dir(tmp_path):
    names = ["../../escape", "/etc/passwd", "..", ".hidden", "a/../../b", "C:\\windows\\x", "ünïcødé ✓"]
    variants = "\n".join(f"  - name: {json.dumps(n)}\n    template: '{{{{ text }}}}'\n    max_tokens: 2" for n in names)
    prompts = tmp_path / "set.yaml"
    prompts.write_text("variants:\n" + variants + "\n")
    data = tmp_path / "d.jsonl"
    data.write_text(json.dumps({"id": "../../../item", "text": "good", "label": "positive"}) + "\n")
    out = tmp_path / "deep" / "export"
    invoke("compare", str(prompts), "--dataset", str(data), "--export", str(out), "--json",
           "--bootstrap", "0")
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.name not in ("set.yaml", "d.jsonl")]
    assert written and all(out in p.parents for p in written if "greenprompt-home" not in p.parts)
    md = sorted(p.name for p in out.glob("*.md"))
    assert len(md) == len(names) and all(not n.startswith(".") for n in md)
    # The exported files read back with the original names intact.
    back = invoke("compare", str(out), "--dataset", str(data), "--json", "--bootstrap", "0")
    assert sorted(v["name"] for v in json.loads(back.stdout)["variants"]) == sorted(names)
    assert (ROOT / "prompts" / "reviews.yaml").exists()
