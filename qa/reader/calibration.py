"""Calibrating the learned reader's confidence.

The span model's raw signal is a margin: the best span's score minus its window's no-answer
score. A logistic curve maps it to the probability that the answer is right, fitted on questions
the model was not trained on (the held-out paragraphs of its training run), each read twice:
with its own paragraph (right when the span matches a gold answer, F1 >= 0.8) and with another
paragraph of the same file that does not hold the answer (never right). The fit is written into
the model's reader.json, with the reliability table it gives on those questions."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np

from ..evaluation.metrics import f1_score
from .squad import MrcExample, load_squad

RIGHT_F1 = 0.8


def logistic(x: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None, l2: float = 1e-4) -> tuple[np.ndarray, float]:
    """(w, b) of P(y=1) = sigmoid(x @ w + b): weighted logistic regression with a little L2 on w,
    by Newton steps with backtracking (features are standardized inside, so large margins and
    separable data do not blow the steps up)."""
    x = np.asarray(x, dtype=float).reshape(len(y), -1)
    y = np.asarray(y, dtype=float)
    sw = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    sw = sw / sw.sum()
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-9
    X = np.hstack([(x - mu) / sd, np.ones((len(y), 1))])
    reg = np.full(X.shape[1], l2)
    reg[-1] = 0.0

    def loss(t: np.ndarray) -> float:
        z = X @ t
        return float(np.sum(sw * (np.logaddexp(0, z) - y * z)) + 0.5 * np.sum(reg * t * t))

    theta = np.zeros(X.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-np.clip(X @ theta, -30, 30)))
        g = X.T @ (sw * (p - y)) + reg * theta
        h = (X * (sw * p * (1 - p))[:, None]).T @ X + np.diag(reg + 1e-9)
        step = np.linalg.solve(h, g)
        base, t = loss(theta), 1.0
        while t > 1e-6 and loss(theta - t * step) > base:
            t /= 2
        theta = theta - t * step
        if np.abs(t * step).max() < 1e-8:
            break
    w = theta[:-1] / sd
    return w, float(theta[-1] - np.sum(theta[:-1] * mu / sd))


def fit_logistic(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(a, b) of P(y=1) = sigmoid(a*x + b) for one feature."""
    w, b = logistic(np.asarray(x).reshape(-1, 1), y)
    return float(w[0]), b


def reliability(prob: np.ndarray, right: np.ndarray, bins: int = 10) -> tuple[list[dict], float]:
    """Rows of (bin, count, mean confidence, accuracy) and the expected calibration error."""
    rows, ece = [], 0.0
    edges = np.linspace(0, 1, bins + 1)
    for lo, hi in zip(edges[:-1], edges[1:]):
        sel = (prob >= lo) & ((prob < hi) if hi < 1 else (prob <= hi))
        n = int(sel.sum())
        if not n:
            continue
        conf, acc = float(prob[sel].mean()), float(right[sel].mean())
        ece += n / len(prob) * abs(conf - acc)
        rows.append({"bin": f"{lo:.1f}-{hi:.1f}", "count": n, "confidence": round(conf, 3), "accuracy": round(acc, 3)})
    return rows, round(ece, 4)


def held_out(files: list[str], seed: int, valid_size: int, simplify: float = 0.0) -> list[MrcExample]:
    """The questions a training run with this seed held out (whole paragraphs), in the script the
    run read them in."""
    from .training_data import split_for_training

    examples: list[MrcExample] = []
    for f in files:
        examples.extend(load_squad(f))
    _train, valid, _ = split_for_training(examples, seed, simplify, valid_size)
    return valid


def trained_files(meta: dict) -> set[str]:
    """The names of the files the training run recorded in a reader.json trained on."""
    return {d["file"] for d in meta.get("training", {}).get("data", [])}


def held_out_of_run(meta: dict, files: list[str] | list[Path]) -> list[MrcExample] | None:
    """The questions the training run recorded in a reader.json held out, when `files` are exactly its
    training files (by name); None otherwise."""
    trained_on = trained_files(meta)
    if not trained_on or trained_on != {Path(f).name for f in files}:
        return None
    training = meta["training"]
    return held_out([str(f) for f in files], int(training.get("seed", 13)), int(training.get("valid_size", 300)),
                    float(training.get("simplify", 0.0)))


def calibrate(model_dir: str | Path, files: list[str], limit: int = 600) -> dict:
    from .learned import LearnedReader
    from .span_model import SpanModel

    model_dir = Path(model_dir)
    meta_path = model_dir / "reader.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    examples = held_out_of_run(meta, files)
    if examples is not None:
        source = "held-out paragraphs of the training files"
    else:
        examples = []
        for f in files:
            examples.extend(load_squad(f))
        source = "the files given"
    rng = random.Random(7)
    rng.shuffle(examples)
    examples = [e for e in examples if e.answers][:limit]
    reader = LearnedReader(SpanModel(model_dir))
    contexts = sorted({e.context for e in examples})
    margins, rights = [], []
    for ex in examples:
        golds = [a.text for a in ex.answers]
        spans = reader.paragraph_spans(ex.question, ex.context)
        if spans:
            s, e, m = spans[0]
            margins.append(m)
            rights.append(1.0 if f1_score(golds, ex.context[s:e]) >= RIGHT_F1 else 0.0)
        other = rng.choice(contexts)
        if other != ex.context and not any(g in other for g in golds):
            spans = reader.paragraph_spans(ex.question, other)
            if spans:
                margins.append(spans[0][2])
                rights.append(0.0)
    x, y = np.asarray(margins), np.asarray(rights)
    a, b = fit_logistic(x, y)
    prob = 1 / (1 + np.exp(-np.clip(a * x + b, -30, 30)))
    table, ece = reliability(prob, y)
    meta["calibration"] = {
        "a": round(a, 5), "b": round(b, 5), "fitted_on": source, "questions": len(examples), "pairs": len(x),
        "ece": ece, "reliability": table,
    }
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return meta["calibration"]
