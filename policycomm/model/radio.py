"""Airtime of a commune-radio news item, from its length and a reading speed.

A Vietnamese word is counted as one syllable (one space-separated token), the
way a script is read aloud. The reading speed is a parameter, not a published
figure: the trainee measures it by reading a text aloud, or the lecturer sets
it (modelling assumption A1).

>>> item = "Từ ngày 01/7, người dân có thể nộp hồ sơ tại Ủy ban nhân dân xã."
>>> count_words(item)
16
>>> airtime_seconds(item, words_per_minute=160)
6.0
>>> words_for_slot(90, words_per_minute=160)
240
>>> [f.code for f in check_airtime(item, slot_seconds=5, words_per_minute=160)]
['radio_too_long']
"""
from __future__ import annotations

import re
import unicodedata

from ..messages import Bilingual, Finding, TraineeInputError

__all__ = ["count_words", "airtime_seconds", "words_for_slot", "check_airtime", "reading_speed"]

#: a token that is read aloud: letters or digits (punctuation alone is not read)
_WORD = re.compile(r"[^\W_]+(?:[/.,:-][^\W_]+)*")



def count_words(text: str) -> int:
    """Number of words (syllables) read aloud in ``text``; numbers such as 01/7 count as one.

    >>> count_words("Thông báo: tiêm chủng mở rộng, ngày 15/3!")
    8
    """
    return len(_WORD.findall(unicodedata.normalize("NFC", text)))


def _speed(words_per_minute: float) -> float:
    if isinstance(words_per_minute, bool) or not isinstance(words_per_minute, (int, float)) \
            or not words_per_minute > 0:
        raise TraineeInputError("radio_bad_speed", value=words_per_minute)
    return float(words_per_minute)


def airtime_seconds(text: str, words_per_minute: float) -> float:
    """Seconds needed to read ``text`` aloud at ``words_per_minute``, rounded to 0.1 s.

    >>> airtime_seconds("một hai ba bốn", words_per_minute=120)
    2.0
    """
    return round(count_words(text) * 60 / _speed(words_per_minute), 1)


def words_for_slot(slot_seconds: float, words_per_minute: float) -> int:
    """The most words that can be read in ``slot_seconds`` at ``words_per_minute``.

    >>> words_for_slot(60, 150)
    150
    """
    return int(slot_seconds * _speed(words_per_minute) / 60 + 1e-9)


def reading_speed(words: int, seconds: float) -> float:
    """Words per minute measured by reading ``words`` words aloud in ``seconds``.

    >>> reading_speed(200, 75)
    160.0
    """
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds > 0:
        raise TraineeInputError("radio_bad_seconds", value=seconds)
    return round(words * 60 / seconds, 1)


def check_airtime(text: str, slot_seconds: float, words_per_minute: float) -> list[Finding]:
    """Whether ``text`` read at ``words_per_minute`` fits a slot of ``slot_seconds``.

    One finding: ``radio_too_long`` (error, with the number of words to cut),
    ``radio_too_short`` (warning: under half the slot) or ``radio_fits`` (ok).

    >>> str(check_airtime("một hai ba", 60, 120)[0])
    'Tin chỉ đọc khoảng 2 giây, chưa tới một nửa khung 60 giây: có thể thêm cách làm hoặc nơi hỏi thêm, hoặc nhắc lại ý chính.'
    """
    words = count_words(text)
    seconds = airtime_seconds(text, words_per_minute)
    fields = {"words": words, "seconds": seconds, "slot": slot_seconds}
    if seconds > slot_seconds:
        cut = words - words_for_slot(slot_seconds, words_per_minute)
        return [Finding("error", "radio_too_long", Bilingual.of("radio_too_long", cut=cut, **fields))]
    if seconds < slot_seconds / 2:
        return [Finding("warning", "radio_too_short", Bilingual.of("radio_too_short", **fields))]
    return [Finding("ok", "radio_fits", Bilingual.of("radio_fits", **fields))]
