"""The optimize API on the fake backend: keywords and an experiment file's optimize:
section reach the search; the exported winners round-trip through compare unchanged."""

import json
import subprocess
import sys
from pathlib import Path

from greenprompt.api.compare import compare
from greenprompt.api.optimize import configure_optimize, optimize
from greenprompt.engine.local import LocalExecutor
from greenprompt.inputs.prompt_sets import load_prompt_set

from fakes import WORDY_PROMPTS, RamblingBackend, TokenMeter, write_reviews


def fake() -> LocalExecutor:
    return LocalExecutor(RamblingBackend, TokenMeter)


def test_exported_winners_round_trip_through_compare(tmp_path):
    (tmp_path / "p.yaml").write_text(WORDY_PROMPTS)
    data = write_reviews(tmp_path / "reviews.csv", 100)
    out, doc = tmp_path / "winners", tmp_path / "result.json"
    result = optimize(tmp_path / "p.yaml", dataset=data, scorer="exact", rounds=1, bootstrap=300,
                      export=out, json_file=doc, executor=fake())
    assert result.recommended != "wordy" and len(result.written) >= 2
    assert json.loads(doc.read_text()) == json.loads(json.dumps(result.to_dict()))

    read = load_prompt_set(out)
    assert read.variants[0].name == result.recommended and read.variants[-1].name == "wordy"
    for v in read.variants:
        c = result.candidate(v.name)
        assert (v.template, v.system) == (c.template, c.system)
        assert v.params.max_tokens == c.params["max_tokens"] and list(v.params.stop) == c.params["stop"]
    ran = compare(out, dataset=data, scorer="exact", bootstrap=0, executor=fake())
    assert {s.name for s in ran.variants} == {v.name for v in read.variants}
    winner = next(s for s in ran.variants if s.name == result.recommended)
    base = next(s for s in ran.variants if s.name == "wordy")
    assert winner.energy_j < 0.5 * base.energy_j and winner.quality == base.quality  # the cap kept every right answer


def test_the_experiment_files_optimize_section(tmp_path):
    (tmp_path / "p.yaml").write_text(WORDY_PROMPTS)
    exp = tmp_path / "exp.yaml"
    exp.write_text("prompts: p.yaml\ndataset: d.csv\nlimit: 40\nbudget: 7\nvolume: 100\n"
                   "optimize:\n  test_split: 0.4\n  rounds: 2\n  rewrites: [cap-output]\n  export: out\n")
    config, _ = configure_optimize(experiment=exp, given={"rounds": 1}, environ={})
    assert (config.test_split, config.rounds, config.rewrites, config.limit) == (0.4, 1, ("cap-output",), 40)
    assert config.budget is None  # the top-level budget is compare's
    assert config.export == str(Path(exp.parent / "out"))


def test_compare_reads_the_same_file_and_skips_the_optimize_section(tmp_path):
    from greenprompt.api.compare import configure

    (tmp_path / "p.yaml").write_text(WORDY_PROMPTS)
    exp = tmp_path / "exp.yaml"
    exp.write_text("prompts: p.yaml\nbudget: 7\noptimize:\n  budget: 500\n  export: out\n")
    config, _ = configure(experiment=exp, environ={})
    assert (config.budget, config.export) == (7, None)
    optimizing, _ = configure_optimize(experiment=exp, environ={})
    assert optimizing.budget == 500


def test_rewrites_as_one_string_in_the_file_are_names_not_letters(tmp_path):
    from greenprompt.optimizer.run import chosen_rewrites

    (tmp_path / "p.yaml").write_text(WORDY_PROMPTS)
    exp = tmp_path / "exp.yaml"
    exp.write_text("prompts: p.yaml\noptimize:\n  rewrites: cap-output, constrain\n")
    config, _ = configure_optimize(experiment=exp, environ={})
    assert chosen_rewrites(config.rewrites) == ("cap-output", "constrain")


def test_the_public_name_is_the_function_after_the_search_package_is_imported():
    # the search's subpackage was named greenprompt.optimize: once imported, the package attribute
    # `optimize` was that module, and `from greenprompt import optimize` was not callable
    code = ("import greenprompt.optimizer.run\n"
            "from greenprompt import optimize\n"
            "print(callable(optimize), optimize.__module__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "greenprompt.api.optimize"]
