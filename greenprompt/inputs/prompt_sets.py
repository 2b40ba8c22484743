"""Prompt sets: read and write them, and render a variant for a dataset item.

A prompt set is either a YAML file (`variants: [...]` plus optional run defaults) or a
directory of one-variant files (`.md`/`.txt`, optional YAML front matter, the body is
the template; see `is_variant_file` for which files count). Templates are Jinja2, rendered in a sandbox with the item's columns as
variables.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, meta
from jinja2.sandbox import SandboxedEnvironment

from greenprompt.inputs.cascade_spec import cascade_from_data
from greenprompt.inputs.model_specs import specs_from_data
from greenprompt.inputs.yaml_files import check_keys, read_yaml
from greenprompt.records import MODES, GenerationParams, Item, PromptSet, Variant
from greenprompt.records.errors import GreenPromptError

PARAM_KEYS = ("max_tokens", "temperature", "stop", "grammar")
VARIANT_KEYS = ("name", "system", "template") + PARAM_KEYS
SET_KEYS = ("variants", "scorer", "target", "dataset", "model", "models", "cascade", "mode", "defaults")
DEFAULTS_KEYS = ("system",) + PARAM_KEYS
# Front matter of exported files carries measured metrics; they are ignored on reading.
FRONT_MATTER_IGNORED = ("metrics",)
VARIANT_FILE_SUFFIXES = (".md", ".txt")
# Files that describe a prompt directory rather than being prompts: a README.txt beside the
# prompt files used to run as a variant. Matched on the start of the name, in any case.
NOT_VARIANT_PREFIXES = ("readme", "license", "changelog")
VARIANT_FILE_RULE = "its .md and .txt files, except README*, LICENSE*, CHANGELOG* (any case) and names starting with _ or ."

_env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)


def load_prompt_set(path: str | Path) -> PromptSet:
    """Read a YAML prompt-set file or a directory of one-variant files."""
    p = Path(path)
    if not p.exists():
        raise GreenPromptError(f"{p}: prompt set not found; give a YAML file or a directory of .md/.txt variant files")
    if p.is_dir():
        return _load_directory(p)
    return _load_yaml_set(p)


def _load_yaml_set(p: Path) -> PromptSet:
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise GreenPromptError(f"{p}: cannot read prompt set ({e})") from None
    return prompt_set_from_data(read_yaml(text, str(p)), p)


def prompt_set_from_data(data: Any, p: Path) -> PromptSet:
    """A prompt set from already-parsed YAML (a file, or inline in an experiment file at `p`);
    relative paths in it are relative to `p`'s directory."""
    if not isinstance(data, dict):
        raise GreenPromptError(f"{p}: a prompt set must be a YAML mapping with a 'variants' list")
    check_keys(data, SET_KEYS, str(p))
    raw_variants = data.get("variants")
    if not isinstance(raw_variants, list) or not raw_variants:
        raise GreenPromptError(f"{p}: 'variants' must be a non-empty list of {{name, template, ...}} entries")
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise GreenPromptError(f"{p}: 'defaults' must be a mapping of {', '.join(DEFAULTS_KEYS)}")
    check_keys(defaults, DEFAULTS_KEYS, f"{p}: defaults")
    variants = []
    for i, raw in enumerate(raw_variants, 1):
        where = f"{p}: variant {i}"
        if not isinstance(raw, dict):
            raise GreenPromptError(f"{where}: must be a mapping with at least 'name' and 'template'")
        check_keys(raw, VARIANT_KEYS, where)
        if "name" not in raw:
            raise GreenPromptError(f"{where}: missing 'name'")
        variants.append(_make_variant({**defaults, **raw}, where, str(p)))
    return _finish_set(variants, p, data)


def is_variant_file(name: str) -> bool:
    """Whether a file of this name in a prompt directory is a variant: VARIANT_FILE_RULE."""
    return (
        Path(name).suffix in VARIANT_FILE_SUFFIXES
        and not name.startswith(("_", "."))
        and not name.lower().startswith(NOT_VARIANT_PREFIXES)
    )


def _load_directory(p: Path) -> PromptSet:
    files = sorted(f for f in p.iterdir() if f.is_file() and is_variant_file(f.name))
    if not files:
        skipped = sorted(f.name for f in p.iterdir() if f.is_file() and f.suffix in VARIANT_FILE_SUFFIXES)
        besides = f" ({', '.join(skipped)} skipped)" if skipped else ""
        raise GreenPromptError(f"{p}: no variant files in this directory{besides}; a directory's variants are {VARIANT_FILE_RULE}")
    return _finish_set([read_variant_file(f) for f in files], p, {})


def read_variant_file(f: Path) -> Variant:
    """Read one-variant file: optional `---` YAML front matter, then the template body."""
    try:
        text = f.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise GreenPromptError(f"{f}: cannot read variant file ({e})") from None
    front: dict = {}
    body = text
    if text.startswith("---"):
        head, sep, rest = text[3:].partition("\n---")
        if not sep:
            raise GreenPromptError(f"{f}: front matter starts with '---' but has no closing '---' line")
        loaded = read_yaml(head, str(f))
        if loaded is not None and not isinstance(loaded, dict):
            raise GreenPromptError(f"{f}: front matter must be a YAML mapping")
        front = loaded or {}
        body = rest.split("\n", 1)[1] if "\n" in rest else ""
    check_keys(front, tuple(k for k in VARIANT_KEYS if k != "template") + FRONT_MATTER_IGNORED, str(f))
    raw = {k: v for k, v in front.items() if k not in FRONT_MATTER_IGNORED}
    raw.setdefault("name", f.stem)
    raw["template"] = body
    return _make_variant(raw, str(f), str(f))


def _make_variant(raw: Mapping[str, Any], where: str, source: str) -> Variant:
    name = str(raw["name"]).strip()
    if not name:
        raise GreenPromptError(f"{where}: 'name' is empty")
    where = f"{where} ('{name}')"
    template = raw.get("template")
    if not isinstance(template, str) or not template.strip():
        raise GreenPromptError(f"{where}: 'template' must be a non-empty string")
    system = raw.get("system")
    if system is not None and not isinstance(system, str):
        raise GreenPromptError(f"{where}: 'system' must be a string")
    variant = Variant(
        name=name,
        # YAML block scalars and files end in a newline that is not part of the prompt.
        template=template.rstrip("\n"),
        system=system.rstrip("\n") if system else None,
        params=_params(raw, where),
        source=source,
    )
    _compile(variant, variant.template)
    if variant.system:
        _compile(variant, variant.system)
    return variant


def _params(raw: Mapping[str, Any], where: str) -> GenerationParams:
    base = GenerationParams()
    max_tokens = raw.get("max_tokens", base.max_tokens)
    if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 1:
        raise GreenPromptError(f"{where}: 'max_tokens' must be a positive integer, got {max_tokens!r}")
    temperature = raw.get("temperature", base.temperature)
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or temperature < 0:
        raise GreenPromptError(f"{where}: 'temperature' must be a number >= 0, got {temperature!r}")
    stop = raw.get("stop", [])
    if isinstance(stop, str):
        stop = [stop]
    if not isinstance(stop, list) or not all(isinstance(s, str) and s for s in stop):
        raise GreenPromptError(f"{where}: 'stop' must be a string or a list of non-empty strings")
    grammar = raw.get("grammar")
    if grammar is not None and (not isinstance(grammar, str) or not grammar.strip()):
        raise GreenPromptError(f"{where}: 'grammar' must be a GBNF grammar (text with a 'root' rule), got {grammar!r}")
    return GenerationParams(max_tokens=max_tokens, temperature=float(temperature), stop=tuple(stop), grammar=grammar)


def _finish_set(variants: list[Variant], p: Path, data: Mapping[str, Any]) -> PromptSet:
    seen: dict[str, str] = {}
    for v in variants:
        if v.name in seen:
            raise GreenPromptError(
                f"{p}: duplicate variant name '{v.name}' ({seen[v.name]} and {v.source}); names must be unique"
            )
        seen[v.name] = v.source
    mode = data.get("mode")
    if mode is not None and mode not in MODES:
        raise GreenPromptError(f"{p}: 'mode' must be one of {', '.join(MODES)}, got {mode!r}")
    base = p.parent if p.is_file() else p

    def rel(value: Any) -> str | None:
        # Paths inside a prompt set are relative to the file, not to the working directory.
        return None if value is None else str((base / str(value)))

    for key in ("scorer", "target"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise GreenPromptError(f"{p}: '{key}' must be a string")
    return PromptSet(
        variants=tuple(variants),
        path=str(p),
        scorer=data.get("scorer"),
        target=data.get("target"),
        dataset=rel(data.get("dataset")),
        model=_model_ref(data.get("model"), base),
        mode=mode,
        models=specs_from_data(data["models"], str(p), base) if data.get("models") is not None else (),
        cascade=cascade_from_data(data["cascade"], str(p)) if data.get("cascade") is not None else None,
    )


def _model_ref(value: Any, base: Path) -> str | None:
    """A model path relative to the prompt set's directory; an alias stays as it is."""
    from greenprompt.inputs.aliases import ALIASES

    if value is None:
        return None
    return str(value) if str(value) in ALIASES else str(base / str(value))


def _compile(variant: Variant, source: str):
    try:
        return _env.from_string(source)
    except TemplateSyntaxError as e:
        raise GreenPromptError(
            f"{variant.source}: variant '{variant.name}': template syntax error at line {e.lineno}: {e.message}"
        ) from None


def template_columns(variant: Variant) -> set[str]:
    """The variables a variant's templates use."""
    names: set[str] = set()
    for source in filter(None, (variant.template, variant.system)):
        names |= meta.find_undeclared_variables(_env.parse(source))
    return names


def check_columns(prompt_set: PromptSet, columns: Iterable[str]) -> None:
    """Fail before any generation when a template uses a column the dataset lacks."""
    available = list(columns)
    for v in prompt_set.variants:
        missing = sorted(template_columns(v) - set(available))
        if missing:
            raise GreenPromptError(
                f"{v.source}: variant '{v.name}' uses column(s) {', '.join(missing)} that the dataset lacks; "
                f"available columns: {', '.join(available)}"
            )


_text_templates: dict[str, Any] = {}


def render_text(source: str, values: Mapping[str, Any]) -> str:
    """Render a template that is not a variant (e.g. a cascade's verifier prompt), sandboxed."""
    try:
        template = _text_templates.get(source) or _text_templates.setdefault(source, _env.from_string(source))
        return template.render(values)
    except TemplateError as e:
        raise GreenPromptError(f"cannot render template {source[:40]!r}... ({e}); it may use only {', '.join(values)}") from None


class Renderer:
    """Renders variants for items; templates are compiled once."""

    def __init__(self, variants: Iterable[Variant]):
        self._compiled = {
            v.name: (_compile(v, v.template), _compile(v, v.system) if v.system else None) for v in variants
        }

    def render(self, variant: Variant, item: Item) -> tuple[str | None, str]:
        """Return (system, text) for one item."""
        template, system = self._compiled[variant.name]
        try:
            return (system.render(item.columns) if system else None), template.render(item.columns)
        except TemplateError as e:
            # The sandbox refuses attributes such as __class__ and reports them as undefined.
            raise GreenPromptError(
                f"{variant.source}: variant '{variant.name}', item {item.id}: cannot render template ({e}); "
                "templates may use only the dataset's columns and plain filters"
            ) from None
        except Exception as e:  # errors raised inside filters, e.g. int('abc')
            raise GreenPromptError(
                f"{variant.source}: variant '{variant.name}', item {item.id}: template failed ({type(e).__name__}: {e})"
            ) from None


def dump_variant_file(variant: Variant, metrics: Mapping[str, Any] | None = None) -> str:
    """A one-variant file (front matter + template) that `load_prompt_set` reads back."""
    front: dict[str, Any] = {"name": variant.name}
    if variant.system:
        front["system"] = variant.system
    base = GenerationParams()
    p = variant.params
    if p.max_tokens != base.max_tokens:
        front["max_tokens"] = p.max_tokens
    if p.temperature != base.temperature:
        front["temperature"] = p.temperature
    if p.stop:
        front["stop"] = list(p.stop)
    if p.grammar:
        front["grammar"] = p.grammar
    if metrics:
        front["metrics"] = dict(metrics)
    head = yaml.safe_dump(front, sort_keys=False, allow_unicode=True)
    return f"---\n{head}---\n{variant.template}\n"
