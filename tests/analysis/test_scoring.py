import pytest

from greenprompt.analysis.scoring import first_choice, first_number, get_scorer, scorer_names
from greenprompt.records.errors import GreenPromptError


def test_builtins_are_registered():
    assert {"exact", "contains", "regex", "choice", "numeric", "f1"} <= set(scorer_names())


@pytest.mark.parametrize(
    "spec, output, target, expected",
    [
        ("exact", "  Paris ", "Paris", 1.0),
        ("exact", "paris", "Paris", 0.0),
        ("contains", "The answer is PARIS.", "paris", 1.0),
        ("contains", "London", "Paris", 0.0),
        ("regex:^(yes|no)\\b", "Yes, it is", "yes", 1.0),
        ("regex:^(yes|no)\\b", "No.", "yes", 0.0),
        ("regex:\\d{4}", "in 1999", "whatever", 1.0),
        ("choice:1=positive,0=negative", "Negative, but a positive ending", "0", 1.0),
        ("choice:1=positive,0=negative", "positively great", "1", 0.0),
        ("choice:positive,negative", "It is positive.", "positive", 1.0),
        ("numeric", "The total is 1,234.0 dollars", "1234", 1.0),
        ("numeric:0.5", "about 3.4", "3", 1.0),
        ("numeric", "about 3.4", "3", 0.0),
        ("numeric", "no number here", "3", 0.0),
        ("f1", "the cat sat", "a cat sat down", 0.8),
        ("f1", "dog", "cat", 0.0),
    ],
)
def test_scores(spec, output, target, expected):
    assert get_scorer(spec)(output, target) == pytest.approx(expected)


def test_missing_target_scores_zero():
    assert get_scorer("contains")("anything", None) == 0.0


@pytest.mark.parametrize(
    "spec, message",
    [
        ("bleu", "unknown scorer"),
        ("regex:(", "invalid regular expression"),
        ("regex", "needs a pattern"),
        ("choice", "needs label words"),
        ("choice:=x", "is not LABEL=WORD"),
        ("numeric:abc", "tolerance must be a number"),
        ("exact:foo", "takes no argument"),
    ],
)
def test_bad_specs_are_clear_errors(spec, message):
    with pytest.raises(GreenPromptError, match=message):
        get_scorer(spec)


def test_first_choice_and_first_number_helpers():
    assert first_choice("no label", {"1": "positive"}) is None
    assert first_choice("NEGATIVE!", {"1": "positive", "0": "negative"}) == "0"
    assert first_number("x -2.5e1 y") == -25.0
