"""The one configuration record: precedence, environment parsing, names, to_dict/from_dict."""

import dataclasses

import pytest

from greenprompt.records import ModelSpec
from greenprompt.records.config import Config, EstimateConfig, env_values, resolve_config
from greenprompt.records.errors import GreenPromptError


def test_precedence_each_source_wins_where_it_should():
    """Command line/API keyword > experiment file > environment > default, per field."""
    given = {"prompts": "p.yaml", "limit": 1}
    from_file = {"limit": 2, "country": "FRA"}
    environ = {"GREENPROMPT_LIMIT": "3", "GREENPROMPT_COUNTRY": "DEU", "GREENPROMPT_PUE": "1.2"}
    c = resolve_config(Config, given, from_file, environ)
    assert c.limit == 1  # the keyword beats the file and the environment
    assert c.country == "FRA"  # the file beats the environment
    assert c.pue == 1.2  # the environment beats the default
    assert c.repeats == 1 and c.seed == 0  # nothing given: the default
    # an explicit None keyword is a value too: it clears what the file set
    assert resolve_config(Config, {**given, "country": None}, from_file, environ).country is None


def test_model_and_models_count_as_one_setting_per_source():
    environ = {"GREENPROMPT_MODEL": "a.gguf b.gguf"}
    assert resolve_config(Config, {"prompts": "p"}, {}, environ).models == ("a.gguf", "b.gguf")
    # the file's single `model` beats the environment's `--model` values
    assert resolve_config(Config, {"prompts": "p"}, {"model": "x.gguf"}, environ).models == ("x.gguf",)
    assert resolve_config(Config, {"prompts": "p", "models": ("y",)}, {"model": "x.gguf"}, {}).models == ("y",)


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("GREENPROMPT_LIMIT", "abc", "GREENPROMPT_LIMIT=abc: not a whole number"),
        ("GREENPROMPT_PUE", "high", "GREENPROMPT_PUE=high: not a number"),
        ("GREENPROMPT_NO_CACHE", "maybe", "GREENPROMPT_NO_CACHE=maybe: not true or false"),
    ],
)
def test_a_bad_environment_value_names_the_variable(name, value, message):
    with pytest.raises(GreenPromptError, match=message):
        env_values(Config, {name: value})


def test_a_bad_environment_value_is_moot_where_a_winning_source_sets_the_field():
    """GREENPROMPT_LIMIT=abc with --limit 2 (or a file's limit) is never read, so it is no error."""
    environ = {"GREENPROMPT_LIMIT": "abc", "GREENPROMPT_MODEL": "bad model"}
    assert resolve_config(Config, {"prompts": "p", "limit": 2, "models": ("y",)}, {}, environ).limit == 2
    assert resolve_config(Config, {"prompts": "p"}, {"limit": 3, "model": "x"}, environ).models == ("x",)
    with pytest.raises(GreenPromptError, match="GREENPROMPT_LIMIT=abc"):
        resolve_config(Config, {"prompts": "p"}, {}, environ)


def test_environment_values_are_parsed_by_field_type():
    values = env_values(
        Config,
        {
            "GREENPROMPT_NO_CACHE": "yes",
            "GREENPROMPT_CI_LEVEL": "0.9",
            "GREENPROMPT_SEED": "4",
            "GREENPROMPT_COUNTRY": "",
            "GREENPROMPT_N_CTX": "512",
        },
    )
    assert values == {"no_cache": True, "ci_level": 0.9, "seed": 4, "n_ctx": 512}  # an empty variable is unset


def test_unknown_keyword_names_the_closest_option():
    with pytest.raises(GreenPromptError, match="unexpected keyword argument 'limt'; did you mean 'limit'"):
        resolve_config(Config, {"prompts": "p", "limt": 2}, {}, {})


@pytest.mark.parametrize(
    "options, message",
    [
        ({"repeats": 0}, "--repeats must be at least 1, got 0"),
        ({"ci_level": 1.5}, "--ci-level must be between 0 and 1"),
        ({"mode": "poem"}, "--mode must be one of chat, completion, got 'poem'"),
        ({"n_ctx": 8}, "--n-ctx must be at least 16 tokens, got 8"),
        ({"serving": "standalone,standalone"}, "--serving 'standalone,standalone': give one or more"),
        ({"price_out": -1.0}, "--price-in and --price-out must be >= 0"),
        ({"max_regression": -1.0}, "--max-regression must be >= 0 percent"),
    ],
)
def test_validation_keeps_the_messages(options, message):
    with pytest.raises(GreenPromptError, match=message.replace("(", r"\(")):
        Config(prompts="p", **options).validate()
    with pytest.raises(GreenPromptError, match="no prompt set"):
        Config().validate()


def test_to_dict_is_json_and_from_dict_inverts_it():
    import json

    c = Config(prompts="p.yaml", models=("a.gguf", ModelSpec("b.gguf", "big", "chat")), check_variants=("v",), limit=3)
    d = json.loads(json.dumps(c.to_dict()))
    assert Config.from_dict(d) == c
    assert Config.from_dict({"prompts": "p"}) == Config(prompts="p")  # an older header: defaults fill in
    with pytest.raises(GreenPromptError, match="unknown option"):
        Config.from_dict({"prompts": "p", "colour": 1})
    e = EstimateConfig(prompts="p", calibration="r.json")
    assert EstimateConfig.from_dict(e.to_dict()) == e


def test_every_field_has_help_and_a_source():
    from greenprompt.records.config import meta

    for cls in (Config, EstimateConfig):
        for f in dataclasses.fields(cls):
            m = meta(f)
            assert m.help, f.name
            assert m.flag or m.key or m.argument, f"{f.name}: no flag, no file key"
