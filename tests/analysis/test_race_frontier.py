"""Racing agrees with its report: a variant dropped as dominated is never on the frontier.

The synthetic run: `one-word` and `terse` run together for 50 items (racing blocks of 10)
and `cheap` is a poor but very green variant. On items 0..49 `one-word` is better and
half the carbon of `terse`, so racing drops `terse` after 50 items; on items 50..58
(`terse` no longer runs) `one-word` meets noisy, expensive, failed items. Its means over 59
items then no longer dominate `terse`'s means over 50, so a frontier of point estimates
would star `terse` although racing dropped it as dominated.
"""

from dataclasses import replace

from greenprompt.analysis.analyze import AnalysisOptions, analyze
from greenprompt.analysis.pareto import dominates
from greenprompt.analysis.race import Drop, dominated_with_confidence
from greenprompt.outputs.terminal import dropped_lines

from fakes import gen

RACE = AnalysisOptions(strategy="race", race_confidence=0.95, race_margin=0.0, n_bootstrap=500)


def raced_run():
    gens, scores = [], []

    def add(variant, item, right, joules):
        gens.append(gen(variant, item, joules))
        scores.append(float(right))

    for item in range(59):
        noise = 0.05 * ((item * 7) % 5 - 2)  # deterministic ±0.1 J jitter
        if item < 50:
            one_word_right = item not in (0, 4, 8)
            terse_right = item < 40 and item % 4 != 0 or item in (0, 4, 8)
            add("one-word", item, one_word_right, 1.0 + noise)
            add("terse", item, terse_right, 2.0 + noise)
        else:  # after the drop: one-word fails, at ten times its cost
            add("one-word", item, False, 10.0 + noise)
        add("cheap", item, item % 10 < 3, 0.5 + noise)
    return gens, scores


def test_the_synthetic_case_is_what_it_claims():
    gens, scores = raced_run()
    names = ["one-word", "terse", "cheap"]
    before = [(g, s) for g, s in zip(gens, scores) if g.index < 40]
    at_50 = [(g, s) for g, s in zip(gens, scores) if g.index < 50]
    # not dominated at the check after 40 items, dominated at the one after 50
    assert dominated_with_confidence(names, *zip(*before), repeats=1, level=0.95) == {}
    assert dominated_with_confidence(names, *zip(*at_50), repeats=1, level=0.95) == {"terse": "one-word"}
    # the point estimates flip after the drop: one-word over 59 items no longer dominates terse over 50
    exhaustive = analyze(names, gens, scores, AnalysisOptions(n_bootstrap=0))
    by = {v.name: v for v in exhaustive.variants}
    assert not dominates((by["one-word"].quality, by["one-word"].gco2e), (by["terse"].quality, by["terse"].gco2e))


def test_a_dropped_variant_is_never_on_the_frontier():
    gens, scores = raced_run()
    analysis = analyze(["one-word", "terse", "cheap"], gens, scores, RACE)
    by = {v.name: v for v in analysis.variants}
    terse = by["terse"]
    assert not terse.on_frontier and not terse.knee
    assert terse.stats.p_frontier == 0.0
    assert sorted(v.name for v in analysis.variants if v.on_frontier) == ["cheap", "one-word"]
    assert terse.pareto_rank > max(v.pareto_rank for v in analysis.variants if v.name != "terse")
    assert analysis.variants[-1].name == "terse"
    assert (terse.dropped_at, terse.dropped_by) == (50, "one-word")
    assert by["one-word"].dropped_at is None and by["cheap"].dropped_at is None
    # terse's figures stay those of its own 50 items
    assert terse.n == 50 and terse.quality == 33 / 50


def test_a_dropped_variant_is_never_recommended():
    gens, scores = raced_run()
    analysis = analyze(["one-word", "terse", "cheap"], gens, scores, replace(RACE, min_quality=0.6))
    # terse (0.66 over its 50 items, cheaper than one-word's mean over 59) would be the greenest meeting 0.6
    assert analysis.recommended == "one-word"


def test_explicit_drops_are_used_as_given():
    gens, scores = raced_run()
    analysis = analyze(["one-word", "terse", "cheap"], gens, scores, RACE, dropped={"cheap": Drop("one-word", 59)})
    by = {v.name: v for v in analysis.variants}
    assert by["cheap"].dropped_by == "one-word" and by["cheap"].stats.p_frontier == 0.0
    assert by["terse"].dropped_at is None and by["terse"].on_frontier


def test_an_incomplete_variant_that_was_not_dominated_is_not_dropped():
    # a budget or an interruption cut the last item short: cheap lacks item 58
    gens, scores = raced_run()
    kept = [(g, s) for g, s in zip(gens, scores) if not (g.variant == "cheap" and g.index == 58)]
    analysis = analyze(["one-word", "terse", "cheap"], *map(list, zip(*kept)), RACE)
    assert analysis.get("cheap").dropped_at is None and analysis.get("cheap").on_frontier


def test_the_report_explains_a_drop_in_one_line():
    gens, scores = raced_run()
    analysis = analyze(["one-word", "terse", "cheap"], gens, scores, RACE)
    assert dropped_lines(analysis.variants, 0.95) == [
        "terse: dropped after 50 items, dominated with 95% confidence by one-word; "
        "not ranked on the frontier (figures over those items)"
    ]


def test_without_racing_nothing_is_dropped():
    gens, scores = raced_run()
    analysis = analyze(["one-word", "terse", "cheap"], gens, scores, AnalysisOptions(n_bootstrap=0))
    assert all(v.dropped_at is None for v in analysis.variants)
