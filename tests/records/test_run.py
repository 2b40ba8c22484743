"""The stored run records: one to_dict/from_dict each, equal after a trip through JSON."""

import json
from dataclasses import replace

from greenprompt.records import (
    AnalysisOptions,
    CarbonIntensity,
    CascadeSpec,
    DatasetInfo,
    EnergyModel,
    FootprintSegment,
    GenerationParams,
    JobRole,
    MeteredModel,
    ModelInfo,
    ModelSpec,
    NodePart,
    PromptSet,
    RunHeader,
    SegmentPart,
    Variant,
)
from greenprompt.records.config import Config

from fakes import gen


def _json(data):
    return json.loads(json.dumps(data))


def header(config=None) -> RunHeader:
    variants = (
        Variant("a@s", "{{ text }}", "sys", GenerationParams(8, 0.5, ("\n", "END")), "set.yaml", "s", "a"),
        Variant("a@l", "{{ text }}", None, GenerationParams(), "set.yaml", "l", "a"),
    )
    prompt_set = PromptSet(variants, "set.yaml", "exact", "label", "d.csv", None, "chat", (ModelSpec("m.gguf", "s"),),
                           CascadeSpec("s", "l", "low-confidence", -0.5, True, None))
    info = ModelInfo("/m/s.gguf", "ab" * 32, "S", 1000, "Q4_1", "llama", 135, True)
    energy = EnergyModel("estimated", "a power model", {"cpu_w_per_thread": 3.5, "notes": ["x"]})
    return RunHeader(
        "20261130-000000-abcdef", "2026-11-30T00:00:00+00:00", prompt_set, DatasetInfo("d.csv", 3, ("text", "label"), "label"),
        (MeteredModel("s", "chat", info, energy), MeteredModel("l", "completion", info, energy)), "exact",
        CarbonIntensity(475.0, "world average", 1.2), "standalone", AnalysisOptions(min_quality=0.5, n_bootstrap=10), config,
    )


def test_a_header_comes_back_from_its_stored_form():
    for config in (None, Config(prompts="set.yaml", models=(ModelSpec("m.gguf", "s"), "l.gguf"), limit=3, repeats=2)):
        h = header(config)
        assert RunHeader.from_dict(_json(h.to_dict())) == h
    assert h.variant_names == ["a@s", "a@l"] and h.models[1].run_model.mode == "completion"


def test_the_analysis_options_follow_the_config_names():
    options = AnalysisOptions.from_config(Config(prompts="p", bootstrap=7, volume=10.0, strategy="race", race_margin=0.1))
    assert (options.n_bootstrap, options.volume_per_day, options.strategy, options.race_margin) == (7, 10.0, "race", 0.1)


def test_a_segment_comes_back_and_an_unknown_energy_stays_unknown():
    segment = FootprintSegment(SegmentPart(1.5, 2.0), SegmentPart(0.0, 0.0), SegmentPart(0.25, None), SegmentPart(3.0, 1.0))
    data = _json(segment.to_dict())
    assert set(data) == {"model_load", "prefix_fill", "overhead", "idle", "nodes"} and data["nodes"] == []
    assert FootprintSegment.from_dict(data) == segment
    on_nodes = replace(segment, nodes=(NodePart("h", "n1", "cpu", idle=SegmentPart(2.0, None)),))
    assert FootprintSegment.from_dict(_json(on_nodes.to_dict())) == on_nodes


def test_a_verifier_call_is_written_out_with_its_old_name_and_read_back_with_its_role():
    from dataclasses import replace

    answer = gen("a@s", 2)
    check = replace(answer, role=JobRole.VERIFY)
    assert "role" not in answer.to_dict() and answer.to_dict()["variant"] == "a@s"
    assert check.to_dict()["variant"] == check.label == "a@s#verify"
    for g in (answer, check):
        assert type(g).from_dict(_json(g.to_dict())) == g
    # keys a later version may add are ignored, as the store always did
    assert type(answer).from_dict({**_json(answer.to_dict()), "future_field": 1}) == answer
