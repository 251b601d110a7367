"""How long `import policycomm` takes in a fresh interpreter (target < 150 ms).

Anchor, measured in the same run: a fresh interpreter that imports nothing
(`python -c pass`). Each is timed over several runs and the median kept.
Prints a table, then one JSON line:
{"import_ms": ..., "anchor_ms": ..., "ratio": ..., "under_150ms": ...}

    python bench/import_time.py --runs 15
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time


def median_seconds(code: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def heavy_modules_loaded() -> list[str]:
    """Heavy libraries that `import policycomm` pulls in (should be none)."""
    code = ("import sys, policycomm; heavy = ['pydantic', 'yaml', 'numpy', 'scipy', 'pandas', 'matplotlib', "
            "'ipywidgets', 'IPython', 'nbgrader', 'nbformat']; print(','.join(m for m in heavy if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.strip()
    return [m for m in out.split(",") if m]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args(argv)
    anchor = median_seconds("pass", args.runs)
    full = median_seconds("import policycomm", args.runs)
    import_ms = (full - anchor) * 1000
    result = {"import_ms": round(import_ms, 1), "anchor_ms": round(anchor * 1000, 1),
              "ratio": round(full / anchor, 2), "under_150ms": import_ms < 150,
              "heavy_modules_loaded": heavy_modules_loaded()}
    print(f"python -c pass          {anchor * 1000:8.1f} ms (anchor)")
    print(f"python -c 'import policycomm' {full * 1000:8.1f} ms  -> import costs {import_ms:.1f} ms")
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
