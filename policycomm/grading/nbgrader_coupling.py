"""Everything policycomm's grader knows of nbgrader's internals, in one place.

The cohort grader runs nbgrader's own preprocessors (ClearOutput,
OverwriteCells, SaveAutoGrades, …) so its gradebook rows are nbgrader's. To do
that fast it changes three things inside nbgrader while a run lasts, all here:
the preprocessors share one open gradebook (:class:`SharedGradebook`), the
metadata checks build each JSON schema validator once (:class:`SchemaCache`),
and one submission's writes become one transaction (:class:`FlushOnCommit`).
These rely on nbgrader's module layout, so :func:`check_nbgrader_version`
refuses versions outside the range they were checked against.

>>> check_nbgrader_version("0.9.6") is None
True
"""
from __future__ import annotations

import json

from ..messages import CodedError

#: nbgrader versions whose internals this module was checked against: [low, high)
SUPPORTED = ((0, 9, 5), (0, 10, 0))


class UnsupportedNbgrader(CodedError):
    """The installed nbgrader is outside :data:`SUPPORTED`."""


def check_nbgrader_version(version: str | None = None) -> None:
    """Raise :class:`UnsupportedNbgrader` unless ``version`` (default: the installed one) is supported."""
    if version is None:
        import nbgrader

        version = nbgrader.__version__
    parts = tuple(int(p) for p in version.split(".")[:3] if p.isdigit())
    low, high = SUPPORTED
    if not low <= parts < high:
        raise UnsupportedNbgrader("gr_nbgrader_unsupported", low=".".join(map(str, low)),
                                  high=".".join(map(str, high)), version=version)


class SharedGradebook:
    """Stands in for ``nbgrader.api.Gradebook(...)`` inside nbgrader's preprocessors.

    The preprocessors open and close their own gradebook; this hands them the
    grader's open one instead, so their writes join the submission's
    transaction. The assignment's source and grade cells do not change while
    grading, so their look-ups (one query per cell per trainee otherwise) are
    answered once, as plain snapshots of the fields nbgrader reads.
    """

    _SNAPSHOT = {"find_source_cell": ("name", "cell_type", "locked", "checksum", "source"),
                 "find_graded_cell": ("name", "cell_type", "max_score")}

    def __init__(self, gradebook):
        self._gradebook = gradebook
        self._memo: dict = {}

    def __call__(self, *args, **kwargs):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __getattr__(self, name):
        if name in self._SNAPSHOT:
            return lambda *args: self._remembered(name, args)
        return getattr(self._gradebook, name)

    def _remembered(self, method: str, args: tuple):
        from types import SimpleNamespace

        from nbgrader.api import MissingEntry

        key = (method, args)
        if key not in self._memo:
            try:
                found = getattr(self._gradebook, method)(*args)
                self._memo[key] = SimpleNamespace(**{f: getattr(found, f) for f in self._SNAPSHOT[method]})
            except MissingEntry as missing:
                self._memo[key] = missing
        if isinstance(self._memo[key], MissingEntry):
            raise MissingEntry(*self._memo[key].args)
        return self._memo[key]


class SchemaCache:
    """``jsonschema`` for nbgrader's metadata checks, building each schema's validator once.

    ``jsonschema.validate`` checks the schema itself on every call, which is
    most of the cost of CheckCellMetadata; the verdicts are the same.
    """

    def __init__(self):
        import jsonschema

        self._jsonschema = jsonschema
        self._validators: dict[str, object] = {}

    def validate(self, instance, schema):
        key = json.dumps(schema, sort_keys=True)
        validator = self._validators.get(key)
        if validator is None:
            cls = self._jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            validator = self._validators[key] = cls(schema)
        error = self._jsonschema.exceptions.best_match(validator.iter_errors(instance))
        if error is not None:
            raise error

    def __getattr__(self, name):
        return getattr(self._jsonschema, name)


class FlushOnCommit:
    """A session whose ``commit`` only flushes: nbgrader's per-cell commits become one transaction."""

    def __init__(self, session):
        self._session = session

    def commit(self):
        self._session.flush()
        self._session.expire_all()

    def __getattr__(self, name):
        return getattr(self._session, name)


class _Sharing:
    """The changes :func:`share_gradebook` made; :meth:`undo` puts nbgrader back as it was."""

    def __init__(self, patched: list):
        self._patched = patched

    def undo(self) -> None:
        for module, name, original in self._patched:
            setattr(module, name, original)


def share_gradebook(gradebook) -> _Sharing:
    """Point nbgrader's preprocessors at the open ``gradebook`` and a schema-caching jsonschema."""
    import nbgrader.nbgraderformat.common as metadata_format
    import nbgrader.preprocessors.latesubmissions as late
    import nbgrader.preprocessors.overwritecells as overwrite
    import nbgrader.preprocessors.saveautogrades as save

    check_nbgrader_version()
    patched = [(module, "Gradebook", module.Gradebook) for module in (overwrite, save, late)]
    patched.append((metadata_format, "jsonschema", metadata_format.jsonschema))
    for module, name, _ in patched[:3]:
        setattr(module, name, SharedGradebook(gradebook))
    metadata_format.jsonschema = SchemaCache()
    return _Sharing(patched)
