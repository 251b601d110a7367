"""Run trainee notebooks in isolated children forked from warm worker processes.

A :class:`WarmPool` forks ``jobs`` worker processes ("zygotes") before the
grader reads anything secret. Each zygote loads IPython, policycomm and the
course's usual imports once, then forks one child per notebook. The child
drops to its own unprivileged uid (when the grader runs as root), works in a
private temporary directory, runs under memory/file/process limits, and runs
the notebook's code cells in an IPython ``InteractiveShell`` whose display
hook, display publisher, streams and traceback hook record nbformat outputs
the way a Jupyter kernel and nbclient would.

The grader (the parent) sends the cells one at a time over a socket, so the
hidden tests of a cell reach the child only when that cell runs; the zygote
never sees a notebook, so nothing of one trainee is left in the memory that
the next child inherits. Replies from the child are JSON, never pickles: the
child runs untrusted code.

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

#: uid of the first sandbox slot when running as root; slot i runs as BASE_UID + i
BASE_UID = 61000
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


@dataclass
class NotebookRun:
    """The result of running one notebook: one CellRun per code cell sent."""

    cells: list
    problem: str = ""  # "" | timeout_notebook | killed | crashed | protocol
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
            "displayhook", "display_pub", "display_trap", "InteractiveTB", "SyntaxTB")


class _Guard:
    """Restores what trainee code may have patched, before each test cell runs."""

    def __init__(self, shell, stdout, stderr):
        import builtins

        self.shell = shell
        self.instance = {name: getattr(shell, name) for name in _GUARDED if hasattr(shell, name)}
        self.classes = {(cls, name): cls.__dict__[name]
                        for cls in type(shell).__mro__ for name in _GUARDED if name in cls.__dict__}
        self.builtins = dict(vars(builtins))
        self.streams = (stdout, stderr, sys.excepthook, sys.displayhook)

    def restore(self):
        import builtins

        for (cls, name), value in self.classes.items():
            if cls.__dict__.get(name) is not value:
                setattr(cls, name, value)
        for name, value in self.instance.items():
            if name in vars(self.shell) and vars(self.shell)[name] is not value:
                del vars(self.shell)[name]
            if getattr(self.shell, name, None) is not value:
                try:
                    setattr(self.shell, name, value)
                except Exception:  # a read-only trait: leave it
                    pass
        self.shell.display_trap.hook = self.instance["displayhook"]
        namespace = vars(builtins)
        for name in [n for n in namespace if n not in self.builtins]:
            del namespace[name]
        namespace.update(self.builtins)
        user_ns = self.shell.user_ns
        for name in [n for n in user_ns if n in self.builtins and not n.startswith("_")]:
            del user_ns[name]  # e.g. `type = lambda x: int` would fool a type-strict test
        sys.stdout, sys.stderr, sys.excepthook, sys.displayhook = self.streams


def _child_main(sock_fd: int, workdir: str, uid: int | None, limits: Limits, env: dict,
                sink: _OutputSink, shell) -> None:
    """Body of the forked child: isolate, then run the cells the parent sends."""
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

    os.chdir(workdir)
    os.environ.clear()
    os.environ.update(env)
    megabyte = 1024 * 1024
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.max_file_mb * megabyte,) * 2)
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb * megabyte,) * 2)
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
    if uid is not None:
        _keep_imports_reachable()
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.max_processes,) * 2)
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)

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
    guard = _Guard(shell, stdout, stderr)
    timed_out = []

    def on_alarm(signum, frame):
        timed_out.append(True)
        raise KeyboardInterrupt()  # what interrupting a kernel raises

    signal.signal(signal.SIGALRM, on_alarm)
    send, dumps, now = conn.send_bytes, json.dumps, _now
    while True:
        try:
            request = json.loads(conn.recv_bytes())
        except (EOFError, OSError):
            os._exit(0)
        if request.get("stop"):
            os._exit(0)
        if request.get("guard"):
            guard.restore()
        sink.reset()
        timed_out.clear()
        started = now()
        failure = None
        signal.setitimer(signal.ITIMER_REAL, limits.timeout_cell)
        try:
            result = shell.run_cell(request["source"], store_history=True)
        except BaseException as exc:  # an interrupt outside the cell's own frame
            result = None
            failure = exc
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        reply = {"nonce": request["nonce"], "outputs": sink.outputs, "started": started,
                 "finished": now(), "execution_count": shell.execution_count - 1}
        error = failure if result is None else (result.error_before_exec or result.error_in_exec)
        if timed_out:
            reply.update(status="timeout", ename="CellTimeoutError", evalue="")
        elif error is not None:
            reply.update(status="error", ename=type(error).__name__, evalue=str(error),
                         traceback=getattr(shell, "_last_traceback", None) or [])
        else:
            reply["status"] = "ok"
        try:
            send(dumps(reply, default=str).encode("utf-8"))
        except Exception:
            send(dumps({"nonce": request["nonce"], "outputs": [], "status": "error",
                        "ename": "OutputError", "evalue": "outputs could not be encoded",
                        "started": started, "finished": now()}).encode("utf-8"))


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


def _keep_imports_reachable() -> None:
    """Let an unprivileged child import from sys.path folders it could not reach by name.

    The interpreter may live under a private folder (e.g. /root/.pyenv). An
    O_PATH descriptor opened while still root reaches such a folder through
    /proc/self/fd without opening anything above it.
    """
    for index, entry in enumerate(sys.path):
        if entry and os.path.isdir(entry) and not _others_can_reach(entry):
            fd = os.open(entry, os.O_PATH | os.O_DIRECTORY)
            sys.path[index] = f"/proc/self/fd/{fd}"
    sys.path_importer_cache.clear()


def _others_can_reach(path: str) -> bool:
    """True if every folder on the way to ``path`` lets others in (o+x), and ``path`` is o+r."""
    import stat

    path = os.path.abspath(path)
    parts = path.split(os.sep)
    for depth in range(2, len(parts) + 1):
        mode = os.stat(os.sep.join(parts[:depth]) or os.sep).st_mode
        if not mode & stat.S_IXOTH:
            return False
    return bool(os.stat(path).st_mode & stat.S_IROTH)


def _now() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


def _set_parent_death_signal():
    """Die with the parent (Linux prctl PR_SET_PDEATHSIG); a no-op elsewhere."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
    except Exception:
        pass


# --------------------------------------------------------------------------- zygote side


#: imported by every warm worker before it forks a child
COMMON_IMPORTS = ("IPython", "IPython.core.interactiveshell", "IPython.display", "traitlets",
                  "matplotlib_inline.backend_inline", "unicodedata", "json", "re", "math", "random",
                  "statistics", "collections", "itertools", "functools", "datetime", "textwrap",
                  "string", "fractions", "decimal", "pathlib", "base64", "hashlib", "csv", "io",
                  "policycomm", "policycomm.api", "policycomm.choose", "policycomm.i18n")


def _warm_up(preload: tuple[str, ...]) -> None:
    """Import what most notebooks import, so each forked child starts warm."""
    import importlib

    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    for name in (*COMMON_IMPORTS, *preload):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                importlib.import_module(name)
        except BaseException:  # a course import that fails here fails again, visibly, in the cell
            pass
    try:
        from policycomm.knowledge import knowledge

        knowledge()
    except Exception:
        pass


def _zygote_main(conn, preload: tuple[str, ...]) -> None:
    """Loop of a warm worker: fork one isolated child per notebook, report how it ended."""
    from multiprocessing.reduction import recv_handle

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _set_parent_death_signal()
    _warm_up(preload)
    sink = _OutputSink(Limits.max_output_chars)
    shell = _make_shell(sink)
    conn.send(("ready", os.getpid()))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        if message[0] == "stop":
            os._exit(0)
        _, workdir, uid, limits, env = message
        sock_fd = recv_handle(conn)
        pid = os.fork()
        if pid == 0:
            try:
                _child_main(sock_fd, workdir, uid, limits, env, sink, shell)
            finally:
                os._exit(70)
        os.close(sock_fd)
        conn.send(("started", pid))
        _, status = os.waitpid(pid, 0)
        if uid is not None:
            _kill_all_of(uid)
        conn.send(("ended", os.waitstatus_to_exitcode(status)))


def _kill_all_of(uid: int) -> None:
    """Kill every process left behind by a sandbox uid (daemons, forks)."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setgid(uid)
            os.setuid(uid)
            os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


# --------------------------------------------------------------------------- parent side


class WarmPool:
    """A pool of warm workers that run notebooks in isolated children.

    Start it before reading the gradebook or any hidden test: the workers are
    forked from the current process and keep its memory.
    """

    def __init__(self, jobs: int = 2, preload: tuple[str, ...] = (), tmp_root: str | None = None):
        import multiprocessing
        import queue
        import tempfile

        self.as_root = os.geteuid() == 0
        if not self.as_root:
            warnings.warn("policycomm grade is not running as root, so trainee code runs with your "
                          "own permissions (it can read what you can read). Run the grader as root "
                          "(it then drops to an unprivileged uid per notebook) for full isolation.",
                          RuntimeWarning, stacklevel=2)
        _remove_stale_workdirs(tmp_root or tempfile.gettempdir())
        self.tmp_root = tempfile.mkdtemp(prefix=f"policycomm-grade-{os.getpid()}-", dir=tmp_root)
        os.chmod(self.tmp_root, 0o711)
        context = multiprocessing.get_context("fork")
        self._free: queue.Queue = queue.Queue()
        self._workers = []
        for slot in range(jobs):
            parent_end, child_end = context.Pipe()
            process = context.Process(target=_zygote_main, args=(child_end, tuple(preload)),
                                      daemon=True, name=f"policycomm-grade-{slot}")
            process.start()
            child_end.close()
            self._workers.append((slot, process, parent_end))
        self._warming = {slot for slot, _, _ in self._workers}  # their "ready" is read on first use
        for worker in self._workers:
            self._free.put(worker)

    def close(self) -> None:
        import shutil

        for _, process, conn in self._workers:
            try:
                conn.send(("stop",))
            except OSError:
                pass
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
        shutil.rmtree(self.tmp_root, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def run(self, cells: list[dict], files_from: str | None, limits: Limits,
            env: dict | None = None) -> NotebookRun:
        """Run code cells (dicts with ``source`` and ``guard``) in a fresh isolated child.

        ``files_from`` is a directory whose files are copied into the child's
        private working directory. Thread-safe: blocks until a worker is free.
        """
        worker = self._free.get()
        try:
            slot, process, conn = worker
            if slot in self._warming:
                tag, _ = conn.recv()
                if tag != "ready":
                    raise RuntimeError(f"grading worker {slot} did not start")
                self._warming.discard(slot)
            return self._run_on(worker, cells, files_from, limits, env or {})
        finally:
            self._free.put(worker)

    def _prepare_workdir(self, slot: int, files_from: str | None) -> tuple[str, int | None]:
        import shutil

        workdir = os.path.join(self.tmp_root, f"slot{slot}")
        shutil.rmtree(workdir, ignore_errors=True)
        if files_from:
            shutil.copytree(files_from, workdir, ignore=shutil.ignore_patterns("*.ipynb"))
        else:
            os.makedirs(workdir)
        uid = BASE_UID + slot if self.as_root else None
        if uid is not None:
            for dirpath, dirnames, filenames in os.walk(workdir):
                for name in [dirpath, *(os.path.join(dirpath, n) for n in dirnames + filenames)]:
                    os.lchown(name, uid, uid)
        os.chmod(workdir, 0o700)
        return workdir, uid

    def _run_on(self, worker, cells, files_from, limits: Limits, env: dict) -> NotebookRun:
        from multiprocessing.connection import Connection
        from multiprocessing.reduction import send_handle

        slot, process, conn = worker
        workdir, uid = self._prepare_workdir(slot, files_from)
        child_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": workdir, "TMPDIR": workdir,
                     "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8", "MPLCONFIGDIR": workdir,
                     "MPLBACKEND": "module://matplotlib_inline.backend_inline", **env}
        ours, theirs = socket.socketpair()
        conn.send(("run", workdir, uid, limits, child_env))
        send_handle(conn, theirs.fileno(), process.pid)
        theirs.close()
        tag, child_pid = conn.recv()
        channel = Connection(ours.detach())
        started = time.monotonic()
        runs: list[CellRun] = []
        problem = detail = ""
        try:
            for index, cell in enumerate(cells):
                remaining = limits.timeout_notebook - (time.monotonic() - started)
                if remaining <= 0:
                    problem = "timeout_notebook"
                    break
                nonce = secrets.token_hex(8)
                channel.send_bytes(json.dumps({"source": cell["source"], "guard": bool(cell.get("guard")),
                                               "nonce": nonce}).encode("utf-8"))
                wait = min(limits.timeout_cell + KILL_GRACE_S, remaining)
                reply = _receive(channel, wait, nonce)
                if isinstance(reply, str):
                    problem = reply
                    if problem == "no_reply":
                        problem = "timeout_notebook" if wait < limits.timeout_cell + KILL_GRACE_S else "killed"
                    runs.append(CellRun(status="killed" if problem != "timeout_notebook" else "timeout"))
                    break
                runs.append(CellRun(outputs=reply.get("outputs") or [],
                                    execution_count=reply.get("execution_count"),
                                    status=reply.get("status", "error"), ename=str(reply.get("ename", "")),
                                    evalue=str(reply.get("evalue", "")),
                                    traceback=[str(t) for t in reply.get("traceback") or []],
                                    started=str(reply.get("started", "")), finished=str(reply.get("finished", ""))))
            else:
                try:
                    channel.send_bytes(b'{"stop": true}')
                except OSError:
                    pass
        finally:
            if problem:
                _kill_quietly(child_pid)
            channel.close()
            exit_code = _await_end(conn, child_pid)
        if problem in ("crashed", "killed") or (problem == "protocol" and exit_code):
            detail = _describe_exit(exit_code)
        while len(runs) < len(cells):
            runs.append(CellRun(status="not_run"))
        return NotebookRun(cells=runs, problem=problem, detail=detail, wall_s=time.monotonic() - started)


def _remove_stale_workdirs(parent: str) -> None:
    """Delete working folders left by graders that were killed (their pid is gone)."""
    import glob
    import shutil

    for path in glob.glob(os.path.join(parent, "policycomm-grade-*-*")):
        pid = os.path.basename(path).split("-")[2]
        if pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
            shutil.rmtree(path, ignore_errors=True)


def _receive(channel, wait: float, nonce: str):
    """The child's reply for ``nonce``, or a problem name (no_reply, crashed, protocol)."""
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


def _kill_quietly(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _await_end(conn, child_pid: int) -> int:
    """Wait for the worker to report the child's exit code; kill the child if it lingers."""
    deadline = time.monotonic() + 5
    while not conn.poll(0.5):
        if time.monotonic() > deadline:
            _kill_quietly(child_pid)
            deadline = time.monotonic() + 5
    tag, exit_code = conn.recv()
    return exit_code


def _describe_exit(exit_code: int) -> str:
    if exit_code < 0:
        return f"signal {signal.Signals(-exit_code).name}"
    return f"exit code {exit_code}"

