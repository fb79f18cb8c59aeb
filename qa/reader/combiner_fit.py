"""Fitting how the combined reader decides, from eval sets (`qa fit-combiner`).

Each question of the given sets is retrieved for and read by both readers, and the model also
says how likely it finds the rule answer's span (`Support`). First a logistic curve (`Doubt`) is
fitted to whether the rule answer is right, from the rule confidence and that support. The rule
that picks an answer then has four thresholds — the rule confidence from which the model is not
run at all (`trust`: its answer could only confirm or override the rules'), the learned reader's
confidence at which it overrides a disagreeing rule answer (`override`), at which it answers where
the rules abstain or their answer is dropped (`alone`), and the doubt curve's probability below
which a rule answer is dropped (`veto`, 0: never) — chosen by grid search for the best mean
accuracy over the sets (each set weighs the same, so a large set the rules were tuned on does not
drown a small one they never saw); among equally accurate choices the lowest `trust` wins, as it
runs the model least, and the lowest `veto`. Sets of general text (`--mrc`: reading-comprehension
questions asked openly) show what the rules do outside IP news; with them, the eval sets are
guarded: a choice may not cost their mean accuracy more than GUARD against the choice fitted
without the general text, so the general text cannot buy its gains with the product's own kind of
documents. (The mean, not each set: dev sets of a few dozen questions move by a question's worth at
every step of the grid, and a guard per set would let one question of one of them decide.) The
combined confidence is then a logistic curve over (learned confidence, rule confidence, agreement,
which reader answered, the model's support of the rule answer), fitted on the chosen answers'
rightness (an answer to an unanswerable question is wrong), so that it is a probability. All of it
is written into the model's reader.json."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..evaluation import metrics
from ..languages import mostly_chinese
from .decision import FEATURES, Doubt, Reading, answer_span, as_served, choose, features, runs_model

RIGHT_F1 = 0.8
OVERRIDES = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.01)
ALONES = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
TRUSTS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.01)  # 0.0: the model only where the rules abstain; 1.01: always
VETOES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)  # 0.0: a rule answer is never dropped for the model's doubt
GUARD = 0.01  # the guarded sets' mean accuracy may fall at most this much (half the CI gate's tolerance)


def right(answer: str | None, gold: list[str]) -> bool:
    if not gold:
        return answer is None
    return answer is not None and (metrics.exact_match(gold, answer) == 1 or metrics.f1_score(gold, answer) >= RIGHT_F1)


def fit(sets: dict[str, list[Reading]], guarded: tuple[str, ...] = ()) -> dict:
    """The thresholds with the best mean accuracy over the sets such that the `guarded` sets' mean does
    not fall more than GUARD below its value under the choice fitted on the guarded sets alone, and the
    confidence curve fitted under them."""
    from .calibration import logistic, reliability

    doubt = fit_doubt(sets)

    def accuracy(rows: list[Reading], o: float, a: float, v: float) -> float:
        return sum(right(choose(x, o, a, v, doubt)[1], x.answers) for x in rows) / max(1, len(rows))

    def served(t: float) -> dict[str, list[Reading]]:
        return {name: [as_served(x, t) for x in rows] for name, rows in sets.items()}

    scored = []
    for t in TRUSTS:
        seen = served(t)
        for o in OVERRIDES:
            for a in ALONES:
                for v in VETOES if doubt else (0.0,):
                    per_set = {name: accuracy(rows, o, a, v) for name, rows in seen.items()}
                    scored.append((round(sum(per_set.values()) / len(per_set), 9), t, o, a, v, per_set))

    def order(s: tuple) -> tuple:
        return (-s[1], -s[4], -s[2], s[3])  # ties: the model run least, rule answers dropped least

    # the guarded sets' accuracies under the choice they would get alone (the same rule over them only)
    def guarded_mean(s: tuple) -> float:
        return sum(s[5][n] for n in guarded) / max(1, len(guarded))

    alone_best = max(scored, key=lambda s: (guarded_mean(s), *order(s))) if guarded else None
    best_of = {name: alone_best[5][name] for name in guarded} if alone_best else {}
    floor = guarded_mean(alone_best) - GUARD if alone_best else 0.0
    kept = [s for s in scored if guarded_mean(s) >= floor - 1e-9]
    best, trust, override, alone, veto, per_set = max(kept, key=lambda s: (s[0], *order(s)))
    model_runs = [sum(runs_model(x.english, x.rule_confidence, trust) for x in rows) / max(1, len(rows))
                  for rows in sets.values()]
    xs, ys, ws = [], [], []
    for rows in served(trust).values():
        for x in rows:
            which, answer = choose(x, override, alone, veto, doubt)
            if answer is None:
                continue
            xs.append(features(x, which))
            ys.append(1.0 if right(answer, x.answers) else 0.0)
            ws.append(1.0 / len(rows))
    w, b = logistic(np.asarray(xs), np.asarray(ys), np.asarray(ws))
    prob = 1 / (1 + np.exp(-(np.asarray(xs) @ w + b)))
    table, ece = reliability(prob, np.asarray(ys), bins=5)
    return {
        "trust": trust, "override": override, "alone": alone, "veto": veto, "accuracy": round(best, 4),
        "doubt": None if doubt is None else {
            "weights": [round(float(v), 5) for v in doubt.weights], "bias": round(float(doubt.bias), 5), "features": list(Doubt.FEATURES),
        },
        "guard": GUARD if guarded else None,
        "guarded": {name: {"best": round(best_of[name], 4)} for name in guarded},
        "guarded_mean": {"best": round(floor + GUARD, 4), "floor": round(floor, 4)} if guarded else None,
        "model_runs": {name: round(share, 4) for name, share in zip(sets, model_runs)},
        "per_set": {k: round(v, 4) for k, v in per_set.items()},
        "weights": [round(float(v), 5) for v in w], "bias": round(float(b), 5),
        "features": FEATURES,
        "answers": len(ys), "ece": ece, "reliability": table,
    }


def fit_doubt(sets: dict[str, list[Reading]]) -> Doubt | None:
    """The curve of whether a rule answer is right, over every rule answer the model read (each set
    weighing the same); None with too few of them, or without both right and wrong ones."""
    from .calibration import logistic

    xs, ys, ws = [], [], []
    for rows in sets.values():
        for x in rows:
            if x.rules and x.support:
                xs.append(Doubt.features(x.rules[1], x.support))
                ys.append(1.0 if right(x.rules[0], x.answers) else 0.0)
                ws.append(1.0 / len(rows))
    if len(ys) < 20 or len(set(ys)) < 2:
        return None
    w, b = logistic(np.asarray(xs), np.asarray(ys), np.asarray(ws))
    return Doubt(tuple(float(v) for v in w), float(b))


def write(model_dir: Path, fitted: dict) -> None:
    meta_path = model_dir / "reader.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["combiner"] = fitted
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")


class _BothReaders:
    """Retrieval over one corpus and both readers' answers to a question, as the combined reader
    would see them (the rule reader's answer and the learned reader's, each or None)."""

    def __init__(self, settings, model_dir: Path | None) -> None:  # noqa: ANN001
        from ..pipeline import Pipeline
        from . import reader_from_settings

        self.pipeline = Pipeline.load(settings)
        if model_dir:
            settings = settings.with_overrides(reader_model=model_dir)
        self.rules, self.learned = reader_from_settings(settings, "rules"), reader_from_settings(settings, "learned")

    def reading(self, question: str, gold: list[str], history: tuple = ()) -> Reading:
        from ..answering.followup import resolve_followup

        resolved = resolve_followup(question, history)
        pool = self.pipeline.search(resolved, top_k=8).passages
        r = self.rules.read(question, resolved, pool, self.pipeline.index)
        lr = self.learned.read(question, resolved, pool, self.pipeline.index)
        span = answer_span(r)
        return Reading(
            gold, not mostly_chinese(resolved),
            None if r.abstained or not r.answer else (r.answer, r.confidence),
            None if lr.abstained or not lr.answer else (lr.answer, lr.confidence),
            None if span is None else self.learned.support(resolved, *span, pool, self.pipeline.index),
        )


def read_set(questions_path: Path, model_dir: Path | None, base_settings) -> list[Reading]:  # noqa: ANN001
    """Both readers' answers to a set's questions (and its conversations' turns, with the gold
    answers as the history), over the corpus plus a `docs/` folder beside the set, if any."""
    from ..evaluation.corpora import combined_corpus
    from ..evaluation.dataset import load_conversations, load_questions
    from ..types import Turn

    settings = base_settings.with_overrides(reader="rules", answer_cache_size=0)
    docs = questions_path.parent / "docs"
    if docs.is_dir():
        corpus, index = combined_corpus(settings.corpus_dir, [docs], settings.index_dir)
        settings = settings.with_overrides(corpus_dir=corpus, index_dir=index, rebuild_stale=True)
    both = _BothReaders(settings, model_dir)
    rows = [both.reading(q.question, list(q.answers)) for q in load_questions(questions_path)]
    conversations = questions_path.parent / "conversations.jsonl"
    if conversations.is_file():
        for conv in load_conversations(conversations):
            history: list[Turn] = []
            for turn in conv.turns:
                rows.append(both.reading(turn.question, list(turn.answers), tuple(history)))
                history += [Turn("user", turn.question), Turn("assistant", turn.answers[0] if turn.answers else "")]
    return rows


def mrc_questions(files: list[Path], model_dir: Path, limit: int) -> tuple[list, str]:
    """Reading-comprehension questions the model was not trained on: the held-out paragraphs of its
    training run when `files` are its training files (the split calibration uses), else a spread-out
    sample of `limit` questions of the files. With where they came from."""
    from ..evaluation.mrc import sample
    from .calibration import held_out_of_run, trained_files
    from .squad import load_squad

    meta = json.loads((model_dir / "reader.json").read_text(encoding="utf-8"))
    trained_on, names = trained_files(meta), {f.name for f in files}
    if trained_on & names and trained_on != names:
        raise ValueError(f"the model was trained on {sorted(trained_on)}: give all of them (their held-out "
                         f"paragraphs are used) or files it was not trained on, not {sorted(names)}")
    held = held_out_of_run(meta, files)
    if held is not None:
        return held[:limit], "held-out paragraphs of the training files"
    examples = [e for f in files for e in load_squad(f)]
    return sample(examples, limit), "a sample of files the model was not trained on"


def read_mrc(files: list[Path], model_dir: Path, base_settings, limit: int = 300) -> list[Reading]:  # noqa: ANN001
    """Both readers' answers to reading-comprehension questions asked openly: every paragraph of
    the questions a document of its own (no seed corpus), retrieval and reading as served. General
    text the rules were never written for, so the fit sees what they do outside IP news."""
    from ..evaluation.mrc import paragraph_corpus

    examples, _source = mrc_questions(files, model_dir, limit)
    corpus = paragraph_corpus(examples, base_settings.index_dir / "combiner-fit")
    settings = base_settings.with_overrides(reader="rules", answer_cache_size=0, corpus_dir=corpus,
                                            index_dir=corpus.parent / "index", rebuild_stale=True)
    both = _BothReaders(settings, model_dir)
    return [both.reading(e.question, [a.text for a in e.answers]) for e in examples]
