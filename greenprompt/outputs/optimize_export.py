"""`optimize --export DIR`: the recommended prompt, the other candidates confirmed on the
held-out split and the baseline, as one-variant prompt files that `greenprompt compare DIR`
reads unchanged (their lineage and figures in the front matter's metrics)."""

from __future__ import annotations

from pathlib import Path

from greenprompt.inputs.prompt_sets import dump_variant_file
from greenprompt.outputs.export import safe_filename
from greenprompt.outputs.export_folder import MANIFEST, manifest_text, write_folder
from greenprompt.records import GenerationParams, Variant
from greenprompt.records.optimize import Candidate, OptimizeResult


def winners(result: OptimizeResult) -> list[Candidate]:
    """The recommended prompt first, then every other candidate non-inferior on the
    held-out split (greenest first), then the baseline (unless it is the recommended one)."""
    passed = [c for c in result.candidates if c.test and c.test.verdict and c.test.verdict.get("non_inferior")]
    passed.sort(key=lambda c: c.test.energy_j if c.test.energy_j is not None else float("inf"))
    order = [result.candidate(result.recommended), *passed, result.candidate(result.baseline)]
    out: list[Candidate] = []
    for c in order:
        if c not in out:
            out.append(c)
    return out


def variant_of(c: Candidate) -> Variant:
    params = dict(c.params)
    params["stop"] = tuple(params.get("stop") or ())
    return Variant(name=c.name, template=c.template, system=c.system, params=GenerationParams(**params))


def _metrics(c: Candidate, result: OptimizeResult) -> dict:
    figures = {f"{split}_{k}": v for split, fig in (("dev", c.dev), ("test", c.test)) if fig
               for k, v in (("quality", fig.quality), ("energy_j", fig.energy_j))}
    return {"recommended": c.name == result.recommended, "baseline": c.name == result.baseline,
            "lineage": [s.to_dict() for s in c.lineage], **figures}


def export_winners(result: OptimizeResult, directory: str | Path) -> tuple[str, ...]:
    chosen = winners(result)
    width = max(2, len(str(len(chosen))))

    def write(out: Path) -> list[Path]:
        written = []
        for position, c in enumerate(chosen, 1):
            # the rank prefix keeps each file a variant file when the folder is read back
            path = out / f"{position:0{width}d}-{safe_filename(c.name)}.md"
            path.write_text(dump_variant_file(variant_of(c), _metrics(c, result)), encoding="utf-8")
            written.append(path)
        run_id = result.experiment.runs[-1] if result.experiment.runs else ""
        (out / MANIFEST).write_text(manifest_text(run_id, "optimize"), encoding="utf-8")
        return written

    return tuple(str(p) for p in write_folder(directory, write))
