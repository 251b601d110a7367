"""Tests of policycomm.text: Vietnamese normalisation and message checks."""
import unicodedata

import pytest
from hypothesis import given, settings, strategies as st

from policycomm.text import normalize_vi, same_vi

TONES = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
ONSETS = ["", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng",
          "ngh", "nh", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x"]
# vowel groups as (NFD letters), so the tone can be put on any of them
VOWEL_GROUPS = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ai", "ao", "au", "ay",
                "âu", "ây", "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi", "oo", "ôi", "ơi",
                "ua", "uâ", "uê", "ui", "uô", "uơ", "uy", "ưa", "ưi", "ươ", "ưu", "yê", "oai", "oay",
                "oeo", "uây", "uôi", "uya", "uyê", "uyu", "ươi", "ươu", "iêu", "yêu"]
CODAS = ["", "c", "ch", "m", "n", "ng", "nh", "p", "t"]


@st.composite
def syllables(draw):
    """A Vietnamese-shaped syllable: (onset, vowel letters, coda, tone mark)."""
    vowels = [unicodedata.normalize("NFD", ch) for ch in draw(st.sampled_from(VOWEL_GROUPS))]
    return draw(st.sampled_from(ONSETS)), vowels, draw(st.sampled_from(CODAS)), draw(st.sampled_from(TONES))


def spell(onset, vowels, coda, tone, at):
    """The syllable with ``tone`` on vowel number ``at``, in NFC."""
    marked = [v + tone if i == at else v for i, v in enumerate(vowels)]
    return unicodedata.normalize("NFC", onset + "".join(marked) + coda)


@pytest.mark.parametrize("variant, canonical", [
    ("hoà", "hòa"), ("hòa", "hòa"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"), ("hoá", "hóa"),
    ("Thuý", "thúy"), ("qúa", "quá"), ("gìa", "già"), ("ngoaì", "ngoài"), ("khủyu", "khuỷu"),
    ("hoằn", "hoằn"), ("hòan", "hoàn"), ("húynh", "huýnh"), ("nguời", "nguời"), ("ngừơi", "người"),
    ("TRƯỜNG", "trường"), ("Ủy ban", "ủy ban"), ("Uỷ ban", "ủy ban"), ("giữ gìn", "giữ gìn"),
])
def test_one_tone_placement(variant, canonical):
    assert normalize_vi(variant) == canonical


def test_compatibility_forms_spaces_and_case():
    text = "\u3000ＴỪ\u00a0NGÀY  01/7/2025,\tngười\u200b dân\n\ncần  ĐĂNG KÝ "
    assert normalize_vi(text) == "từ ngày 01/7/2025, người dân cần đăng ký"


def test_nfd_input_equals_nfc_input():
    sentence = "Bảo hiểm y tế hộ gia đình được hỗ trợ từ ngày 01/7/2025."
    assert normalize_vi(unicodedata.normalize("NFD", sentence)) == normalize_vi(sentence)


def test_without_accents():
    assert normalize_vi("Đăng ký thường trú tại Ủy ban nhân dân xã", accents=False) == \
        "dang ky thuong tru tai uy ban nhan dan xa"
    assert normalize_vi("Ðồng Tháp", accents=False) == "dong thap"  # legacy eth for Đ


def test_non_vietnamese_words_keep_their_marks():
    assert normalize_vi("Café naïve résumé") == "café naïve résumé"
    assert normalize_vi("hóà") == "hóà"  # two tone marks: not a syllable, left alone


def test_same_vi():
    assert same_vi("Hòa Bình", "HOÀ  BÌNH")
    assert not same_vi("bảo hiểm", "bao hiem")
    assert same_vi("bảo hiểm", "BAO HIEM", accents=False)


@given(syllables(), st.data())
def test_tone_placement_variants_normalise_equal(syllable, data):
    onset, vowels, coda, tone = syllable
    at = data.draw(st.integers(0, len(vowels) - 1))
    variant = spell(onset, vowels, coda, tone, at)
    canonical = normalize_vi(spell(onset, vowels, coda, tone, 0))
    assert normalize_vi(variant) == canonical
    assert normalize_vi(unicodedata.normalize("NFD", variant)) == canonical
    assert normalize_vi(variant.upper()) == canonical
    assert normalize_vi(variant.title()) == canonical


@given(st.lists(syllables(), min_size=1, max_size=6))
def test_accents_false_gives_ascii_for_vietnamese(words):
    text = " ".join(spell(o, v, c, t, 0).upper() for o, v, c, t in words)
    assert normalize_vi(text, accents=False).isascii()


@settings(max_examples=300)
@given(st.text())
def test_never_raises_and_is_idempotent(text):
    once = normalize_vi(text)
    assert normalize_vi(once) == once
    bare = normalize_vi(text, accents=False)
    assert normalize_vi(bare, accents=False) == bare


@given(st.lists(syllables(), min_size=1, max_size=6))
def test_idempotent_on_vietnamese(words):
    text = " ".join(spell(o, v, c, t, len(v) - 1) for o, v, c, t in words)
    once = normalize_vi(text)
    assert normalize_vi(once) == once
    assert unicodedata.is_normalized("NFC", once)


# ---------------------------------------------------------------- message checks

from policycomm.messages import catalogue  # noqa: E402
from policycomm.text import (MAX_MESSAGE_WORDS, MAX_SENTENCE_WORDS, check_message,  # noqa: E402
                             message_stats, split_sentences)

GOOD = """THÔNG BÁO
Từ ngày 01/7/2025, người dân không phải nộp bản sao giấy khai sinh khi làm thủ tục hành chính (TTHC) \
tại Ủy ban nhân dân (UBND) xã.
Quy định mới nhằm giảm giấy tờ và tiết kiệm thời gian cho người dân.
Khi đến UBND xã, hãy mang theo căn cước. Cần hỏi thêm, xin gọi đường dây nóng 0243 456 789 \
hoặc truy cập dichvucong.gov.vn."""

WEAK = ("Thực hiện Nghị định số 34/2016/NĐ-CP và các văn bản hướng dẫn có liên quan, trên cơ sở đề xuất của "
        "các sở, ngành, địa phương, UBND tỉnh đã thống nhất chủ trương triển khai việc chuyển đổi phương thức "
        "tiếp nhận hồ sơ TTHC theo hướng số hóa toàn trình đối với các lĩnh vực thuộc thẩm quyền giải quyết "
        "của các cơ quan chuyên môn. Việc này có ý nghĩa quan trọng.")


def codes(text, **kwargs):
    return [finding.code for finding in check_message(text, **kwargs)]


def test_good_message_has_no_warnings():
    findings = check_message(GOOD)
    assert [(f.severity, f.code) for f in findings] == [("ok", "msg_ok")]
    assert "68 chữ" in findings[0].message.vi and "68 words" in findings[0].message.en


def test_weak_draft_gets_each_problem_with_specifics():
    findings = {f.code: f for f in check_message(WEAK) if f.code != "msg_abbreviation_unexplained"}
    assert set(findings) == {"msg_sentence_too_long", "msg_no_why", "msg_no_when", "msg_no_action"}
    assert all(f.severity == "warning" for f in findings.values())
    long_sentence = findings["msg_sentence_too_long"].message
    assert "Câu 1 dài 67 chữ" in long_sentence.vi and f"không quá {MAX_SENTENCE_WORDS}" in long_sentence.vi
    assert "Thực hiện Nghị định" in long_sentence.vi and "Sentence 1 has 67 words" in long_sentence.en
    unexplained = [f.message.vi for f in check_message(WEAK) if f.code == "msg_abbreviation_unexplained"]
    assert [text.split("“")[1].split("”")[0] for text in unexplained] == ["UBND", "TTHC"]
    assert "NĐ-CP" not in " ".join(unexplained)  # part of a document number, not prose


@pytest.mark.parametrize("text", [
    "Thẻ bảo hiểm y tế (BHYT) được cấp miễn phí.",
    "BHYT (bảo hiểm y tế) được cấp miễn phí.",
    "Thẻ bảo hiểm y tế (sau đây gọi tắt là BHYT) được cấp miễn phí.",
    "Người dân dùng mã QR và nhận SMS về COVID-19.",
    "THÔNG BÁO KHẨN: chương II, Điều 5 được sửa đổi.",
    "Người dân TP. Huế và TP.HCM được hỗ trợ, theo PGS. TS. Lê Văn B.",
])
def test_explained_or_known_abbreviations_are_fine(text):
    assert message_stats(text)["unexplained"] == []
    assert not any(code.startswith("msg_abbreviation") for code in codes(text))


def test_abbreviation_explained_only_later():
    text = "Hãy mang thẻ BHYT khi khám bệnh. Thẻ bảo hiểm y tế (BHYT) có giá trị toàn quốc."
    late = [f for f in check_message(text) if f.code == "msg_abbreviation_late"]
    assert len(late) == 1
    assert "“BHYT” được dùng từ câu 1 nhưng đến câu 2" in late[0].message.vi


def test_too_long_message():
    sentence = "Từ ngày 01/7/2025 người dân cần đăng ký để được hỗ trợ. "
    text = sentence * (MAX_MESSAGE_WORDS // 12 + 1)
    findings = [f for f in check_message(text) if f.code == "msg_too_long"]
    assert len(findings) == 1 and f"quá {MAX_MESSAGE_WORDS} chữ" in findings[0].message.vi
    assert "msg_too_long" not in codes(sentence * 2)


@pytest.mark.parametrize("text, missing", [
    ("Từ ngày 01/7/2025, học phí được miễn. Hãy liên hệ nhà trường.", "msg_no_why"),
    ("Học phí được miễn để gia đình bớt khó khăn. Hãy liên hệ nhà trường.", "msg_no_when"),
    ("Từ ngày 01/7/2025, học phí được miễn để gia đình bớt khó khăn.", "msg_no_action"),
    ("Kể từ 01/7/2025, để đời sống tốt hơn, hãy tham gia cùng chúng tôi.", "msg_no_what"),
])
def test_each_missing_element_is_named(text, missing):
    found = codes(text)
    assert missing in found
    assert not {"msg_no_why", "msg_no_when", "msg_no_action", "msg_no_what"} - {missing} & set(found)


def test_clock_times_and_today_say_when():
    base = "Đồi sau thôn 3 có nguy cơ sạt lở. Các hộ hãy sơ tán đến nhà văn hóa xã"
    assert "msg_no_when" in codes(base + ".")
    assert "msg_no_when" not in codes(base + " trước 20 giờ.")
    assert "msg_no_when" not in codes(base + " ngay tối nay.")


def test_phone_number_or_web_address_is_a_call_to_action():
    base = "Từ ngày 01/7/2025, học phí được miễn để gia đình bớt khó khăn. Chi tiết: "
    assert "msg_no_action" not in codes(base + "1900 9090.")
    assert "msg_no_action" not in codes(base + "https://dichvucong.gov.vn")
    assert "msg_no_action" in codes(base + "xem thông báo của trường.")


def test_spelling_variants_match_cue_words():
    text = "Từ ngày 01/7/2025, học phí được miễn để gia đình đỡ khó khăn. Mời phụ huynh đến Uỷ ban xã."
    assert codes(text) == ["msg_ok"]  # "đến ủy ban" is a call to action, whichever tone placement
    assert codes(text.upper()) == ["msg_ok"]
    assert codes(unicodedata.normalize("NFD", text)) == ["msg_ok"]
    assert "msg_no_action" in codes(text.replace("đến Uỷ ban xã", "ở xã"))


def test_empty_message():
    findings = check_message("  \n ")
    assert [(f.severity, f.code) for f in findings] == [("warning", "msg_empty")]


def test_not_text_is_a_clear_error():
    with pytest.raises(TypeError, match="Thông điệp phải là chữ .*không phải NoneType"):
        check_message(None)
    with pytest.raises(TypeError, match="không phải list"):
        split_sentences(["Từ ngày 01/7/2025."])


def test_english_text_and_unknown_language():
    text = "From 1 July 2025, school fees are free to help families. Please register at the school."
    assert codes(text, lang="en") == ["msg_ok"]
    with pytest.raises(ValueError, match="lang=\"vi\".*không phải 'fr'"):
        check_message(text, lang="fr")


def test_messages_are_registered_in_both_languages():
    for code in ("msg_ok", "msg_empty", "msg_too_long", "msg_sentence_too_long", "msg_abbreviation_unexplained",
                 "msg_abbreviation_late", "msg_no_what", "msg_no_why", "msg_no_when", "msg_no_action"):
        entry = catalogue()[code]
        assert entry.vi and entry.en and entry.vi != entry.en


@pytest.mark.parametrize("text, sentences", [
    ("Từ 01/7/2025, TP. Hồ Chí Minh áp dụng mức mới. Hãy gọi 1900 1234!",
     ["Từ 01/7/2025, TP. Hồ Chí Minh áp dụng mức mới.", "Hãy gọi 1900 1234!"]),
    ("Mức hỗ trợ là 1.500.000 đồng/tháng. Hỏi gì? Gọi ngay…",
     ["Mức hỗ trợ là 1.500.000 đồng/tháng.", "Hỏi gì?", "Gọi ngay…"]),
    ("PGS. TS. Lê Văn B cho biết... rồi đi. “Đúng vậy.” Xong.",
     ["PGS. TS. Lê Văn B cho biết... rồi đi.", "“Đúng vậy.”", "Xong."]),
    ("THÔNG BÁO\n- Mang theo căn cước\n- Đến trước 10 giờ\nvào sáng thứ Hai",
     ["THÔNG BÁO", "- Mang theo căn cước", "- Đến trước 10 giờ vào sáng thứ Hai"]),
    ("Một câu.\n\nHai câu", ["Một câu.", "Hai câu"]),
    ("", []),
])
def test_split_sentences(text, sentences):
    assert split_sentences(text) == sentences


def test_message_stats_is_plain_data():
    stats = message_stats(WEAK)
    assert stats == {"words": 74, "sentences": 2, "sentence_words": [67, 7], "longest_sentence": 67,
                     "longest_sentence_number": 1, "abbreviations": ["UBND", "TTHC"],
                     "unexplained": ["UBND", "TTHC"]}


@settings(max_examples=200)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",))) | st.text("BHYT .()\n/đĐ0123ạ?!…-"))
def test_check_message_never_raises(text):
    findings = check_message(text)
    assert findings and all(f.severity in ("warning", "info", "ok") for f in findings)
    assert sum(message_stats(text)["sentence_words"]) == message_stats(text)["words"]


@given(st.lists(syllables(), min_size=1, max_size=8))
def test_capitalised_vietnamese_words_are_not_abbreviations(words):
    headline = " ".join(spell(o, v, c, t, 0).upper() for o, v, c, t in words)
    assert message_stats(headline)["abbreviations"] == []


@given(st.text(st.sampled_from(list("Ab.!?…\n ()0/“”-TP")), max_size=60))
def test_sentences_keep_every_word(text):
    words = [token for token in text.split() if any(ch.isalnum() for ch in token)]
    assert sum(message_stats(text)["sentence_words"]) == len(words)
    assert [w for s in split_sentences(text) for w in s.split() if any(ch.isalnum() for ch in w)] == words


def test_a_sentence_typed_in_nfd_ends_like_the_same_sentence_in_nfc():
    """A word ending in "p", "q", "h"… with its marks as combining characters (macOS, the Windows Vietnamese
    keyboard) is not the dotted abbreviation "p." (phường) or "h."."""
    import unicodedata

    text = "Người có thu nhập thấp. Khi có thẻ, các cụ đi khám. Giá lúa vẫn cao h. Bà con yên tâm. TP. Huế."
    assert split_sentences(unicodedata.normalize("NFD", text)) == [
        unicodedata.normalize("NFD", s) for s in split_sentences(text)]
    assert len(split_sentences(text)) == 4
