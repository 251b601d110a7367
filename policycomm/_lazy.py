"""Package attributes that load on first use, so importing a package stays cheap.

>>> getattr_, dir_ = lazy_exports("policycomm", {"recommend": "model.choose"})
>>> getattr_("recommend").__module__
'policycomm.model.choose'
"""
from __future__ import annotations

import importlib
import sys


def lazy_exports(package: str, names: dict[str, str], submodules=()):
    """``__getattr__`` and ``__dir__`` for ``package``.

    ``names`` maps a public name to the submodule (relative to ``package``)
    that defines it; ``submodules`` may be reached as attributes too.
    """

    def __getattr__(name: str):
        if name in names:
            value = getattr(importlib.import_module(f".{names[name]}", package), name)
            setattr(sys.modules[package], name, value)
            return value
        if name in submodules:
            return importlib.import_module(f".{name}", package)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__():
        return sorted(set(vars(sys.modules[package])) | set(names) | set(submodules))

    return __getattr__, __dir__
