"""Issue 13 item 7: `cascade:` in an experiment file takes the command line's SMALL,LARGE,
a list, or a prompt set's mapping (which failed as "{'small': ...: model file not found")."""

import pytest

from greenprompt.inputs.experiment_file import load_experiment
from greenprompt.records.errors import GreenPromptError

PAIR = "smollm2-135m,gemma3-270m"


def _values(tmp_path, text: str) -> dict:
    path = tmp_path / "exp.yaml"
    path.write_text("prompts: p.yaml\n" + text)
    return load_experiment(path).values


@pytest.mark.parametrize("text", [
    f"cascade: {PAIR}\n",
    "cascade: [smollm2-135m, gemma3-270m]\n",
    "cascade:\n  small: smollm2-135m\n  large: gemma3-270m\n",
])
def test_the_three_forms_name_the_same_pair(tmp_path, text):
    values = _values(tmp_path, text)
    assert values["cascade"] == PAIR and "escalate_when" not in values  # the default rule: invalid


def test_the_mapping_carries_the_rule_and_its_options(tmp_path):
    values = _values(tmp_path, "cascade: {small: smollm2-135m, large: gemma3-270m, escalate_when: low-confidence, threshold: -0.5}\n")
    assert (values["cascade"], values["escalate_when"], values["threshold"]) == (PAIR, "low-confidence", -0.5)
    assert _values(tmp_path, f"cascade: {PAIR}\nescalate_when: verifier\n")["escalate_when"] == "verifier"


@pytest.mark.parametrize("text, message", [
    ("cascade: 3\n", "'cascade' must be SMALL,LARGE, a list [SMALL, LARGE] or a mapping"),
    ("cascade: [smollm2-135m]\n", "'cascade' must be SMALL,LARGE, a list [SMALL, LARGE] or a mapping"),
    ("cascade: {small: smollm2-135m}\n", "cascade needs 'small' and 'large' models"),
    ("cascade: {small: a, large: b, escalate_when: sometimes}\n", "--escalate-when must be one of invalid, low-confidence, verifier"),
    ("cascade: {small: a, large: b, when: invalid}\n", "when"),
    ("cascade: {small: a, large: b, verifier: 'Correct? {{ answer }}'}\n", "'verifier' goes in the prompt set's cascade:"),
    ("escalate_when: invalid\ncascade: {small: a, large: b, escalate_when: verifier}\n", "escalate_when given both at the top"),
])
def test_bad_cascades_are_one_line(tmp_path, text, message):
    with pytest.raises(GreenPromptError, match=message.replace("[", r"\[").replace("]", r"\]")):
        _values(tmp_path, text)
