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
