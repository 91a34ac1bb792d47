"""Health check scores (pure: no database)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmo.engine.health import Answered, check_score, weakest_areas


def test_areas_and_overall_are_percent_of_the_maximum_answered():
    # Given planning 4 and 2 of 4, RAID 1 of 4 and one RAID question unanswered
    answers = [Answered("Planning", 4), Answered("Planning", 2), Answered("RAID", 1), Answered("RAID", None)]

    score = check_score(answers, 4)

    planning, raid = score.areas
    assert (planning.name, planning.percent, planning.unanswered) == ("Planning", 75.0, 0)
    # the unanswered question is stated, not counted as zero
    assert (raid.percent, raid.answered, raid.unanswered) == (25.0, 1, 1)
    assert (score.overall.percent, score.overall.answered, score.overall.unanswered) == (58.3, 3, 1)


def test_an_area_with_no_answer_has_no_score_not_zero():
    score = check_score([Answered("Finance", None), Answered("Quality", 0)], 4)

    assert [a.percent for a in score.areas] == [None, 0.0]
    assert score.overall.percent == 0.0


def test_a_score_outside_the_scale_is_refused():
    with pytest.raises(ValueError, match="A score of 5 is outside the scale 0–4"):
        check_score([Answered("Planning", 5)], 4)


@given(st.lists(st.tuples(st.sampled_from("ABC"), st.none() | st.integers(0, 4)), max_size=30))
def test_scores_stay_between_0_and_100_and_count_every_question(raw):
    score = check_score([Answered(area, s) for area, s in raw], 4)

    assert score.overall.questions == len(raw)
    for part in (*score.areas, score.overall):
        assert part.percent is None or 0 <= part.percent <= 100


def test_weakest_areas_come_first_with_their_lowest_projects():
    latest = {
        "WEB": {"Planning": 50.0, "RAID": 90.0},
        "HR": {"Planning": 25.0, "RAID": None},
        "CRM": {"Planning": 75.0, "RAID": 70.0},
    }

    weak = weakest_areas(latest, lowest=2)

    assert [(w.area, w.average, w.projects) for w in weak] == [("Planning", 50.0, 3), ("RAID", 80.0, 2)]
    assert weak[0].lowest == (("HR", 25.0), ("WEB", 50.0))
