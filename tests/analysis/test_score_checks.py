"""Issue 13 item 7: scores that say nothing are warned about, with a hint (pure logic)."""

from greenprompt.analysis.score_checks import score_warnings

TARGETS = ["positive", "negative", "positive"]


def test_a_choice_label_set_no_target_is_in():
    (warning,) = score_warnings("choice:yes,no", TARGETS, [0.0, 0.0, 0.0])
    assert warning.startswith("no target is a label of scorer choice:yes,no (labels: yes, no; targets: negative, positive)")
    assert "--scorer choice:negative,positive" in warning
    # labels mapped to words: the labels are what targets must be
    assert score_warnings("choice:1=positive,0=negative", ["1", "0"], [0.0, 1.0]) == ()
    assert score_warnings("choice:1=positive,0=negative", TARGETS, [0.0, 0.0, 0.0])[0].startswith("no target is a label")


def test_every_answer_scoring_zero():
    (warning,) = score_warnings("exact", ["Paris is the capital of France.", "A spider has eight legs."], [0.0, 0.0])
    assert "scores 0 with scorer exact (the default scorer" in warning
    assert "--scorer contains" in warning and "--scorer f1" in warning and "choice:" not in warning
    (labels,) = score_warnings("exact", TARGETS, [0.0, 0.0, 0.0])
    assert "--scorer choice:negative,positive" in labels
    assert "default" not in score_warnings("contains", TARGETS, [0.0, 0.0, 0.0])[0]


def test_no_warning_when_the_scores_can_say_something():
    assert score_warnings("choice:positive,negative", TARGETS, [0.0, 1.0, 0.0]) == ()
    assert score_warnings("choice:positive,negative", TARGETS, [0.0, 0.0, 0.0])[0].startswith("every answer")
    assert score_warnings("exact", TARGETS, []) == ()  # every generation failed: nothing was scored
    assert score_warnings("exact", [None, None], []) == ()  # no references at all
