"""Which models a run uses: `--model` (repeatable, `NAME=REF`), or `models:` in a prompt set
or experiment file, each resolved to a file, a short name and a mode."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from greenprompt.inputs.aliases import ALIASES, alias_for, locate
from greenprompt.inputs.gguf import check_gguf, default_model_path, describe_gguf, sha256_of
from greenprompt.inputs.yaml_files import check_keys
from greenprompt.records import CHAT, COMPLETION, MODES, ModelInfo, ModelSpec, RunModel
from greenprompt.records.errors import GreenPromptError

SPEC_KEYS = ("model", "name", "mode")


def spec_from_option(text: "str | ModelSpec") -> ModelSpec:
    """`--model REF` or `--model NAME=REF` (REF: an alias such as gemma3-270m, or a path)."""
    if isinstance(text, ModelSpec):
        return text
    name, eq, ref = text.partition("=")
    if eq and name.strip() and "/" not in name and "\\" not in name:
        return ModelSpec(ref=ref.strip() or None, name=name.strip())
    return ModelSpec(ref=text.strip() or None)


def specs_from_data(value: Any, where: str, base: Path | None = None) -> tuple[ModelSpec, ...]:
    """`models:` from YAML: a list of REF strings or {model, name, mode} mappings; relative
    paths are relative to `base` (the file's directory), aliases are kept as they are."""
    if not isinstance(value, list) or not value:
        raise GreenPromptError(f"{where}: 'models' must be a non-empty list of model paths or aliases, or {{model, name, mode}}")

    def ref_of(raw: Any) -> str | None:
        if raw is None:
            return None
        text = str(raw)
        return text if text in ALIASES or base is None or Path(text).is_absolute() else str(base / text)

    specs = []
    for i, raw in enumerate(value, 1):
        if isinstance(raw, str):
            spec = spec_from_option(raw)
            specs.append(ModelSpec(ref_of(spec.ref), spec.name))
            continue
        if not isinstance(raw, dict):
            raise GreenPromptError(f"{where}: models entry {i} must be a path, an alias or a {{model, name, mode}} mapping")
        check_keys(raw, SPEC_KEYS, f"{where}: models entry {i}")
        mode = raw.get("mode")
        if mode is not None and mode not in MODES:
            raise GreenPromptError(f"{where}: models entry {i}: 'mode' must be one of {', '.join(MODES)}, got {mode!r}")
        specs.append(ModelSpec(ref_of(raw.get("model")), str(raw["name"]) if raw.get("name") else None, mode))
    return tuple(specs)


def resolve_models(specs: Sequence[ModelSpec], mode: str | None) -> tuple[RunModel, ...]:
    """Each spec as a validated file with its identity, a unique short name and a mode:
    the spec's, else `mode` (command line or prompt set), else the alias's, else chat when
    the GGUF has a chat template and completion when it has none (a base model)."""
    models = []
    for spec in specs or (ModelSpec(None),):
        info = resolve_model(spec.ref)
        alias = ALIASES.get(spec.ref or "") or ALIASES.get(alias_for(info.path) or "")
        name = spec.name or (alias.name if alias else Path(info.path).stem)
        chosen = spec.mode or mode or (alias.mode if alias else None)
        if chosen is None:
            chosen = CHAT if info.has_chat_template is not False else COMPLETION
        models.append(RunModel(name=name, mode=chosen, info=info))
    names = [m.name for m in models]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise GreenPromptError(
            f"model name {', '.join(repeated)} is used twice; give each model its own name (--model NAME=PATH, or 'name:' under models)"
        )
    return tuple(models)


def resolve_model(path: str | Path | None = None) -> ModelInfo:
    """Validate the model file (default: the embedded SmolLM2-135M-Instruct; an alias such as
    `gemma3-270m` names a packaged model) and identify it from its GGUF metadata."""
    p = locate(str(path)) if path else default_model_path()
    check_gguf(p)
    return ModelInfo(path=str(p), sha256=sha256_of(p), size_bytes=p.stat().st_size, **describe_gguf(p))
