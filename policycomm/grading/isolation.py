"""The kernel-level walls around trainee code: a bubblewrap sandbox per grading worker.

Each warm worker of :mod:`policycomm.grading.sandbox` is started inside
Debian's ``bwrap`` (bubblewrap) with its own PID, network, IPC, UTS and mount
namespaces: it sees a read-only view of ``/usr``, the Python interpreter, the
virtual environment and the policycomm package, a private ``/tmp``, ``/home``
and ``/dev/shm`` (tmpfs), no network at all, and nothing of the course, the
gradebook or other trainees. It dies with the grader.

- Run by root, the sandbox's processes run as an unprivileged uid leased for
  this run alone (:class:`UidLease`), with no capabilities and
  ``no_new_privs``, so no other run, and no file of root's, is theirs.
- Run by an ordinary lecturer account, bwrap uses an unprivileged user
  namespace; nested user namespaces are disabled inside.

Where neither works, :func:`probe` says why, and the grader refuses to run
trainee code unless the lecturer passes ``--unsafe``.

>>> "--unshare-net" in sandbox_command(["python"], uid=None)
False
>>> "--unshare-all" in sandbox_command(["python"], uid=None)
True
"""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys

from ..messages import Bilingual, CodedError

#: leased uids for sandboxes started by root: [UID_FIRST, UID_FIRST + UID_COUNT)
UID_FIRST = 3_100_000
UID_COUNT = 10_000
#: where root keeps the uid leases (one locked file per uid in use)
LEASE_DIR = "/run/policycomm-grade" if os.path.isdir("/run") else "/tmp/policycomm-grade-leases"
#: the sandbox's private folders (each a fresh tmpfs)
PRIVATE_DIRS = ("/tmp", "/home", "/var/tmp")
#: the trainee's working folder inside the sandbox (made afresh for each notebook)
WORKDIR = "/home/trainee"


class SandboxUnavailable(CodedError):
    """bubblewrap cannot isolate trainee code on this host (the message says why)."""


def readonly_paths() -> list[str]:
    """Host folders the sandbox sees, read-only: the system, the interpreter, the venv, policycomm."""
    import policycomm

    paths = ["/usr", "/etc/alternatives", "/etc/fonts", "/etc/ld.so.cache", "/etc/localtime",
             "/etc/mime.types", os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix),
             os.path.dirname(os.path.realpath(policycomm.__file__))]
    for entry in sys.path:  # site folders outside the prefixes (e.g. a --target install)
        if entry.endswith(("site-packages", "dist-packages")) and os.path.isdir(entry):
            paths.append(os.path.realpath(entry))
    kept = []
    for path in sorted(set(paths), key=len):
        if os.path.exists(path) and not any(path == k or path.startswith(k.rstrip("/") + "/") for k in kept):
            kept.append(path)
    return kept


def sandbox_command(command: list[str], uid: int | None) -> list[str]:
    """The ``bwrap`` command line that runs ``command`` isolated (as ``uid`` when started by root)."""
    args = ["bwrap", "--die-with-parent", "--new-session", "--hostname", "policycomm-grader",
            "--clearenv", "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", WORKDIR,
            "--setenv", "LANG", "C.UTF-8"]
    if uid is None:  # an ordinary account: an unprivileged user namespace does the rest
        args += ["--unshare-all", "--unshare-user", "--disable-userns"]
    else:  # root: new namespaces, then setpriv drops to the leased uid with no capabilities
        args += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
                 "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    for link in ("bin", "lib", "lib64", "sbin"):
        if os.path.islink(f"/{link}"):
            args += ["--symlink", os.readlink(f"/{link}"), f"/{link}"]
    for path in readonly_paths():
        parts = path.strip("/").split("/")
        for depth in range(1, len(parts)):  # parents readable by the sandbox uid
            args += ["--perms", "0755", "--dir", "/" + "/".join(parts[:depth])]
        args += ["--ro-bind", path, path]
    args += ["--proc", "/proc", "--dev", "/dev", "--mqueue", "/dev/mqueue"]
    for path in PRIVATE_DIRS:
        args += ["--perms", "1777", "--tmpfs", path]
    args += ["--remount-ro", "/", "--chdir", "/tmp", "--"]  # only the private tmpfs folders stay writable
    if uid is not None:
        args += ["/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                 "--bounding-set=-all", "--inh-caps=-all", "--no-new-privs"]
    return args + list(command)


@functools.lru_cache(maxsize=None)
def probe() -> Bilingual | None:
    """Why bubblewrap cannot isolate here (None when it can): tried once per process."""
    if shutil.which("bwrap") is None:
        return Bilingual.of("gr_no_bwrap")
    if os.geteuid() == 0 and not os.path.exists("/usr/bin/setpriv"):
        return Bilingual.of("gr_no_setpriv")
    uid = UID_FIRST + UID_COUNT - 1 if os.geteuid() == 0 else None
    try:
        done = subprocess.run(sandbox_command([sys.executable, "-I", "-c", "import os; os.getuid()"], uid),
                              capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Bilingual.of("gr_bwrap_failed", error=exc)
    if done.returncode != 0:
        return Bilingual.of("gr_bwrap_refused", error=done.stderr.strip()[:200])
    return None


class UidLease:
    """An unprivileged uid that no other grading run on this machine holds (root only).

    The lease is a locked file per uid in a root-only folder; the kernel drops
    the lock when the holder exits, so a killed grader frees its uid.
    """

    def __init__(self):
        import fcntl

        os.makedirs(LEASE_DIR, mode=0o700, exist_ok=True)
        os.chmod(LEASE_DIR, 0o700)
        start = os.getpid() % UID_COUNT
        for offset in range(UID_COUNT):
            uid = UID_FIRST + (start + offset) % UID_COUNT
            handle = open(os.path.join(LEASE_DIR, f"{uid}.lock"), "a")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            self.uid, self._handle = uid, handle
            return
        raise SandboxUnavailable("gr_uids_exhausted")

    def release(self) -> None:
        self._handle.close()
