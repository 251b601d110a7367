"""The trainee's Validate (policycomm.trainee.validate): nbgrader's verdicts on module 00's real release, each
failed or changed cell named by its question, each error one Vietnamese sentence, never code."""
from __future__ import annotations

import json
import re
import shutil

import nbformat
import pytest

from policycomm.assign.course import CourseRun, write_trainee_config
from policycomm.forms.keys import write_answers
from policycomm.messages import set_language
from policycomm.trainee.validate import DIALOG_LABELS, TraineeValidator, custom_css
from traineekit import released_00  # noqa: F401 (fixtures)


pytestmark = pytest.mark.slow

QUESTIONS = ["Câu 1 (1 điểm)", "Câu 2 (1 điểm): gõ tiếng Việt có dấu", "Câu 3 (1 điểm): chọn các kênh truyền thông"]
CODE = re.compile(r"forms\.|check_|import |answer\(|Traceback|Error\b")


@pytest.fixture
def notebook(released_00, tmp_path, monkeypatch):
    """A trainee's copy of module 00's release, validated in a kernel started as the trainee's are."""
    folder = tmp_path / "00-lam-quen"
    shutil.copytree(released_00 / "release" / "00-lam-quen", folder)
    run = CourseRun(tmp_path / "course", tmp_path / "run")
    write_trainee_config(run)
    monkeypatch.setenv("IPYTHONDIR", str(run.ipython_dir))
    return folder / "00-lam-quen.ipynb"


def _validate(path) -> dict:
    results = TraineeValidator().validate(str(path))
    shown = json.dumps(results, ensure_ascii=False)
    assert not CODE.search(shown), f"code or English shown to the trainee: {shown}"
    return results


def test_an_untouched_notebook_names_each_unanswered_question(notebook):
    results = _validate(notebook)
    assert list(results) == ["failed"]
    assert [f["source"] for f in results["failed"]] == QUESTIONS
    assert all(f["error"].startswith("✗ Bạn chưa trả lời câu này") for f in results["failed"])


def test_answers_of_the_right_form_validate_and_a_wrong_count_is_named(notebook):
    answers = {"m00-cau-1": "A", "m00-cau-2": "gui thong cao den toa soan", "m00-cau-3": ["commune_radio"]}
    write_answers(notebook.parent, notebook.name, answers)
    (failed,) = _validate(notebook)["failed"]
    assert failed["source"] == QUESTIONS[2] and failed["error"] == "✗ Câu này cần chọn đúng 2 kênh; bạn đã chọn 1."
    write_answers(notebook.parent, notebook.name, {"m00-cau-3": ["commune_radio", "sms"]})
    assert _validate(notebook) == {}  # the dialog says the notebook passes: right forms, not right answers


def test_an_edited_check_cell_is_named_with_its_role(notebook):
    nb = nbformat.read(notebook, as_version=4)
    cell = next(c for c in nb.cells if c.get("id") == "cau_2_kiem_tra")
    cell.source = cell.source.replace("check_text", "print")
    nbformat.write(nb, notebook)
    results = _validate(notebook)
    assert [c["source"] for c in results["changed"]] == ["Câu 2 (1 điểm): gõ tiếng Việt có dấu: ô kiểm tra"]


def test_without_the_trainees_kernel_extension_errors_are_still_one_sentence(notebook, monkeypatch, tmp_path):
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "plain-ipython"))  # a JupyterHub that forgot the extension
    results = _validate(notebook)
    assert [f["error"].split(":")[0] for f in results["failed"]] == ["✗ Bạn chưa trả lời câu này"] * 3


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_dialog_labels_come_from_the_catalogue(lang):
    from policycomm.messages import message

    set_language(lang)
    try:
        css = custom_css()
        for selector, code in DIALOG_LABELS.items():
            assert f'{selector}::before {{ visibility: visible; font-size: var(--jp-ui-font-size1); content: "' \
                   f'{message(code)}"; }}' in css
    finally:
        set_language("vi")
    assert ("Kết quả kiểm tra bài" in css) == (lang == "vi")
