"""Bad `--hosted` inputs are refused in one line before any generation: an unknown provider
or model names the closest ones EcoLogits knows, a zone it has no mix for, --frontier-on
on a model not projected, and EcoLogits not installed says how to install it."""

import sys

import pytest

from greenprompt.inputs.hosted_models import check_hosted
from greenprompt.records.errors import GreenPromptError


def _refused(*args) -> str:
    with pytest.raises(GreenPromptError) as e:
        check_hosted(*args)
    message = str(e.value)
    assert "\n" not in message
    return message


def test_an_unknown_model_names_the_closest_known_ones():
    message = _refused(("openai/gpt-4o-mni",), None, None)
    assert "knows no openai model 'gpt-4o-mni'" in message and "openai/gpt-4o-mini" in message.split("closest:")[1]


def test_an_unknown_provider_names_the_closest_known_ones():
    message = _refused(("openia/gpt-4o",), None, None)
    assert "no provider 'openia'" in message and message.split("closest:")[1].lstrip().startswith("openai")


def test_a_zone_without_a_mix_and_a_malformed_spec_are_refused():
    assert "--hosted-zone XXQ" in _refused(("openai/gpt-4o",), "XXQ", None)
    assert "give PROVIDER/MODEL" in _refused(("gpt-4o",), None, None)
    assert "give local or hosted:PROVIDER/MODEL" in _refused(("openai/gpt-4o",), None, "gpt-4o")


def test_frontier_on_needs_the_model_among_the_hosted_ones():
    assert "needs --hosted openai/gpt-4 too" in _refused(("openai/gpt-4o",), None, "hosted:openai/gpt-4")
    check_hosted(("openai/gpt-4o", "anthropic/claude-haiku-4-5"), "fra", "hosted:openai/gpt-4o")  # all known: no error
    check_hosted((), None, "local")


def test_without_ecologits_one_line_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "ecologits.tracers", None)  # `from ecologits.tracers import ...` now fails
    message = _refused(("openai/gpt-4o",), None, None)
    assert "not installed" in message and "greenprompt-cli[hosted]" in message
    check_hosted((), None, None)  # nothing hosted: EcoLogits is never needed
