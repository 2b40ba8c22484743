from greenprompt.analysis.pareto import cheapest_meeting, dominates, knee, pareto_ranks


def test_dominance_needs_one_strict_improvement():
    assert dominates((0.9, 1.0), (0.8, 1.0))
    assert dominates((0.8, 0.5), (0.8, 1.0))
    assert not dominates((0.8, 1.0), (0.8, 1.0))
    assert not dominates((0.9, 2.0), (0.8, 1.0))


def test_ranks_peel_successive_fronts():
    points = [(0.9, 3.0), (0.5, 1.0), (0.8, 3.5), (0.4, 2.0), (0.3, 4.0)]
    assert pareto_ranks(points) == [1, 1, 2, 2, 3]


def test_exact_ties_share_a_rank():
    points = [(0.7, 1.0), (0.7, 1.0), (0.6, 2.0)]
    assert pareto_ranks(points) == [1, 1, 2]


def test_unknown_cost_never_dominates_a_known_one():
    points = [(0.9, None), (0.9, 1.0)]
    assert pareto_ranks(points) == [2, 1]
    assert pareto_ranks([(0.95, None), (0.9, 1.0)]) == [1, 1]


def test_knee_is_the_best_tradeoff_on_the_frontier():
    # A cheap poor point, a knee that gets most of the quality cheaply, an expensive best one.
    points = [(0.2, 1.0), (0.85, 2.0), (0.9, 10.0), (0.5, 9.0)]
    ranks = pareto_ranks(points)
    assert ranks == [1, 1, 1, 2]
    assert knee(points, ranks) == 1


def test_knee_with_two_points_prefers_the_greener_and_none_without_costs():
    points = [(0.9, 2.0), (0.5, 1.0)]
    assert knee(points, pareto_ranks(points)) == 1
    assert knee([(0.5, None)], [1]) is None


def test_cheapest_meeting_target():
    points = [(0.9, 3.0), (0.8, 1.0), (0.6, 0.5), (0.8, 1.0)]
    assert cheapest_meeting(points, 0.75) == 1
    assert cheapest_meeting(points, 0.5) == 2
    assert cheapest_meeting(points, 0.95) is None
