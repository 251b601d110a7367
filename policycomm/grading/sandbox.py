"""Run trainee notebooks in children forked from warm workers, each worker in its own sandbox.

A :class:`WarmPool` starts ``jobs`` workers: fresh interpreters, each inside
its own bubblewrap sandbox (:mod:`policycomm.grading.isolation`). A worker
loads IPython, policycomm and the course's usual imports once, then forks
children. Each child writes the submission's other files (sent as data) into
its private working folder, runs under memory/file/process limits, and runs
cells in an IPython ``InteractiveShell`` whose display hook, display
publisher, streams and traceback hook record nbformat outputs the way a
Jupyter kernel and nbclient would. After each notebook the worker kills
whatever the notebook left running and empties ``/tmp``, ``/home``,
``/dev/shm`` and the IPC namespace, so nothing reaches the next trainee.

Per notebook there are two children. The trainee's child runs the trainee's
cells and the course's locked cells. A test cell runs in a *twin* child that
has run only locked cells and tests: it receives plain copies (literals) of
the values the test reads from the trainee's child, so the test's source never
enters a process where trainee code ran, and no hook, rebound name or patched
module of the trainee's can touch it. A test that needs more than plain values
(say a function the trainee wrote) runs in the trainee's child, after
:class:`_Guard` has restored and reported what trainee code changed; the
grader then keeps only the test's own messages (see ``cohort``).

The grader (the parent) sends cells one at a time over sockets; replies are
JSON, never pickles: children run untrusted code.

>>> limits = Limits(timeout_cell=5)
>>> limits.timeout_notebook >= limits.timeout_cell
True
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import sys
import time
import warnings
from dataclasses import dataclass, field

#: seconds the parent waits beyond a cell's own timeout before killing the child
KILL_GRACE_S = 3.0
#: fds the child keeps: 0-2 (pointed at /dev/null) and the control socket
CONTROL_FD = 3


@dataclass
class Limits:
    """Resource limits for one notebook run."""

    timeout_cell: float = 30.0
    timeout_notebook: float = 600.0
    memory_mb: int = 2048
    max_output_chars: int = 200_000
    max_file_mb: int = 256
    max_processes: int = 64

    def __post_init__(self):
        self.timeout_notebook = max(self.timeout_notebook, self.timeout_cell)


@dataclass
class CellRun:
    """What running one code cell produced (plain JSON-able data)."""

    outputs: list = field(default_factory=list)
    execution_count: int | None = None
    status: str = "ok"  # ok | error | timeout | killed | not_run
    ename: str = ""
    evalue: str = ""
    traceback: list = field(default_factory=list)
    started: str = ""
    finished: str = ""
    tampered: list = field(default_factory=list)  # what the guard found changed before this cell
    exposed: bool = False  # a test that ran in the trainee's own child (it calls trainee code)


@dataclass
class NotebookRun:
    """The result of running one notebook: one CellRun per code cell sent."""

    cells: list
    problem: str = ""  # "" | timeout_notebook | timeout | killed | crashed | protocol | worker_lost
    detail: str = ""
    wall_s: float = 0.0


# --------------------------------------------------------------------------- child side


class _OutputSink:
    """Collects the outputs of the running cell as nbformat-shaped dicts."""

    def __init__(self, max_chars: int):
        self.max_chars = max_chars
        self.reset()

    def reset(self):
        self.outputs: list[dict] = []
        self.chars = 0
        self.truncated = False

    def _room(self, n: int) -> bool:
        self.chars += n
        return self.chars <= self.max_chars

    def stream(self, name: str, text: str):
        if not text:
            return
        if not self._room(len(text)):
            if not self.truncated or (name == "stderr" and not any(
                    o.get("name") == "stderr" for o in self.outputs)):
                self.truncated = True
                self.outputs.append({"output_type": "stream", "name": name,
                                     "text": "\n... output truncated by the grader ...\n"})
            return
        last = self.outputs[-1] if self.outputs else None
        if last and last["output_type"] == "stream" and last["name"] == name:
            last["text"] += text
        else:
            self.outputs.append({"output_type": "stream", "name": name, "text": text})

    def rich(self, output_type: str, data: dict, metadata: dict | None, **extra):
        size = sum(len(str(v)) for v in data.values())
        if not self._room(size):  # rich output past the cap is dropped, once noted
            if not self.truncated:
                self.truncated = True
                self.outputs.append({"output_type": "stream", "name": "stdout",
                                     "text": "\n... output truncated by the grader ...\n"})
            return
        self.outputs.append({"output_type": output_type, "data": _jsonable(data),
                             "metadata": _jsonable(metadata or {}), **extra})

    def error(self, ename: str, evalue: str, traceback: list):
        self.outputs.append({"output_type": "error", "ename": ename, "evalue": evalue,
                             "traceback": [str(line) for line in traceback][:500]})

    def clear(self):
        self.outputs.clear()


def _jsonable(value):
    """Make display data JSON-safe (bytes become base64 text, as ipykernel does)."""
    import base64

    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


class _Stream:
    """A text stream (sys.stdout / sys.stderr) that records into the sink."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, sink: _OutputSink, name: str):
        self._sink, self.name = sink, name

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._sink.stream(self.name, text)
        return len(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        pass

    def isatty(self):
        return False

    def fileno(self):
        raise OSError("stream has no file descriptor")

    @property
    def closed(self):
        return False


def _make_shell(sink: _OutputSink):
    """An InteractiveShell that records outputs like ipykernel's ZMQInteractiveShell."""
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets import Type
    from traitlets.config import Config

    class RecordingDisplayHook(DisplayHook):
        def start_displayhook(self):
            self._format = None

        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            self._format = (format_dict, md_dict)

        def finish_displayhook(self):
            if self._format and self._format[0]:
                data, metadata = self._format
                sink.rich("execute_result", data, metadata, execution_count=self.prompt_count)
            self._format = None

    class RecordingPublisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
            sink.rich("display_data", data, metadata)

        def clear_output(self, wait=False):
            sink.clear()

    class GradingShell(InteractiveShell):
        displayhook_class = Type(RecordingDisplayHook)
        display_pub_class = Type(RecordingPublisher)

        def _showtraceback(self, etype, evalue, stb):
            sink.error(str(etype.__name__), str(evalue), stb)
            self._last_traceback = stb

        def init_io(self):  # keep the recording streams installed by the child
            pass

        def enable_gui(self, gui=None):
            pass

    config = Config()
    config.HistoryManager.enabled = False
    config.InteractiveShell.colors = "Linux"
    config.InteractiveShell.autocall = 0
    config.InteractiveShell.xmode = "Context"
    return GradingShell.instance(config=config)


#: shell attributes a notebook may monkeypatch to hide its errors
_GUARDED = ("showtraceback", "_showtraceback", "showsyntaxerror", "showindentationerror",
            "run_cell", "run_cell_async", "run_code", "run_ast_nodes", "transform_cell",
            "should_run_async", "ex", "ev", "system", "getoutput", "excepthook",
            "displayhook", "display_pub", "display_trap", "InteractiveTB", "SyntaxTB",
            "events", "compile", "input_transformer_manager", "prefilter_manager", "display_formatter",
            "builtin_trap")
#: lists of the shell that run code on every cell (IPython's extension points)
_HOOK_LISTS = ("ast_transformers", "input_transformers_cleanup", "input_transformers_post")
#: interpreter-wide hooks that run code behind a cell's back
_SYS_HOOKS = ("excepthook", "displayhook", "unraisablehook", "breakpointhook")


def _hook_lists(shell) -> dict:
    """Every list of callables IPython consults while running a cell, by a readable name."""
    lists = {name: getattr(shell, name) for name in _HOOK_LISTS}
    manager = shell.input_transformer_manager
    for name in ("cleanup_transforms", "line_transforms", "token_transformers"):
        lists[f"input_transformer_manager.{name}"] = getattr(manager, name)
    prefilter = shell.prefilter_manager
    for name in ("_transformers", "_checkers"):
        lists[f"prefilter_manager.{name}"] = getattr(prefilter, name)
    for event, callbacks in shell.events.callbacks.items():
        lists[f"events.{event}"] = callbacks
    lists["gc.callbacks"] = __import__("gc").callbacks
    lists["sys.meta_path"] = sys.meta_path
    lists["sys.path_hooks"] = sys.path_hooks
    return lists


def _formatter_tables(shell) -> dict:
    tables = {}
    for mime, formatter in shell.display_formatter.formatters.items():
        for name in ("type_printers", "deferred_printers", "singleton_printers"):
            tables[f"{mime}.{name}"] = getattr(formatter, name)
    return tables


class _Guard:
    """What trusted code relies on, captured before any trainee code runs.

    Before each trusted cell (locked cells and tests), :meth:`restore` names
    every change trainee code made to IPython's extension points, the shell's
    methods, interpreter hooks, builtins, signal handlers, policycomm's modules
    and the names trusted cells bound, and puts each back.
    """

    def __init__(self, shell, stdout, stderr):
        import builtins
        import signal as signals

        self.shell = shell
        self.instance = {}  # name -> the object, or _METHOD for methods (patched on the class or the shell)
        for name in _GUARDED:
            value = getattr(shell, name, _MISSING)
            if value is not _MISSING:
                self.instance[name] = _METHOD if getattr(value, "__self__", None) is shell else value
        parts = [shell, *(self.instance[n] for n in ("events", "compile", "input_transformer_manager",
                                                      "prefilter_manager", "display_formatter",
                                                      "displayhook", "display_pub", "InteractiveTB",
                                                      "SyntaxTB", "builtin_trap", "display_trap"))]
        self.classes = {}
        for part in parts:
            for cls in type(part).__mro__[:-1]:
                self.classes.setdefault(cls, dict(vars(cls)))
        self.part_vars = {id(part): (part, set(vars(part))) for part in parts}
        self.lists = {name: list(items) for name, items in _hook_lists(shell).items()}
        self.tables = {name: dict(table) for name, table in _formatter_tables(shell).items()}
        with shell.builtin_trap:  # the builtins a cell runs with (IPython adds a few while it runs)
            self.builtins = dict(vars(builtins))
        self.sys_hooks = {name: getattr(sys, name) for name in _SYS_HOOKS}
        self.streams = (stdout, stderr)
        self.signals = {}
        for number in signals.valid_signals():
            try:
                self.signals[number] = signals.getsignal(number)
            except (ValueError, OSError):
                pass
        self.environ = dict(os.environ)
        self.modules = {name: module for name, module in sys.modules.items()
                        if name.split(".")[0] in ("policycomm", "IPython", "traitlets", "builtins",
                                                  "sys", "os", "json", "re", "unicodedata", "math",
                                                  "linecache", "inspect", "signal", "gc", "threading")}
        self.module_dicts = {}
        self.functions = {}
        for name, module in self.modules.items():
            if name.startswith("policycomm"):
                self.module_dicts[name] = dict(vars(module))
                for value in vars(module).values():
                    self._remember_code(value)
        self.trusted: dict = {}  # name -> value bound by a trusted cell

    def _remember_code(self, value) -> None:
        if (isinstance(value, type) and value.__module__.startswith("policycomm")
                and not hasattr(value, "model_fields")):  # pydantic keeps its own state on model classes
            self.classes.setdefault(value, dict(vars(value)))
            for member in vars(value).values():
                self._remember_code(getattr(member, "__func__", member))
        elif callable(value) and hasattr(value, "__code__") and id(value) not in self.functions:
            self.functions[id(value)] = (value, value.__code__, value.__defaults__, value.__kwdefaults__)

    def restore(self) -> list[str]:
        """Undo what trainee code changed; returns a readable name for each change."""
        import builtins
        import signal as signals

        changed = []
        for cls, saved in self.classes.items():
            current = vars(cls)
            for name in [n for n in current if n not in saved]:
                changed.append(f"{cls.__name__}.{name}")
                _set_type_attr(cls, name, None, delete=True)
            for name, value in saved.items():
                if current.get(name, _MISSING) is not value:
                    changed.append(f"{cls.__name__}.{name}")
                    _set_type_attr(cls, name, value)
        for part, names in self.part_vars.values():  # a method replaced on the object itself
            for name in [n for n in vars(part) if n not in names and callable(getattr(type(part), n, None))]:
                changed.append(f"{type(part).__name__}.{name}")
                del vars(part)[name]
        for name, value in self.instance.items():
            current = getattr(self.shell, name, None)
            if (getattr(current, "__self__", None) is not self.shell or name in vars(self.shell)) \
                    if value is _METHOD else current is not value:
                changed.append(f"shell.{name}")
                try:
                    vars(self.shell).pop(name, None)
                    if value is not _METHOD and getattr(self.shell, name, None) is not value:
                        setattr(self.shell, name, value)
                except Exception:
                    pass
        self.shell.display_trap.hook = self.instance["displayhook"]
        for name, items in _hook_lists(self.shell).items():
            saved = self.lists.get(name, [])
            foreign = [item for item in items if not any(item is s for s in saved) and not _from_library(item)]
            lost = [s for s in saved if not any(item is s for item in items)]
            if foreign or lost:
                changed += [name] if foreign else []
                items[:] = [item for item in items if not any(item is f for f in foreign)] + lost
        for name, table in _formatter_tables(self.shell).items():
            saved = self.tables.get(name, {})
            foreign = [k for k, v in table.items() if saved.get(k, _MISSING) is not v and not _from_library(v)]
            if foreign or any(k not in table for k in saved):
                changed += [f"display_formatter.{name}"] if foreign else []
                for key in foreign:
                    del table[key]
                table.update({k: v for k, v in saved.items() if k not in table})
        namespace = vars(builtins)
        added = {"exit", "quit", "open", "get_ipython", "display"}  # IPython's builtin trap adds and removes these
        if any(namespace.get(k, _MISSING) is not v for k, v in self.builtins.items() if k not in added) \
                or any(k not in self.builtins for k in namespace if k not in added):
            changed.append("builtins")
            namespace.clear()
            namespace.update({k: v for k, v in self.builtins.items() if k not in added})
        for name, value in self.sys_hooks.items():
            if getattr(sys, name) is not value:
                changed.append(f"sys.{name}")
                setattr(sys, name, value)
        if sys.gettrace() is not None or sys.getprofile() is not None:
            changed.append("sys.settrace/setprofile")
            sys.settrace(None)
            sys.setprofile(None)
        import threading

        if getattr(threading, "_trace_hook", None) or getattr(threading, "_profile_hook", None):
            changed.append("threading.settrace/setprofile")
            threading.settrace(None)
            threading.setprofile(None)
        sys.stdout, sys.stderr = self.streams
        for number, handler in self.signals.items():
            try:
                if signals.getsignal(number) is not handler:
                    changed.append(f"signal {signals.Signals(number).name}")
                    signals.signal(number, handler)
            except (ValueError, OSError, TypeError):
                pass
        if dict(os.environ) != self.environ:
            changed.append("os.environ")
            os.environ.clear()
            os.environ.update(self.environ)
        for name, module in self.modules.items():
            if sys.modules.get(name) is not module:
                changed.append(f"sys.modules[{name!r}]")
                sys.modules[name] = module
        for name, saved in self.module_dicts.items():
            module = self.modules[name]
            current = vars(module)
            for key, value in saved.items():
                if callable(value) and current.get(key, _MISSING) is not value:
                    changed.append(f"{name}.{key}")
                    current[key] = value
            for key in [k for k, v in current.items() if k not in saved and callable(v)
                        and not _legit_addition(module, k, v)]:
                changed.append(f"{name}.{key}")
                del current[key]
        for function, code, defaults, kwdefaults in self.functions.values():
            if (function.__code__ is not code or function.__defaults__ is not defaults
                    or function.__kwdefaults__ is not kwdefaults):
                changed.append(f"{function.__module__}.{function.__qualname__}")
                function.__code__, function.__defaults__, function.__kwdefaults__ = code, defaults, kwdefaults
        user_ns = self.shell.user_ns
        if user_ns.get("__builtins__") is not builtins:
            changed.append("__builtins__")
            user_ns["__builtins__"] = builtins
        for name in [n for n in user_ns if n in self.builtins and n not in added and not n.startswith("_")]:
            changed.append(name)  # e.g. `type = lambda x: int` would fool a type-strict test
            del user_ns[name]
        for name, value in self.trusted.items():
            if user_ns.get(name, _MISSING) is not value:
                changed.append(name)
                user_ns[name] = value
        return sorted(set(changed))

    def trust(self, before: dict) -> None:
        """Accept what a trusted cell set up: hooks it registered, names it bound
        (``before`` is the namespace before it ran)."""
        self.lists = {name: list(items) for name, items in _hook_lists(self.shell).items()}
        self.tables = {name: dict(table) for name, table in _formatter_tables(self.shell).items()}
        self.part_vars = {key: (part, set(vars(part))) for key, (part, _) in self.part_vars.items()}
        for name, value in self.shell.user_ns.items():
            if not name.startswith("_") and before.get(name, _MISSING) is not value:
                self.trusted[name] = value


_MISSING = object()
_METHOD = object()


def _legit_addition(module, name: str, value) -> bool:
    """A name a policycomm module gains by itself: a submodule imported, or a lazy export loaded."""
    import importlib.util
    import types

    if isinstance(value, types.ModuleType):
        return sys.modules.get(f"{module.__name__}.{name}") is value
    target = getattr(module, "_LAZY", {}).get(name)
    if target is None:
        return False
    defining = sys.modules.get(importlib.util.resolve_name(f".{target}", module.__name__))
    return defining is not None and vars(defining).get(name) is value


def _library_folders() -> tuple[str, ...]:
    import policycomm

    return tuple(os.path.realpath(p) + os.sep for p in
                 {sys.prefix, sys.base_prefix, os.path.dirname(policycomm.__file__)})


def _from_library(hook) -> bool:
    """True if ``hook`` is code from an installed library (a file under the read-only prefixes),
    not something defined in a cell, an exec'd string or a file the notebook wrote."""
    import functools
    from types import SimpleNamespace

    for _ in range(10):
        if isinstance(hook, functools.partial):
            hook = hook.func
        elif hasattr(hook, "__func__"):
            hook = hook.__func__
        else:
            break
    code = getattr(hook, "__code__", None)
    if code is not None:
        codes = [code]
    else:  # an object: every method of its classes counts
        codes = [getattr(value, "__code__", None) for cls in type(hook).__mro__ for value in vars(cls).values()]
        codes = [code for code in codes if code is not None]
        if not codes and type(hook).__module__ not in ("builtins", "functools"):
            module = sys.modules.get(type(hook).__module__)
            codes = [SimpleNamespace(co_filename=getattr(module, "__file__", None) or "<cell>")]
    folders = _library_folders()
    return all(os.path.realpath(code.co_filename).startswith(folders) and os.path.isfile(code.co_filename)
               for code in codes)


def _set_type_attr(cls, name, value, delete=False) -> None:
    try:
        if delete:
            delattr(cls, name)
        else:
            setattr(cls, name, value)
    except (TypeError, AttributeError):  # a built-in type: nothing trainee code could change either
        pass


def _extra_threads() -> int:
    """Threads running Python code beside the main one (libraries' native worker threads do not count)."""
    return len(sys._current_frames()) - 1


def _plain(value, depth: int = 0):
    """``value`` rebuilt from exact built-in types, or ``_MISSING`` if it holds anything else."""
    kind = type(value)
    if value is None or kind in (str, int, float, bool, complex, bytes):
        return value
    if depth > 20:
        return _MISSING
    if kind in (list, tuple, set, frozenset):
        items = [_plain(item, depth + 1) for item in value]
        return _MISSING if any(item is _MISSING for item in items) else kind(items)
    if kind is dict:
        pairs = [(_plain(k, depth + 1), _plain(v, depth + 1)) for k, v in value.items()]
        return _MISSING if any(k is _MISSING or v is _MISSING for k, v in pairs) else dict(pairs)
    if value is Ellipsis:
        return value
    return _MISSING


def _child_main(sock_fd: int, limits: Limits, env: dict, files: list, workdir: str, sandboxed: bool, role: str,
                sink: _OutputSink, shell) -> None:
    """Body of a forked child: isolate, write its files, then run the cells the parent sends.

    A request is one of: ``{"source", "trusted"}`` (run a cell; before a
    trusted one the guard restores the shell), ``{"export": [names]}`` (the
    plain values of those names, as Python literals), ``{"import": {...}}``
    (bind names the namespace lacks), or ``{"stop": true}``.
    """
    import resource
    from multiprocessing.connection import Connection

    os.setsid()
    _set_parent_death_signal()
    if sock_fd != CONTROL_FD:
        os.dup2(sock_fd, CONTROL_FD)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.closerange(CONTROL_FD + 1, 65536)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)

    _write_files(workdir, files)
    os.chdir(workdir)
    os.environ.clear()
    os.environ.update({**env, "HOME": workdir})
    megabyte = 1024 * 1024
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.max_file_mb * megabyte,) * 2)
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb * megabyte,) * 2)
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
    if sandboxed:
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.max_processes,) * 2)

    conn = Connection(CONTROL_FD)
    sink.max_chars = limits.max_output_chars
    stdout, stderr = _Stream(sink, "stdout"), _Stream(sink, "stderr")
    sys.stdout, sys.stderr = stdout, stderr
    sys.stdin = open(os.devnull)
    import builtins

    def no_input(prompt=""):
        from IPython.core.error import StdinNotImplementedError

        raise StdinNotImplementedError(
            "raw_input was called, but this frontend does not support input requests.")

    builtins.input = no_input
    _reset_warnings()
    hooks_refused = []

    def refuse_audit_hooks(event, args):  # an audit hook of the trainee's would see every later cell
        if event == "sys.addaudithook":
            hooks_refused.append(True)
            raise RuntimeError("audit hooks are not allowed here")

    sys.addaudithook(refuse_audit_hooks)

    def audit_tampering() -> list[str]:
        found = ["sys.addaudithook"] if hooks_refused else []
        hooks_refused.clear()
        return found
    timed_out = []

    def on_alarm(signum, frame):
        timed_out.append(True)
        raise KeyboardInterrupt()  # what interrupting a kernel raises

    signal.signal(signal.SIGALRM, on_alarm)
    guard = _Guard(shell, stdout, stderr)
    send, dumps, now = conn.send_bytes, json.dumps, _now
    while True:
        try:
            request = json.loads(conn.recv_bytes())
        except (EOFError, OSError):
            os._exit(0)
        if request.get("stop"):
            os._exit(0)
        if "export" in request:
            send(dumps({"nonce": request["nonce"], **_export(shell.user_ns, request["export"])}).encode())
            continue
        if "inspect" in request:  # a test is about to run in the twin: name (and undo) what trainee code changed
            tampered = guard.restore() + audit_tampering()
            tampered += _stop_other_processes(request.get("spare", [])) if sandboxed else []
            send(dumps({"nonce": request["nonce"], "tampered": tampered}).encode())
            continue
        if "missing" in request:
            import builtins as builtin_names

            lacking = [n for n in request["missing"] if n not in shell.user_ns and not hasattr(builtin_names, n)]
            send(dumps({"nonce": request["nonce"], "missing": lacking}).encode())
            continue
        if "import" in request:
            _import(shell.user_ns, request["import"])
            send(dumps({"nonce": request["nonce"]}).encode())
            continue
        tampered, threads = [], 0
        if request.get("trusted"):
            tampered = guard.restore() + audit_tampering()
            if sandboxed and role == "trainee":
                tampered += _stop_other_processes(request.get("spare", []))
            threads = _extra_threads() if role == "trainee" else 0
            before = dict(shell.user_ns)
        sink.reset()
        timed_out.clear()
        started = now()
        failure = result = None
        if threads:  # another thread could read or change the test while it runs: it does not run
            failure = RuntimeError("background threads")
        else:
            signal.setitimer(signal.ITIMER_REAL, limits.timeout_cell)
            try:
                result = shell.run_cell(request["source"], store_history=True)
            except BaseException as exc:  # an interrupt outside the cell's own frame
                failure = exc
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        reply = {"nonce": request["nonce"], "outputs": sink.outputs, "started": started,
                 "finished": now(), "execution_count": shell.execution_count - 1,
                 "tampered": tampered + (["threads"] if threads else [])}
        error = failure if result is None else (result.error_before_exec or result.error_in_exec)
        if timed_out:
            reply.update(status="timeout", ename="CellTimeoutError", evalue="")
        elif error is not None:
            reply.update(status="error", ename=type(error).__name__, evalue=str(error),
                         traceback=getattr(shell, "_last_traceback", None) or [])
        else:
            reply["status"] = "ok"
        if request.get("trusted"):
            guard.trust(before)
            _forget_source(shell, request["source"])
        try:
            send(dumps(reply, default=str).encode("utf-8"))
        except Exception:
            send(dumps({"nonce": request["nonce"], "outputs": [], "status": "error",
                        "ename": "OutputError", "evalue": "outputs could not be encoded",
                        "started": started, "finished": now()}).encode("utf-8"))


def _write_files(workdir: str, files: list) -> None:
    """Fill a child's working folder with the submission's other files (sent as data)."""
    os.makedirs(workdir, exist_ok=True)
    for relative, content in files:
        parts = [p for p in relative.split("/") if p not in ("", ".")]
        if not parts or ".." in parts:
            continue
        target = os.path.join(workdir, *parts)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(content)


def _export(user_ns: dict, names: list) -> dict:
    """The plain values of ``names`` as Python literals; names holding anything else are listed apart."""
    values, other = {}, []
    for name in names:
        if name not in user_ns:
            continue
        value = _plain(user_ns[name])
        if value is _MISSING:
            other.append(name)
            continue
        text = repr(value)
        if len(text) > 1_000_000:
            other.append(name)
        else:
            values[name] = text
    return {"values": values, "other": other}


def _import(user_ns: dict, values: dict) -> None:
    """Bind the trainee's plain values for names the trusted namespace does not have."""
    import ast

    for name, text in values.items():
        if name not in user_ns:
            try:
                user_ns[name] = ast.literal_eval(text)
            except (ValueError, SyntaxError, MemoryError, RecursionError):
                pass


def _forget_source(shell, source: str) -> None:
    """Remove a trusted cell's source from the places later trainee code could read it."""
    import linecache

    for name in ("In", "_ih"):
        history = shell.user_ns.get(name)
        if isinstance(history, list):
            history[:] = ["" if entry == source else entry for entry in history]
    for name in [n for n, v in shell.user_ns.items() if n.startswith("_i") and v == source]:
        shell.user_ns[name] = ""
    for cache in (linecache.cache, getattr(linecache, "_ipython_cache", {})):
        for key in [k for k, v in cache.items() if isinstance(v, tuple) and len(v) > 2
                    and "".join(v[2]).strip() == source.strip()]:
            del cache[key]
    for name in ("last_type", "last_value", "last_traceback", "last_exc"):
        if hasattr(sys, name):
            setattr(sys, name, None)
    shell._last_traceback = None


def _stop_other_processes(spare: list) -> list[str]:
    """Kill what trainee code left running in the sandbox (its PID namespace holds only the worker,
    this child and the ``spare`` twin)."""
    mine = {1, os.getpid(), os.getppid(), *spare}
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) not in mine:
            try:
                os.kill(int(entry), signal.SIGKILL)
                found.append(entry)
            except (ProcessLookupError, PermissionError):
                pass
    return ["processes"] if found else []


def _reset_warnings() -> None:
    """Python's default warning filters and printer (the grader's own may be replaced)."""

    def show(message):  # what warnings._showwarnmsg_impl does, which catch_warnings(record=True) replaces
        target = message.file or sys.stderr
        if target is not None:
            target.write(warnings._formatwarnmsg_impl(message))

    warnings._showwarnmsg_impl = show
    warnings.showwarning = warnings._showwarning_orig
    warnings.resetwarnings()
    warnings.simplefilter("ignore", ResourceWarning)
    warnings.simplefilter("ignore", ImportWarning)
    warnings.simplefilter("ignore", PendingDeprecationWarning)
    warnings.simplefilter("ignore", DeprecationWarning)
    warnings.filterwarnings("default", category=DeprecationWarning, module="__main__")


def _now() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


def _prctl(option: int, value: int) -> None:
    """Linux prctl(2); a no-op elsewhere."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except Exception:
        pass


def _set_parent_death_signal():
    """Die with the parent (PR_SET_PDEATHSIG)."""
    _prctl(1, signal.SIGKILL)


# --------------------------------------------------------------------------- worker side


#: imported by every warm worker before it forks a child
COMMON_IMPORTS = ("IPython", "IPython.core.interactiveshell", "IPython.display", "traitlets",
                  "matplotlib_inline.backend_inline", "unicodedata", "json", "re", "math", "random",
                  "statistics", "collections", "itertools", "functools", "datetime", "textwrap",
                  "string", "fractions", "decimal", "pathlib", "base64", "hashlib", "csv", "io", "ast",
                  "policycomm", "policycomm.model.lookup", "policycomm.model.choose", "policycomm.messages")

#: how a worker starts: the grader's import path, then the worker loop
_BOOT = ("import json, site, sys; config = json.loads(sys.argv[1]); sys.path[:] = config['path']\n"
         "for folder in config['sites']: site.addsitedir(folder)\n"
         "from policycomm.grading.sandbox import _worker_main; _worker_main(config)")


#: what a policycomm module imports only when first used, for the notebooks that use it
LAZY_IMPORTS = {"policycomm.model.optimize": ("numpy", "scipy.optimize"), "policycomm.model.plan": ("pandas",)}


def _warm_up(preload) -> None:
    """Import what most notebooks import, so each forked child starts warm."""
    import importlib

    lazy = [name for module in preload for name in LAZY_IMPORTS.get(module, ())]
    for name in (*COMMON_IMPORTS, *preload, *lazy):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                importlib.import_module(name)
        except BaseException:  # a course import that fails here fails again, visibly, in the cell
            pass
    try:
        from policycomm.model.knowledge import knowledge

        knowledge()
    except Exception:
        pass


def _worker_main(config: dict) -> None:
    """Loop of a warm worker: fork one isolated child per notebook, clean up after it."""
    import shutil
    from multiprocessing.connection import Connection
    from multiprocessing.reduction import recv_handle

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _set_parent_death_signal()
    _prctl(4, 0)  # PR_SET_DUMPABLE 0: a child running as the same user cannot ptrace this worker
    conn = Connection(config["fd"])
    sandboxed = config["sandboxed"]
    os.environ.update(config["env"])
    _warm_up(config["preload"])
    sink = _OutputSink(Limits.max_output_chars)
    shell = _make_shell(sink)
    conn.send_bytes(json.dumps({"ready": os.getpid()}).encode())
    children: dict[int, object] = {}
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        if message[0] == "stop":
            os._exit(0)
        if message[0] == "kill":
            for pid in children:
                _kill_quietly(pid)
            continue
        if message[0] == "reap":  # the notebook is done: wait for its children, then clean up
            status = 0
            for pid in list(children):
                _, status = os.waitpid(pid, 0)  # the trainee's child is the first one forked
                workdir = children.pop(pid)
                if not sandboxed:
                    shutil.rmtree(workdir, onerror=_force_remove)
            if sandboxed:
                _clean_sandbox()
            conn.send_bytes(json.dumps({"ended": os.waitstatus_to_exitcode(status)}).encode())
            continue
        _, role, limits, env, files = message
        sock_fd = recv_handle(conn)
        workdir = _workdir_for(role, sandboxed)
        pid = os.fork()
        if pid == 0:
            try:
                _prctl(4, 1)
                _child_main(sock_fd, limits, env, files, workdir, sandboxed, role, sink, shell)
            finally:
                os._exit(70)
        os.close(sock_fd)
        children[pid] = workdir
        conn.send_bytes(json.dumps({"started": pid}).encode())


def _workdir_for(role: str, sandboxed: bool) -> str:
    """A child's working folder: fixed inside the sandbox (emptied after each notebook), else a new temporary one."""
    import tempfile

    from .isolation import WORKDIR

    if sandboxed:
        return WORKDIR if role == "trainee" else os.path.join(os.path.dirname(WORKDIR), role)
    return tempfile.mkdtemp(prefix=f"policycomm-{role}-")


def _clean_sandbox() -> None:
    """Leave nothing of one notebook for the next: processes, files, IPC objects."""
    import shutil
    import subprocess

    from .isolation import PRIVATE_DIRS

    try:
        os.kill(-1, signal.SIGKILL)  # every process of the sandbox but this worker (and its init)
    except ProcessLookupError:
        pass
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG) == (0, 0):
                break
        except ChildProcessError:
            break
    for folder in (*PRIVATE_DIRS, "/dev/shm", "/dev/mqueue"):
        try:
            entries = os.listdir(folder)
        except OSError:
            continue
        for entry in entries:
            path = os.path.join(folder, entry)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, onerror=_force_remove)
            else:
                try:
                    os.unlink(path)
                except OSError:
                    pass
    subprocess.run(["ipcrm", "--all"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def _force_remove(function, path, info) -> None:
    """rmtree's error handler: make a folder the notebook locked writable again, then retry."""
    try:
        os.chmod(os.path.dirname(path), 0o700)
        os.chmod(path, 0o700)
        function(path)
    except OSError:
        pass


def _kill_quietly(pid: int) -> None:
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


# --------------------------------------------------------------------------- grader side


class WorkerLost(RuntimeError):
    """A worker stopped answering (killed from inside, or the host ran out of something)."""


#: one thread per numeric library: workers already fill the cores
_NUMERIC_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
#: host settings a worker keeps (OpenBLAS needs these on some processors to compute correctly)
_HOST_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "TZ")


class _Worker:
    """One warm worker process, inside its own bubblewrap sandbox unless ``unsafe``."""

    def __init__(self, slot: int, preload: tuple, sandboxed: bool):
        import subprocess
        from multiprocessing.connection import Connection

        from .isolation import UidLease, sandbox_command

        self.slot, self.sandboxed, self.ready = slot, sandboxed, False
        ours, theirs = socket.socketpair()
        config = {"fd": theirs.fileno(), "preload": list(preload), "sandboxed": sandboxed,
                  "path": [p for p in sys.path if p and os.path.isdir(p)],
                  "sites": [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))],
                  "env": {"MPLBACKEND": "module://matplotlib_inline.backend_inline", "PYTHONIOENCODING": "utf-8",
                          "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin", **_NUMERIC_ENV,
                          **{name: os.environ[name] for name in _HOST_ENV if name in os.environ}}}
        command = [sys.executable, "-I", "-c", _BOOT, json.dumps(config)]
        self.lease = None
        if sandboxed:
            self.lease = UidLease() if os.geteuid() == 0 else None
            command = sandbox_command(command, self.lease.uid if self.lease else None)
        self.process = subprocess.Popen(command, pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                        start_new_session=True, env=None if sandboxed else config["env"])
        theirs.close()
        self.conn = Connection(ours.detach())

    def receive(self, wait: float | None = None) -> dict:
        if wait is not None and not self.conn.poll(wait):
            raise WorkerLost("no answer")
        try:
            return json.loads(self.conn.recv_bytes(maxlength=1 << 20))
        except (EOFError, OSError, ValueError) as exc:
            raise WorkerLost(str(exc)) from None

    def wait_ready(self) -> None:
        if not self.ready:
            try:
                self.receive(600)
            except WorkerLost:
                error = self.process.stderr.read().decode("utf-8", "replace")[-1000:] if self.process.poll() \
                    is not None else ""
                raise WorkerLost(f"worker {self.slot} did not start: {error}") from None
            self.ready = True

    def close(self) -> None:
        try:
            self.conn.send(("stop",))
        except OSError:
            pass
        try:
            self.process.wait(timeout=5)
        except Exception:
            self.process.kill()
            self.process.wait()
        self.conn.close()
        if self.lease:
            self.lease.release()


class WarmPool:
    """A pool of warm workers that run notebooks in isolated children.

    Each worker is a fresh interpreter (inside bubblewrap unless ``unsafe``)
    that never sees the gradebook, the course folder or any hidden test but
    the one its child is running. ``unsafe=True`` runs without the sandbox,
    which the grader allows only when the lecturer asks for it.
    """

    def __init__(self, jobs: int = 2, preload: tuple[str, ...] = (), unsafe: bool = False):
        import queue

        from .isolation import SandboxUnavailable, probe

        reason = None if unsafe else probe()
        if reason:
            raise SandboxUnavailable("gr_sandbox_unavailable", reason=(reason.vi, reason.en))
        self.sandboxed = not unsafe
        self.preload = tuple(preload)
        self._free: queue.Queue = queue.Queue()
        self.workers = [_Worker(slot, self.preload, self.sandboxed) for slot in range(jobs)]
        for worker in self.workers:
            self._free.put(worker)

    @property
    def slots(self) -> int:
        """How many notebooks the pool runs at once."""
        return len(self.workers)

    def close(self) -> None:
        for worker in self.workers:
            worker.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def run(self, cells: list[dict], files: list, limits: Limits, env: dict | None = None) -> NotebookRun:
        """Run code cells in fresh isolated children of one warm worker.

        ``cells`` are dicts with ``source`` and ``kind`` ("trainee", "locked" or
        "test"); ``files`` are ``(relative path, bytes)`` pairs for the working
        folder. Trainee and locked cells run in the trainee's child; a test
        runs in a twin child that has run only the locked cells and the tests,
        given plain copies of the trainee's values, so trainee code never sees
        it (a test that needs a trainee's function runs in the trainee's child,
        after the guard). Thread-safe: blocks until a worker is free.
        """
        worker = self._free.get()
        try:
            try:
                worker.wait_ready()
                return self._run_on(worker, cells, files, limits, env or {})
            except (WorkerLost, OSError) as lost:
                self._replace(worker)
                worker = self.workers[worker.slot]
                runs = [CellRun(status="not_run") for _ in cells]
                return NotebookRun(cells=runs, problem="worker_lost", detail=str(lost)[:200])
        finally:
            self._free.put(self.workers[worker.slot])

    def _replace(self, worker: _Worker) -> None:
        try:
            worker.process.kill()
        except OSError:
            pass
        worker.close()
        self.workers[worker.slot] = _Worker(worker.slot, self.preload, worker.sandboxed)

    def _start_child(self, worker: _Worker, role: str, limits: Limits, env: dict, files: list):
        """A new child of ``worker`` and its channel; ``role`` is "trainee" or "twin"."""
        from multiprocessing.connection import Connection
        from multiprocessing.reduction import send_handle

        ours, theirs = socket.socketpair()
        worker.conn.send(("run", role, limits, env, files))
        send_handle(worker.conn, theirs.fileno(), worker.process.pid)
        theirs.close()
        channel = Connection(ours.detach())
        channel.pid = worker.receive(60)["started"]
        return channel

    def _run_on(self, worker: _Worker, cells, files, limits: Limits, env: dict) -> NotebookRun:
        child = self._start_child(worker, "trainee", limits, env, files)
        twin, for_twin = None, _locked_cells_for_tests(cells)
        started = time.monotonic()
        runs: list[CellRun] = []
        problem = detail = ""
        try:
            for cell in cells:
                remaining = limits.timeout_notebook - (time.monotonic() - started)
                if remaining <= 0:
                    problem = "timeout_notebook"
                    break
                wait = min(limits.timeout_cell + KILL_GRACE_S, remaining)
                kind = cell.get("kind", "trainee")
                target, tampered = child, []
                if kind == "test" or (twin is not None and len(runs) in for_twin):
                    if twin is None:
                        twin = self._start_child(worker, "twin", limits, {**env, "MPLBACKEND": "agg"}, files)
                        for index in sorted(i for i in for_twin if i < len(runs)):  # what the tests rely on
                            _ask(twin, {"source": cells[index]["source"], "trusted": True}, wait)
                    if kind == "test":
                        target, tampered = self._choose_for_test(cell, child, twin, wait)
                    else:
                        _ask(twin, {"source": cell["source"], "trusted": True}, wait)
                reply = _ask(target, {"source": cell["source"], "trusted": kind != "trainee",
                                      "spare": [twin.pid] if twin is not None else []}, wait)
                if isinstance(reply, str):
                    problem = reply
                    if problem == "no_reply":
                        problem = "timeout_notebook" if wait < limits.timeout_cell + KILL_GRACE_S else "timeout"
                    runs.append(CellRun(status="timeout" if problem.startswith("timeout") else "killed"))
                    break
                runs.append(_cell_run(reply))
                runs[-1].exposed = kind == "test" and target is child
                runs[-1].tampered = sorted(set(runs[-1].tampered + tampered))
        finally:
            for channel in (child, twin):
                if channel is not None:
                    try:
                        channel.send_bytes(b'{"stop": true}')
                    except OSError:
                        pass
            if problem:
                worker.conn.send(("kill",))
            for channel in (child, twin):
                if channel is not None:
                    channel.close()
            try:
                worker.conn.send(("reap",))
                exit_code = worker.receive(30)["ended"]
            except (WorkerLost, OSError) as lost:
                self._replace(worker)
                problem, detail, exit_code = "worker_lost", str(lost)[:200], 0
        count = 0
        for cell, ran in zip(cells, runs):  # numbered as one kernel would, whichever child ran the cell
            if cell["source"].strip():
                count += 1
                ran.execution_count = count
                for output in ran.outputs:
                    if output.get("output_type") == "execute_result":
                        output["execution_count"] = count
        if problem in ("crashed", "killed") or (problem == "protocol" and exit_code):
            detail = _describe_exit(exit_code)
        while len(runs) < len(cells):
            runs.append(CellRun(status="not_run"))
        return NotebookRun(cells=runs, problem=problem, detail=detail, wall_s=time.monotonic() - started)

    @staticmethod
    def _choose_for_test(cell: dict, child, twin, wait: float):
        """The twin, given plain copies of what the test reads; the trainee's child if it reads more."""
        inspected = _ask(child, {"inspect": True, "spare": [twin.pid]}, wait)
        tampered = [] if isinstance(inspected, str) else inspected.get("tampered", [])
        lacking = _ask(twin, {"missing": _free_names(cell["source"])}, wait)
        if isinstance(lacking, str):
            return child, tampered
        exported = _ask(child, {"export": lacking.get("missing", [])}, wait)
        if isinstance(exported, str) or exported.get("other"):
            return child, tampered
        _ask(twin, {"import": exported.get("values", {})}, wait)
        return twin, tampered


def _names(source: str) -> tuple[set, set]:
    """(names a cell reads without binding them itself, names it binds); both empty if it does not parse."""
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set(), set()
    loaded, stored = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else stored).add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            stored.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            stored.add(node.name)
    return loaded - stored, stored


def _free_names(source: str) -> list[str]:
    """Names a cell reads without binding them itself (what a test needs from the notebook).

    >>> _free_names("expected = f(x); assert answer == expected")
    ['answer', 'f', 'x']
    """
    return sorted(_names(source)[0])


def _locked_cells_for_tests(cells: list[dict]) -> set[int]:
    """Indices of the locked cells the twin must run so the tests find what they use.

    A locked cell runs there if it binds a name a test (or another such cell)
    reads, or binds nothing at all (it may set something up by its effects);
    explorers, plots and examples whose names no test reads are skipped.

    >>> _locked_cells_for_tests([{"source": "import choose", "kind": "locked"},
    ...                          {"source": "plot = draw()", "kind": "locked"},
    ...                          {"source": "assert choose.ok(answer)", "kind": "test"}])
    {0}
    """
    needed = set()
    for cell in cells:
        if cell.get("kind") == "test":
            needed |= _names(cell["source"])[0]
    chosen = set()
    for index in range(len(cells) - 1, -1, -1):
        if cells[index].get("kind") != "locked":
            continue
        free, bound = _names(cells[index]["source"])
        if not bound or bound & needed:
            chosen.add(index)
            needed |= free
    return chosen


def _ask(channel, request: dict, wait: float):
    """Send one request to a child; its reply, or a problem name (no_reply, crashed, protocol)."""
    nonce = secrets.token_hex(8)
    try:
        channel.send_bytes(json.dumps({**request, "nonce": nonce}).encode("utf-8"))
    except OSError:
        return "crashed"
    if not channel.poll(wait):
        return "no_reply"
    try:
        reply = json.loads(channel.recv_bytes(maxlength=64 * 1024 * 1024))
    except (EOFError, ConnectionResetError):
        return "crashed"
    except (OSError, ValueError, UnicodeDecodeError):
        return "protocol"
    if not isinstance(reply, dict) or reply.get("nonce") != nonce:
        return "protocol"
    return reply


def _cell_run(reply: dict) -> CellRun:
    return CellRun(outputs=reply.get("outputs") or [], execution_count=reply.get("execution_count"),
                   status=reply.get("status", "error"), ename=str(reply.get("ename", "")),
                   evalue=str(reply.get("evalue", "")), traceback=[str(t) for t in reply.get("traceback") or []],
                   started=str(reply.get("started", "")), finished=str(reply.get("finished", "")),
                   tampered=[str(t) for t in reply.get("tampered") or []])


def _describe_exit(exit_code: int) -> str:
    if exit_code < 0:
        return f"signal {signal.Signals(-exit_code).name}"
    return f"exit code {exit_code}"
