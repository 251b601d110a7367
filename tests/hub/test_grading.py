"""The lecturers' course folder on the class server: copied once (the lecturer's later edits are kept), without the
work of another place, and the hub's exchange and gradebook written into it at each start, as nbgrader and
``policycomm grade`` read the course's configuration (the grader here is the user running the test); the private
gradebook that a killed hub left running is stopped before the next one starts its own."""
from __future__ import annotations

import os
import pwd
import stat
import subprocess
import time

import pytest

from hubkit import lecturer_course, new_logins, remove_users
from policycomm.grading.cohort import course_db_url, load_course_config
from policycomm.hub import gradebook
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


@pytest.mark.slow
def test_a_gradebook_left_running_by_a_killed_hub_is_stopped_before_the_next_hub_runs_its_own(hub_folder):
    if os.geteuid() != 0:
        pytest.fail("the gradebook test creates the grader's system user: run it as root (CI does)")
    (grader,) = new_logins(1, "gr")
    hub_folder.mkdir()
    data = str(hub_folder / "gradebook")
    leftover = None
    try:
        Grading(str(hub_folder), grader).grader_user()
        gradebook.prepare(data, grader)  # the first start creates the cluster
        leftover = subprocess.Popen(["runuser", "-u", grader, "--", *gradebook.service(data, grader)["command"]],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not os.path.exists(os.path.join(data, ".s.PGSQL.5432")) and time.monotonic() < deadline:
            time.sleep(0.2)
        gradebook.check(gradebook.private_url(data, grader))  # root reaches it, as the grader's database user
        gradebook.prepare(data, grader)  # the next start
        assert leftover.wait(timeout=60) == 0 and not os.path.exists(os.path.join(data, "postmaster.pid"))
    finally:
        if leftover is not None and leftover.poll() is None:
            leftover.kill()
        remove_users([grader])
