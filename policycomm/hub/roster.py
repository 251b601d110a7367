"""A class roster from the spreadsheet the training office keeps.

The file is what Excel saves as "CSV UTF-8" (a byte-order mark, commas or,
with a Vietnamese list separator, semicolons) with the columns ``mã học
viên``, ``họ tên``, ``đơn vị`` and ``email``. Each good row becomes an
nbgrader student (id = the login name, the code in lower case; family name
first, as Vietnamese names are written) and, when the class server's database
is given, a NativeAuthenticator account with a generated first-login password
and, run by root, a system user of the same name (the class server runs each
trainee's JupyterLab as that user, in a home only they can read).
A bad row is reported with its line number and left out; the others go on.
Whoever is already there is left as is, so running it again adds only the new
people.

>>> person = Person(line=2, code="HV001", name="Nguyễn Thị Hà", unit="UBND xã A", email="ha@a.vn")
>>> person.username, person.last_name, person.first_name
('hv001', 'Nguyễn', 'Thị Hà')
"""
from __future__ import annotations

import csv
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass, field

from ..messages import CodedError, message

#: column -> the header the training office writes (compared without case, accents as written)
COLUMNS = {"code": "mã học viên", "name": "họ tên", "unit": "đơn vị", "email": "email"}
REQUIRED = ("code", "name")
#: a login name the hub and the system accept: a letter first, then letters, digits, "-" or "_"
USERNAME = re.compile(r"[a-z][a-z0-9_-]{0,31}")
EMAIL = re.compile(r"[A-Za-z0-9.+_-]+@[A-Za-z0-9._-]+\.[A-Za-z]{2,}")  # what NativeAuthenticator stores
#: letters and digits that cannot be mistaken for one another when read aloud or copied from paper
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass(frozen=True)
class Person:
    """One good row of the roster."""

    line: int
    code: str
    name: str
    unit: str = ""
    email: str = ""

    @property
    def username(self) -> str:
        """The login name, also the nbgrader student id."""
        return self.code.lower()

    @property
    def last_name(self) -> str:
        """The family name (the first word)."""
        return self.name.split(" ", 1)[0] if " " in self.name else ""

    @property
    def first_name(self) -> str:
        """The middle and given names."""
        return self.name.split(" ", 1)[1] if " " in self.name else self.name


@dataclass(frozen=True)
class RowProblem:
    """A row left out, or a warning about a row, as one sentence in the language of the moment."""

    line: int
    code: str
    fields: dict = field(default_factory=dict)

    def text(self) -> str:
        return message("roster_line", line=self.line, problem=message(self.code, **self.fields))


class RosterError(CodedError):
    """The file cannot be read as a roster at all (nothing was added)."""


def _clean(value: str) -> str:
    """NFC (as Excel on Windows writes Vietnamese), spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", value or "").split())


def read_roster(path: str) -> tuple[list[Person], list[RowProblem]]:
    """The good rows of the roster at ``path``, and the problems of the others (with their line numbers)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise RosterError("roster_not_found", path=path) from None
    except UnicodeDecodeError:
        raise RosterError("roster_not_utf8", path=path) from None
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(text.splitlines(keepends=True), delimiter=delimiter)
    header = [_clean(cell).casefold() for cell in next(reader, [])]
    where = {key: header.index(name) for key, name in COLUMNS.items() if name in header}
    missing = [COLUMNS[key] for key in REQUIRED if key not in where]
    if missing:
        raise RosterError("roster_missing_columns", path=path, missing=", ".join(missing),
                          expected=", ".join(COLUMNS.values()))
    people, problems, seen = [], [], {}
    for row in reader:
        line = reader.line_num
        values = {key: _clean(row[index]) if index < len(row) else "" for key, index in where.items()}
        if not any(values.values()):
            continue  # a blank row (Excel writes ",,,")
        code, name, email = values["code"], values["name"], values.get("email", "")
        if not code:
            problems.append(RowProblem(line, "roster_no_code"))
        elif not USERNAME.fullmatch(code.lower()):
            problems.append(RowProblem(line, "roster_bad_code", {"id": code}))
        elif code.lower() in seen:
            problems.append(RowProblem(line, "roster_duplicate", {"id": code, "first": seen[code.lower()]}))
        elif not name:
            problems.append(RowProblem(line, "roster_no_name", {"id": code}))
        elif email and not EMAIL.fullmatch(email):
            problems.append(RowProblem(line, "roster_bad_email", {"id": code, "email": email}))
        else:
            seen[code.lower()] = line
            people.append(Person(line, code, name, values.get("unit", ""), email))
    return people, problems


def add_students(people: list[Person], db_url: str, course_id: str) -> tuple[list[Person], list[RowProblem]]:
    """Add to the nbgrader gradebook the people it does not have yet; ``(added, warnings)``.

    A student already there without a name (nbgrader adds one when it grades an unknown submitter) gets the
    roster's name and email; one with another name is left as is, with a warning.
    """
    from nbgrader.api import Gradebook

    from ..grading.cohort import alembic_on_path

    alembic_on_path()
    added, warnings = [], []
    with Gradebook(db_url, course_id) as gradebook:
        known = {student.id: student for student in gradebook.students}
        for person in people:
            student = known.get(person.username)
            if student is None:
                gradebook.add_student(person.username, first_name=person.first_name,
                                      last_name=person.last_name, email=person.email or None,
                                      lms_user_id=person.code)
                added.append(person)
                continue
            known_name = _clean(f"{student.last_name or ''} {student.first_name or ''}")
            if not known_name:
                gradebook.update_or_create_student(person.username, first_name=person.first_name,
                                                   last_name=person.last_name,
                                                   email=student.email or person.email or None,
                                                   lms_user_id=student.lms_user_id or person.code)
            elif known_name != person.name:
                warnings.append(RowProblem(person.line, "roster_other_name", {"id": person.code, "known": known_name}))
    return added, warnings


def new_password() -> str:
    """A first-login password of three groups of four, e.g. ``k7mp-x3qa-9htr``."""
    return "-".join("".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3))


def add_hub_accounts(people: list[Person], hub_db_url: str) -> dict[str, str]:
    """Create a NativeAuthenticator account, authorised, for each person the class server does not know.

    ``hub_db_url`` is JupyterHub's own database (``c.JupyterHub.db_url``); its tables are created if it is
    new. Returns login name -> the generated password (only the hash is stored).
    """
    import bcrypt
    from jupyterhub import orm
    from nativeauthenticator.orm import UserInfo

    session = orm.new_session_factory(hub_db_url)()
    passwords = {}
    try:
        for person in people:
            if UserInfo.find(session, person.username) is None:
                password = new_password()
                session.add(UserInfo(username=person.username, is_authorized=True, email=person.email or None,
                                     password=bcrypt.hashpw(password.encode(), bcrypt.gensalt())))
                passwords[person.username] = password
        session.commit()
    finally:
        session.close()
        session.get_bind().dispose()
    return passwords


def add_system_users(people: list[Person]) -> list[str]:
    """Create a system user for each person the system does not know (run as root): same name as the login,
    a home of mode 0700, no password (they log in through the class server only). Returns the names created."""
    import pwd
    import subprocess

    created = []
    for person in people:
        try:
            pwd.getpwnam(person.username)
            continue
        except KeyError:
            pass
        subprocess.run(["useradd", "--create-home", "--user-group", "--shell", "/bin/bash", person.username],
                       check=True, capture_output=True)
        os.chmod(pwd.getpwnam(person.username).pw_dir, 0o700)
        created.append(person.username)
    return created
