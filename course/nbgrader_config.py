"""nbgrader configuration of the policycomm course (see course/README.md).

Run nbgrader from this directory (``cd course && nbgrader generate_assignment
00-lam-quen``) or let ``policycomm course release`` do it.
"""
import os
from pathlib import Path

from policycomm.assign.feedback import configure_feedback
from policycomm.grading.written import configure_autograde

c = get_config()  # noqa: F821 (provided by nbgrader)

COURSE = Path(__file__).resolve().parent
#: the local exchange: inside the repository's git-ignored .course-run/ unless overridden
EXCHANGE = os.environ.get("POLICYCOMM_EXCHANGE", str(COURSE.parent / ".course-run" / "exchange"))
#: file the quiz widgets write beside a notebook; it is the trainee's, never overwritten from source/
ANSWERS_FILE = "policycomm_answers.json"

c.CourseDirectory.course_id = "policycomm"
c.CourseDirectory.root = str(COURSE)
c.Exchange.root = EXCHANGE

# A cell runs for at most 60 s when grading (Execute.timeout is the one autograde uses).
c.Execute.timeout = 60

# Where the answer key of a form was (forms.key inside a solution region): a
# comment only, since trainees answer in the form the cell shows.
c.ClearSolutions.code_stub = {"python": "# ✏️ Trả lời trong khung bên dưới; câu trả lời được lưu ngay."}
c.ClearSolutions.text_stub = "✏️ Viết câu trả lời của bạn ở đây."

# Never copy a sidecar answers file from source/ over the trainee's one.
_source = COURSE / "source"
c.Autograde.exclude_overwriting = {
    assignment.name: [ANSWERS_FILE]
    for assignment in (sorted(_source.iterdir()) if _source.is_dir() else [])
    if assignment.is_dir()
}

# Feedback shows neither hidden tests nor tracebacks (nbgrader's default shows both).
configure_feedback(c)

# A written answer given in a form (the cell's source never changes) goes to the lecturer
# once the form holds it; autograded notebooks keep no widget state, so formgrader and the
# feedback page show each form's static copy of the answer.
configure_autograde(c)
