"""Plain data for the content catalog: categories, signals, frames and questions."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Signal:
    """Something a coach might notice, and the words in a dilemma that hint at it."""

    text: str
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    name: str
    key: str
    summary: str
    description: str
    signals: tuple[Signal, ...]
    examples: tuple[str, ...] = ()

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(word for signal in self.signals for word in signal.words)


@dataclass(frozen=True, slots=True)
class Frame:
    """A general questioning frame (kata, GROW, PDSA review, ...)."""

    id: str
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class Question:
    """A reflection question. Exactly one of ``category`` and ``frame`` is set
    for bank questions; questions written by coaches may have neither."""

    id: str
    text: str
    category: str | None = None
    frame: str | None = None
    custom: bool = False

    @property
    def source(self) -> str:
        return self.category or self.frame or "custom"


@dataclass(frozen=True, slots=True)
class Catalog:
    categories: tuple[Category, ...]
    frames: tuple[Frame, ...]
    questions: tuple[Question, ...]
    _by_id: dict[str, Question] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({q.id: q for q in self.questions})

    def category(self, category_id: str) -> Category:
        for category in self.categories:
            if category.id == category_id:
                return category
        raise KeyError(category_id)

    def frame(self, frame_id: str) -> Frame:
        for frame in self.frames:
            if frame.id == frame_id:
                return frame
        raise KeyError(frame_id)

    @property
    def category_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.categories)

    def question(self, question_id: str) -> Question | None:
        return self._by_id.get(question_id)

    def questions_for(self, category_id: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.category == category_id)

    def questions_in_frame(self, frame_id: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.frame == frame_id)

    def ordered_questions(
        self, primary: str | None = None, secondary: str | None = None
    ) -> tuple[Question, ...]:
        """The bank in the order a coach wants it: the chosen category's questions,
        then the secondary category's, then the general frames, then the rest."""
        order: list[Question] = []
        for category_id in (primary, secondary):
            if category_id:
                order.extend(q for q in self.questions_for(category_id) if q not in order)
        for frame in self.frames:
            order.extend(self.questions_in_frame(frame.id))
        order.extend(q for q in self.questions if q not in order)
        return tuple(order)
