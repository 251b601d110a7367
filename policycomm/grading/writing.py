"""Writing exercises: a rubric per exercise (data), automatic partial credit and findings in Vietnamese.

Each exercise (a press release, a commune-radio item, a correction post, …) has
a rubric file in ``policycomm/data/rubrics/writing/<id>.yaml``: its scenario
and starting template (what the trainee reads), the criteria that rules can
check (what earns the automatic points), and the lecturer's mark scheme for
the quality part. Criteria are of six kinds:

``elements``
    what the text must contain: each element has a label (what the trainee
    reads), phrases or named patterns (``@date``, ``@phone``, ``@url``,
    ``@go_to_place`` of :data:`policycomm.text.PATTERNS`) matched as whole
    words after :func:`~policycomm.text.normalize_vi` (without accents when
    the trainee typed without them), and how many ``times`` it must appear
    (a radio item repeats its key fact). Points in proportion to what is
    present.
``avoid``
    what must not be there (a promise no one can keep, an insult); each one
    found costs ``per_finding`` (default: all the criterion's points).
``message``
    finding codes of :func:`policycomm.text.check_message` (unexplained
    abbreviations, sentences too long, …), each costing ``per_finding``.
``length``
    the length in words, or the airtime in seconds at the exercise's reading
    speed (:mod:`policycomm.model.radio`).
``sections``
    headings that must come in order, each followed by some of the trainee's
    own words (the administrative format of a plan).
``spoken``
    spoken style: no abbreviation to read aloud, no brackets, no sentence
    longer than ``max_sentence_words``; each problem costs ``per_finding``.

**Each trainee has their own variant** of the scenario: the rubric's
``variants`` lists parameters (the province, the hotline, the figures …), each
with its values, and its texts, cues and labels name them as placeholders
(``{tinh}``, ``{tinh:upper}``, ``{duong_day[so]}``); :func:`load_writing` fills
them with the values :mod:`policycomm.model.variants` draws for the trainee,
by default the one this kernel works for (the trainee in their own kernel, the
student being graded under ``nbgrader autograde`` or ``policycomm grade``).
Criteria that look for a fact of the scenario (the hotline number) so look for
the trainee's own.

**Gaming** is defined and scored the same way for every exercise (the
rubric's ``integrity`` sets the numbers):

- the *own words* are those of the trainee's sentences minus the ones copied
  from the template, the scenario or the review's own advice (the same
  sentence, or 70 % of its word triples), minus repeated sentences and the
  template's ``[…]`` placeholders; the criteria read the own sentences and
  the sentences restated from the scenario or the advice, never the
  template's sentences (a heading of the template still opens a section,
  whose content must be the trainee's own);
- an empty text, or one with fewer than ``min_own_words`` own words (the
  template pasted unchanged, the scenario copied), earns 0;
- when less than ``min_own_share`` of the words are the trainee's own, or the
  text is *stuffed* (more than ``max_cue_share`` of its own words are cue
  phrases of the rubric, or most of it is short lines that are nothing but
  cues), it earns at most ``cap`` (a quarter) of the automatic points.

The quality part (is the headline good, is the tone right) is the lecturer's,
with the exercise's mark scheme, which lives in the course folder (``course/mark-schemes/<id>.yaml``), not
in this package a trainee's kernel imports: :func:`mark_scheme_markdown` renders it for the
``=== BEGIN MARK SCHEME ===`` region of the nbgrader task cell where the lecturer
grades it (``course/README.md``); nothing here shows it to a trainee.

In a notebook: the answer cell ``forms.writing("m04-cau-8", review="press-release")``
shows the template, and a "Xem nhận xét" button lists what is present (✔),
missing (✗) and to fix (⚠); the hidden test
``score_writing("press-release", forms.answer("m04-cau-8"))`` prints the same
lines with the automatic points and returns them (nbgrader's partial credit).

>>> result = assess_writing("press-release", "")
>>> result.points, result.max_points
(0.0, 6.0)
>>> print(result.notes[0])
✗ Anh/chị chưa viết bài: hãy viết vào khung trả lời, bắt đầu từ khung mẫu.
>>> assess_writing("press-release", load_writing("press-release").template).points
0.0
"""
from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..messages import get_language, message
from .rubric import (
    RUBRIC_DIR, CriterionScore, Rubric, RubricError, _round_down, filled, read_rubric_file, rubric_path, trainee_choice,
)

__all__ = ["WRITING_DIR", "load_writing", "writing_exercises", "assess_writing", "review_writing",
           "score_writing", "check_writing", "load_mark_scheme", "mark_scheme_markdown", "WritingScore", "Note"]

WRITING_DIR = RUBRIC_DIR / "writing"
KINDS = ("elements", "avoid", "message", "length", "sections", "spoken")
#: a placeholder of a template: text in square brackets, left for the trainee to replace
PLACEHOLDER = re.compile(r"\[[^\[\]\n]*\]")
_WORD = re.compile(r"[^\W_]+")
_OWN_SHARE_OF_A_COPY = 0.7  # a sentence sharing this share of its word triples with a source is a copy
_CUE_LINE_SHARE = 0.6  # a short line whose words are this much cue is a line of keywords
_CUE_LINE_WORDS = 8


# ---------------------------------------------------------------- the rubric as data

def _models():
    """The pydantic models of a writing rubric (pydantic is imported only when a rubric is read)."""
    from typing import Literal

    from pydantic import Field, model_validator

    from ..model.schema import Strict, Text, Varied

    class Element(Strict):
        label: Text = Field(description="what the trainee reads: the thing present or missing")
        any: list[str] = Field(min_length=1, description="phrases or @patterns")
        times: int = Field(default=1, ge=1, description="how often it must appear")

    class Range(Strict):
        min: float = Field(ge=0)
        max: float = Field(gt=0)

        @model_validator(mode="after")
        def _ordered(self):
            if self.min > self.max:
                raise ValueError("'min' must not be above 'max'")
            return self

    fields_of = {"elements": {"elements", "after"}, "avoid": {"elements", "per_finding"},
                 "message": {"findings", "per_finding"}, "length": {"words", "seconds", "words_per_minute", "until"},
                 "sections": {"elements", "min_words"}, "spoken": {"max_sentence_words", "per_finding", "until"}}

    class Criterion(Strict):
        id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
        kind: Literal[KINDS]  # type: ignore[valid-type]
        points: float = Field(gt=0)
        title: Text
        advice: Text = Field(description="what to do when the criterion is not met in full")
        elements: list[Element] = Field(default_factory=list)
        findings: list[str] = Field(default_factory=list, description="codes of policycomm.text.check_message")
        per_finding: float | None = Field(default=None, gt=0)
        words: Range | None = None
        seconds: Range | None = None
        words_per_minute: float | None = Field(default=None, gt=0)
        min_words: int = Field(default=8, ge=1, description="own words a section needs under its heading")
        max_sentence_words: int = Field(default=25, ge=5)
        until: list[str] = Field(default_factory=list, description="phrases of the line where the part read "
                                 "aloud ends (a plan written after a radio script)")
        after: list[str] = Field(default_factory=list, description="phrases of the line where the part to "
                                 "search starts (the plan after a radio script)")

        @model_validator(mode="after")
        def _fields_of_kind(self):
            given = {name for name in self.model_fields_set if name in set().union(*fields_of.values())}
            extra = given - fields_of[self.kind]
            if extra:
                raise ValueError(f"a '{self.kind}' criterion takes no {', '.join(sorted(extra))}")
            if self.kind in ("elements", "avoid", "sections") and not self.elements:
                raise ValueError(f"a '{self.kind}' criterion needs 'elements'")
            if self.kind == "message" and not self.findings:
                raise ValueError("a 'message' criterion needs 'findings'")
            if self.kind == "length" and (self.words is None) == (self.seconds is None):
                raise ValueError("a 'length' criterion needs either 'words' or 'seconds' (with 'words_per_minute')")
            if self.seconds is not None and self.words_per_minute is None:
                raise ValueError("'seconds' needs 'words_per_minute', the reading speed the exercise states")
            return self

    class Integrity(Strict):
        min_own_words: int = Field(default=40, ge=1)
        min_own_share: float = Field(default=0.6, ge=0, le=1)
        cap: float = Field(default=0.25, ge=0, le=1)
        max_cue_share: float = Field(default=0.4, gt=0, le=1)

    class MarkItem(Strict):
        points: float = Field(gt=0)
        vi: str = Field(min_length=1)
        en: str = Field(min_length=1)

    class MarkScheme(Strict):
        points: float = Field(gt=0)
        items: list[MarkItem] = Field(min_length=1)

        @model_validator(mode="after")
        def _adds_up(self):
            total = sum(item.points for item in self.items)
            if abs(total - self.points) > 1e-9:
                raise ValueError(f"the items add up to {total:g} points, not {self.points:g}")
            return self

    class Header(Varied):
        id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
        title: Text
        module: str = Field(pattern=r"^\d\d-[a-z0-9-]+$", description="the course module the exercise fits")
        step: float = Field(default=0.5, gt=0)
        limit: int | None = Field(default=None, gt=0, description="the most words the form asks for")
        scenario: Text
        template: str = Field(min_length=1)
        integrity: Integrity = Field(default_factory=Integrity)

    return Criterion, Header, MarkScheme


@dataclass(frozen=True, kw_only=True)
class WritingRubric(Rubric):
    """A validated writing rubric: a :class:`~policycomm.grading.rubric.Rubric` (whose ``max_points`` are the
    automatic points) with the exercise's module, template, integrity rules and the values of the trainee's
    ``variant`` ({parameter: value}) that fill it. The lecturer's mark scheme is not here: :func:`load_mark_scheme`."""

    module: str
    limit: int | None
    template: str
    integrity: object


def writing_exercises() -> list[str]:
    """The ids of the writing exercises, from the rubric files.

    >>> "press-release" in writing_exercises()
    True
    """
    return sorted(path.stem for path in WRITING_DIR.glob("*.yaml"))


def load_writing(name: str | os.PathLike, trainee: str | None = None) -> WritingRubric:
    """Read and validate a writing rubric (an id or a path), filled with ``trainee``'s variant of its scenario
    (:mod:`policycomm.model.variants`; by default the trainee this kernel works for,
    :func:`~policycomm.model.variants.trainee_id`). A broken rubric raises :class:`RubricError`."""
    path = rubric_path(name, WRITING_DIR)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        raise RubricError(f"{path}: writing rubric not found; they live in {WRITING_DIR} "
                          f"({', '.join(writing_exercises())})") from None
    raw, parameters = read_rubric_file(path, stamp)
    return _load(path, stamp, trainee_choice(parameters, str(raw.get("module", "")), path.stem, trainee))


@lru_cache(maxsize=64)
def _load(path: Path, stamp: int, choice: tuple[int, ...]) -> WritingRubric:
    """The rubric of ``path`` filled with the values of its parameters at the indices ``choice``."""
    from ..messages import catalogue
    from ..text import PATTERNS
    from ..yamlfile import LINE_KEY, validate, validate_list

    raw, values = filled(*read_rubric_file(path, stamp), choice)
    Criterion, Header, _ = _models()
    header, problems = validate(Header, {k: v for k, v in raw.items() if k != "criteria"}, path)
    criteria, more = validate_list(Criterion, raw, "criteria", path)
    problems = [str(p) for p in problems + more]
    seen = set()
    for item, criterion in zip([i for i in raw.get("criteria") or [] if isinstance(i, dict)], criteria):
        where = f"{path}:{item.get(LINE_KEY, '?')}: entry {criterion.id!r}"
        if criterion.id in seen:
            problems.append(f"{where}, field 'id': appears twice; ids must be unique")
        seen.add(criterion.id)
        for code in criterion.findings:
            if not code.startswith("msg_") or code not in catalogue():
                problems.append(f"{where}, field 'findings': unknown code {code!r}; use the codes of "
                                "policycomm.text.check_message (msg_… in policycomm/messages/text.yaml)")
        for element in criterion.elements:
            for cue in element.any:
                if cue.startswith("@") and cue[1:] not in PATTERNS:
                    problems.append(f"{where}, field 'elements': unknown pattern {cue!r}; "
                                    f"known: {', '.join('@' + name for name in PATTERNS)}")
    if header is not None and header.id != path.stem:
        problems.append(f"{path}:{raw.get(LINE_KEY, 1)}: field 'id': {header.id!r} differs from the file name "
                        f"{path.stem!r}; keep them equal")
    if problems:
        raise RubricError("\n".join(problems))
    compiled = tuple(_Compiled(c, tuple(_cue_pattern(e.any) for e in c.elements),
                               _cue_pattern(c.until) if c.until else None,
                               _cue_pattern(c.after) if c.after else None) for c in criteria)
    return WritingRubric(path=path, id=header.id, title=header.title, step=header.step, scenario=header.scenario,
                         criteria=compiled, module=header.module, limit=header.limit, template=header.template,
                         integrity=header.integrity, variant=values)


@dataclass(frozen=True)
class _Compiled:
    """A criterion and one pattern per element (on text normalised without accents)."""

    rule: object
    patterns: tuple
    end: "_Cue | None" = None
    start: "_Cue | None" = None

    def __getattr__(self, name):
        return getattr(self.rule, name)


def _strip(text: str) -> str:
    """``text`` without accents (đ as d), keeping everything else (a regular expression stays one)."""
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch)) \
        .replace("đ", "d").replace("Đ", "D")


@dataclass(frozen=True)
class _Cue:
    """Phrases and @patterns as one pattern on text with accents and one on text without (``on``)."""

    accented: re.Pattern
    bare: re.Pattern

    def on(self, accents: bool) -> re.Pattern:
        return self.accented if accents else self.bare


def _cue_pattern(cues: list[str]) -> _Cue:
    from ..text import PATTERNS, normalize_vi

    def one(cue: str, accents: bool) -> str:
        if cue.startswith("@"):
            return PATTERNS[cue[1:]] if accents else _strip(PATTERNS[cue[1:]])
        return r"\s+".join(map(re.escape, normalize_vi(cue, accents=accents).split()))

    def compiled(accents: bool) -> re.Pattern:
        parts = sorted((one(cue, accents) for cue in cues), key=len, reverse=True)
        return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)")

    return _Cue(compiled(True), compiled(False))


# ---------------------------------------------------------------- what is the trainee's own text

@lru_cache(maxsize=4096)  # a trainee reviewing a draft sends the same sentences again and again
def _plain(text: str, accents: bool = False) -> str:
    from ..text import normalize_vi

    return normalize_vi(text, accents=accents)


def _has_accents(text: str) -> bool:
    """Whether ``text`` is typed with Vietnamese accents; a text typed without them is matched without.

    >>> _has_accents("Từ ngày 01/3"), _has_accents("Tu ngay 01/3")
    (True, False)
    """
    letters = [ch for ch in unicodedata.normalize("NFC", text) if ch.isalpha()]
    return sum(not ch.isascii() for ch in letters) >= 0.05 * len(letters) if letters else True


def _key(sentence: str) -> tuple:
    return tuple(_WORD.findall(_plain(PLACEHOLDER.sub(" ", sentence))))


def _triples(words: tuple) -> set:
    return {words[i:i + 3] for i in range(len(words) - 2)}


@lru_cache(maxsize=64)
def _source(text: str) -> tuple[frozenset, frozenset]:
    """The sentences (as word tuples) and the word triples of a template or a scenario."""
    from ..text import split_sentences

    keys = {_key(s) for s in split_sentences(text)} - {()}
    return frozenset(keys), frozenset().union(*map(_triples, keys)) if keys else frozenset()


def _copied(words: tuple, source: tuple[frozenset, frozenset]) -> bool:
    keys, triples = source
    mine = _triples(words)
    return words in keys or (len(words) >= 4 and len(mine & triples) >= _OWN_SHARE_OF_A_COPY * len(mine))


@dataclass(frozen=True)
class _Part:
    """A sentence: its text without accents, its words, whether it is the trainee's own, and whether it
    counts for the criteria (own, or a fact restated from the scenario; never the template nor a repeat)."""

    plain: str
    words: int
    own: bool
    counted: bool


def _feedback(rubric: WritingRubric) -> str:
    """Every sentence the review may show for ``rubric`` (advice, labels), one a line: pasted back, not own words."""
    texts = [c.advice.vi for c in rubric.criteria] + [e.label.vi for c in rubric.criteria for e in c.elements]
    return "\n".join(texts)


def _parts(text: str, rubric: WritingRubric, accents: bool = True) -> list[_Part]:
    """The sentences of ``text`` (normalised, with or without ``accents``), each marked own or not, counted or not."""
    from ..text import split_sentences

    template, scenario, feedback = _source(rubric.template), _source(rubric.scenario.vi), _source(_feedback(rubric))
    seen, parts = set(), []
    for sentence in split_sentences(text):
        words = _key(sentence)
        if not words:
            continue
        first = words not in seen
        from_template = _copied(words, template)
        from_scenario = _copied(words, scenario) or _copied(words, feedback)
        parts.append(_Part(_plain(PLACEHOLDER.sub(" ", sentence), accents), len(words),
                           first and not (from_template or from_scenario), first and not from_template))
        seen.add(words)
    return parts


def _covered(plain: str, patterns) -> int:
    """How many words of ``plain`` lie inside a match of one of ``patterns``."""
    spans = [m.span() for p in patterns for m in p.finditer(plain)]
    return sum(1 for word in _WORD.finditer(plain) if any(a <= word.start() < b for a, b in spans))


# ---------------------------------------------------------------- scoring

@dataclass(frozen=True)
class Note:
    """One finding for the trainee: ``mark`` is ✔ (present), ✗ (missing) or ⚠ (to fix)."""

    mark: str
    text: str

    def __str__(self) -> str:
        return f"{self.mark} {self.text}"


@dataclass(frozen=True)
class WritingScore:
    """The automatic score of a text: points, maximum, per-criterion scores, and the notes the trainee reads."""

    exercise: str
    points: float
    max_points: float
    criteria: tuple
    notes: tuple
    own_words: int
    own_share: float
    stuffed: bool

    def feedback(self, with_points: bool = True) -> str:
        """The lines a trainee reads: every note, then (``with_points``) the automatic points."""
        lines = [message("writing_heading")] + [str(note) for note in self.notes]
        if with_points:
            lines.append(message("writing_total", points=_number(self.points), max_points=_number(self.max_points)))
        return "\n".join(lines)


def _number(value: float) -> str:
    text = f"{value:g}"
    return text.replace(".", ",") if get_language() == "vi" else text


def _say(code: str, **fields) -> str:
    return message(code, **fields)


def _elements(criterion, own_plain: str, lang: str, accents: bool) -> tuple[float, list[Note]]:
    shares, notes = [], []
    for element, cue in zip(criterion.elements, criterion.patterns):
        count = len(cue.on(accents).findall(own_plain))
        shares.append(min(count, element.times) / element.times)
        label = element.label.get(lang)
        if count >= element.times:
            notes.append(Note("✔", _say("writing_present", label=label)))
        elif count and element.times > 1:
            notes.append(Note("✗", _say("writing_too_few", label=label, count=count, times=element.times)))
        else:
            notes.append(Note("✗", _say("writing_missing", label=label)))
    return sum(shares) / len(shares), notes


def _deduct(criterion, problems: list[str]) -> float:
    lost = criterion.points if criterion.per_finding is None else criterion.per_finding * len(problems)
    return 1.0 if not problems else max(0.0, criterion.points - lost) / criterion.points


def _score(criterion, text: str, parts: list[_Part], lang: str, accents: bool) -> tuple[float, list[Note]]:
    """(share of the criterion's points earned, notes) for one criterion."""
    from ..model.radio import airtime_seconds, count_words
    from ..text import check_message, message_stats

    if criterion.end is not None:
        end = criterion.end.on(accents)
        text, parts = _before(text, end, accents), _before_parts(parts, end)
    if criterion.start is not None:
        start = criterion.start.on(accents)
        parts = parts[next((i for i, part in enumerate(parts) if start.search(part.plain)), len(parts)):]
    own_plain = "\n".join(p.plain for p in parts if p.counted)
    kind = criterion.kind
    if kind == "elements":
        return _elements(criterion, own_plain, lang, accents)
    if kind == "avoid":
        found = [e.label.get(lang) for e, cue in zip(criterion.elements, criterion.patterns)
                 if cue.on(accents).search(own_plain)]
        return _deduct(criterion, found), [Note("⚠", _say("writing_avoid", label=label)) for label in found]
    if kind == "message":
        own_text = "\n".join(_own_sentences(text, parts, accents))
        found = [f for f in check_message(own_text) if f.code in criterion.findings] if own_text else []
        return _deduct(criterion, found), [Note("⚠", str(f)) for f in found]
    if kind == "spoken":
        own_text = "\n".join(_own_sentences(text, parts, accents))
        stats = message_stats(own_text) if own_text else {"abbreviations": [], "sentence_words": []}
        problems = [_say("writing_spoken_abbreviation", abbr=a) for a in stats["abbreviations"]]
        long = [n for n, words in enumerate(stats["sentence_words"], 1) if words > criterion.max_sentence_words]
        if long:
            problems.append(_say("writing_spoken_long", count=len(long), limit=criterion.max_sentence_words))
        if re.search(r"[()\[\]]", own_text):
            problems.append(_say("writing_spoken_brackets"))
        return _deduct(criterion, problems), [Note("⚠", p) for p in problems]
    if kind == "length":
        bare = PLACEHOLDER.sub(" ", text)
        if criterion.words is not None:
            value, bounds, unit = count_words(bare), criterion.words, "words"
        else:
            value, bounds, unit = airtime_seconds(bare, criterion.words_per_minute), criterion.seconds, "seconds"
        fields = {"low": _number(bounds.min), "high": _number(bounds.max)}
        if unit == "words":
            fields["value"] = value
        else:
            fields.update(value=_number(round(value / 60, 1)), low=_number(bounds.min / 60),
                          high=_number(bounds.max / 60), speed=_number(criterion.words_per_minute))
        if bounds.min <= value <= bounds.max:
            return 1.0, [Note("✔", _say(f"writing_{unit}_ok", **fields))]
        side = "short" if value < bounds.min else "long"
        return 0.0, [Note("✗" if side == "short" else "⚠", _say(f"writing_{unit}_{side}", **fields))]
    # sections: headings in order, each followed by own words
    filled = [None] * len(criterion.elements)
    current = -1
    for part in parts:
        opening = " ".join(part.plain.split()[:6])
        heading = next((j for j in range(current + 1, len(filled)) if criterion.patterns[j].on(accents).search(opening)), None)
        if heading is not None:
            current, filled[heading] = heading, 0
            if part.own:
                filled[heading] += max(0, part.words - 6)
        elif current >= 0 and part.own:
            filled[current] += part.words
    notes, done = [], 0
    for element, words in zip(criterion.elements, filled):
        label = element.label.get(lang)
        if words is None:
            notes.append(Note("✗", _say("writing_section_missing", label=label)))
        elif words < criterion.min_words:
            notes.append(Note("✗", _say("writing_section_empty", label=label)))
        else:
            done += 1
            notes.append(Note("✔", _say("writing_present", label=label)))
    return done / len(filled), notes


def _before(text: str, end: re.Pattern, accents: bool) -> str:
    """The lines of ``text`` before the first line that matches ``end``."""
    lines = text.splitlines()
    cut = next((i for i, line in enumerate(lines) if end.search(_plain(line, accents))), len(lines))
    return "\n".join(lines[:cut])


def _before_parts(parts: list[_Part], end: re.Pattern) -> list[_Part]:
    cut = next((i for i, part in enumerate(parts) if end.search(part.plain)), len(parts))
    return parts[:cut]


def _own_sentences(text: str, parts: list[_Part], accents: bool) -> list[str]:
    """The sentences that count (see :class:`_Part`) as written (accents kept), in order."""
    from ..text import split_sentences

    own = {p.plain for p in parts if p.counted}
    found, seen = [], set()
    for sentence in split_sentences(PLACEHOLDER.sub(" ", text)):
        key = _plain(sentence, accents)
        if key in own and key not in seen:
            seen.add(key)
            found.append(sentence)
    return found


def _stuffed(rubric: WritingRubric, parts: list[_Part], accents: bool) -> bool:
    """More than ``max_cue_share`` of the own words are cues, or most own words are short lines of cues."""
    patterns = [cue.on(accents) for c in rubric.criteria if c.kind in ("elements", "sections")
                for cue in c.patterns]
    own = [p for p in parts if p.own]
    words = sum(p.words for p in own)
    if not words or not patterns:
        return False
    covered = [_covered(p.plain, patterns) for p in own]
    in_cue_lines = sum(p.words for p, c in zip(own, covered)
                       if p.words <= _CUE_LINE_WORDS and c >= _CUE_LINE_SHARE * p.words)
    return sum(covered) > rubric.integrity.max_cue_share * words or in_cue_lines > 0.5 * words


def assess_writing(exercise: str | os.PathLike | WritingRubric, text: str | None,
                   trainee: str | None = None) -> WritingScore:
    """Score ``text`` against the writing rubric ``exercise`` (filled with ``trainee``'s variant, by default the
    trainee this kernel works for): points, per-criterion scores, notes.

    ``None`` reads as an empty text. The notes never include the mark scheme.
    """
    rubric = exercise if isinstance(exercise, WritingRubric) else load_writing(exercise, trainee)
    lang = get_language()
    text = text if isinstance(text, str) else ""
    accents = _has_accents(text)
    parts = _parts(text, rubric, accents)
    total_words = sum(p.words for p in parts)
    own_words = sum(p.words for p in parts if p.own)
    share = own_words / total_words if total_words else 0.0
    rules = rubric.integrity
    if not total_words:
        empty = tuple(CriterionScore(c.id, c.title.get(lang), 0.0, float(c.points), "") for c in rubric.criteria)
        return WritingScore(rubric.id, 0.0, rubric.max_points, empty, (Note("✗", _say("writing_empty")),), 0, 0.0,
                            False)
    notes, scores = [], []
    for criterion in rubric.criteria:
        earned_share, found = _score(criterion, text, parts, lang, accents)
        earned = _round_down(criterion.points * earned_share, rubric.step)
        if earned < criterion.points:
            found.append(Note("→", criterion.advice.get(lang)))
        scores.append(CriterionScore(criterion.id, criterion.title.get(lang), earned, float(criterion.points),
                                     "\n".join(map(str, found))))
        notes += found
    points = round(sum(s.points for s in scores), 6)
    stuffed = _stuffed(rubric, parts, accents)
    gate = []
    if PLACEHOLDER.search(text):
        gate.append(Note("⚠", _say("writing_placeholders", count=len(PLACEHOLDER.findall(text)))))
    if own_words < rules.min_own_words:
        points = 0.0
        gate.append(Note("✗", _say("writing_not_own", words=own_words, least=rules.min_own_words)))
    else:
        cap = _round_down(rules.cap * rubric.max_points, rubric.step)
        if share < rules.min_own_share:
            points = min(points, cap)
            gate.append(Note("⚠", _say("writing_mostly_copied", share=round(share * 100))))
        if stuffed:
            points = min(points, cap)
            gate.append(Note("⚠", _say("writing_stuffed")))
    return WritingScore(rubric.id, points, rubric.max_points, tuple(scores), tuple(gate + notes), own_words,
                        round(share, 3), stuffed)


def review_writing(exercise: str, text: str | None, trainee: str | None = None) -> list[str]:
    """The notes a trainee reads while writing (no points): one line each, ✔ / ✗ / ⚠ / → advice.

    >>> review_writing("press-release", None)
    ['✗ Anh/chị chưa viết bài: hãy viết vào khung trả lời, bắt đầu từ khung mẫu.']
    """
    return [str(note) for note in assess_writing(exercise, text, trainee).notes]


# ---------------------------------------------------------------- test cells

def _as_text(answer) -> str:
    from .checks import _as_text as as_text

    return as_text(answer, ('"…"', '"…"'))


def check_writing(exercise: str, answer) -> None:
    """The visible check of a writing exercise: the answer is a text; prints the notes (no points) for the
    variant of the trainee this kernel works for.

    >>> check_writing("press-release", None)
    Traceback (most recent call last):
    policycomm.grading.checks.CheckFailed: Bạn chưa trả lời câu này: hãy chọn hoặc điền câu trả lời vào khung trả lời ở trên (câu trả lời được lưu ngay), rồi chạy lại ô này.
    """
    from .checks import _passed

    text = _as_text(answer)
    _passed(False)
    print(assess_writing(exercise, text).feedback(with_points=False))


def score_writing(exercise: str, answer) -> float:
    """The hidden test of a writing exercise: prints the notes and the automatic points, returns the points;
    the trainee is graded against their own variant (the one :func:`~policycomm.model.variants.trainee_id` names).

    A blank answer or one that is not text fails (0 points) with the checks' kind sentence.
    nbgrader takes the returned number, shown as the cell's result, as partial credit.
    """
    result = assess_writing(exercise, _as_text(answer))
    print(result.feedback())
    return result.points


def mark_scheme_path(exercise: str, course: str | os.PathLike | None = None) -> Path:
    """Where the lecturer's mark scheme of ``exercise`` lives: ``<course>/mark-schemes/<exercise>.yaml``, beside
    the course's source notebooks (by default the repository's ``course/``), never in the package."""
    from ..assign.course import DEFAULT_COURSE

    return Path(course or DEFAULT_COURSE) / "mark-schemes" / f"{exercise}.yaml"


def load_mark_scheme(exercise: str, course: str | os.PathLike | None = None):
    """The lecturer's mark scheme of a writing exercise (its points and items, which add up), validated; the
    same for every trainee, so it has no placeholders. A broken or missing one raises :class:`RubricError`.

    >>> load_mark_scheme("press-release").points
    4.0
    """
    from ..model.variants import undefined
    from ..yamlfile import LINE_KEY, YamlFileError, read_yaml, strip_lines, validate

    path = mark_scheme_path(exercise, course)
    try:
        raw = read_yaml(path)
    except YamlFileError as exc:
        raise RubricError(str(exc)) from None
    *_, MarkScheme = _models()
    scheme, problems = validate(MarkScheme, raw if isinstance(raw, dict) else {}, path)
    where = f"{path}:{raw.get(LINE_KEY, 1) if isinstance(raw, dict) else 1}: field"
    problems = [str(p) for p in problems]
    problems += [f"{where} {p}; the mark scheme is the same for every trainee: write it without placeholders"
                 for p in undefined(strip_lines(raw), {}, "mark_scheme")]
    if problems:
        raise RubricError("\n".join(problems))
    return scheme


def mark_scheme_markdown(exercise: str, course: str | os.PathLike | None = None) -> str:
    """The lecturer's mark scheme as markdown, for the ``=== BEGIN MARK SCHEME ===`` region of a task cell.

    For notebook authors only: it is read from the course folder (:func:`mark_scheme_path`), which no trainee's
    kernel has; the title is the reference variant's.
    """
    from ..model.variants import REFERENCE

    rubric, scheme = load_writing(exercise, REFERENCE), load_mark_scheme(exercise, course)
    lines = [f"**Hướng dẫn chấm phần chất lượng** ({_number(scheme.points)} điểm, chỉ dành cho giảng viên): "
             f"{rubric.title.vi}", ""]
    lines += [f"- ({_number(item.points)} điểm) {item.vi}" for item in scheme.items]
    return "\n".join(lines)
