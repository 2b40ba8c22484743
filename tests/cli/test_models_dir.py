"""`models --models-dir DIR` lists the GGUF files only: a `.gguf` file that does not start with
the GGUF magic bytes is named as skipped with the reason (stderr; `skipped` in --json);
files with other extensions are not models and are not mentioned."""

import json
import os

from greenprompt.inputs.aliases import locate

from fakes import SMALL, invoke


def _folder(tmp_path):
    os.symlink(locate(SMALL), tmp_path / "mine.gguf")
    (tmp_path / "broken.gguf").write_text("<html>404 Not Found</html>")  # a failed download
    (tmp_path / "notes.txt").write_text("not a model")
    return tmp_path


def test_a_file_that_is_not_gguf_is_skipped_with_the_reason(tmp_path):
    folder = _folder(tmp_path)
    doc = json.loads(invoke("models", "--models-dir", folder, "--json").stdout)
    names = {r["name"] for r in doc["models"]}
    assert "mine" in names and "broken" not in names and "notes" not in names
    assert doc["skipped"] == [{"path": str(folder / "broken.gguf"),
                               "reason": "not a GGUF file (it does not start with the GGUF magic bytes)"}]
    shown = invoke("models", "--models-dir", folder)
    assert "mine" in shown.stdout and "broken" not in shown.stdout
    assert shown.stderr.strip() == f"skipped {folder / 'broken.gguf'}: not a GGUF file (it does not start with the GGUF magic bytes)"
    assert invoke("models", "--models-dir", folder, "-q").output == ""
