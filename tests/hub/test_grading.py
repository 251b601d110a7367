"""The lecturers' course folder on the class server: copied once (the lecturer's later edits are kept), without the
work of another place, and the hub's exchange and gradebook written into it at each start, as nbgrader and
``policycomm grade`` read the course's configuration. The grader here is the user running the test."""
from __future__ import annotations

import os
import pwd
import stat

import pytest

from hubkit import lecturer_course
from policycomm.grading.cohort import course_db_url, load_course_config
from policycomm.hub.grading import Grading, GradingError


def test_the_course_is_copied_once_and_the_hubs_settings_are_written_at_each_start(tmp_path):
    source = lecturer_course(tmp_path / "source")
    (source / "gradebook.db").write_text("sổ điểm ở nơi khác")
    (source / "submitted" / "hv001").mkdir(parents=True)
    me = pwd.getpwuid(os.geteuid()).pw_name
    hub = tmp_path / "hub"
    first, second = (f"sqlite:///{tmp_path / name}" for name in ("so-diem-1.db", "so-diem-2.db"))

    Grading(str(hub), me, first).prepare(str(source))
    course = hub / "course"
    assert sorted(os.listdir(course)) == ["hub_config.py", "nbgrader_config.py", "source"]
    assert stat.S_IMODE(course.stat().st_mode) == 0o750
    assert stat.S_IMODE((course / "hub_config.py").stat().st_mode) == 0o640
    config = load_course_config(str(course))
    assert config.Exchange.root == str(hub / "exchange") and course_db_url(str(course), config) == first

    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as edit:
        edit.write("c.Execute.timeout = 90\n")  # the lecturer's own setting
    Grading(str(hub), me, second).prepare(str(source))  # a later start, the gradebook moved
    config = load_course_config(str(course))
    assert config.Execute.timeout == 90 and course_db_url(str(course), config) == second


def test_a_course_of_another_id_is_named(tmp_path):
    source = lecturer_course(tmp_path / "source")
    (source / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.course_id = 'khoa-khac'\n")
    me = pwd.getpwuid(os.geteuid()).pw_name
    with pytest.raises(GradingError) as refused:
        Grading(str(tmp_path / "hub"), me, f"sqlite:///{tmp_path / 'so-diem.db'}").prepare(str(source))
    assert str(refused.value).startswith(f"Khoá học {tmp_path / 'hub' / 'course'} có mã khoa-khac, nhưng")
