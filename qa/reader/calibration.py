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


def fit_logistic(x: np.ndarray, y: np.ndarray, iters: int = 50, l2: float = 1e-3) -> tuple[float, float]:
    """(a, b) of P(y=1) = sigmoid(a*x + b), by Newton's method with a little L2 on a."""
    a, b = 0.5, 0.0
    for _ in range(iters):
        z = np.clip(a * x + b, -30, 30)
        p = 1 / (1 + np.exp(-z))
        w = p * (1 - p) + 1e-9
        g = np.array([np.sum((p - y) * x) + l2 * a, np.sum(p - y)])
        h = np.array([[np.sum(w * x * x) + l2, np.sum(w * x)], [np.sum(w * x), np.sum(w)]])
        step = np.linalg.solve(h, g)
        a, b = a - step[0], b - step[1]
        if np.abs(step).max() < 1e-6:
            break
    return float(a), float(b)


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


def held_out(files: list[str], seed: int, valid_size: int) -> list[MrcExample]:
    """The questions a training run with this seed held out (whole paragraphs)."""
    from .training import _split

    examples: list[MrcExample] = []
    for f in files:
        examples.extend(load_squad(f))
    _train, valid = _split(examples, valid_size, random.Random(seed))
    return valid


def calibrate(model_dir: str | Path, files: list[str], limit: int = 600) -> dict:
    from .learned import LearnedReader
    from .span_model import SpanModel

    model_dir = Path(model_dir)
    meta_path = model_dir / "reader.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    training = meta.get("training", {})
    trained_on = {d["file"] for d in training.get("data", [])}
    if trained_on and trained_on == {Path(f).name for f in files}:
        examples = held_out(files, int(training.get("seed", 13)), int(training.get("valid_size", 300)))
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
