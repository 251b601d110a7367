"""Benchmark: item analysis of a large cohort (target: 10,000 trainees × 200 items in < 1 s).

Simulates first-attempt responses to four-option choice items with a seeded
two-parameter logistic (IRT) model, plus deliberately broken items:

- ``broken_reversed_key``: the key points at a distractor (trainees who know
  the answer choose the true one and get 0) -> must get a wrong-key flag;
- ``broken_too_hard`` / ``broken_too_easy``: extreme difficulty;
- ``broken_noise``: answered at random (no discrimination);
- ``broken_rare_distractor``: one option that almost nobody picks.

The anchor is ``np.corrcoef`` of the same trainees × items matrix, timed in the
same run: one pass of covariances over the whole matrix, the arithmetic core
of item analysis, so the ratio says how many correlation matrices the full
analysis (long table -> matrix, first attempts, statistics, distractors,
flags) costs, whatever the machine. BLAS runs on one thread and each timing
is the best of ``--repeat`` runs, because the machine is shared.

    python bench/item_analysis.py [--trainees 10000] [--items 200] [--seed 7]

The last line printed is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import time

# One BLAS thread: the anchor (a BLAS call) then does not swing with how busy the other core is.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import numpy as np
import pandas as pd

from policycomm.quiz.analysis import analyze

OPTIONS = np.array(["A", "B", "C", "D"])
BROKEN = ("broken_reversed_key", "broken_too_hard", "broken_too_easy", "broken_noise", "broken_rare_distractor")


def simulate(trainees: int, items: int, seed: int = 7) -> pd.DataFrame:
    """Long-format responses (trainee, item, choice, score, max_score); the key of normal items is "A"."""
    if items < len(BROKEN) + 1:
        raise ValueError(f"need at least {len(BROKEN) + 1} items")
    rng = np.random.default_rng(seed)
    ability = rng.normal(size=(trainees, 1))
    slope = rng.uniform(0.8, 2.0, size=items)
    difficulty = rng.normal(0.0, 0.8, size=items)
    names = np.array([f"q{j:03d}" for j in range(items - len(BROKEN))] + list(BROKEN))
    column = {name: j for j, name in enumerate(names)}
    difficulty[column["broken_too_hard"]] = 3.5
    difficulty[column["broken_too_easy"]] = -3.5
    slope[column["broken_noise"]] = 0.0

    knows = rng.random((trainees, items)) < 1 / (1 + np.exp(-slope * (ability - difficulty)))
    # a trainee who does not know picks B, C or D; in one item D is almost never picked
    guess_weights = np.tile([0.0, 0.4, 0.35, 0.25], (items, 1))
    guess_weights[column["broken_rare_distractor"]] = [0.0, 0.6, 0.39, 0.01]
    cumulative = guess_weights.cumsum(axis=1)
    guess = (rng.random((trainees, items, 1)) > cumulative[None, :, :]).sum(axis=2)
    choice_index = np.where(knows, 0, np.minimum(guess, 3))
    key = np.zeros(items, dtype=int)
    key[column["broken_reversed_key"]] = 1  # wrongly keyed: "B" gets the point
    scores = (choice_index == key).astype(float)

    return pd.DataFrame({  # categorical columns, as read_responses_csv returns them
        "trainee": pd.Categorical.from_codes(np.repeat(np.arange(trainees), items),
                                             [f"hv{i:05d}" for i in range(trainees)]),
        "item": pd.Categorical.from_codes(np.tile(np.arange(items), trainees), names),
        "choice": pd.Categorical.from_codes(choice_index.ravel(), OPTIONS),
        "score": scores.ravel(),
        "max_score": 1.0,
    })


def best_time(function, repeat: int):
    """The shortest of ``repeat`` runs (the machine is shared: the minimum is the least disturbed)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - start)
    return min(times), value


def run(trainees: int = 10_000, items: int = 200, seed: int = 7, repeat: int = 5) -> dict:
    """Time the full analysis against the anchor; return the numbers and the analysis itself."""
    responses = simulate(trainees, items, seed)
    matrix = responses["score"].to_numpy().reshape(trainees, items)
    anchor_s, _ = best_time(lambda: np.corrcoef(matrix, rowvar=False), repeat)
    analysis_s, result = best_time(lambda: analyze(responses), repeat)

    return {"trainees": trainees, "items": items, "analysis_s": round(analysis_s, 4),
            "anchor_s": round(anchor_s, 4), "ratio": round(analysis_s / anchor_s, 1),
            "under_1s": analysis_s < 1.0, "result": result}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trainees", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each timing; the best counts")
    args = parser.parse_args(argv)
    numbers = run(args.trainees, args.items, args.seed, args.repeat)
    result = numbers.pop("result")
    flagged = result.flagged()
    print(f"analysis of {args.trainees} trainees × {args.items} items: {numbers['analysis_s']:.3f} s")
    print(f"anchor np.corrcoef on the same matrix: {numbers['anchor_s']:.4f} s (ratio {numbers['ratio']})")
    print(f"{result.test['reliability_method']} = {result.test['reliability']:.3f}; flagged items:")
    print(flagged.loc[flagged.index.str.startswith("broken"), ["facility", "discrimination", "item_rest_r",
                                                               "flags"]].to_string())
    print(json.dumps(numbers))


if __name__ == "__main__":
    main()
