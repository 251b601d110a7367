"""`policycomm hub roster`: an Excel "CSV UTF-8" roster into a real nbgrader gradebook and NativeAuthenticator."""
from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import unicodedata

import pytest

from policycomm.hub.roster import read_roster

from gradingkit import BIN, FIXTURE_COURSE

BOM = "\ufeff"
HEADER = "Mã học viên,Họ tên,Đơn vị,Email\r\n"
ROWS = ("HV001,Nguyễn Thị Hà,UBND xã Tân Lập,ha.nt@tanlap.gov.vn\r\n"
        "HV002,  Đặng   Văn Bình ,Phường Hoà Bình,\r\n"
        ",,,\r\n"                                   # a blank row (line 4) is no problem
        "HV001,Trần Văn Cường,UBND xã Tân Lập,cuong@tanlap.gov.vn\r\n"   # line 5: duplicate id
        "HV003,,UBND xã Tân Lập,\r\n"                # line 6: no name
        "HV004,Lê Thị Dung,Sở Văn hoá,dung@\r\n"     # line 7: bad email
        "2025,Phạm Minh,Sở Văn hoá,\r\n"             # line 8: not a login name
        "HV005,Hoàng Ngọc Ánh,\"Ban Tuyên giáo, tỉnh\",anh@tinh.gov.vn\r\n")


@pytest.fixture
def course(tmp_path):
    """A course folder with the fixture course's nbgrader configuration and no gradebook yet."""
    folder = tmp_path / "course"
    folder.mkdir()
    shutil.copy(FIXTURE_COURSE / "nbgrader_config.py", folder)
    return folder


def roster_file(tmp_path, rows=ROWS, name="hoc-vien.csv", header=HEADER):
    path = tmp_path / name
    path.write_bytes((BOM + header + rows).encode("utf-8"))
    return path


def test_bad_rows_are_named_by_line_and_the_good_ones_kept_intact(tmp_path):
    decomposed = unicodedata.normalize("NFD", "Hoàng Ngọc Ánh")  # as a Mac may write it
    people, problems = read_roster(str(roster_file(tmp_path, ROWS.replace("Hoàng Ngọc Ánh", decomposed))))

    assert [(p.code, p.name, p.unit, p.email) for p in people] == [
        ("HV001", "Nguyễn Thị Hà", "UBND xã Tân Lập", "ha.nt@tanlap.gov.vn"),
        ("HV002", "Đặng Văn Bình", "Phường Hoà Bình", ""),
        ("HV005", "Hoàng Ngọc Ánh", "Ban Tuyên giáo, tỉnh", "anh@tinh.gov.vn")]
    assert [(p.line, p.code) for p in problems] == [
        (5, "roster_duplicate"), (6, "roster_no_name"), (7, "roster_bad_email"), (8, "roster_bad_code")]
    assert problems[0].text().startswith("Dòng 5: mã học viên HV001 đã có ở dòng 2")


def test_a_semicolon_separated_roster_reads_the_same(tmp_path):
    semicolons = roster_file(tmp_path, "HV001;Nguyễn Thị Hà;UBND xã Tân Lập;ha.nt@tanlap.gov.vn\r\n",
                             header=HEADER.replace(",", ";"))
    people, problems = read_roster(str(semicolons))
    assert problems == [] and [(p.code, p.name, p.unit) for p in people] == [("HV001", "Nguyễn Thị Hà",
                                                                               "UBND xã Tân Lập")]


def roster(course, *args):
    done = subprocess.run([str(BIN / "policycomm"), "hub", "roster", *map(str, args), "--course", str(course)],
                          capture_output=True, text=True, timeout=300, env={**os.environ, "PATH": "/usr/bin:/bin"})
    assert "Traceback" not in done.stderr and "Warning" not in done.stderr, done.stderr[-2000:]
    return done


def students(db_url):
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gradebook:
        return {s.id: (s.last_name, s.first_name, s.email, s.lms_user_id) for s in gradebook.students}


def logs_in(hub_db_url, username, password):
    """Whether NativeAuthenticator, on the hub's database, lets ``username`` in with ``password``."""
    from jupyterhub import orm
    from nativeauthenticator import NativeAuthenticator

    session = orm.new_session_factory(hub_db_url)()
    try:
        authenticator = NativeAuthenticator(db=session)
        return asyncio.run(authenticator.authenticate(None, {"username": username, "password": password}))
    finally:
        session.close()


def credentials(stdout):
    """login name -> password, from the lines the lecturer hands out."""
    found = {}
    for line in stdout.splitlines():
        if "mật khẩu: " in line:
            found[line.split("tên đăng nhập: ")[1].split("\t")[0]] = line.split("mật khẩu: ")[1]
    return found


def enrol_twice(course, tmp_path, db_url):
    hub_db = f"sqlite:///{tmp_path}/jupyterhub.sqlite"
    options = ["--hub-db-url", hub_db] + (["--db-url", db_url] if db_url else [])
    first = roster(course, roster_file(tmp_path), *options)
    assert first.returncode == 1  # some rows were left out, the rest went in
    for line in ("Dòng 5: mã học viên HV001 đã có ở dòng 2", "Dòng 6: học viên HV003 thiếu họ tên",
                 "Dòng 7: email dung@ của học viên HV004 không đúng dạng", "Dòng 8: mã học viên 2025",
                 "Đã thêm 3 học viên mới vào sổ điểm; 0 người đã có từ trước; 4 dòng chưa được thêm."):
        assert line in first.stdout, first.stdout
    db_url = db_url or f"sqlite:///{course}/gradebook.db"
    assert students(db_url) == {
        "hv001": ("Nguyễn", "Thị Hà", "ha.nt@tanlap.gov.vn", "HV001"),
        "hv002": ("Đặng", "Văn Bình", None, "HV002"),
        "hv005": ("Hoàng", "Ngọc Ánh", "anh@tinh.gov.vn", "HV005")}
    passwords = credentials(first.stdout)
    assert sorted(passwords) == ["hv001", "hv002", "hv005"]
    assert "HV001\tNguyễn Thị Hà\tUBND xã Tân Lập\ttên đăng nhập: hv001" in first.stdout
    assert logs_in(hub_db, "hv001", passwords["hv001"]) == "hv001"
    assert logs_in(hub_db, "hv001", passwords["hv002"]) is None

    fixed = ROWS.replace("HV003,,", "HV003,Vũ Thị Em,").replace("2025,", "HV006,")
    again = roster(course, roster_file(tmp_path, fixed), *options)
    assert "Đã thêm 2 học viên mới vào sổ điểm; 3 người đã có từ trước; 2 dòng chưa được thêm." in again.stdout
    assert sorted(credentials(again.stdout)) == ["hv003", "hv006"]  # only the new people get an account
    assert logs_in(hub_db, "hv001", passwords["hv001"]) == "hv001"  # the first passwords still work
    assert set(students(db_url)) == {"hv001", "hv002", "hv003", "hv005", "hv006"}


@pytest.mark.slow
def test_the_roster_fills_the_gradebook_and_the_hub_and_a_second_run_adds_only_new_people(course, tmp_path):
    enrol_twice(course, tmp_path, None)


@pytest.mark.slow
@pytest.mark.postgres
def test_the_roster_fills_a_postgresql_gradebook(course, tmp_path, postgres_db):
    enrol_twice(course, tmp_path, postgres_db)


@pytest.mark.slow
def test_without_a_hub_only_the_gradebook_is_filled_and_a_broken_file_says_what_to_do(course, tmp_path):
    from nbgrader.api import Gradebook

    from policycomm.grading.cohort import alembic_on_path

    alembic_on_path()
    db_url = f"sqlite:///{course}/gradebook.db"
    with Gradebook(db_url) as gradebook:
        gradebook.add_student("hv002")  # as nbgrader adds a submitter it did not know: no name
    done = roster(course, roster_file(tmp_path, ROWS[:ROWS.index(",,,")]))
    assert done.returncode == 0
    assert "chưa tạo tài khoản đăng nhập" in done.stdout and "mật khẩu" not in done.stdout
    assert "Đã thêm 1 học viên mới vào sổ điểm; 1 người đã có từ trước" in done.stdout
    assert students(db_url) == {"hv001": ("Nguyễn", "Thị Hà", "ha.nt@tanlap.gov.vn", "HV001"),
                                "hv002": ("Đặng", "Văn Bình", None, "HV002")}  # the known one gets a name

    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(HEADER.encode("utf-8") + "HV009,Lê Văn An,,\r\n".encode("cp1258"))
    assert "không phải CSV UTF-8" in roster(course, latin1).stderr
    no_name_column = roster_file(tmp_path, "HV001,Hà\r\n", header="Mã học viên,Tên\r\n")
    assert "thiếu cột họ tên" in roster(course, no_name_column).stderr


@pytest.mark.slow
def test_an_unreachable_postgresql_gradebook_is_named_and_nothing_is_added(course, tmp_path):
    from policycomm.hub.server import free_port

    db_url = f"postgresql+psycopg2://postgres@127.0.0.1:{free_port()}/gradebook"
    done = roster(course, roster_file(tmp_path), "--db-url", db_url)
    assert done.returncode == 1 and f"Không mở được cơ sở dữ liệu {db_url}" in done.stderr
