"""Vietnamese text tools: normalisation for comparing answers, and checks of policy messages.

``normalize_vi`` makes two spellings of the same Vietnamese text compare equal:

>>> normalize_vi("  Hoà   BÌNH ") == normalize_vi("hòa bình")
True
>>> normalize_vi("Thuỷ lợi, KHOẺ mạnh, qúa")
'thủy lợi, khỏe mạnh, quá'
>>> normalize_vi("Đồng Tháp", accents=False)
'dong thap'

Tone-mark placement (one canonical rule, applied to each syllable, never a word list):

1. The onset is split off first; the ``u`` of ``qu`` and the ``i`` of ``gi``
   (before another vowel) belong to the onset, so ``qúa`` becomes ``quá`` and
   ``gìa`` becomes ``già``.
2. If the vowel group has a vowel with a shape mark (â ă ê ô ơ ư), the tone goes
   on the last such vowel (``người``, ``thuở``, ``mưa``).
3. Otherwise, if the syllable ends in a consonant, the tone goes on the last
   vowel (``hoàn``, ``huỳnh``).
4. Otherwise (open syllable) it goes on the middle vowel of three (``ngoài``,
   ``khuỷu``) and on the first vowel of two: the traditional placement, used by
   default in Vietnamese keyboards and most official documents, so ``hoà``,
   ``thuỷ``, ``khoẻ`` become ``hòa``, ``thủy``, ``khỏe``.

Words that are not well-formed Vietnamese syllables (English words, codes,
syllables with two tone marks) keep their marks where they are.
"""
from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize_vi", "same_vi"]

#: combining tone marks: huyền, sắc, ngã, hỏi, nặng
_TONES = "\u0300\u0301\u0303\u0309\u0323"
#: combining shape marks: circumflex (â ê ô), breve (ă), horn (ơ ư)
_SHAPES = "\u0302\u0306\u031b"
_VOWELS = "aeiouy"
_SYLLABLE = re.compile(
    r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    r"([aeiouy]{1,3})"
    r"(ch|ng|nh|[cmnpt])?"
)
#: a word in NFD form: letters, each followed by any combining marks
_WORD = re.compile(r"(?:[^\W\d_][\u0300-\u036f]*)+")
_WHITESPACE = re.compile(r"\s+")
#: Icelandic eth, which legacy Vietnamese encodings often put in place of Đ/đ
_LOOKALIKES = str.maketrans({"\u00d0": "đ", "\u00f0": "đ"})


def normalize_vi(text: str, *, accents: bool = True) -> str:
    """Canonical form of Vietnamese ``text`` for comparing answers.

    Compatibility forms (full-width letters, odd spaces) become plain ones,
    letters are case-folded and composed (NFC), invisible format characters are
    dropped, whitespace runs become one space, and every syllable gets the one
    tone-mark placement described in the module docstring. With
    ``accents=False`` all diacritics are removed too and đ becomes d.
    The result is stable: normalising it again changes nothing.

    >>> normalize_vi("Ｔừ　ngày\\u00a001/7/2025")
    'từ ngày 01/7/2025'
    >>> normalize_vi("Hóa đơn điện tử", accents=False)
    'hoa don dien tu'
    >>> same_vi("Quý khách", "QUÝ  KHÁCH")
    True
    """
    result = _normalize_once(text, accents)
    for _ in range(4):  # rare Unicode interactions can need another pass
        again = _normalize_once(result, accents)
        if again == result:
            break
        result = again
    return result


def same_vi(a: str, b: str, *, accents: bool = True) -> bool:
    """Whether ``a`` and ``b`` are the same Vietnamese text after :func:`normalize_vi`.

    >>> same_vi("Ủy ban nhân dân", "uỷ ban nhân dân")
    True
    >>> same_vi("bảo hiểm", "bao hiem"), same_vi("bảo hiểm", "bao hiem", accents=False)
    (False, True)
    """
    return normalize_vi(a, accents=accents) == normalize_vi(b, accents=accents)


def _normalize_once(text: str, accents: bool) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = unicodedata.normalize("NFC", text.casefold()).translate(_LOOKALIKES)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = _WHITESPACE.sub(" ", text).strip()
    text = _WORD.sub(lambda m: _place_tone(m.group()), unicodedata.normalize("NFD", text))
    if not accents:
        text = "".join(ch for ch in text if not unicodedata.combining(ch)).replace("đ", "d")
    return unicodedata.normalize("NFC", text)


def _place_tone(word: str) -> str:
    """Move the single tone mark of a lower-case NFD syllable to its canonical vowel."""
    letters: list[list[str]] = []  # [base letter, shape marks]
    tones = []
    for ch in word:
        if ch in _TONES:
            tones.append(ch)
        elif ch in _SHAPES and letters:
            letters[-1][1] += ch
        elif unicodedata.combining(ch):
            return word  # a mark Vietnamese does not use
        else:
            letters.append([ch, ""])
    if len(tones) != 1:
        return word
    bases = "".join(base for base, _ in letters)
    match = _SYLLABLE.fullmatch(bases)
    if not match:
        return word
    first = match.start(2)
    vowels = letters[first:match.end(2)]
    shaped = [i for i, (_, shape) in enumerate(vowels) if shape]
    if shaped:
        target = shaped[-1]
    elif match.group(3):
        target = len(vowels) - 1
    else:
        target = 1 if len(vowels) == 3 else 0
    letters[first + target][1] += tones[0]
    return "".join(base + marks for base, marks in letters)
