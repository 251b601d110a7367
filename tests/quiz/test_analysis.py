"""Item analysis: each statistic against an independent computation, flags, readers, command, benchmark logic."""
from __future__ import annotations

import importlib.util
import os
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from policycomm.cli import main
from policycomm.quiz.analysis import (ResponsesError, Thresholds, analyze, analyze_matrix, read_gradebook,
                                      read_responses_csv)

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: the session's PostgreSQL server fixture, shared with the cohort-grading tests
shared_postgres_url = _load("gradingkit", ROOT / "tests" / "grading" / "gradingkit.py").postgres_url


@pytest.fixture
def postgres_url(tmp_path_factory, request):
    """The shared server; its data folder lies under pytest's temporary root, which the postgres user must traverse."""
    base = tmp_path_factory.getbasetemp()
    for folder in (base.parent, base):
        mode = folder.stat().st_mode
        if mode & 0o011 != 0o011:
            folder.chmod(mode | 0o011)  # search (x) only, no listing
    return request.getfixturevalue("shared_postgres_url")

# 10 trainees x 5 dichotomous items; totals 5,4,4,3,3,2,2,1,1,0 -> the top and bottom 3 (27%) are unambiguous
# (the 3rd and 4th totals differ, as do the 7th and 8th).
MATRIX = np.array([
    [1, 1, 1, 1, 1],
    [1, 1, 1, 0, 1],
    [1, 1, 0, 1, 1],
    [1, 0, 1, 1, 0],
    [1, 1, 0, 0, 1],
    [0, 1, 1, 0, 0],
    [1, 0, 0, 0, 1],
    [0, 0, 1, 0, 0],
    [0, 1, 0, 0, 0],
    [0, 0, 0, 0, 0],
], dtype=float)


def long_format(matrix: np.ndarray, max_scores=None, **extra) -> pd.DataFrame:
    n, k = matrix.shape
    maxima = np.ones(k) if max_scores is None else np.asarray(max_scores, dtype=float)
    return pd.DataFrame({"trainee": np.repeat([f"t{i}" for i in range(n)], k),
                         "item": np.tile([f"q{j}" for j in range(k)], n),
                         "score": matrix.ravel(), "max_score": np.tile(maxima, n), **extra})


def load_bench():
    return _load("bench_item_analysis", ROOT / "bench" / "item_analysis.py")


# ------------------------------------------------------------------ statistics

def test_facility_and_corrected_item_total_correlation_match_scipy():
    items = analyze(long_format(MATRIX)).items
    totals = MATRIX.sum(axis=1)
    for j in range(MATRIX.shape[1]):
        expected_r = stats.pearsonr(MATRIX[:, j], totals - MATRIX[:, j]).statistic
        assert items["item_rest_r"].iloc[j] == pytest.approx(expected_r)
    np.testing.assert_allclose(items["facility"], MATRIX.mean(axis=0))
    assert items.index.tolist() == ["q0", "q1", "q2", "q3", "q4"]


def test_discrimination_uses_upper_and_lower_27_percent_by_total():
    items = analyze(long_format(MATRIX)).items
    order = np.argsort(-MATRIX.sum(axis=1))
    upper, lower = MATRIX[order[:3]], MATRIX[order[-3:]]
    expected = (upper.sum(axis=0) - lower.sum(axis=0)) / 3  # (U - L) / n
    np.testing.assert_allclose(items["discrimination"], expected)


def test_discriminative_efficiency_follows_moodle_definition():
    items = analyze(long_format(MATRIX)).items
    totals = MATRIX.sum(axis=1)
    for j in range(MATRIX.shape[1]):
        item, rest = MATRIX[:, j], totals - MATRIX[:, j]
        covariance = np.cov(item, rest)[0, 1]
        covariance_max = np.cov(np.sort(item), np.sort(rest))[0, 1]
        assert items["efficiency"].iloc[j] == pytest.approx(covariance / covariance_max)


def test_kr20_equals_alpha_on_dichotomous_data_and_sem_follows():
    result = analyze(long_format(MATRIX))
    k = MATRIX.shape[1]
    p = MATRIX.mean(axis=0)
    kr20 = k / (k - 1) * (1 - (p * (1 - p)).sum() / MATRIX.sum(axis=1).var())
    frame = pd.DataFrame(MATRIX)
    alpha = k / (k - 1) * (1 - frame.var().sum() / frame.sum(axis=1).var())  # sample variances
    assert result.test["reliability_method"] == "KR-20"
    assert result.test["reliability"] == pytest.approx(kr20)
    assert result.test["reliability"] == pytest.approx(alpha)
    sd = MATRIX.sum(axis=1).std(ddof=1)
    assert result.test["sem"] == pytest.approx(np.sqrt(1 - kr20) * sd)


def test_polytomous_items_use_cronbach_alpha_and_alpha_if_deleted():
    scores = np.array([[2, 3, 1], [1, 2, 1], [2, 2, 0], [0, 1, 0], [1, 3, 1], [0, 0, 0]], dtype=float)
    result = analyze(long_format(scores, max_scores=[2, 3, 1]))
    frame = pd.DataFrame(scores)

    def alpha(f):
        return f.shape[1] / (f.shape[1] - 1) * (1 - f.var().sum() / f.sum(axis=1).var())

    assert result.test["reliability_method"] == "Cronbach's alpha"
    assert result.test["reliability"] == pytest.approx(alpha(frame))
    for j in range(3):
        assert result.items["alpha_if_deleted"].iloc[j] == pytest.approx(alpha(frame.drop(columns=j)))
    np.testing.assert_allclose(result.items["facility"], scores.mean(axis=0) / [2, 3, 1])


def test_distractor_share_and_point_biserial_match_scipy():
    rng = np.random.default_rng(3)
    n = 40
    other = rng.integers(0, 2, size=(n, 3)).astype(float)
    choice = rng.choice(["A", "B", "C", "D"], size=n, p=[0.5, 0.3, 0.17, 0.03])
    matrix = np.column_stack([other, choice == "A"]).astype(float)
    responses = long_format(matrix)
    responses["choice"] = np.where(responses["item"] == "q3", np.repeat(choice, 4), None)
    table = analyze(responses).distractors
    rest = other.sum(axis=1)
    assert table["item"].unique().tolist() == ["q3"]
    for row in table.itertuples():
        chose = (choice == row.option).astype(float)
        assert row.share == pytest.approx(chose.mean())
        assert row.point_biserial == pytest.approx(stats.pointbiserialr(chose, rest).statistic)
        assert row.is_key == (row.option == "A")


def test_options_nobody_chose_appear_and_are_flagged_rare():
    responses = long_format(MATRIX[:, :1])
    responses["choice"] = np.where(MATRIX[:, 0] == 1, "A", "B")
    result = analyze(responses, options={"q0": ["A", "B", "C"]})
    table = result.distractors.set_index("option")
    assert table.loc["C", "count"] == 0
    assert "ia_rare_distractor" in result.items.loc["q0", "flags"]
    assert "“C”" in result.items.loc["q0", "explanation_vi"]


# ------------------------------------------------------------------ flags

def test_crafted_items_get_the_right_flags():
    rng = np.random.default_rng(1)
    ability = rng.normal(size=200)
    good = (ability[:, None] + rng.normal(scale=0.7, size=(200, 6)) > 0).astype(float)
    reversed_key = 1 - good[:, :1]
    too_hard = (ability[:, None] > 1.8).astype(float)
    too_easy = (ability[:, None] > -1.8).astype(float)
    constant = np.ones((200, 1))
    matrix = np.column_stack([good, reversed_key, too_hard, too_easy, constant])
    result = analyze_matrix(pd.DataFrame(matrix, columns=[f"g{i}" for i in range(6)] +
                                         ["reversed", "hard", "easy", "constant"]), np.ones(10))
    flags = result.items["flags"]
    assert {"ia_wrong_key_discrimination", "ia_wrong_key_correlation"} <= set(flags["reversed"])
    assert "ia_too_hard" in flags["hard"]
    assert "ia_too_easy" in flags["easy"]
    assert "ia_no_variance" in flags["constant"] and np.isnan(result.items.loc["constant", "item_rest_r"])
    assert all(flags[f"g{i}"] == [] for i in range(6))
    assert "đáp án" in result.items.loc["reversed", "explanation_vi"]
    assert "key" in result.items.loc["reversed", "explanation_en"]


def test_easy_threshold_is_configurable():
    matrix = np.column_stack([MATRIX, (np.arange(10) < 9).astype(float)])  # facility 0.9 -> easy only at 0.80
    assert "ia_too_easy" not in analyze_matrix(matrix, np.ones(6)).items["flags"].iloc[5]
    assert "ia_too_easy" in analyze_matrix(matrix, np.ones(6), Thresholds(too_easy=0.80)).items["flags"].iloc[5]


def test_low_reliability_is_flagged_for_the_test():
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 2, size=(100, 10)).astype(float)
    result = analyze_matrix(noise, np.ones(10))
    assert result.test["reliability"] < 0.64
    assert result.test["flags"] == ["ia_low_reliability"]


# ------------------------------------------------------------------ degenerate input

def codes(notes):
    return [note.code for note in notes]


def test_all_same_score_does_not_crash_and_says_why():
    result = analyze(long_format(np.ones((5, 3))))
    assert np.isnan(result.test["reliability"])
    assert "ia_note_no_variance_total" in codes(result.notes)
    assert all("ia_no_variance" in f for f in result.items["flags"])


def test_one_trainee_does_not_crash():
    result = analyze(long_format(np.array([[1.0, 0.0, 1.0]])))
    assert "ia_note_one_trainee" in codes(result.notes)
    assert result.items["discrimination"].isna().all()
    np.testing.assert_allclose(result.items["facility"], [1, 0, 1])


def test_missing_answers_count_as_zero_with_a_note():
    responses = long_format(MATRIX).drop(index=[0, 7]).reset_index(drop=True)  # t0 q0 and t1 q2 absent
    responses.loc[3, "score"] = np.nan  # an empty score: not answered
    result = analyze(responses)
    assert "ia_note_missing" in codes(result.notes)
    assert "3 ô" in str(result.notes[codes(result.notes).index("ia_note_missing")])
    assert result.items.loc["q0", "n"] == 9
    assert result.items.loc["q0", "facility"] == pytest.approx((MATRIX[:, 0].sum() - 1) / 10)


def test_empty_responses_do_not_crash():
    result = analyze(pd.DataFrame(columns=["trainee", "item", "score", "max_score"]))
    assert result.items.empty and "ia_note_no_responses" in codes(result.notes)


def test_only_first_attempts_count():
    first = long_format(MATRIX, attempt=1)
    retry = long_format(np.ones_like(MATRIX), attempt=2)
    responses = pd.concat([retry, first], ignore_index=True)  # later attempts listed first
    result = analyze(responses)
    np.testing.assert_allclose(result.items["facility"], MATRIX.mean(axis=0))
    assert "ia_note_first_attempts" in codes(result.notes)


def test_first_attempt_by_timestamp():
    responses = pd.DataFrame({"trainee": ["a", "a", "b"], "item": ["q", "q", "q"], "score": [1, 0, 1],
                              "max_score": 1, "timestamp": pd.to_datetime(["2026-03-02", "2026-03-01",
                                                                           "2026-03-01"])})
    assert analyze(responses).items.loc["q", "facility"] == 0.5


# ------------------------------------------------------------------ CSV reader

def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_csv_with_bom_and_vietnamese_names_in_nfc_and_nfd(tmp_path):
    name = "Nguyễn Thị Hằng"
    text = ("trainee,item,score,max_score,choice\n"
            f"{name},q1,1,1,A\n{unicodedata.normalize('NFD', name)},q2,0,1,B\nTrần Văn Đức,q1,0,1,C\n")
    responses = read_responses_csv(write(tmp_path / "r.csv", text, "utf-8-sig"))
    assert set(responses["trainee"]) == {name, "Trần Văn Đức"}
    result = analyze(responses)
    assert result.test["trainees"] == 2
    assert result.items.loc["q1", "facility"] == 0.5


def test_csv_bad_rows_name_file_line_and_column(tmp_path):
    path = write(tmp_path / "bad.csv", "trainee,item,score,max_score\nAn,q1,1,1\nBình,q1,một,1\n,q2,1,1\nChi,q2,3,2\n"
                                       "Dũng,q2,\"0,5\",2\nEm,q3,1,\n")
    with pytest.raises(ResponsesError) as caught:
        read_responses_csv(path)
    text = str(caught.value)
    assert f"{path}:7: cột “max_score”" in text and "điền điểm tối đa" in text
    assert ":6:" not in text  # "0,5" with a decimal comma is a number
    assert len(caught.value.problems) == 4
    assert f"{path}:3: cột “score”: “một” không phải là số" in text
    assert f"{path}:4: cột “trainee”" in text and "đang trống" in text
    assert f"{path}:5: cột “score”: điểm 3 lớn hơn điểm tối đa 2" in text


def test_csv_missing_column_lists_what_is_there(tmp_path):
    path = write(tmp_path / "cols.csv", "trainee,item,score\nAn,q1,1\n")
    with pytest.raises(ResponsesError, match="max_score") as caught:
        read_responses_csv(path)
    assert "trainee, item, score" in str(caught.value)


@pytest.mark.parametrize("content, expected", [
    ("", "tệp rỗng"),
    ("trainee,item,score,max_score\nAn,q1,1,1\nAn,q2,1,2\nBình,q2,1,1\n", "điểm tối đa khác nhau"),
])
def test_csv_file_level_problems(tmp_path, content, expected):
    with pytest.raises(ResponsesError, match=expected):
        read_responses_csv(write(tmp_path / "f.csv", content))


def test_csv_not_utf8_says_how_to_save(tmp_path):
    path = write(tmp_path / "latin.csv", "trainee,item,score,max_score\nJosé,q1,1,1\n", "latin-1")
    with pytest.raises(ResponsesError, match="CSV UTF-8"):
        read_responses_csv(path)


def test_csv_missing_file(tmp_path):
    with pytest.raises(ResponsesError, match="không tìm thấy tệp"):
        read_responses_csv(tmp_path / "nothing.csv")


# ------------------------------------------------------------------ gradebook reader

def fill_gradebook(url: str) -> str:
    """Fill a real nbgrader gradebook: two assignments, grade cells, three students, auto and manual scores."""
    import warnings

    from nbgrader.api import Gradebook

    with pytest.MonkeyPatch.context() as patch, warnings.catch_warnings():
        # a new gradebook runs the `alembic` command installed beside this Python
        patch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
        warnings.filterwarnings("ignore", "Object of type", category=Warning)  # raised inside add_submission
        with Gradebook(url) as gradebook:
            gradebook.add_assignment("ps1")
            gradebook.add_notebook("kenh", "ps1")
            for cell, points in (("chon_kenh", 2.0), ("thong_diep", 1.0)):
                gradebook.add_grade_cell(cell, "kenh", "ps1", max_score=points, cell_type="code")
            scores = {"hv01": (2.0, 1.0), "hv02": (1.0, 0.0), "hv03": (0.0, 1.0)}
            for student, (first, second) in scores.items():
                gradebook.add_student(student, first_name="Học", last_name="Viên")
                gradebook.add_submission("ps1", student)
                grade = gradebook.find_grade("chon_kenh", "kenh", "ps1", student)
                grade.auto_score = first
                other = gradebook.find_grade("thong_diep", "kenh", "ps1", student)
                other.auto_score = 1.0 - second
                other.manual_score = second  # a lecturer's manual score takes precedence
            gradebook.add_assignment("ps2")
            gradebook.add_notebook("khung_hoang", "ps2")
            gradebook.add_grade_cell("gio_dau", "khung_hoang", "ps2", max_score=1.0, cell_type="code")
            gradebook.add_submission("ps2", "hv01")
            gradebook.find_grade("gio_dau", "khung_hoang", "ps2", "hv01").auto_score = 1.0
            gradebook.db.commit()
    return url


@pytest.fixture(scope="module")
def gradebook_url(tmp_path_factory) -> str:
    """A real SQLite nbgrader gradebook (see :func:`fill_gradebook`)."""
    return fill_gradebook(f"sqlite:///{tmp_path_factory.mktemp('course') / 'gradebook.db'}")


def check_gradebook_reading(url: str) -> None:
    assert set(read_gradebook(url)["item"]) == {"ps1/kenh/chon_kenh", "ps1/kenh/thong_diep", "ps2/khung_hoang/gio_dau"}
    responses = read_gradebook(url, assignment="ps1")
    assert set(responses["item"]) == {"ps1/kenh/chon_kenh", "ps1/kenh/thong_diep"}
    by_cell = responses.set_index(["trainee", "item"])
    assert by_cell.loc[("hv01", "ps1/kenh/chon_kenh"), "score"] == 2.0
    assert by_cell.loc[("hv02", "ps1/kenh/thong_diep"), "score"] == 0.0  # manual score, not auto 1.0
    assert by_cell.loc[("hv03", "ps1/kenh/chon_kenh"), "max_score"] == 2.0
    assert analyze(responses).items.loc["ps1/kenh/chon_kenh", "facility"] == pytest.approx(0.5)


def test_gradebook_reader_on_a_real_nbgrader_gradebook(gradebook_url):
    check_gradebook_reading(gradebook_url)


@pytest.mark.slow
@pytest.mark.postgres
def test_gradebook_reader_on_postgresql(postgres_url):
    from sqlalchemy import create_engine, text

    server = postgres_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg2://")
    engine = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:  # a database of its own: the server is shared by the session
        connection.execute(text("CREATE DATABASE item_analysis"))
    engine.dispose()
    fill_gradebook(f"{server}/item_analysis")
    check_gradebook_reading(postgres_url.rsplit("/", 1)[0] + "/item_analysis")  # a plain postgresql:// URL


def test_gradebook_missing_file_is_an_error_and_creates_nothing(tmp_path):
    with pytest.raises(ResponsesError, match="không tìm thấy tệp"):
        read_gradebook(f"sqlite:///{tmp_path / 'typo.db'}")
    assert not (tmp_path / "typo.db").exists()


@pytest.mark.parametrize("url, expected", [("gradebook.db", "không phải địa chỉ cơ sở dữ liệu"),
                                           ("postgresql://nobody@127.0.0.1:1/gradebook", "không mở được")])
def test_a_bad_database_url_says_what_is_wrong(url, expected, capsys):
    assert main(["quiz", "analyze", "--gradebook", url]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err


def test_a_database_that_is_not_a_gradebook(tmp_path):
    import sqlite3

    with sqlite3.connect(tmp_path / "other.db") as connection:
        connection.execute("create table notes (x text)")
    with pytest.raises(ResponsesError, match="không phải sổ điểm nbgrader"):
        read_gradebook(f"sqlite:///{tmp_path / 'other.db'}")


# ------------------------------------------------------------------ answers files of the quiz widgets

def submitted_answers(folder: Path) -> Path:
    """nbgrader's submitted/ layout with answers files, written by the widgets' own recorder."""
    from policycomm.quiz.responses import record_answer

    answers = {"hv01": ("a", False), "hv02": ("a", True), "hv03": ("b", False), "hv04": ("c", None)}
    for trainee, (single, true_false) in answers.items():
        place = folder / "submitted" / trainee / "quiz1"
        place.mkdir(parents=True)
        record_answer("m01-q01", single, notebook="quiz.ipynb", folder=place)
        if true_false is not None:
            record_answer("m01-q02", true_false, notebook="quiz.ipynb", folder=place)
    broken = folder / "submitted" / "hv05" / "quiz1"
    broken.mkdir(parents=True)
    (broken / "policycomm_answers.json").write_text("{not json", encoding="utf-8")
    return folder / "submitted"


def test_answer_files_are_scored_with_the_bank_and_keep_the_choices(tmp_path):
    from policycomm.quiz import load_bank
    from policycomm.quiz.analysis import choice_options, read_answer_files

    bank = load_bank()
    responses = read_answer_files(submitted_answers(tmp_path), bank)
    single = responses[responses["item"] == "m01-q01"].set_index("trainee")
    right = next(a.id for a in bank["m01-q01"].answers if a.fraction == 100)
    assert single["choice"].to_dict() == {"hv01": "a", "hv02": "a", "hv03": "b", "hv04": "c"}
    assert (single["score"] == np.where(single["choice"] == right, bank["m01-q01"].points, 0)).all()
    assert set(responses["trainee"]) == {"hv01", "hv02", "hv03", "hv04"}  # hv05's broken file is skipped
    result = analyze(responses, options=choice_options(bank))
    assert "ia_note_missing" in codes(result.notes)  # hv04 left m01-q02 unanswered
    table = result.distractors.set_index(["item", "option"])
    assert table.loc[("m01-q02", "true"), "count"] == 1 and table.loc[("m01-q02", "false"), "is_key"]


def test_analyze_command_reads_answer_files(tmp_path, capsys):
    assert main(["quiz", "analyze", "--answers", str(submitted_answers(tmp_path))]) == 0
    assert "m01-q01" in capsys.readouterr().out
    assert main(["quiz", "analyze", "--answers", str(tmp_path / "nowhere")]) == 2
    assert "không tìm thấy" in capsys.readouterr().err


# ------------------------------------------------------------------ command and report

def test_analyze_command_prints_flags_and_writes_html_and_csv(tmp_path, capsys):
    responses = long_format(np.column_stack([MATRIX, 1 - MATRIX[:, 0]]))
    responses["trainee"] = responses["trainee"].str.replace("t", "Học viên ")
    responses.to_csv(tmp_path / "responses.csv", index=False, encoding="utf-8-sig")
    html, items_csv = tmp_path / "report.html", tmp_path / "items.csv"
    code = main(["quiz", "analyze", "--responses", str(tmp_path / "responses.csv"), "--html", str(html),
                 "--csv", str(items_csv)])
    out = capsys.readouterr().out
    assert code == 0
    assert "wrong_key_discrimination" in out and "q5" in out
    page = html.read_text(encoding="utf-8")
    assert '<meta charset="utf-8">' in page and "data:image/png;base64," in page
    assert "Câu hỏi cần xem lại" in page and "Rất có thể đáp án bị đặt sai" in page
    assert "<script" not in page and "http" not in page.replace('lang="vi"', "")
    assert pd.read_csv(items_csv, encoding="utf-8-sig").set_index("item").loc["q5", "flags"].startswith("ia_")


def test_analyze_command_reads_a_gradebook(gradebook_url, capsys):
    assert main(["quiz", "analyze", "--gradebook", gradebook_url, "--assignment", "ps1"]) == 0
    out = capsys.readouterr().out
    assert "ps1/kenh/chon_kenh" in out and "ps2/" not in out


def test_analyze_command_with_no_responses_or_an_unwritable_report(tmp_path, capsys):
    empty = write(tmp_path / "empty.csv", "trainee,item,score,max_score\n")
    assert main(["quiz", "analyze", "--responses", str(empty)]) == 0
    assert "Không có câu trả lời nào" in capsys.readouterr().out
    full = write(tmp_path / "full.csv", "trainee,item,score,max_score\nAn,q1,1,1\nBình,q1,0,1\n")
    assert main(["quiz", "analyze", "--responses", str(full), "--html", str(tmp_path / "no" / "r.html")]) == 2
    assert "Không ghi được" in capsys.readouterr().err
    items_csv = tmp_path / "no" / "items.csv"  # pandas' error names neither the file nor the reason
    assert main(["quiz", "analyze", "--responses", str(full), "--csv", str(items_csv)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Không ghi được {items_csv}: ") and "None" not in err


def test_analyze_command_bad_csv_gives_a_message_not_a_traceback(tmp_path, capsys):
    path = write(tmp_path / "bad.csv", "trainee,item,score,max_score\nAn,q1,x,1\n")
    assert main(["quiz", "analyze", "--responses", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:2" in err and "Traceback" not in err


# ------------------------------------------------------------------ benchmark logic

def test_benchmark_flags_its_deliberately_broken_items():
    bench = load_bench()
    numbers = bench.run(trainees=500, items=40, repeat=1)
    flags = numbers["result"].items["flags"]
    assert {"ia_wrong_key_discrimination", "ia_wrong_key_correlation"} <= set(flags["broken_reversed_key"])
    assert numbers["result"].items.loc["broken_reversed_key", "discrimination"] < 0
    assert "ia_too_hard" in flags["broken_too_hard"]
    assert "ia_too_easy" in flags["broken_too_easy"]
    assert "ia_low_discrimination" in flags["broken_noise"] or "ia_wrong_key_discrimination" in flags["broken_noise"]
    assert "ia_rare_distractor" in flags["broken_rare_distractor"]
    healthy = flags[~flags.index.str.startswith("broken")]
    assert not any("ia_wrong_key_discrimination" in f for f in healthy)
    assert set(numbers) >= {"trainees", "items", "analysis_s", "anchor_s", "ratio", "under_1s"}
