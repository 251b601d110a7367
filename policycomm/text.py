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

``check_message`` reviews a draft policy message the way an editor would. Its
rules follow two sourced guidelines:

- Nghị định 34/2016, Điều 69 [S55]: language must be clear, simple and easy to
  understand, and technical terms and abbreviations must be explained at first
  use. Hence the checks on length, sentence length and abbreviations.
- WHO Strategic Communications Framework [S52]: communication must be
  understandable and actionable. Hence the checks that a message says what
  changes, why, from when, and what people should do.

>>> [f.code for f in check_message("BHYT hỗ trợ người dân.")]
['msg_abbreviation_unexplained', 'msg_no_why', 'msg_no_when', 'msg_no_action']
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache

from .messages import Bilingual, Finding, TraineeInputError

__all__ = ["normalize_vi", "same_vi", "split_sentences", "message_stats", "check_message",
           "MAX_MESSAGE_WORDS", "MAX_SENTENCE_WORDS", "KNOWN_ABBREVIATIONS", "PATTERNS"]


class NotTextError(TraineeInputError, TypeError):
    """A message that is not text (``str``)."""


#: a radio spot or social-media post longer than this many words (syllables) loses listeners
MAX_MESSAGE_WORDS = 300
#: a sentence longer than this many words (syllables) is hard to follow by ear or on a phone
MAX_SENTENCE_WORDS = 35
#: abbreviations so widely known that they need no explanation
KNOWN_ABBREVIATIONS = frozenset({"COVID", "COVID-19", "SMS", "QR", "TV", "ATM", "OK", "USD", "VND", "PDF",
                                 "TP.HCM"})
#: dotted abbreviations, known to all, that do not end a sentence ("TP. Hồ Chí Minh", "PGS. TS. …"), case-folded
DOTTED_ABBREVIATIONS = frozenset({"tp", "tx", "tt", "q", "p", "h", "x", "gs", "pgs", "ts", "ths",
                                  "bs", "ks", "ls", "ncs", "đ/c", "st"})

#: combining tone marks: huyền, sắc, ngã, hỏi, nặng
_TONES = "\u0300\u0301\u0303\u0309\u0323"
#: combining shape marks: circumflex (â ê ô), breve (ă), horn (ơ ư)
_SHAPES = "\u0302\u0306\u031b"
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


# ---------------------------------------------------------------- message checks


#: cue words (matched as whole words after normalize_vi) for what changes, why, from when,
#: and what to do; each tuple's extra patterns are regular expressions
_CUES = {
    "vi": {
        "what": ("quy định", "chính sách", "luật", "nghị định", "thông tư", "quyết định", "chương trình",
                 "hỗ trợ", "miễn", "giảm", "tăng", "mức", "bắt buộc", "phải", "không được", "được hưởng",
                 "thay đổi", "áp dụng", "cấm", "thủ tục", "chế độ", "phí", "lệ phí"),
        "why": ("nhằm", "để", "vì", "giúp", "góp phần", "bảo đảm", "đảm bảo", "nhờ", "mục đích",
                "lợi ích", "tránh", "bảo vệ", "nguy cơ"),
        "when": ("từ ngày", "kể từ", "có hiệu lực", "trước ngày", "đến ngày", "hạn chót", "thời hạn",
                 "từ tháng", "từ năm", "bắt đầu từ", "chậm nhất", "từ nay", "hôm nay", "sáng nay",
                 "chiều nay", "tối nay", "ngày mai", "sáng mai"),
        "action": ("hãy", "cần", "đăng ký", "liên hệ", "gọi", "mang theo", "nộp", "truy cập", "khai báo",
                   "cập nhật", "tải", "quét mã", "kiểm tra", "tham gia", "góp ý", "gửi", "vui lòng",
                   "đề nghị"),
    },
    "en": {
        "what": ("rule", "rules", "policy", "law", "decree", "support", "free", "fee", "fees", "must",
                 "required", "allowed", "entitled", "change", "changes", "applies"),
        "why": ("to", "so that", "because", "in order to", "helps", "help", "protect", "benefit", "avoid"),
        "when": ("from", "starting", "effective", "by", "before", "deadline", "until"),
        "action": ("please", "register", "call", "visit", "bring", "submit", "apply", "contact", "go to",
                   "download", "scan", "check", "send"),
    },
}
_DATE_OR_TIME = (r"\d{1,2}/\d{1,2}(?:/\d{2,4})?|ngày \d{1,2} tháng \d{1,2}|tháng \d{1,2}(?:/\d{4})?|năm \d{4}|"
                 r"\d{1,2} ?(?:giờ|h)(?: ?\d{2})?")
_PHONE = r"(?:\+84|0)\d{2,3}[ .]?\d{3}[ .]?\d{3,4}|1[89]00[ .]?\d{3,4}(?:[ .]?\d{2,4})?"
_URL = r"https?://\S+|www\.\S+|(?<![\w.-])(?:[\w-]+\.)+(?:gov|com|org|net|vn)\b"
_GO_TO_PLACE = (r"đến (?:ngay )?(?:trụ sở|ủy ban|ubnd|trạm|bộ phận|điểm|cơ sở|bệnh viện|nơi|"
                r"nhà văn hóa|công an|bưu điện)")
_EXTRA_CUES = {"when": (_DATE_OR_TIME,), "action": (_PHONE, _URL, _GO_TO_PLACE)}
#: named patterns (regular expressions on ``normalize_vi`` text) that other checks may ask for by name
PATTERNS = {"date": _DATE_OR_TIME, "phone": _PHONE, "url": _URL, "go_to_place": _GO_TO_PLACE}

_TOKEN = re.compile(r"[^\s()\[\]{}\"'“”‘’«»,;:!?…]+")
_ROMAN = re.compile(r"X{0,3}(?:IX|IV|V?I{0,3})")
# the lookbehinds start a match only at the beginning of a run, which keeps long runs linear
_BREAK = re.compile(r"(?<![.!?…])(?P<punct>[.!?…]+)[\"'”’»)\]]*(?P<space>\s+)|(?<![ \t])(?P<newline>[ \t]*\n\s*)")
_LAST_WORD = re.compile(r"[\w/\u0300-\u036f]+$")  # combining marks too: "thấp." typed in NFD is no "p."
_OPENERS = "\"'“‘«([-–•*+"
_OPEN_BEFORE = re.compile(r"\(\s*(?:(?:sau đây\s+)?(?:gọi|viết)\s+tắt\s+là\s+|gọi là\s+)?$", re.IGNORECASE)
_CLOSE_AFTER = re.compile(r"\s*\)")
_NAMED_AFTER = re.compile(r"\s*\(\s*[^()\s]+\s+[^()\s][^()]*\)")


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, each with its whitespace collapsed.

    A sentence ends at . ! ? or … followed by a capital, a digit or a new line,
    except after dotted abbreviations such as "TP." (see ``DOTTED_ABBREVIATIONS``);
    a line break ends one too unless the next line starts in lower case (a
    wrapped line). Dates (01/7/2025) and numbers (1.500.000) never split.

    >>> split_sentences("Từ 01/7/2025, TP. Hồ Chí Minh áp dụng mức mới. Hãy gọi 1900 1234!")
    ['Từ 01/7/2025, TP. Hồ Chí Minh áp dụng mức mới.', 'Hãy gọi 1900 1234!']
    >>> split_sentences("THÔNG BÁO\\n- Mang theo căn cước\\n- Đến trước 10 giờ")
    ['THÔNG BÁO', '- Mang theo căn cước', '- Đến trước 10 giờ']
    """
    return [" ".join(text[start:end].split()) for start, end in _sentence_spans(text)]


def message_stats(text: str) -> dict:
    """Counts that the message checks use, as plain data.

    Words are space-separated syllables that contain a letter or digit.
    ``abbreviations`` lists them in order of first use; ``unexplained``
    those not explained at first use.

    >>> stats = message_stats("Thẻ bảo hiểm y tế (BHYT) được cấp miễn phí. UBND xã sẽ phát thẻ.")
    >>> stats["words"], stats["sentence_words"], stats["longest_sentence_number"]
    (15, [10, 5], 1)
    >>> stats["abbreviations"], stats["unexplained"]
    (['BHYT', 'UBND'], ['UBND'])
    """
    spans, counts, uses = _analyse(text)
    longest = max(counts, default=0)
    return {
        "words": sum(counts),
        "sentences": len(spans),
        "sentence_words": counts,
        "longest_sentence": longest,
        "longest_sentence_number": counts.index(longest) + 1 if counts else 0,
        "abbreviations": list(uses),
        "unexplained": [abbr for abbr, found in uses.items() if not found[0][1]],
    }


def check_message(text: str, *, lang: str | None = None) -> list[Finding]:
    """Review a draft policy message; one :class:`~policycomm.messages.Finding` per problem.

    ``lang`` is the language the message is written in: ``"vi"`` (default) or
    ``"en"``; it selects the cue words. Warnings: too long overall
    (``MAX_MESSAGE_WORDS``), a sentence too long (``MAX_SENTENCE_WORDS``), an
    abbreviation not explained at first use, and no reason, start date or call
    to action; an unclear policy content is "info". With no warning, one "ok"
    finding sums the message up.

    >>> good = ("Từ ngày 01/7/2025, học sinh được miễn học phí để gia đình bớt gánh nặng. "
    ...         "Hãy liên hệ nhà trường để biết thêm.")
    >>> [(f.severity, f.code) for f in check_message(good)]
    [('ok', 'msg_ok')]
    """
    lang = lang or "vi"
    if lang not in _CUES:
        raise TraineeInputError("text_bad_language", language=lang)
    spans, counts, uses = _analyse(text)
    total = sum(counts)
    if not total:
        return [_finding("warning", "msg_empty")]
    findings = []
    if total > MAX_MESSAGE_WORDS:
        findings.append(_finding("warning", "msg_too_long", words=total, limit=MAX_MESSAGE_WORDS))
    for number, ((start, end), words) in enumerate(zip(spans, counts), 1):
        if words > MAX_SENTENCE_WORDS:
            beginning = " ".join(text[start:end].split()[:8]) + " …"
            findings.append(_finding("warning", "msg_sentence_too_long", number=number, words=words,
                                     limit=MAX_SENTENCE_WORDS, start=beginning))
    for abbr, found in uses.items():
        first_number, explained_at_first_use = found[0]
        if explained_at_first_use:
            continue
        later = [number for number, explained in found if explained]
        if later:
            findings.append(_finding("warning", "msg_abbreviation_late", abbr=abbr, number=first_number,
                                     explained=later[0]))
        else:
            findings.append(_finding("warning", "msg_abbreviation_unexplained", abbr=abbr, number=first_number))
    normalized = normalize_vi(text)
    for aspect, severity in (("what", "info"), ("why", "warning"), ("when", "warning"), ("action", "warning")):
        if not _cue_pattern(lang, aspect).search(normalized):
            findings.append(_finding(severity, f"msg_no_{aspect}"))
    if not any(f.severity == "warning" for f in findings):
        findings.insert(0, _finding("ok", "msg_ok", words=total, sentences=len(spans), longest=max(counts)))
    return findings


def _analyse(text: str) -> tuple[list[tuple[int, int]], list[int], dict[str, list[tuple[int, bool]]]]:
    """Sentence spans, words per sentence, and abbreviation uses of ``text``."""
    spans = _sentence_spans(text)
    return spans, [_word_count(text[start:end]) for start, end in spans], _abbreviation_uses(text, spans)


def _finding(severity: str, code: str, **fields) -> Finding:
    return Finding(severity, code, Bilingual.of(code, **fields))


def _word_count(text: str) -> int:
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


@lru_cache(maxsize=None)
def _cue_pattern(lang: str, aspect: str) -> re.Pattern:
    words = sorted((re.escape(normalize_vi(cue)) for cue in _CUES[lang][aspect]), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(words + list(_EXTRA_CUES.get(aspect, ()))) + r")(?!\w)")


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, skipping pieces without words."""
    if not isinstance(text, str):
        raise NotTextError("text_not_str", kind=type(text).__name__)
    cuts, start = [], 0
    for match in _BREAK.finditer(text):
        if _ends_sentence(text, match):
            cuts.append((start, match.start("space") if match.group("punct") else match.start()))
            start = match.end()
    cuts.append((start, len(text)))
    return [(start, end) for start, end in cuts if _word_count(text[start:end])]


def _ends_sentence(text: str, match: re.Match) -> bool:
    following = text[match.end():match.end() + 1]
    if match.group("newline") is not None:
        return not following.islower()
    if "\n" in match.group("space"):
        return True
    if match.group("punct") == ".":
        previous = _LAST_WORD.search(text, max(0, match.start() - 20), match.start())
        if previous and previous.group().casefold() in DOTTED_ABBREVIATIONS:
            return False
    return following.isupper() or following.isdigit() or (following != "" and following in _OPENERS)


def _abbreviation_uses(text: str, spans: list[tuple[int, int]]) -> dict[str, list[tuple[int, bool]]]:
    """abbreviation -> [(sentence number, explained here?)] for each use, in order of first use."""
    uses: dict[str, list[tuple[int, bool]]] = {}
    starts = [start for start, _ in spans]
    for token in _TOKEN.finditer(text):
        word = token.group()
        if "/" in word or "@" in word or word.casefold().startswith("www.") or word.rstrip(".") in KNOWN_ABBREVIATIONS:
            continue  # document numbers (34/2016/NĐ-CP), dates, addresses, TP.HCM
        offset = token.start()
        parts = word.split(".")
        for index, part in enumerate(parts):
            abbr = part.strip("-")
            dotted_title = index < len(parts) - 1 and abbr.casefold() in DOTTED_ABBREVIATIONS  # "TP. Huế"
            if not dotted_title and _is_abbreviation(abbr):
                start = offset + part.index(abbr)
                number = max(1, bisect_right(starts, start))
                uses.setdefault(abbr, []).append((number, _explained(text, start, start + len(abbr))))
            offset += len(part) + 1
    return uses


def _is_abbreviation(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return (len(letters) >= 2 and all(ch.isupper() for ch in letters)
            and all(ch.isalnum() or ch == "-" for ch in word)
            and word.upper() not in KNOWN_ABBREVIATIONS and not _ROMAN.fullmatch(word)
            and not all(_is_syllable(piece) for piece in word.split("-") if piece))


def _is_syllable(word: str) -> bool:
    """Whether ``word`` is spelled like one Vietnamese syllable (so "BÁO" is a word, "BHYT" is not)."""
    bare = "".join(ch for ch in unicodedata.normalize("NFD", word.casefold()) if not unicodedata.combining(ch))
    return bool(_SYLLABLE.fullmatch(bare))


def _explained(text: str, start: int, end: int) -> bool:
    """Whether the abbreviation at text[start:end] comes with its expansion: "… y tế (BHYT)" or "BHYT (…)"."""
    window = text[max(0, start - 80):start]
    opener = _OPEN_BEFORE.search(window)
    if opener and _CLOSE_AFTER.match(text, end) and _word_count(re.split(r"[()]", window[:opener.start()])[-1]) >= 2:
        return True
    return bool(_NAMED_AFTER.match(text, end))
