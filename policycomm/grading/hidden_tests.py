"""The one rule for hidden tests, used wherever the course writes, strips or looks for them.

A hidden test is every line between a line holding ``BEGIN HIDDEN TESTS`` and
one holding ``END HIDDEN TESTS`` (the delimiter lines themselves included), as
in ``nbgrader generate_assignment`` (ClearHiddenTests).

>>> cell = with_hidden("check(x)", "check(x, expected=1)")
>>> split_hidden(cell)
('check(x)', ['check(x, expected=1)'])
>>> without_hidden(cell)
'check(x)'
"""
from __future__ import annotations

BEGIN = "BEGIN HIDDEN TESTS"
END = "END HIDDEN TESTS"


def split_hidden(source: str, begin: str = BEGIN, end: str = END) -> tuple[str, list[str]]:
    """(the visible part of a cell's source, the lines of its hidden tests)."""
    visible, hidden, inside = [], [], False
    for line in source.split("\n"):
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        else:
            (hidden if inside else visible).append(line)
    return "\n".join(visible).rstrip("\n"), hidden


def without_hidden(source: str) -> str:
    """A cell's source as a trainee receives it."""
    return split_hidden(source)[0]


def hidden_lines(source: str) -> list[str]:
    """The lines of a cell's hidden tests."""
    return split_hidden(source)[1]


def with_hidden(visible: str, hidden: str) -> str:
    """A test cell's source: ``visible`` for everyone, then ``hidden`` between the delimiters."""
    return f"{visible}\n### {BEGIN}\n{hidden}\n### {END}"
