import marshal
import os
import subprocess
import sys

import pytest
import tiktoken

from greenprompt.inputs import tokens
from greenprompt.inputs.disk_cache import cache_dir

TEXTS = ["Review: The battery lasts two full days.\nSentiment:", "Positive", "héllo wörld " * 40, "<|endoftext|> as text"]


@pytest.fixture
def fresh_encoding():
    tokens._encoding.cache_clear()
    yield
    tokens._encoding.cache_clear()


def expected_counts() -> list[int]:
    reference = tiktoken.get_encoding(tokens.OFFLINE_ENCODING)  # parses the package's own file
    return [len(reference.encode_ordinary(t)) for t in TEXTS]


def test_counts_from_the_cached_copy_equal_tiktokens_own(fresh_encoding):
    path = cache_dir() / tokens.CACHE_FILE
    path.unlink(missing_ok=True)  # the shared test home may hold one from an earlier test's run
    first = [tokens.count_cl100k(t) for t in TEXTS]
    assert path.exists()  # the first use stored the parsed ranks
    tokens._encoding.cache_clear()
    second = [tokens.count_cl100k(t) for t in TEXTS]
    assert first == second == expected_counts()


@pytest.mark.parametrize("content", [b"not marshal data", marshal.dumps(("another-version|0000", {"name": "x"}))])
def test_a_damaged_or_stale_cache_is_parsed_afresh_and_replaced(fresh_encoding, content):
    path = cache_dir() / tokens.CACHE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    assert [tokens.count_cl100k(t) for t in TEXTS] == expected_counts()
    stored_key, arguments = marshal.loads(path.read_bytes())
    assert arguments["name"] == tokens.OFFLINE_ENCODING and stored_key != "another-version|0000"


def test_kept_counts_serve_the_next_process_without_the_encoder():
    script = (
        "import sys\n"
        "from greenprompt.inputs import tokens\n"
        f"print([tokens.count_cl100k(t) for t in {TEXTS!r}], tokens._encoding.cache_info().currsize)\n"
    )
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                           env=os.environ).stdout.strip() for _ in range(2)]
    counts = str(expected_counts())
    assert runs == [f"{counts} 1", f"{counts} 0"]  # the second process never built the encoder
    assert (cache_dir() / tokens.COUNTS_FILE).exists()


def test_kept_counts_are_per_encoding_version_and_bounded(monkeypatch, fresh_encoding):
    monkeypatch.setattr(tokens, "_KEPT", {})
    path = cache_dir() / tokens.COUNTS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    wrong = {tokens.hashlib.blake2b(t.encode(), digest_size=16).digest(): 999 for t in TEXTS}
    path.write_bytes(marshal.dumps(("another-version|x", wrong)))
    assert [tokens.count_cl100k(t) for t in TEXTS] == expected_counts()  # another version's counts are ignored
    monkeypatch.setattr(tokens, "MAX_KEPT_COUNTS", 2)
    tokens.save_counts()
    stored_key, stored = marshal.loads(path.read_bytes())
    assert stored_key == tokens._counts_key() and list(stored.values()) == expected_counts()[-2:]
