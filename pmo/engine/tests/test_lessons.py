"""Lesson suggestions: the relevant lessons first, each with why; empty inputs give none."""

from pmo.engine.lessons import LessonFacts, LessonIndex, ProjectFacts, why

SUPPLIER = LessonFacts(
    1,
    "The supplier missed the data migration deadline; contract had no penalties",
    "supplier",
    10,
    "waterfall",
)
TRAINING = LessonFacts(2, "Staff training started too late before go-live", "resourcing", 20, "agile")
MIGRATION = LessonFacts(3, "Data migration trial runs found duplicate records", "technical", 10, "agile")
UNRELATED = LessonFacts(4, "Benefits owner left the organisation", "benefits", 30, "hybrid")
LIBRARY = LessonIndex([SUPPLIER, TRAINING, MIGRATION, UNRELATED])


def project(
    text: str, categories: frozenset[str] = frozenset(), department: int | None = None, methodology: str = ""
) -> ProjectFacts:
    return ProjectFacts(text, frozenset(categories), department, methodology)


def test_the_lessons_sharing_most_words_come_first_with_the_words_they_share() -> None:
    found = LIBRARY.suggest(project("Social care data migration to a new supplier"))

    assert [s.lesson_id for s in found] == [1, 3]
    assert "migration" in found[0].words and "supplier" in found[0].words
    assert (found[0].same_category, found[0].same_department, found[0].same_methodology) == ("", False, "")
    assert why(found[0]).startswith("Similar words: ")


def test_category_department_and_methodology_raise_a_lesson_and_are_given_as_reasons() -> None:
    found = LIBRARY.suggest(
        project("Data migration", frozenset({"technical"}), department=10, methodology="agile")
    )

    assert found[0].lesson_id == 3
    assert why(found[0], categories={"technical": "Technical work"}, methodologies={"agile": "Agile"}) == (
        "Similar words: data, migration; same category (Technical work); same department; "
        "same methodology (Agile)"
    )
    assert found[0].score > found[1].score


def test_a_shared_category_alone_suggests_a_lesson_but_a_department_alone_does_not() -> None:
    found = LIBRARY.suggest(project("Parking permits", frozenset({"benefits"}), department=20))

    assert [s.lesson_id for s in found] == [4]
    assert found[0].words == ()


def test_excluded_lessons_and_the_limit_are_respected() -> None:
    found = LIBRARY.suggest(project("data migration supplier training"), limit=1, exclude={1})

    assert len(found) == 1
    assert found[0].lesson_id != 1


def test_empty_inputs_give_no_suggestions() -> None:
    assert LessonIndex([]).suggest(project("data migration", frozenset({"supplier"}))) == []
    assert LIBRARY.suggest(project("")) == []
    only_stop_words = LessonIndex([LessonFacts(9, "the and of", "risk", None, "")])
    assert [s.lesson_id for s in only_stop_words.suggest(project("the", frozenset({"risk"})))] == [9]
    assert only_stop_words.suggest(project("the")) == []
