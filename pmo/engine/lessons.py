"""Lessons learned: which lessons fit a project, and why.

A ``LessonIndex`` is fitted once over the library (TF-IDF of each lesson's words, by
scikit-learn's ``TfidfVectorizer``) and then answers a project's question in milliseconds: the
cosine similarity of the project's words with every lesson's, plus a bonus for the same category
as one of the project's concerns, the same department and the same methodology. Each suggestion
says why (ADR 0059). Pure: no Django, no database."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

# How much each shared trait adds to the text similarity (a cosine, 0 to 1).
CATEGORY_WEIGHT = 0.3
DEPARTMENT_WEIGHT = 0.15
METHODOLOGY_WEIGHT = 0.1
WORDS_SHOWN = 4
# A lesson must share this much text, or its category, to be suggested: department and
# methodology alone would suggest every lesson of a department.
MIN_SIMILARITY = 0.05


@dataclass(frozen=True)
class LessonFacts:
    """What a lesson is judged on: its words, category, department and methodology."""

    id: int
    text: str
    category: str
    department_id: int | None
    methodology: str


@dataclass(frozen=True)
class ProjectFacts:
    """What a project is judged on: its words (name, description, stage, open RAID items), the
    lesson categories its concerns fall in, its department and methodology."""

    text: str
    categories: frozenset[str]
    department_id: int | None
    methodology: str


@dataclass(frozen=True)
class Suggestion:
    """A lesson that fits, how well (``score``) and why: the words it shares with the project,
    the category and methodology it shares (their codes, "" if none), the same department."""

    lesson_id: int
    score: float
    similarity: float
    words: tuple[str, ...]
    same_category: str = ""
    same_department: bool = False
    same_methodology: str = ""


class LessonIndex:
    """The library fitted for suggestions; ``suggest`` ranks its lessons for one project."""

    def __init__(self, lessons: Sequence[LessonFacts]) -> None:
        # Imported here: scikit-learn (with SciPy) takes 0.8 s to import, and every `pmo` process
        # (the worker, each command) would pay it at start-up for the few that fit an index.
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.ids = np.array([lesson.id for lesson in lessons], dtype=np.int64)
        self.categories = np.array([lesson.category for lesson in lessons], dtype=object)
        self.departments = np.array([lesson.department_id or -1 for lesson in lessons], dtype=np.int64)
        self.methodologies = np.array([lesson.methodology for lesson in lessons], dtype=object)
        self.vectorizer: TfidfVectorizer | None = TfidfVectorizer(
            stop_words="english", sublinear_tf=True, dtype=np.float32
        )
        try:
            self.matrix = self.vectorizer.fit_transform([lesson.text for lesson in lessons])
        except ValueError:  # no lessons, or none with a word that is not a stop word
            self.vectorizer = None
        self.vocabulary = self.vectorizer.get_feature_names_out() if self.vectorizer else np.array([])

    def __len__(self) -> int:
        return len(self.ids)

    def suggest(
        self, project: ProjectFacts, *, limit: int = 10, exclude: Iterable[int] = ()
    ) -> list[Suggestion]:
        """The ``limit`` lessons that fit ``project`` best, best first (``exclude``: lessons not
        to suggest, such as its own and those it applied)."""
        if not len(self.ids):
            return []
        if self.vectorizer is not None and project.text.strip():
            query = self.vectorizer.transform([project.text])
            similarity = np.asarray((self.matrix @ query.T).todense()).ravel()
        else:
            query = None
            similarity = np.zeros(len(self.ids), dtype=np.float32)
        same_category = np.isin(self.categories, list(project.categories))
        same_department = self.departments == (project.department_id or -2)
        same_methodology = self.methodologies == project.methodology
        score = (
            similarity
            + CATEGORY_WEIGHT * same_category
            + DEPARTMENT_WEIGHT * same_department
            + METHODOLOGY_WEIGHT * same_methodology
        )
        eligible = (similarity >= MIN_SIMILARITY) | same_category
        excluded = np.isin(self.ids, list(exclude))
        score = np.where(eligible & ~excluded, score, -1.0)
        count = min(limit, int((score >= 0).sum()))
        if count <= 0:
            return []
        top = np.argpartition(-score, count - 1)[:count]
        top = top[np.lexsort((self.ids[top], -score[top]))]
        return [
            Suggestion(
                lesson_id=int(self.ids[i]),
                score=round(float(score[i]), 4),
                similarity=round(float(similarity[i]), 4),
                words=self._shared_words(i, query),
                same_category=str(self.categories[i]) if same_category[i] else "",
                same_department=bool(same_department[i]),
                same_methodology=str(self.methodologies[i]) if same_methodology[i] else "",
            )
            for i in top
        ]

    def _shared_words(self, i: int, query: object) -> tuple[str, ...]:
        """The words the lesson and the project share that weigh most in both."""
        if query is None:
            return ()
        row = self.matrix.getrow(i).multiply(query)
        if not row.nnz:
            return ()
        columns, weights = row.indices, row.data
        order = np.lexsort((columns, -weights))[:WORDS_SHOWN]
        return tuple(str(self.vocabulary[columns[k]]) for k in order)


def why(
    suggestion: Suggestion,
    *,
    categories: Mapping[str, str] | None = None,
    methodologies: Mapping[str, str] | None = None,
) -> str:
    """A suggestion's reasons in one sentence, the category and methodology by the labels given
    for their codes: "Similar words: supplier, contract; same category (Supplier and commercial)"."""
    parts = []
    if suggestion.words:
        parts.append("similar words: " + ", ".join(suggestion.words))
    if suggestion.same_category:
        label = (categories or {}).get(suggestion.same_category, suggestion.same_category)
        parts.append(f"same category ({label})")
    if suggestion.same_department:
        parts.append("same department")
    if suggestion.same_methodology:
        label = (methodologies or {}).get(suggestion.same_methodology, suggestion.same_methodology)
        parts.append(f"same methodology ({label})")
    sentence = "; ".join(parts)
    return sentence[:1].upper() + sentence[1:]
