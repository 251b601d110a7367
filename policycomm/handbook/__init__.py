"""The handbook (cẩm nang truyền thông chính sách): a printable PDF and an HTML page
generated from the knowledge files, the claims ledger and the course.

``policycomm handbook -o build/`` writes ``build/handbook.pdf`` and
``build/handbook.html``; :mod:`.build` does the work, ``templates/`` holds the
Jinja2 page and its CSS, and ``policycomm/data/handbook/`` the templates,
glossary and checked texts written for the handbook.
"""
