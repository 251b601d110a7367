"""The HTML pages of policycomm, as Jinja2 templates with auto-escaping on.

Every sentence on a page comes from the message catalogue: a template calls
``say(code, **fields)``, which renders in the current language (see
:func:`policycomm.messages.set_language`); data (names, topics, numbers)
is passed in and escaped.

>>> from policycomm.messages import set_language
>>> page = environment().from_string("<h1>{{ say('rp_title') }}</h1><p>{{ name }}</p>")
>>> set_language("en"); print(page.render(name="<b>Ann</b>")); set_language("vi")
<h1>Class report</h1><p>&lt;b&gt;Ann&lt;/b&gt;</p>
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def environment():
    """The Jinja2 environment of the packaged templates (auto-escaping, strict about unknown names)."""
    import jinja2

    from ..messages import message

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals["say"] = message
    env.filters["number"] = number
    return env


def render(name: str, **context) -> str:
    """Render template ``name`` of this folder with ``context``, in the current language."""
    from ..messages import get_language

    return environment().get_template(name).render(lang=get_language(), **context)


def number(value, pattern: str = "{:.2f}") -> str:
    """A number for a table cell; a dash for a missing one (NaN or None).

    >>> number(0.456), number(float("nan")), number(0.5, "{:.0%}")
    ('0.46', '—', '50%')
    """
    return "—" if value is None or value != value else pattern.format(value)

