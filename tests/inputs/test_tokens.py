import marshal

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
    assert not path.exists()
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
