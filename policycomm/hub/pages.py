"""The class server's own pages in Vietnamese: what a trainee reads before JupyterLab opens.

JupyterHub looks first in ``policycomm/templates/hub/`` (``c.JupyterHub.template_paths``): each template
there extends JupyterHub's own (``templates/<name>``) or NativeAuthenticator's page and fills its blocks
with sentences of the message catalogue (``messages/hub_pages.yaml``) through the ``say`` filter, which
:class:`VietnamesePages` gives JupyterHub's Jinja2 environment. JupyterHub's base page writes
``<html lang="en">`` and its no-JavaScript notice outside any block; the extension makes them Vietnamese as
the template is read, so that a browser neither mislabels the page nor offers to translate it.

>>> from jinja2 import DictLoader, Environment
>>> env = Environment(loader=DictLoader({"page.html": '<html lang="en">{{ "hubpage_home"|say }}'}),
...                   extensions=[VietnamesePages])
>>> env.get_template("page.html").render()
'<html lang="vi">Trang chủ'
"""
from __future__ import annotations

from pathlib import Path

from jinja2.ext import Extension

from ..messages import message

#: the folder of the class server's templates
TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "hub"
#: what JupyterHub's base page writes outside its blocks -> what the class server's pages say instead
OUTSIDE_BLOCKS = {'<html lang="en">': '<html lang="vi">',
                  "JupyterHub requires JavaScript.": '{{ "hubpage_noscript"|say }}',
                  "Please enable it to proceed.": ""}


class VietnamesePages(Extension):
    """Gives the templates ``say`` (a catalogue sentence) and marks JupyterHub's base page as Vietnamese."""

    def __init__(self, environment):
        super().__init__(environment)
        environment.filters["say"] = message

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        for english, vietnamese in OUTSIDE_BLOCKS.items():  # only JupyterHub's base page has them
            source = source.replace(english, vietnamese)
        return source
