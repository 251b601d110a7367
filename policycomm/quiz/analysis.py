"""Classical item analysis: which questions work, which are broken.

Input is a long table of responses (one row per trainee and item: columns
``trainee``, ``item``, ``score``, ``max_score``, optional ``choice``,
``attempt``, ``timestamp``), read from a CSV file (:func:`read_responses_csv`),
an nbgrader gradebook (:func:`read_gradebook`) or the answers files of the
quiz widgets (:func:`read_answer_files`). Only first attempts count.
:func:`analyze` returns plain data: one row per item, a dict for the whole
test, one row per (item, option) for choice items, and notes for the lecturer.

All statistics are vectorised over trainees (numpy), so 10,000 trainees ×
200 items take well under a second (see ``bench/item_analysis.py``).

>>> import pandas as pd
>>> responses = pd.DataFrame({
...     "trainee": ["An", "An", "Bình", "Bình", "Chi", "Chi", "Dũng", "Dũng"],
...     "item":    ["q1", "q2"] * 4,
...     "score":   [1, 1, 1, 0, 0, 1, 0, 0],
...     "max_score": 1})
>>> result = analyze(responses)
>>> result.items[["facility", "discrimination"]].round(2).to_dict("index")
{'q1': {'facility': 0.5, 'discrimination': 1.0}, 'q2': {'facility': 0.5, 'discrimination': 1.0}}
>>> result.test["reliability_method"], round(result.test["reliability"], 2)
('KR-20', 0.0)
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..messages import Bilingual

REQUIRED_COLUMNS = ("trainee", "item", "score", "max_score")
NUMERIC_COLUMNS = ("score", "max_score", "attempt")
#: Alternative column names accepted in a CSV header (lower-cased).
COLUMN_ALIASES = {"response": "choice", "answer": "choice", "student": "trainee", "question": "item",
                  "max": "max_score", "points": "score"}
#: A choice item has at most this many distinct answers; free-text items get no distractor flags.
MAX_OPTIONS = 10


@dataclass(frozen=True)
class Thresholds:
    """Where a statistic starts to flag an item (see ``assessment.md``).

    ``too_easy`` is 0.90 by default; some lecturers prefer 0.80. A distractor
    is flagged when its point-biserial is above ``positive_distractor``
    (0.05 rather than 0, so sampling noise alone does not flag options).
    """

    too_hard: float = 0.30
    too_easy: float = 0.90
    low_discrimination: float = 0.20
    low_correlation: float = 0.20
    low_efficiency: float = 0.15
    low_reliability: float = 0.64
    rare_distractor: float = 0.05
    positive_distractor: float = 0.05
    group_share: float = 0.27



FEW_TRAINEES = 30
ITEM_STATISTICS = ("mean", "sd", "facility", "discrimination", "item_rest_r", "efficiency", "alpha_if_deleted")
DENSE_PAIRS = 10_000_000  # item × option pairs counted in a dense table up to this many


class ResponsesError(ValueError):
    """The responses cannot be read; the message names the file, line and column and says what to fix."""

    def __init__(self, problems: list[Bilingual]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class ItemAnalysis:
    """The result of :func:`analyze`: plain pandas/dict data.

    ``items``: one row per item (index ``item``); ``flags`` holds codes,
    ``explanation_vi``/``explanation_en`` say what to do. ``test``: totals and
    reliability. ``distractors``: one row per (item, option) of choice items.
    ``notes``: remarks about the data (missing answers, later attempts…).
    """

    items: pd.DataFrame
    test: dict
    distractors: pd.DataFrame
    notes: list[Bilingual] = field(default_factory=list)

    def flagged(self) -> pd.DataFrame:
        """The items with at least one flag."""
        return self.items[self.items["flags"].map(len) > 0]


# ---------------------------------------------------------------- formatting

def _pct(x: float) -> str:
    return f"{x:.0%}"


def _num(x: float) -> tuple[str, str]:
    """A number as (Vietnamese with decimal comma, English)."""
    text = f"{x:.2f}"
    return text.replace(".", ","), text


def _say(code: str, **fields) -> Bilingual:
    return Bilingual.of(code, **fields)


# ---------------------------------------------------------------- the matrix

@dataclass(frozen=True)
class _Coded:
    """Responses with trainees and items as integer codes (one factorisation, then numpy only)."""

    trainee: np.ndarray
    item: np.ndarray
    trainees: pd.Index
    items: pd.Index
    rows: np.ndarray  # positions in the original table

    @classmethod
    def of(cls, responses: pd.DataFrame) -> "_Coded":
        trainee, trainees = pd.factorize(responses["trainee"], sort=False)
        item, items = pd.factorize(responses["item"], sort=False)
        return cls(trainee, item, pd.Index(trainees, name="trainee"), pd.Index(items, name="item"),
                   np.arange(len(responses)))

    def take(self, positions: np.ndarray) -> "_Coded":
        return _Coded(self.trainee[positions], self.item[positions], self.trainees, self.items, self.rows[positions])


def _first_attempt_positions(responses: pd.DataFrame, coded: _Coded) -> np.ndarray | None:
    """Positions of first attempts, or None when every (trainee, item) has one row."""
    cells = coded.trainee.astype(np.int64) * len(coded.items) + coded.item
    if np.bincount(cells, minlength=1).max() <= 1:
        return None
    if "attempt" in responses.columns:
        order = np.lexsort((responses["attempt"].to_numpy(dtype=float), cells))
    elif "timestamp" in responses.columns:
        stamps = pd.to_datetime(responses["timestamp"]).to_numpy(dtype="datetime64[ns]").astype(np.int64)
        order = np.lexsort((stamps, cells))
    else:
        order = np.argsort(cells, kind="stable")
    ordered = cells[order]
    first = np.r_[True, ordered[1:] != ordered[:-1]]
    return np.sort(order[first])


def first_attempts(responses: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Keep each trainee's first attempt at each item; return it and how many rows were dropped.

    The order is ``attempt``, else ``timestamp``, else the order of the rows.

    >>> df = pd.DataFrame({"trainee": ["a", "a"], "item": ["q", "q"], "score": [0, 1], "attempt": [2, 1]})
    >>> kept, dropped = first_attempts(df); kept["score"].tolist(), dropped
    ([1], 1)
    """
    positions = _first_attempt_positions(responses, _Coded.of(responses))
    if positions is None:
        return responses, 0
    return responses.iloc[positions], len(responses) - len(positions)


def _matrix(coded: _Coded, scores: np.ndarray, max_scores: np.ndarray) -> tuple[pd.DataFrame, pd.Series]:
    values = np.full((len(coded.trainees), len(coded.items)), np.nan)
    values[coded.trainee, coded.item] = scores
    maxima = np.zeros(len(coded.items))
    np.maximum.at(maxima, coded.item, max_scores)
    matrix = pd.DataFrame(values, index=coded.trainees, columns=coded.items)
    return matrix, pd.Series(maxima, index=coded.items, name="max_score")


def score_matrix(responses: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Trainees × items scores (NaN where a trainee has no answer) and each item's maximum.

    Items keep the order in which they first appear.

    >>> df = pd.DataFrame({"trainee": ["a", "b", "a"], "item": ["q2", "q2", "q1"],
    ...                    "score": [1, 0, 2], "max_score": [1, 1, 2]})
    >>> matrix, maxima = score_matrix(df)
    >>> matrix.to_dict("list"), maxima.to_dict()
    ({'q2': [1.0, 0.0], 'q1': [2.0, nan]}, {'q2': 1.0, 'q1': 2.0})
    """
    return _matrix(_Coded.of(responses), responses["score"].to_numpy(dtype=float),
                   responses["max_score"].to_numpy(dtype=float))


# ---------------------------------------------------------------- statistics

def item_statistics(scores: np.ndarray, maxima: np.ndarray, group_share: float = 0.27) -> dict[str, np.ndarray]:
    """Per-item statistics of a complete trainees × items matrix (no NaN).

    Returns arrays: ``mean``, ``sd``, ``facility``, ``discrimination`` (D of the
    upper and lower ``group_share`` of trainees by total score, on the 0–1
    scale of each item), ``item_rest_r`` (corrected item–total correlation),
    ``efficiency`` (Moodle: cov(item, rest) / cov of both sorted), and
    ``alpha_if_deleted``. Undefined values are NaN.

    >>> stats = item_statistics(np.array([[1., 1.], [1., 0.], [0., 1.], [0., 0.]]), np.ones(2))
    >>> stats["facility"].tolist(), stats["item_rest_r"].tolist()
    ([0.5, 0.5], [0.0, 0.0])
    """
    n, k = scores.shape
    mean = scores.mean(axis=0)
    centred = scores - mean
    variance = np.einsum("ij,ij->j", centred, centred) / n
    total = scores.sum(axis=1)
    total_centred = total - total.mean()
    total_variance = float(total_centred @ total_centred / n)
    cov_total = centred.T @ total_centred / n
    cov_rest = cov_total - variance
    rest_variance = np.clip(total_variance - 2 * cov_total + variance, 0, None)
    tiny = 1e-12 * np.maximum(maxima, 1) ** 2

    with np.errstate(invalid="ignore", divide="ignore"):
        defined = (variance > tiny) & (rest_variance > tiny)
        item_rest_r = np.where(defined, cov_rest / np.sqrt(variance * rest_variance), np.nan)

        rest = total[:, None] - scores
        sorted_products = np.einsum("ij,ij->j", np.sort(scores, axis=0), np.sort(rest, axis=0)) / n
        cov_max = sorted_products - mean * rest.mean(axis=0)
        efficiency = np.where(defined & (cov_max > tiny), cov_rest / cov_max, np.nan)

        variance_sum = variance.sum()
        if k > 2:
            alpha_if_deleted = (k - 1) / (k - 2) * (1 - (variance_sum - variance) / rest_variance)
            alpha_if_deleted = np.where(rest_variance > tiny, alpha_if_deleted, np.nan)
        else:
            alpha_if_deleted = np.full(k, np.nan)

    if n >= 2:
        group = max(1, int(round(group_share * n)))
        order = np.argsort(total, kind="stable")
        proportions = scores / maxima
        discrimination = proportions[order[-group:]].mean(axis=0) - proportions[order[:group]].mean(axis=0)
        discrimination = np.where(variance > tiny, discrimination, np.nan)
        sd = np.sqrt(variance * n / (n - 1))
    else:
        discrimination = np.full(k, np.nan)
        sd = np.full(k, np.nan)

    return {"mean": mean, "sd": sd, "facility": mean / maxima, "discrimination": discrimination,
            "item_rest_r": item_rest_r, "efficiency": efficiency, "alpha_if_deleted": alpha_if_deleted}


def reliability(scores: np.ndarray) -> float:
    """Cronbach's alpha of a complete trainees × items matrix (= KR-20 for 0/1 items); NaN if undefined.

    >>> round(reliability(np.array([[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0]])), 3)
    0.75
    """
    n, k = scores.shape
    if k < 2 or n < 2:
        return float("nan")
    variance_sum = scores.var(axis=0).sum()
    total_variance = scores.sum(axis=1).var()
    if total_variance <= 0:
        return float("nan")
    return float(k / (k - 1) * (1 - variance_sum / total_variance))


def distractor_table(responses: pd.DataFrame, totals: pd.Series, options: dict | None = None) -> pd.DataFrame:
    """One row per (item, option): how many chose it, its share, credit, and point-biserial with the rest score.

    ``responses`` are first attempts with a ``choice`` column; ``totals`` is
    each trainee's total score. ``options`` (item -> option labels) adds
    options nobody chose. The point-biserial is the Pearson correlation, among
    the trainees who answered the item, between choosing the option and the
    rest score (total minus this item).

    >>> df = pd.DataFrame({"trainee": list("abcd"), "item": "q", "choice": ["A", "A", "B", "C"],
    ...                    "score": [1, 1, 0, 0], "max_score": 1})
    >>> table = distractor_table(df, pd.Series([3., 2., 1., 0.], index=list("abcd")))
    >>> table[["option", "count", "is_key"]].values.tolist()
    [['A', 2, True], ['B', 1, False], ['C', 1, False]]
    """
    coded = _Coded.of(responses)
    rest = totals.reindex(coded.trainees).to_numpy()[coded.trainee] - responses["score"].to_numpy(dtype=float)
    return _distractors(responses, coded, rest, options)


def _distractors(responses: pd.DataFrame, coded: _Coded, rest: np.ndarray, options: dict | None) -> pd.DataFrame:
    columns = ["item", "option", "count", "share", "credit", "is_key", "point_biserial"]
    option, labels = pd.factorize(responses["choice"], sort=False)
    labels = [str(label) for label in labels]
    if "" in labels:  # an empty choice means no choice
        option = np.where(option == labels.index(""), -1, option)
    option = option[coded.rows]
    chose = option >= 0
    if not chose.any():
        return pd.DataFrame(columns=columns)
    item, rest, option = coded.item[chose], rest[chose], option[chose]
    credit = (responses["score"].to_numpy(dtype=float) / responses["max_score"].to_numpy(dtype=float))[coded.rows][chose]
    labels = list(labels)
    wanted = []
    if options:
        label_code = {label: code for code, label in enumerate(labels)}
        for name, opts in options.items():
            if name in coded.items:
                for label in map(str, opts):
                    wanted.append((coded.items.get_loc(name), label_code.setdefault(label, len(label_code))))
        labels = list(label_code)
    n_labels = len(labels)
    combined = item.astype(np.int64) * n_labels + option
    wanted_codes = np.array([i * n_labels + o for i, o in wanted], dtype=np.int64)
    if len(coded.items) * n_labels <= DENSE_PAIRS:
        present = np.bincount(combined, minlength=len(coded.items) * n_labels) > 0
        present[wanted_codes] = True
        pairs, inverse = np.flatnonzero(present), (np.cumsum(present) - 1)[combined]
    else:  # many free-text answers: sort instead of a dense table
        pairs = np.unique(np.concatenate([combined, wanted_codes]))
        inverse = np.searchsorted(pairs, combined)
    count = np.bincount(inverse, minlength=len(pairs)).astype(float)
    chosen_sum = np.bincount(inverse, weights=rest, minlength=len(pairs))
    credit_sum = np.bincount(inverse, weights=credit, minlength=len(pairs))
    pair_item = pairs // n_labels
    n = np.bincount(item, minlength=len(coded.items)).astype(float)[pair_item]
    rest_sum = np.bincount(item, weights=rest, minlength=len(coded.items))[pair_item]
    rest_sq = np.bincount(item, weights=rest ** 2, minlength=len(coded.items))[pair_item]
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(np.clip(rest_sq / n - (rest_sum / n) ** 2, 0, None))
        share = count / n
        gap = chosen_sum / count - (rest_sum - chosen_sum) / (n - count)
        point_biserial = np.where((sd > 0) & (count > 0) & (count < n), gap / sd * np.sqrt(share * (1 - share)),
                                  np.nan)
        mean_credit = np.where(count > 0, credit_sum / count, np.nan)
    option_names = np.array(labels, dtype=object)[pairs % n_labels]
    table = pd.DataFrame({"item": coded.items[pair_item], "option": option_names, "count": count.astype(int),
                          "share": share, "credit": mean_credit, "is_key": mean_credit >= 1 - 1e-9,
                          "point_biserial": point_biserial}, columns=columns)
    order = np.lexsort((pd.Index(option_names).argsort().argsort(), pair_item))
    return table.iloc[order].reset_index(drop=True)


# ---------------------------------------------------------------- flags

def _item_flags(items: pd.DataFrame, distractors: pd.DataFrame, limits: Thresholds) -> list[list[Bilingual]]:
    """The flags of each item, in the order of ``items``."""
    flags: dict[str, list[Bilingual]] = {item: [] for item in items.index}
    checks = [
        ("ia_no_variance", items["sd"].fillna(0) == 0,
         lambda row: dict(score=f"{row.mean:g}", max=f"{row.max_score:g}")),
        ("ia_too_hard", items["facility"] < limits.too_hard, lambda row: dict(p=_pct(row.facility))),
        ("ia_too_easy", items["facility"] > limits.too_easy, lambda row: dict(p=_pct(row.facility))),
        ("ia_wrong_key_discrimination", items["discrimination"] <= 0,
         lambda row: dict(d=_num(row.discrimination))),
        ("ia_low_discrimination", (items["discrimination"] > 0) & (items["discrimination"] < limits.low_discrimination),
         lambda row: dict(d=_num(row.discrimination), limit=_num(limits.low_discrimination))),
        ("ia_wrong_key_correlation", items["item_rest_r"] < 0, lambda row: dict(r=_num(row.item_rest_r))),
        ("ia_low_correlation", (items["item_rest_r"] >= 0) & (items["item_rest_r"] < limits.low_correlation),
         lambda row: dict(r=_num(row.item_rest_r), limit=_num(limits.low_correlation))),
        ("ia_low_efficiency", items["efficiency"] < limits.low_efficiency,
         lambda row: dict(e=_pct(row.efficiency), limit=_pct(limits.low_efficiency))),
    ]
    for code, mask, fields in checks:
        for row in items[mask.fillna(False).astype(bool)].itertuples():
            flags[row.Index].append(_say(code, **fields(row)))
    if not distractors.empty:
        choice_items = distractors.groupby("item")["option"].transform("size") <= MAX_OPTIONS
        distractor = choice_items & ~distractors["is_key"]
        for row in distractors[distractor & (distractors["share"] < limits.rare_distractor)].itertuples():
            flags[row.item].append(_say("ia_rare_distractor", option=row.option, share=_pct(row.share),
                                        limit=_pct(limits.rare_distractor)))
        for row in distractors[distractor & (distractors["point_biserial"] > limits.positive_distractor)].itertuples():
            flags[row.item].append(_say("ia_positive_distractor", option=row.option, r=_num(row.point_biserial)))
    return [flags[item] for item in items.index]


# ---------------------------------------------------------------- entry points

def analyze(responses: pd.DataFrame, thresholds: Thresholds = Thresholds(), options: dict | None = None) -> ItemAnalysis:
    """Analyse long-format responses (see the module docstring); first attempts only.

    A missing answer (no row, or an empty score) counts as 0 points, with a
    note. ``options`` (item -> option labels) lets the distractor table show
    options nobody chose.
    """
    notes: list[Bilingual] = []
    coded = _Coded.of(responses)
    positions = _first_attempt_positions(responses, coded)
    if positions is not None:
        notes.append(_say("ia_note_first_attempts", n=len(responses) - len(positions)))
        coded = coded.take(positions)
    if not len(coded.rows):
        notes.append(_say("ia_note_no_responses"))
    scores = responses["score"].to_numpy(dtype=float)[coded.rows]
    matrix, maxima = _matrix(coded, scores, responses["max_score"].to_numpy(dtype=float)[coded.rows])
    answered = ~np.isnan(scores)
    answered_counts = pd.Series(np.bincount(coded.item[answered], minlength=len(coded.items)), index=coded.items)
    missing = int(np.isnan(matrix.to_numpy()).sum())
    if missing:
        notes.append(_say("ia_note_missing", n=missing))
        matrix = matrix.fillna(0.0)
    values = matrix.to_numpy()
    distractors = pd.DataFrame()
    if "choice" in responses.columns:
        kept = coded if answered.all() else coded.take(np.flatnonzero(answered))
        rest = values.sum(axis=1)[kept.trainee] - scores[answered]
        distractors = _distractors(responses, kept, rest, options)
    return _analyze(matrix, maxima, thresholds, distractors, notes, answered_counts)


def analyze_matrix(scores, max_scores, thresholds: Thresholds = Thresholds()) -> ItemAnalysis:
    """Analyse a complete trainees × items score matrix (DataFrame or array) with each item's maximum.

    >>> result = analyze_matrix(np.array([[1, 1], [1, 0], [0, 0]]), [1, 1])
    >>> result.items["facility"].round(2).tolist()
    [0.67, 0.33]
    """
    matrix = scores if isinstance(scores, pd.DataFrame) else pd.DataFrame(np.asarray(scores, dtype=float))
    matrix.columns.name = "item"
    maxima = pd.Series(np.asarray(max_scores, dtype=float), index=matrix.columns, name="max_score")
    counts = pd.Series(len(matrix), index=matrix.columns)
    return _analyze(matrix.astype(float), maxima, thresholds, pd.DataFrame(), [], counts)


def _analyze(matrix: pd.DataFrame, maxima: pd.Series, limits: Thresholds, distractors: pd.DataFrame,
             notes: list[Bilingual], answered_counts: pd.Series) -> ItemAnalysis:
    scores = matrix.to_numpy(dtype=float)
    n, k = scores.shape
    if n == 1:
        notes.append(_say("ia_note_one_trainee"))
    elif 1 < n < FEW_TRAINEES:
        notes.append(_say("ia_note_few_trainees", n=n, enough=FEW_TRAINEES))
    if k == 1:
        notes.append(_say("ia_note_one_item"))
    if n and k:
        stats = item_statistics(scores, maxima.to_numpy(), limits.group_share)
    else:
        stats = {name: np.full(k, np.nan) for name in ITEM_STATISTICS}
    items = pd.DataFrame({"n": answered_counts.to_numpy(), "max_score": maxima.to_numpy(), **stats},
                         index=matrix.columns)
    found = _item_flags(items, distractors, limits)
    items["flags"] = [[f.code for f in item_flags] for item_flags in found]
    items["explanation_vi"] = ["\n".join(f.vi for f in item_flags) for item_flags in found]  # one line per flag
    items["explanation_en"] = ["\n".join(f.en for f in item_flags) for item_flags in found]

    test = _test_statistics(scores, maxima.to_numpy(), limits, notes)
    return ItemAnalysis(items=items, test=test, distractors=distractors, notes=notes)


def _test_statistics(scores: np.ndarray, maxima: np.ndarray, limits: Thresholds, notes: list) -> dict:
    n, k = scores.shape
    totals = scores.sum(axis=1)
    dichotomous = bool(n and k and np.all((scores == 0) | (scores == maxima)))
    alpha = reliability(scores) if n and k else float("nan")
    if n > 1 and k > 1 and np.isnan(alpha):
        notes.append(_say("ia_note_no_variance_total"))
    sd = float(totals.std(ddof=1)) if n > 1 else float("nan")
    method = "KR-20" if dichotomous else "Cronbach's alpha"
    flags: list[Bilingual] = []
    if alpha < limits.low_reliability:
        flags.append(_say("ia_low_reliability", method=method, alpha=_num(alpha), limit=_num(limits.low_reliability)))
    return {
        "trainees": n, "items": k, "max_total": float(maxima.sum()),
        "mean_total": float(totals.mean()) if n else float("nan"),
        "sd_total": sd, "median_total": float(np.median(totals)) if n else float("nan"),
        "reliability": alpha, "reliability_method": method,
        "sem": float(np.sqrt(1 - alpha) * sd) if alpha <= 1 else float("nan"),
        "totals": totals,
        "flags": [f.code for f in flags], "explanation_vi": " ".join(f.vi for f in flags),
        "explanation_en": " ".join(f.en for f in flags),
    }


# ---------------------------------------------------------------- readers

def _problem(path, code: str, **fields) -> Bilingual:
    problem = _say(code, **fields)
    return _say("ia_error_file", path=str(path), problem=(problem.vi, problem.en))


def _row_problem(path, line: int, column: str, code: str, **fields) -> Bilingual:
    problem = _say(code, **fields)
    return _say("ia_error_row", path=str(path), line=line, column=column, problem=(problem.vi, problem.en))


def _text_column(values: pd.Series) -> tuple[pd.Categorical, np.ndarray]:
    """A text column as a categorical of stripped NFC strings (one form per Vietnamese name), and its blank cells.

    Only the distinct values are cleaned, so this stays fast on millions of rows.
    """
    codes, uniques = pd.factorize(values, sort=False)
    cleaned = pd.Series([unicodedata.normalize("NFC", str(u).strip()) for u in uniques], dtype=object)
    merged, names = pd.factorize(cleaned.replace("", np.nan), sort=False)
    row_codes = np.where(codes < 0, -1, merged[codes] if len(merged) else codes)
    return pd.Categorical.from_codes(row_codes, categories=pd.Index(names, dtype=object)), row_codes < 0


def _number_column(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """A numeric column as floats (empty cells NaN) and the cells that are not numbers."""
    if pd.api.types.is_numeric_dtype(values):
        return values.astype(float), np.zeros(len(values), dtype=bool)
    text = values.astype(str).str.strip()  # only when something is not a plain number
    numbers = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
    return numbers, (numbers.isna() & values.notna() & (text != "")).to_numpy()


def read_responses_csv(path, max_problems: int = 10) -> pd.DataFrame:
    """Read a long-format CSV of responses (UTF-8, with or without the BOM Excel writes).

    Names are stripped and NFC-normalised, so a trainee typed on different
    Vietnamese keyboards is one trainee; ``trainee``, ``item`` and ``choice``
    come back as categoricals. Bad rows raise :class:`ResponsesError` naming
    the file, line and column (at most ``max_problems`` of them); an empty
    ``score`` means the item was not answered. A decimal comma ("0,5") is read.
    """
    path = Path(path)
    try:
        header = pd.read_csv(path, encoding="utf-8-sig", nrows=0).columns
        names = {c: COLUMN_ALIASES.get(c.strip().lower(), c.strip().lower()) for c in header}
        numeric = [c for c, name in names.items() if name in NUMERIC_COLUMNS]
        raw = pd.read_csv(path, encoding="utf-8-sig", skipinitialspace=True, keep_default_na=False,
                          na_values={c: [""] for c in numeric}, dtype={c: object for c in header if c not in numeric})
    except FileNotFoundError:
        raise ResponsesError([_problem(path, "ia_problem_not_found")]) from None
    except UnicodeDecodeError as exc:
        raise ResponsesError([_problem(path, "ia_problem_encoding", byte=exc.start)]) from None
    except pd.errors.EmptyDataError:
        raise ResponsesError([_problem(path, "ia_problem_empty", columns=", ".join(REQUIRED_COLUMNS))]) from None
    except pd.errors.ParserError as exc:
        raise ResponsesError([_problem(path, "ia_problem_parse", detail=str(exc).strip())]) from None

    raw.columns = [names[c] for c in raw.columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        raise ResponsesError([_problem(path, "ia_problem_columns", missing=", ".join(missing),
                                       found=", ".join(raw.columns))])
    problems: list[Bilingual] = []

    def report(mask, column, code, **fields):
        for position in np.flatnonzero(np.asarray(mask))[: max_problems - len(problems)]:
            value = raw[column].iat[position]
            extra = {key: (f(position) if callable(f) else f) for key, f in fields.items()}
            problems.append(_row_problem(path, position + 2, column, code, value=value, **extra))  # 1: header

    responses = pd.DataFrame(index=raw.index)
    for column, what in (("trainee", ("mã hoặc tên học viên", "the trainee's id or name")),
                         ("item", ("mã câu hỏi", "the item id")), ("choice", None)):
        if column in raw.columns:
            responses[column], blank = _text_column(raw[column])
            if what:
                report(blank, column, "ia_problem_blank", what=what)
    not_numbers = {}
    for column in NUMERIC_COLUMNS:
        if column in raw.columns:
            responses[column], not_numbers[column] = _number_column(raw[column])
            report(not_numbers[column], column, "ia_problem_attempt" if column == "attempt" else "ia_problem_number")
    score, maximum = responses["score"], responses["max_score"]
    report(maximum.isna() & ~not_numbers["max_score"], "max_score", "ia_problem_blank",
           what=("điểm tối đa", "the maximum score"))
    report(score < 0, "score", "ia_problem_negative")
    report(maximum <= 0, "max_score", "ia_problem_max")
    report(score > maximum + 1e-9, "score", "ia_problem_over_max", max=lambda i: raw["max_score"].iat[i])
    if "timestamp" in raw.columns:
        stamp = pd.to_datetime(raw["timestamp"], errors="coerce", format="mixed")
        report(stamp.isna() & (raw["timestamp"].str.strip() != ""), "timestamp", "ia_problem_timestamp")
        responses["timestamp"] = stamp
    if problems:
        raise ResponsesError(problems)

    spread = responses.groupby("item", sort=False, observed=True)["max_score"].unique()
    varying = spread[spread.map(len) > 1]
    if len(varying):
        raise ResponsesError([_problem(path, "ia_problem_max_differs", item=item,
                                       values=", ".join(f"{v:g}" for v in values))
                              for item, values in varying.head(max_problems).items()])
    return responses


def read_gradebook(db_url: str, assignment: str | None = None) -> pd.DataFrame:
    """Read an nbgrader gradebook as long-format responses, read-only.

    The reading lives in :func:`policycomm.grading.gradebook.gradebook_responses`
    (it needs nbgrader, which a light install of the library does without).
    """
    from policycomm.grading.gradebook import gradebook_responses

    return gradebook_responses(db_url, assignment)


def read_answer_files(folder, bank=None) -> pd.DataFrame:
    """Responses from the answers files the quiz widgets save, collected by nbgrader.

    Looks for ``{folder}/{trainee}/{assignment}/policycomm_answers.json``
    (nbgrader's ``submitted/`` layout) and scores every recorded answer to a
    bank question with :func:`~policycomm.quiz.scoring.score_response`;
    ``choice`` holds the option id(s) chosen, for the distractor table.
    Unreadable files and unanswered questions are skipped (they count as
    missing answers).
    """
    from .responses import ANSWERS_FILE, read_recorded
    from .scoring import score_response
    from .types import question_type

    if bank is None:
        from .bank import load_bank

        bank = load_bank()
    folder = Path(folder)
    if not folder.is_dir():
        raise ResponsesError([_problem(folder, "ia_problem_not_found")])
    rows = []
    for path in sorted(folder.glob(f"*/*/{ANSWERS_FILE}")):
        for question in bank:
            recorded = read_recorded(question.id, folder=path.parent)
            if recorded.answered:
                rows.append({"trainee": path.parent.parent.name, "item": question.id,
                             "score": score_response(question, recorded.response) * question.points,
                             "max_score": question.points,
                             "choice": question_type(question).choice_label(question, recorded.response),
                             "timestamp": pd.to_datetime(recorded.saved_at, errors="coerce", utc=True)})
    if not rows:
        raise ResponsesError([_problem(folder, "ia_problem_no_answers", file=ANSWERS_FILE)])
    return pd.DataFrame(rows)


def choice_options(bank) -> dict[str, list[str]]:
    """Option labels of the bank's questions whose options are fixed (single choice, true/false), so unchosen
    options show up."""
    from .types import question_type

    options = {q.id: question_type(q).options(q) for q in bank}
    return {qid: labels for qid, labels in options.items() if labels is not None}
