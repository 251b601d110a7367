"""Tests of policycomm.model.radio: word counts and airtime of a commune-radio item."""
import pytest
from hypothesis import given, strategies as st

from policycomm.model.radio import airtime_seconds, check_airtime, count_words, reading_speed, words_for_slot


@pytest.mark.parametrize("text, words", [
    ("", 0),
    ("Thông báo!", 2),
    ("Từ ngày 01/7/2025, hồ sơ nộp tại xã.", 8),
    ("Gọi 0200.3456.789 để hỏi", 4),
    ("  nhiều   khoảng\ntrắng ", 3),
    ("\u0110ồng Tháp", 2),
])
def test_count_words(text, words):
    assert count_words(text) == words


def test_count_words_same_for_nfd_input():
    import unicodedata
    text = "Người dân được hỗ trợ khám chữa bệnh miễn phí."
    assert count_words(unicodedata.normalize("NFD", text)) == count_words(text) == 10


@given(st.integers(min_value=1, max_value=600), st.integers(min_value=60, max_value=300))
def test_words_for_slot_fits_and_one_more_does_not(slot, speed):
    n = words_for_slot(slot, speed)
    assert airtime_seconds(" ".join(["tin"] * n), speed) <= slot
    assert (n + 1) * 60 / speed > slot


def test_check_airtime_says_how_many_words_to_cut():
    text = " ".join(["tin"] * 200)
    finding, = check_airtime(text, slot_seconds=60, words_per_minute=160)
    assert (finding.severity, finding.code) == ("error", "radio_too_long")
    assert "bớt khoảng 40 tiếng" in finding.message.vi


def test_check_airtime_fits_and_too_short():
    assert check_airtime(" ".join(["tin"] * 150), 60, 160)[0].code == "radio_fits"
    assert check_airtime(" ".join(["tin"] * 20), 60, 160)[0].severity == "warning"


@pytest.mark.parametrize("speed", [0, -5, "160", None, True])
def test_bad_speed_is_a_clear_error(speed):
    with pytest.raises(ValueError, match="Tốc độ đọc phải là một số dương"):
        airtime_seconds("một hai", speed)


def test_reading_speed_measured():
    assert reading_speed(160, 60) == 160.0
    for seconds in (0, -3, "21", None):
        with pytest.raises(ValueError, match="Số giây đọc phải là một số dương"):
            reading_speed(100, seconds)
