"""Checks that the course's test cells call, with kind feedback in Vietnamese (or English, see below).

Every check first turns the trainee's answer into a plain value (``str``,
``int``/``float``, or a list of ``str``) with strict type checks, so an object
whose ``__eq__`` always says yes cannot pass. A missing or malformed answer, or
a wrong one, raises :class:`CheckFailed`: an ``AssertionError`` (nbgrader gives
the cell 0 points) whose message is one short sentence saying what is wrong and
what to do next, from the message catalogue (``messages/checks.yaml``), in
Vietnamese unless ``set_language("en")``. In a notebook the message is shown
alone, without a traceback (:func:`install_notebook_handler`).

Called without ``expected``, a check looks only at the form of the answer (the
visible check a trainee can run); with ``expected`` it also grades it (the
hidden check, written inside ``### BEGIN HIDDEN TESTS``).

>>> check_choice("b", options="ABCD")
✔ Đã nhận câu trả lời. Điểm sẽ được tính khi bài được chấm.
>>> check_choice(..., options="ABCD")
Traceback (most recent call last):
policycomm.grading.checks.CheckFailed: Bạn chưa trả lời câu này: hãy chọn hoặc điền câu trả lời vào khung trả lời ở trên (câu trả lời được lưu ngay), rồi chạy lại ô này.
>>> check_channels(["comune_radio"])
Traceback (most recent call last):
policycomm.grading.checks.CheckFailed: Không có mã kênh “comune_radio”. Có phải bạn muốn viết “commune_radio”?
"""
from __future__ import annotations

import difflib
import math
import os
import sys

from ..messages import Bilingual, CodedError, TraineeInputError, message

__all__ = [
    "CheckFailed", "check_choice", "check_choices", "check_id", "check_ids", "check_channels",
    "check_ranking", "check_text", "check_number", "check_message", "check_plan_row", "check_plan_rows",
    "PLAN_FIELDS",
]

#: the keys of one row of a communication plan, in the order a plan table shows them
PLAN_FIELDS = ("stage", "audience", "channels", "message", "timing")

#: kind of id -> function of policycomm.model.lookup listing the entries (names: ``kind_<kind>`` messages)
ID_KINDS = {"channel": "channels", "stage": "stages", "audience": "audiences", "objective": "objectives"}

#: the Vietnamese verdicts, as the cohort grader recognises them in a graded cell's output
OK_FORM = message("check_ok_form", "vi")
OK_RIGHT = message("check_ok_right", "vi")
#: the Vietnamese message for a blank answer
BLANK = message("check_blank", "vi")


class CheckFailed(AssertionError, CodedError):
    """A wrong or malformed answer: an ``AssertionError`` (nbgrader gives 0 points) with a message code,
    its fields and the question's ``hint``; it reads in the language of the moment.

    >>> str(CheckFailed("check_text_wrong", hint="Xem lại mục 2."))
    'Chưa đúng. Xem lại mục 2.'
    """

    def __init__(self, code: str, hint: str = "", **fields):
        CodedError.__init__(self, code, **fields)
        self.hint = hint

    def __str__(self) -> str:
        return f"{CodedError.__str__(self).strip()} {self.hint}".strip()

    @property
    def message(self) -> str:
        return str(self)


def _fail(code: str, hint: str = "", **fields) -> None:
    install_notebook_handler()
    raise CheckFailed(code, hint, **fields)


def _passed(graded: bool) -> None:
    if graded:
        print(message("check_ok_right"))
    elif os.environ.get("NBGRADER_EXECUTION") == "autograde":
        print(message("check_ok_received"))  # the grade itself follows in the feedback
    else:
        print(message("check_ok_form"))


def _both(code: str, **fields) -> tuple[str, str]:
    """Message ``code`` in (vi, en), to pass as a field of another message."""
    text = Bilingual.of(code, **fields)
    return text.vi, text.en


def _written(number: float) -> tuple[str, str]:
    """A number as (vi, en) write it: ``0,75`` and ``0.75``."""
    text = f"{number:g}"
    return text.replace(".", ","), text


def _label(kind: str) -> tuple[str, str]:
    """The name of a kind of id ("channel", …) in (vi, en); anything else is an "option"."""
    return _both(f"kind_{kind}") if kind in ID_KINDS else _both("check_label_option")


# ---------------------------------------------------------------- notebook display

#: the exceptions a notebook shows as one kind sentence (PlanError and UnknownIdError are TraineeInputErrors)
SHOWN_KINDLY = (CheckFailed, TraineeInputError, NameError, SyntaxError)
#: what the trainee's kernel shows kindly (``every``): every error, and a cell stopped with Interrupt kernel
EVERY = (Exception, KeyboardInterrupt)


def _kind_text(etype, value) -> str:
    """The one sentence, in the language of the moment, that a trainee sees for an exception.

    >>> _kind_text(NameError, NameError("name 'cau_1' is not defined", name="cau_1"))[:22]
    '✗ Chưa có “cau_1”: hãy'
    """
    if issubclass(etype, (CheckFailed, TraineeInputError)):
        return f"✗ {value}"
    if issubclass(etype, KeyboardInterrupt):
        return message("trainee_interrupted")
    if issubclass(etype, NameError):
        return message("shown_name_error", name=getattr(value, "name", None) or message("shown_name_unknown"))
    if issubclass(etype, SyntaxError):
        line = getattr(value, "lineno", None)
        where = message("shown_syntax_line", line=line) if line else ""
        text = (value.text or "").strip() if getattr(value, "text", None) else ""
        return message("shown_syntax_error", where=where, shown=f" (“{text}”)" if text else "")
    return message("shown_other_error")


def _show_kindly(shell, etype, value, tb, tb_offset=None):
    stb = [_kind_text(etype, value)]
    shell._showtraceback(etype, value, stb)  # an error output: nbgrader still sees the failure
    return stb


def install_notebook_handler(every: bool = False) -> bool:
    """In IPython, show check failures, the library's slips (:class:`TraineeInputError`:
    a wrong id in ``plan.add(...)``, a bad number) and typical slips (a name not yet
    defined, a missing quote) as one kind sentence instead of a traceback.

    With ``every`` (the trainee's kernel, :mod:`policycomm.trainee`), every other
    exception too becomes one sentence asking to run the lesson's cells again, and a
    cell stopped with *Interrupt kernel* one sentence saying so; once installed so, a
    later call (a check that fails) keeps it so.

    The one hook of the course: the capstone's ``install_plan_errors`` is this.

    Does nothing outside IPython (returns ``False``); never imports IPython.

    >>> install_notebook_handler()
    False
    """
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return False
    every = every or tuple(shell.custom_exceptions) in ((Exception,), EVERY)
    shell.set_custom_exc(EVERY if every else SHOWN_KINDLY, _show_kindly)
    return True


# ---------------------------------------------------------------- answer conversion

def _is_blank(answer) -> bool:
    if answer is None or answer is Ellipsis:
        return True
    if type(answer) is str and not answer.strip():
        return True
    return type(answer) in (list, tuple, set) and len(answer) == 0


def _as_text(answer, example: str | tuple[str, str] = '"B"') -> str:
    if _is_blank(answer):
        _fail("check_blank")
    if type(answer) is not str:
        _fail("check_not_text", example=example)
    return answer.strip()


def _as_text_list(answer, example: str) -> list[str]:
    if _is_blank(answer):
        _fail("check_blank")
    if type(answer) is str:
        _fail("check_list_not_text", example=example)
    if type(answer) not in (list, tuple, set):
        _fail("check_not_list", example=example)
    items = list(answer)
    for item in items:
        if _is_blank(item):
            _fail("check_list_blank_item", example=example)
        if type(item) is not str:
            _fail("check_list_item_not_text", example=example, item=repr(item))
    return [item.strip() for item in items]


def _as_number(answer) -> float:
    if _is_blank(answer):
        _fail("check_blank")
    if type(answer) is str:
        _fail("check_number_quoted")
    if type(answer) not in (int, float) or not math.isfinite(answer):
        _fail("check_not_number")
    return float(answer)


def _known_ids(kind: str) -> dict[str, str]:
    """id -> Vietnamese name of every entry of ``kind`` in the knowledge base."""
    from ..model import lookup as api

    return {entry.id: entry.name.vi for entry in getattr(api, ID_KINDS[kind])()}


def _as_known_id(text: str, kind: str, known) -> str:
    key = text.strip().lower().replace(" ", "_").replace("-", "_")
    if key in known:
        return key
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    if close:
        _fail("check_unknown_id_close", label=_label(kind), text=text, close=close[0])
    _fail("check_unknown_id", label=_label(kind), text=text)


def _plural_list(ids) -> str:
    return ", ".join(f"“{i}”" for i in sorted(ids))


def _named_list(ids, kind: str) -> str:
    """``_plural_list`` of the entries' Vietnamese names (what the trainee picked), never their ids."""
    names = _known_ids(kind) if kind in ID_KINDS else {}
    return _plural_list(names.get(i, i) for i in ids)


# ---------------------------------------------------------------- single choice

def check_choice(answer, options: str = "ABCD", expected: str | None = None, hint: str = "") -> None:
    """One letter among ``options`` (case does not matter).

    >>> check_choice("B", expected="B")
    ✔ Chính xác!
    >>> check_choice("E")
    Traceback (most recent call last):
    policycomm.grading.checks.CheckFailed: “E” không phải là một lựa chọn. Hãy chọn một trong: A, B, C, D.
    >>> check_choice(["B"])
    Traceback (most recent call last):
    policycomm.grading.checks.CheckFailed: Câu trả lời đã lưu không phải là chữ (tệp câu trả lời có thể đã bị sửa tay): hãy chạy lại ô trả lời ở trên và chọn hoặc gõ lại câu trả lời trong khung.
    """
    letter = _as_text(answer).upper()
    if letter not in options.upper() or len(letter) != 1:
        _fail("check_not_an_option", letter=letter, options=", ".join(options.upper()))
    if expected is not None and letter != expected.upper():
        _fail("check_wrong_choice", hint, letter=letter)
    _passed(expected is not None)


def check_choices(answer, options: str = "ABCDE", expected=None, count: int | None = None,
                  hint: str = "") -> None:
    """Several letters among ``options``, e.g. ``["A", "C"]``; order does not matter.

    >>> check_choices(["a", "C"], expected="AC")
    ✔ Chính xác!
    >>> check_choices(["A"], expected="AC")
    Traceback (most recent call last):
    policycomm.grading.checks.CheckFailed: Chưa đúng: còn thiếu 1 lựa chọn đúng.
    """
    letters = {item.upper() for item in _as_text_list(answer, '["A", "C"]')}
    wrong = [x for x in letters if len(x) != 1 or x not in options.upper()]
    if wrong:
        _fail("check_not_options", items=_plural_list(wrong), options=", ".join(options.upper()))
    if count is not None and len(letters) != count:
        _fail("check_choice_count", count=count, chosen=len(letters))
    if expected is not None:
        _compare_sets(letters, {x.upper() for x in expected}, "option", hint)
    _passed(expected is not None)


def _compare_sets(chosen: set, expected: set, kind: str, hint: str) -> None:
    missing, extra = expected - chosen, chosen - expected
    parts = []
    if missing:
        parts.append(_both("check_part_missing", count=len(missing), label=_label(kind)))
    if extra:
        parts.append(_both("check_part_extra", items=_named_list(extra, kind)))
    if parts:
        _fail("check_wrong", hint, parts=tuple("; ".join(part[i] for part in parts) for i in (0, 1)))


# ---------------------------------------------------------------- ids of the knowledge base

def check_id(answer, kind: str = "stage", expected: str | None = None, hint: str = "") -> None:
    """One id of a stage, channel, audience or objective, e.g. ``"implementation"``.

    >>> check_id("Implementation", kind="stage", expected="implementation")
    ✔ Chính xác!
    >>> check_id("drafting", kind="stage", expected="formulation", hint="Xem lại bảng các giai đoạn.")
    Traceback (most recent call last):
    policycomm.grading.checks.CheckFailed: Chưa đúng: “Soạn thảo, lấy ý kiến, hoàn thiện” chưa phải giai đoạn phù hợp nhất. Xem lại bảng các giai đoạn.
    """
    known = _known_ids(kind)
    chosen = _as_known_id(_as_text(answer, f'"{next(iter(known))}"'), kind, known)
    if expected is not None and chosen != expected:
        _fail("check_wrong_id", hint, chosen=known[chosen], label=_label(kind))
    _passed(expected is not None)


def check_ids(answer, kind: str = "channel", expected=None, *, required=(), forbidden=(),
              count: int | None = None, min_count: int = 1, max_count: int | None = None,
              hint: str = "") -> None:
    """A list of ids of ``kind``; graded as a set (``expected``) or by ``required``/``forbidden`` ids.

    ``count``, ``min_count`` and ``max_count`` belong to the question ("choose 3
    channels") and are checked by the visible check too.

    >>> check_ids(["commune_radio", "oral_propaganda"], required=["commune_radio"])
    ✔ Chính xác!
    >>> check_ids(["press", "sms"], forbidden=["sms"], hint="Người cao tuổi ít đọc tin nhắn.")
    Traceback (most recent call last):
    policycomm.grading.checks.CheckFailed: Chưa đúng: “Tin nhắn SMS” chưa phù hợp trong tình huống này. Người cao tuổi ít đọc tin nhắn.
    """
    known = _known_ids(kind)
    label = _label(kind)
    example = '["' + '", "'.join(list(known)[:2]) + '"]'
    chosen = {_as_known_id(item, kind, known) for item in _as_text_list(answer, example)}
    if count is not None and len(chosen) != count:
        _fail("check_id_count", count=count, label=label, chosen=len(chosen))
    if len(chosen) < min_count:
        _fail("check_id_min", count=min_count, label=label)
    if max_count is not None and len(chosen) > max_count:
        _fail("check_id_max", count=max_count, label=label, chosen=len(chosen))
    graded = expected is not None or bool(required) or bool(forbidden)
    if expected is not None:
        _compare_sets(chosen, set(expected), kind, hint)
    missing = set(required) - chosen
    if missing:
        _fail("check_missing_required", hint, count=len(missing), label=label)
    bad = chosen & set(forbidden)
    if bad:
        _fail("check_forbidden", hint, items=_named_list(bad, kind))
    _passed(graded)


def check_channels(answer, expected=None, **options) -> None:
    """A list of channel ids: :func:`check_ids` with ``kind="channel"``.

    >>> check_channels("sms")
    Traceback (most recent call last):
    policycomm.grading.checks.CheckFailed: Câu trả lời đã lưu không phải là các mục được chọn (tệp câu trả lời có thể đã bị sửa tay): hãy chạy lại ô trả lời ở trên và đánh dấu lại trong khung.
    """
    check_ids(answer, "channel", expected, **options)


# ---------------------------------------------------------------- ranking

def check_ranking(answer, items, expected=None, top: int | None = None, hint: str = "") -> None:
    """An ordering of all ``items`` (letters or ids); graded on the first ``top`` places.

    >>> check_ranking(["b", "A", "C"], items="ABC", expected="BAC")
    ✔ Chính xác!
    >>> check_ranking(["A", "B"], items="ABC")
    Traceback (most recent call last):
    policycomm.grading.checks.CheckFailed: Hãy xếp đủ 3 mục, mỗi mục một lần; còn thiếu: “C”.
    """
    def key(x: str) -> str:
        return x.strip().upper() if len(x.strip()) == 1 else x.strip().lower()

    wanted = [key(x) for x in items]
    order = [key(x) for x in _as_text_list(answer, '["' + '", "'.join(wanted[:3]) + '"]')]
    unknown = [x for x in order if x not in wanted]
    if unknown:
        _fail("check_rank_unknown", items=_plural_list(unknown), wanted=", ".join(wanted))
    if len(set(order)) != len(order):
        _fail("check_rank_repeated")
    missing = [x for x in wanted if x not in order]
    if missing:
        _fail("check_rank_missing", count=len(wanted), items=_plural_list(missing))
    if expected is not None:
        target = [key(x) for x in expected]
        n = top or len(target)
        if order[:n] != target[:n]:
            first_wrong = next(i for i in range(n) if order[i] != target[i])
            _fail("check_rank_wrong", hint, position=first_wrong + 1)
    _passed(expected is not None)


# ---------------------------------------------------------------- texts

def _normalize(text: str, accents: bool = True) -> str:
    from ..text import normalize_vi

    return normalize_vi(text, accents=accents).strip(" .;!")


def check_text(answer, accepted=None, accents: bool = True, hint: str = "") -> None:
    """A short answer, accepted if it equals one of ``accepted`` after Vietnamese
    normalisation (Unicode form, case, spaces, tone-mark placement; with
    ``accents=False`` also accents).
    """
    text = _as_text(answer, ('"Dân biết"', '"People know"'))
    if accepted is not None:
        if isinstance(accepted, str):
            accepted = [accepted]
        if _normalize(text, accents) not in {_normalize(a, accents) for a in accepted}:
            _fail("check_text_wrong", hint)
    _passed(accepted is not None)


def check_number(answer, expected: float | None = None, tolerance: float = 0.0,
                 minimum: float | None = None, maximum: float | None = None, hint: str = "") -> None:
    """A number; ``minimum``/``maximum`` bound its form, ``expected`` ± ``tolerance`` grades it.

    >>> check_number(15, expected=15)
    ✔ Chính xác!
    >>> check_number("15")
    Traceback (most recent call last):
    policycomm.grading.checks.CheckFailed: Hãy gõ chỉ con số vào khung, không kèm đơn vị, ví dụ 30 hoặc 2,5.
    >>> check_number(0.75, expected=0.8)
    Traceback (most recent call last):
    policycomm.grading.checks.CheckFailed: Chưa đúng: 0,75 chưa phải con số cần tìm.
    """
    value = _as_number(answer)
    if minimum is not None and value < minimum or maximum is not None and value > maximum:
        low = "" if minimum is None else _both("check_range_from", value=_written(minimum))
        high = "" if maximum is None else _both("check_range_to", value=_written(maximum))
        _fail("check_number_range", low=low, high=high)
    if expected is not None and abs(value - expected) > tolerance + 1e-9:
        _fail("check_number_wrong", hint, value=_written(value))
    _passed(expected is not None)


def check_message(answer, original: str | None = None, must_mention=(), graded: bool = False,
                  allow=(), hint: str = "") -> None:
    """A repaired message: a text different from ``original``.

    Graded (``graded=True`` or ``must_mention`` given): ``policycomm.text.check_message``
    finds no warning or error in it except the codes in ``allow``, and it mentions
    every group of ``must_mention`` (a string or a list of accepted alternatives,
    matched without accents).

    >>> check_message("Từ ngày 01/7/2025, học sinh được miễn học phí để gia đình bớt gánh nặng. "
    ...               "Hãy liên hệ nhà trường để biết thêm.", must_mention=[["1/7", "01/7"]])
    ✔ Chính xác!
    >>> check_message("BHYT hỗ trợ người dân.", graded=True)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    policycomm.grading.checks.CheckFailed: Thông điệp còn vấn đề: ...“BHYT”...
    """
    text = _as_text(answer, ('"Từ 01/7/2025, ..."', '"From 1 July 2025, ..."'))
    if original is not None and _normalize(text) == _normalize(original):
        _fail("check_message_unchanged")
    graded = graded or bool(must_mention)
    if graded:
        from ..text import check_message as review

        problems = [f for f in review(text) if f.severity in ("error", "warning") and f.code not in allow]
        if problems:
            _fail("check_message_problem", hint, problem=(problems[0].message.vi, problems[0].message.en))
        plain = _normalize(text, accents=False)
        for group in must_mention:
            options = [group] if isinstance(group, str) else list(group)
            if not any(_normalize(o, accents=False) in plain for o in options):
                _fail("check_message_missing_fact", hint)
    _passed(graded)


# ---------------------------------------------------------------- plan rows

def _one_row(answer):
    """The row to check: ``answer`` itself, or the one filled row among the rows a plan form saves."""
    if type(answer) is not list:
        return answer

    def filled(row) -> bool:
        return type(row) is not dict or any(v.strip() if type(v) is str else bool(v)
                                            for k, v in row.items() if k != "cost")

    rows = [row for row in answer if filled(row)]
    if len(rows) > 1:
        _fail("check_row_one_only", count=len(rows))
    return rows[0] if rows else None


def check_plan_row(answer, stage: str | None = None, audience: str | None = None,
                   required_channels=(), min_fit: float | None = None, max_channels: int | None = None,
                   hint: str = "") -> None:
    """One row of a communication plan: a dict with the keys of :data:`PLAN_FIELDS`, or the
    answer of a plan form (``forms.plan``: a list of rows) holding exactly one filled row.

    ``stage``/``audience`` grade those fields, ``required_channels`` must all be
    chosen, and ``min_fit`` is the least ``policycomm.assess_choice`` score of the
    chosen channels for that stage and audience. ``max_channels`` (the question's
    "1 to 4 channels") bounds how many channels the row may have.

    >>> row = {"stage": "implementation", "audience": "elderly_rural",
    ...        "channels": ["commune_radio", "village_meeting"],
    ...        "message": "Từ 01/7, nộp hồ sơ tại xã.", "timing": "tháng 6"}
    >>> check_plan_row(row, stage="implementation", required_channels=["commune_radio"])
    ✔ Chính xác!
    >>> check_plan_row({"stage": "implementation"})
    Traceback (most recent call last):
    policycomm.grading.checks.CheckFailed: Dòng kế hoạch còn thiếu: “audience”, “channels”, “message”, “timing”.
    >>> blank = {"stage": None, "audience": None, "channels": [], "message": "", "timing": "", "cost": None}
    >>> check_plan_row([{**row, "cost": None}, blank], stage="implementation")   # what forms.plan saves
    ✔ Chính xác!
    >>> check_plan_row([row, row])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    policycomm.grading.checks.CheckFailed: Câu này cần đúng một hoạt động (một dòng kế hoạch)...
    """
    answer = _one_row(answer)
    if _is_blank(answer) or (type(answer) is dict and not answer):
        _fail("check_blank")
    if type(answer) is not dict:
        _fail("check_row_not_dict")
    keys = {k.strip().lower() if type(k) is str else k for k in answer}
    missing = [f for f in PLAN_FIELDS if f not in keys]
    if missing:
        _fail("check_row_missing", items=_plural_list(missing))
    row = {k.strip().lower(): v for k, v in answer.items() if type(k) is str}
    stage_known, audience_known = _known_ids("stage"), _known_ids("audience")
    chosen_stage = _as_known_id(_as_text(row["stage"], '"implementation"'), "stage", stage_known)
    chosen_audience = _as_known_id(_as_text(row["audience"], '"youth"'), "audience", audience_known)
    channel_known = _known_ids("channel")
    channels = sorted({_as_known_id(c, "channel", channel_known)
                       for c in _as_text_list(row["channels"], '["commune_radio", "zalo_oa"]')})
    for field in ("message", "timing"):
        _as_text(row[field], '"..."')
    if max_channels is not None and len(channels) > max_channels:
        _fail("check_id_max", count=max_channels, label=_label("channel"), chosen=len(channels))
    graded = stage is not None or audience is not None or bool(required_channels) or min_fit is not None
    if stage is not None and chosen_stage != stage:
        _fail("check_row_wrong_stage", hint)
    if audience is not None and chosen_audience != audience:
        _fail("check_row_wrong_audience", hint)
    if set(required_channels) - set(channels):
        _fail("check_row_missing_channel", hint)
    if min_fit is not None:
        from ..model.choose import assess_choice

        assessment = assess_choice(chosen_stage, chosen_audience, channels)
        if assessment.score < min_fit:
            worst = next(((f.message.vi, f.message.en) for f in assessment.findings
                          if f.severity in ("error", "warning")), "")
            _fail("check_row_poor_fit", hint, worst=worst)
    _passed(graded)


def _plan_row_lacks(row: dict) -> list[str]:
    """The fields of :data:`PLAN_FIELDS` that a saved plan row leaves blank (None, "", [])."""
    return [f for f in PLAN_FIELDS if _is_blank(row.get(f))]


def check_plan_rows(answer, hint: str = "", **grading) -> None:
    """A plan saved by ``forms.plan`` (a list of rows): its first complete row, checked by :func:`check_plan_row`.

    A complete row has a stage, an audience, a channel, a message and a timing.
    When no row is complete, the check names what the first row begun lacks,
    with the names the plan form shows. ``stage``, ``audience``,
    ``required_channels`` and ``min_fit`` grade that row as in :func:`check_plan_row`.

    >>> row = {"stage": "implementation", "audience": "elderly_rural", "channels": ["commune_radio"],
    ...        "message": "Từ 01/7, nộp hồ sơ tại xã.", "timing": "tháng 6", "cost": None}
    >>> check_plan_rows([row], stage="implementation")
    ✔ Chính xác!
    >>> check_plan_rows([{**row, "channels": [], "timing": ""}])
    Traceback (most recent call last):
    policycomm.grading.checks.CheckFailed: Hoạt động trong kế hoạch còn thiếu: “Kênh truyền thông”, “Thời gian”. Hãy điền đủ vào khung kế hoạch ở trên, rồi chạy lại ô này.
    """
    if _is_blank(answer):
        _fail("check_blank")
    if type(answer) is not list or not all(type(row) is dict for row in answer):
        _fail("check_plan_not_rows")
    complete = next((row for row in answer if not _plan_row_lacks(row)), None)
    if complete is None:
        begun = next((row for row in answer if len(_plan_row_lacks(row)) < len(PLAN_FIELDS)), None)
        if begun is None:
            _fail("check_blank")
        names = [_both(f"form_plan_{f}") for f in _plan_row_lacks(begun)]
        _fail("check_plan_row_incomplete", items=tuple(", ".join(f"“{n[i]}”" for n in names) for i in (0, 1)))
    check_plan_row({f: complete[f] for f in PLAN_FIELDS}, hint=hint, **grading)


install_notebook_handler()
