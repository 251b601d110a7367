"""Benchmark: a class of trainees on one class server, on loopback.

Rosters N trainees as system users (plus one more, the anchor), starts ``policycomm hub start`` on 127.0.0.1,
releases a one-notebook module, and times the anchor trainee alone: login through the hub's login form, server
start through the hub's REST API, fetch and submit through nbgrader's endpoints of their own server. Then the N
others do the same, ``--concurrency`` at a time, within ``--budget`` seconds (on overrun it stops starting and
reports what finished). Prints p50/p95 of each step, how many succeeded, the peak RSS of the hub (jupyterhub and
its proxy) and of the trainees' single-user servers, the ratio of a trainee's time under load to the anchor's,
and ends with one JSON line. It runs as root (it creates system users); the users, their homes, the processes
and the temporary folders are removed at the end, on failure and on Ctrl-C too.

    sudo python bench/hub_load.py --trainees 130 --budget 600
"""
from __future__ import annotations

import argparse
import json
import math
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "hub")]

from hubkit import (assignment_action, credentials, lecturer_course, log_in, nbgrader, new_logins,  # noqa: E402
                    policycomm, remove_users, start_hub, start_server, stop_hub, wait_for)

STEPS = ("login", "server start", "fetch", "submit")
ASSIGNMENT = "m00"


class Overrun(Exception):
    """The budget ran out before this trainee's next step."""


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def descendants(root: int) -> list[tuple[int, int]]:
    """(pid, uid) of ``root`` and every process below it."""
    children, uids = {}, {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry.name))
                uids[int(entry.name)] = entry.stat().st_uid
            except (OSError, ValueError, IndexError):
                continue
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid in uids:
            found.append((pid, uids[pid]))
        todo += children.get(pid, [])
    return found


class Memory(threading.Thread):
    """Samples, every second, the RSS of the hub's process tree: root's processes (jupyterhub, the proxy) and
    the trainees' (their single-user servers); keeps the peaks."""

    def __init__(self, hub_pid: int):
        super().__init__(daemon=True)
        self.hub_pid, self.stopped = hub_pid, threading.Event()
        self.hub_peak = self.servers_peak = 0.0
        self.servers_at_peak = 0

    def run(self):
        while not self.stopped.wait(1):
            processes = descendants(self.hub_pid)
            hub = sum(rss_mib(pid) for pid, uid in processes if uid == 0)
            servers = [rss_mib(pid) for pid, uid in processes if uid != 0]
            self.hub_peak = max(self.hub_peak, hub)
            if sum(servers) > self.servers_peak:
                self.servers_peak, self.servers_at_peak = sum(servers), len({uid for _, uid in processes if uid})


def one_trainee(base: str, name: str, password: str, log: Path, deadline: float) -> dict[str, float]:
    """Log ``name`` in, start their server, fetch and submit the module; seconds per step."""
    times = {}

    def timed(step, action):
        if time.monotonic() > deadline:
            raise Overrun(step)
        started = time.perf_counter()
        result = action()
        times[step] = time.perf_counter() - started
        return result

    answer, session = timed("login", lambda: log_in(base, name, password))
    if answer.status_code != 302:
        raise RuntimeError(f"login of {name} answered {answer.status_code}")
    token = timed("server start", lambda: start_server(base, session, name, log,
                                                         timeout=max(1.0, deadline - time.monotonic())))
    for step in ("fetch", "submit"):
        done = timed(step, lambda: assignment_action(base, name, token, step, ASSIGNMENT))
        if not done["success"]:
            raise RuntimeError(f"{step} of {name}: {done}")
    return times


def kill_users_processes(names: list[str]) -> None:
    """End whatever still runs as one of the bench's system users."""
    uids = set()
    for name in names:
        try:
            uids.add(pwd.getpwnam(name).pw_uid)
        except KeyError:
            pass
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and entry.stat().st_uid in uids:
                os.kill(int(entry.name), signal.SIGKILL)
        except OSError:
            continue


def stop_server(server: subprocess.Popen) -> None:
    """Stop the hub, killing it when it takes more than three minutes."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)  # the hub stops the trainees' servers as it stops
        try:
            server.wait(timeout=180)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def run(trainees: int = 130, budget: float = 600, concurrency: int = 10, out=sys.stdout) -> dict:
    """Run the benchmark; print its report to ``out``; the figures as a dict."""
    if os.geteuid() != 0:
        sys.exit("the load test creates system users for its trainees: run it as root")
    names = new_logins(trainees + 1)
    (grader,) = new_logins(1, "gr")
    anchor_name, class_names = names[0], names[1:]
    work = Path(tempfile.mkdtemp(prefix="policycomm-hubload-"))
    os.chmod(work, 0o755)  # trainees pass through to the exchange
    hub, log = work / "hub", work / "hub.log"
    hub.mkdir()
    server = None
    try:
        course = lecturer_course(work / "course")
        roster = work / "hoc-vien.csv"
        roster.write_text("Mã học viên,Họ tên,Đơn vị,Email\n" + "".join(
            f"{name},Học Viên {number},UBND xã Thử Tải,\n" for number, name in enumerate(names)), encoding="utf-8")
        enrolled = subprocess.run(policycomm("hub", "roster", roster, "--course", course, "--system-users",
                                             "--hub-db-url", f"sqlite:///{hub}/jupyterhub.sqlite"),
                                  capture_output=True, text=True, timeout=1800)
        if enrolled.returncode != 0:
            raise RuntimeError(enrolled.stdout + enrolled.stderr)
        passwords = credentials(enrolled.stdout)

        from policycomm.hub.server import free_port

        port = free_port()
        server = start_hub(hub, port, log, grader, course)
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/hub/login", server, log)
        for step in (["generate_assignment", ASSIGNMENT, "--force"],
                     ["release_assignment", ASSIGNMENT, f"--Exchange.root={hub / 'exchange'}", "--force"]):
            done = subprocess.run(nbgrader(*step), cwd=course, capture_output=True, text=True, timeout=300)
            if done.returncode != 0:
                raise RuntimeError(done.stdout + done.stderr)
        memory = Memory(server.pid)
        memory.start()

        anchor = one_trainee(base, anchor_name, passwords[anchor_name], log, time.monotonic() + budget)
        results, failures, overrun = {}, {}, 0
        started = time.monotonic()
        deadline = started + budget
        pool = ThreadPoolExecutor(max_workers=concurrency)
        try:
            pending = {pool.submit(one_trainee, base, name, passwords[name], log, deadline): name
                       for name in class_names}
            while pending and time.monotonic() < deadline:
                done, _ = wait(pending, timeout=deadline - time.monotonic(), return_when=FIRST_COMPLETED)
                for future in done:
                    name = pending.pop(future)
                    try:
                        results[name] = future.result()
                    except Overrun:
                        overrun += 1
                    except Exception as error:  # a trainee who failed is counted, the rest go on
                        failures[name] = f"{type(error).__name__}: {str(error)[:300]}"
        except BaseException:  # Ctrl-C: the hub stops below, which ends the requests in progress
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True, cancel_futures=True)  # those in progress check the deadline before each step
        wall = time.monotonic() - started
        overrun += len(pending)
        memory.stopped.set()
        memory.join()
        return report(out, trainees, budget, concurrency, anchor, results, failures, overrun, wall, memory)
    finally:
        try:
            if server is not None:
                stop_server(server)
            stop_hub(None, hub, grader)  # the gradebook, if it outlived the hub, and the grader's user
        finally:
            kill_users_processes(names)
            remove_users(names)
            shutil.rmtree(work, ignore_errors=True)


def report(out, trainees, budget, concurrency, anchor, results, failures, overrun, wall, memory) -> dict:
    def say(text=""):
        print(text, file=out, flush=True)

    anchor_total = sum(anchor.values())
    totals = [sum(times.values()) for times in results.values()]
    say(f"{len(results)} of {trainees} trainees succeeded ({len(failures)} failed, {overrun} not finished "
        f"within the {budget:.0f} s budget), {concurrency} at a time, in {wall:.1f} s")
    figures = {"trainees": trainees, "succeeded": len(results), "failed": len(failures), "overrun": overrun,
               "concurrency": concurrency, "wall_s": round(wall, 1), "anchor_s": round(anchor_total, 2)}
    for step in STEPS:
        values = [times[step] for times in results.values()]
        if values:
            p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
            say(f"{step:<13} p50 {p50:6.2f} s   p95 {p95:6.2f} s   (alone {anchor[step]:.2f} s)")
            figures[step.replace(" ", "_")] = {"p50": round(p50, 3), "p95": round(p95, 3)}
    per_server = memory.servers_peak / memory.servers_at_peak if memory.servers_at_peak else 0.0
    say(f"hub (jupyterhub + proxy) peak RSS {memory.hub_peak:.0f} MiB; single-user servers peak total RSS "
        f"{memory.servers_peak:.0f} MiB over {memory.servers_at_peak} servers ({per_server:.0f} MiB each)")
    figures.update(hub_rss_mib=round(memory.hub_peak), servers_rss_mib=round(memory.servers_peak),
                   servers_at_peak=memory.servers_at_peak, server_rss_mib=round(per_server))
    if totals:
        ratio = percentile(totals, 0.5) / anchor_total
        say(f"anchor: one trainee alone {anchor_total:.2f} s (login + start + fetch + submit); under load p50 "
            f"{percentile(totals, 0.5):.2f} s, ratio {ratio:.2f}; throughput {len(results) / wall * 60:.1f} "
            f"trainees/min against {60 / anchor_total:.1f} one at a time")
        figures["ratio"] = round(ratio, 2)
    for name, error in list(failures.items())[:5]:
        say(f"failed {name}: {error}")
    say(json.dumps(figures))
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=130)
    parser.add_argument("--budget", type=float, default=600, help="seconds for the whole class")
    parser.add_argument("--concurrency", type=int, default=10, help="trainees in progress at a time")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # a plain kill cleans up like Ctrl-C
    run(args.trainees, args.budget, args.concurrency)


if __name__ == "__main__":
    main()
