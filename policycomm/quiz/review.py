"""Review the question bank alone, with Leitner boxes (spaced practice after a workshop).

Every question is a card. A new card is due at once. A right answer moves the
card up one box, a wrong one sends it back to box 1; the box says how many
days to wait before the card is due again (1, 2 and 7 days by default).
Progress is saved after every answer in a small JSON file
(``~/.policycomm/review.json`` by default, or ``$POLICYCOMM_REVIEW``),
written atomically. A corrupt file is kept as a dated backup and the review
starts afresh, with a note saying so; cards of questions no longer in the
bank are kept in the file but not shown.

>>> import tempfile, datetime
>>> from pathlib import Path
>>> deck = ReviewDeck(path=Path(tempfile.mkdtemp()) / "review.json")
>>> day = datetime.date(2026, 3, 2)
>>> first = deck.due(day)[0]
>>> deck.record(first.id, correct=True, today=day).box, deck.card(first.id).due.isoformat()
(2, '2026-03-04')
>>> first.id in [q.id for q in ReviewDeck(path=deck.path).due(day)]
False

In a notebook, ``review_deck()`` shows one due question at a time.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Iterable

from ..messages import message

INTERVALS = (1, 2, 7)
FORMAT = "policycomm-review"
VERSION = 1


def default_path() -> Path:
    """``$POLICYCOMM_REVIEW``, else ``~/.policycomm/review.json``."""
    return Path(os.environ.get("POLICYCOMM_REVIEW") or Path.home() / ".policycomm" / "review.json")


@dataclass
class Card:
    """The review state of one question."""

    box: int = 1
    due: date | None = None  # None: never reviewed, due now
    reviews: int = 0
    lapses: int = 0
    last_reviewed: date | None = None

    def to_json(self) -> dict:
        data = asdict(self)
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items()}

    @classmethod
    def from_json(cls, data) -> "Card":
        """Raise ValueError when ``data`` is not a card this module wrote."""
        if not isinstance(data, dict) or set(data) - {"box", "due", "reviews", "lapses", "last_reviewed"}:
            raise ValueError("not a card")
        dates = {k: date.fromisoformat(data[k]) if data.get(k) else None for k in ("due", "last_reviewed")}
        numbers = {k: data.get(k, default) for k, default in (("box", 1), ("reviews", 0), ("lapses", 0))}
        if not all(type(v) is int and v >= 0 for v in numbers.values()) or numbers["box"] < 1:
            raise ValueError("box, reviews and lapses must be whole numbers")
        return cls(**numbers, **dates)


class ReviewDeck:
    """Leitner review of ``questions`` (default: the whole bank), saved at ``path``.

    ``notes`` holds kind Vietnamese messages about the progress file (a
    corrupt file backed up, cards of removed questions ignored).
    """

    def __init__(self, questions: Iterable | None = None, path: str | os.PathLike | None = None,
                 intervals: Iterable[int] = INTERVALS):
        if questions is None:
            from .bank import load_bank

            questions = load_bank()
        self.questions = {q.id: q for q in questions}
        self.path = Path(path) if path is not None else default_path()
        self.intervals = tuple(int(days) for days in intervals)
        if not self.intervals or min(self.intervals) < 0:
            raise ValueError(f"intervals must be a non-empty list of days >= 0, not {intervals!r}")
        self.notes: list[str] = []
        self.cards: dict[str, Card] = {}
        self._changed: set[str] = set()  # cards answered here; saving keeps the file's version of the others
        self._backed_up: str | None = None  # the unreadable text already kept as a backup
        self._load()

    # ------------------------------------------------------------ file

    def _read_cards(self) -> dict:
        """The raw cards in the file ({} when there is none); an unreadable file is backed up, with a note."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except (FileNotFoundError, NotADirectoryError):
            return {}  # nothing saved yet (saving will say if the place cannot hold a file)
        except UnicodeDecodeError:
            return self._start_afresh(self.path.read_bytes().decode("utf-8", "replace"), "review_not_utf8")
        try:
            data = json.loads(text)
            if not (isinstance(data, dict) and data.get("format") == FORMAT and isinstance(data.get("cards"), dict)):
                raise ValueError("not a review file")
        except ValueError:
            return self._start_afresh(text, "review_broken_file")
        return data["cards"]

    def _load(self) -> None:
        broken, unknown = [], []
        for question_id, raw in self._read_cards().items():
            if question_id not in self.questions:
                unknown.append(question_id)  # kept in the file: saving starts from the file's cards
                continue
            try:
                card = Card.from_json(raw)
            except (ValueError, TypeError):
                broken.append(question_id)
                card = Card()
                self._changed.add(question_id)  # the next save replaces the broken entry (the backup keeps it)
            card.box = min(card.box, len(self.intervals))  # fewer boxes than when it was saved
            self.cards[question_id] = card
        if broken:
            backup = self._backup()
            self.notes.append(message("review_broken_cards", count=len(broken), ids=", ".join(broken[:5]),
                                      path=self.path, backup=backup))
        if unknown:
            shown = ", ".join(unknown[:5]) + (", …" if len(unknown) > 5 else "")
            self.notes.append(message("review_unknown_cards", count=len(unknown), ids=shown))

    def _backup(self) -> Path:
        backup = self.path.with_name(f"{self.path.name}.hong-{datetime.now():%Y%m%d-%H%M%S-%f}")
        shutil.copy2(self.path, backup)
        return backup

    def _start_afresh(self, text: str, why: str) -> dict:
        """Back the unreadable file up once and say so; ``why`` is the code of the reason."""
        if text != self._backed_up:
            self._backed_up = text
            backup = self._backup()
            self.notes.append(message("review_start_afresh", path=self.path, why=message(why), backup=backup))
        return {}

    def save(self) -> None:
        """Write the progress atomically (a temporary file, then ``os.replace``).

        The file is read again first and only the cards answered here replace
        its entries, so two notebooks reviewing at once keep each other's work.
        """
        cards = {**self._read_cards(), **{qid: self.cards[qid].to_json() for qid in self._changed}}
        data = {"format": FORMAT, "version": VERSION, "intervals": list(self.intervals), "cards": cards}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out, ensure_ascii=False, indent=1)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    # ------------------------------------------------------------ review

    def card(self, question_id: str) -> Card:
        """The card of a question (a new card if it was never reviewed)."""
        if question_id not in self.questions:
            raise KeyError(f"no question {question_id!r} in this review deck")
        return self.cards.get(question_id, Card())

    def due(self, today: date | None = None, module: str | None = None) -> list:
        """The questions to review on ``today`` (default: today), lowest box first, then the bank's order."""
        today = today or date.today()
        order = {qid: i for i, qid in enumerate(self.questions)}
        due = [qid for qid, question in self.questions.items()
               if (module is None or question.module == module)
               and (self.card(qid).due is None or self.card(qid).due <= today)]
        due.sort(key=lambda qid: (self.card(qid).box, self.card(qid).due or date.min, order[qid]))
        return [self.questions[qid] for qid in due]

    def next_due_date(self, module: str | None = None) -> date | None:
        """When the next card falls due (None if a card is new, so due now, or there are no questions)."""
        dates = [self.card(qid).due for qid, q in self.questions.items() if module is None or q.module == module]
        return None if not dates or None in dates else min(dates)

    def record(self, question_id: str, correct: bool, today: date | None = None) -> Card:
        """Move the card (up one box if ``correct``, else back to box 1), save, and return it."""
        today = today or date.today()
        previous, was_changed = self.cards.get(question_id), question_id in self._changed
        card = replace(self.card(question_id))  # a copy: memory changes only if the save succeeds
        card.box = min(card.box + 1, len(self.intervals)) if correct else 1
        card.lapses += 0 if correct else 1
        card.reviews += 1
        card.last_reviewed = today
        card.due = today + timedelta(days=self.intervals[card.box - 1])
        self.cards[question_id] = card
        self._changed.add(question_id)
        try:
            self.save()
        except OSError:
            if previous is None:
                del self.cards[question_id]
            else:
                self.cards[question_id] = previous
            if not was_changed:
                self._changed.discard(question_id)
            raise
        return card

    def answer(self, question_id: str, response, today: date | None = None) -> tuple[float, Card]:
        """Score ``response`` with :func:`~policycomm.quiz.scoring.score_response` (full marks = correct) and move the card."""
        from .scoring import score_response

        fraction = score_response(self.questions[question_id], response)
        return fraction, self.record(question_id, fraction >= 1, today)

    def boxes(self, module: str | None = None) -> dict[int, int]:
        """How many questions are in each box (new questions count in box 1)."""
        counts = dict.fromkeys(range(1, len(self.intervals) + 1), 0)
        for qid, question in self.questions.items():
            if module is None or question.module == module:
                counts[self.card(qid).box] += 1
        return counts


# ---------------------------------------------------------------- notebook widget

def _when(day: date, today: date) -> str:
    days = (day - today).days
    if days <= 0:
        return message("review_today")
    if days == 1:
        return message("review_tomorrow")
    return message("review_in_days", days=days, date=f"{day:%d/%m/%Y}")


class ReviewSession:
    """The notebook review: one due question at a time; displays as its ``box`` widget."""

    def __init__(self, deck: ReviewDeck, module: str | None = None, today: date | None = None):
        import ipywidgets as w

        self.deck, self.module, self.today = deck, module, today
        self.question_widget = None
        self.status = w.HTML()
        self.result = w.HTML()
        self.next_button = w.Button(description=message("review_next_button"), icon="arrow-right", layout=w.Layout(display="none"))
        self.next_button.on_click(lambda _: self.show_next())
        self.area = w.VBox()
        notes = [w.HTML(f"<div style='background:#fff8e1;padding:6px'>{_escape(note)}</div>") for note in deck.notes]
        self.box = w.VBox([*notes, self.status, self.area, self.result, self.next_button])
        self.box.add_class("policycomm-review")
        self.show_next()

    def _repr_mimebundle_(self, **kwargs):
        return self.box._repr_mimebundle_(**kwargs)

    def _today(self) -> date:
        return self.today or date.today()

    def _update_status(self) -> None:
        due = len(self.deck.due(self._today(), self.module))
        boxes = " · ".join(message("review_box_count", box=box, count=count)
                           for box, count in self.deck.boxes(self.module).items())
        self.status.value = (f"<b>{_escape(message('review_due_today', due=due))}</b> "
                             f"<span style='color:#555'>({_escape(boxes)})</span>")

    def show_next(self) -> None:
        """Show the next due question, or say when to come back."""
        from .widgets import QuestionWidget, _practice_view

        self._update_status()
        self.result.value = ""
        self.next_button.layout.display = "none"
        due = self.deck.due(self._today(), self.module)
        if not due:
            self.question_widget = None
            upcoming = self.deck.next_due_date(self.module)
            later = message("review_come_back", when=_when(upcoming, self._today())) if upcoming else ""
            self.area.children = [_html(_escape(message("review_done_today") + later))]
            return
        question = due[0]
        self.question_widget = QuestionWidget(_practice_view(question), None, "practice", question)
        self.question_widget.button.on_click(lambda _: self._after_check(question))
        self.area.children = [self.question_widget.box]

    def _after_check(self, question) -> None:
        """After "Kiểm tra": the feedback is shown by the question widget; move the card once."""
        response = self.question_widget.input.get()
        if response is None:
            return  # the widget already asks for an answer; nothing moves
        self.question_widget.button.disabled = True
        try:
            fraction, card = self.deck.answer(question.id, response, self._today())
        except OSError as error:
            failed = message("review_save_failed", path=self.deck.path, error=error.strerror or str(error))
            self.result.value = f"<span style='color:#b00'>{_escape(failed)}</span>"
            return
        moved = message("review_moved_up" if fraction >= 1 else "review_moved_back", box=card.box,
                        when=_when(card.due, self._today()))
        self.result.value = _escape(moved)
        self._update_status()
        self.next_button.layout.display = None


def _escape(text: str) -> str:
    from html import escape

    return escape(text)


def _html(text: str):
    import ipywidgets as w

    return w.HTML(text)


def review_deck(module: str | None = None, path: str | os.PathLike | None = None, today: date | None = None,
                questions: Iterable | None = None) -> ReviewSession:
    """Review due questions in a notebook (all modules, or one ``module`` such as ``"03"``).

    Progress is saved at ``path`` (default ``~/.policycomm/review.json``).
    """
    return ReviewSession(ReviewDeck(questions, path), module, today)
