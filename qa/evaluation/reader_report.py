"""eval/reports/reader.md: how the shipped reader was made and how each reader measures, put
together from the reports the commands wrote (nothing here is typed in by hand):

- the model's reader.json (training data, steps, time, loss, held-out questions, calibration);
- `qa eval-mrc` reports (CMRC 2018 dev, reading and open mode);
- `qa eval --reader R --name <set>-<R>` reports under eval/reports/readers/ (own set and the
  generalization set, test split) for each reader;
- eval/reports/bench.json where it has the ask latency per reader."""

from __future__ import annotations

import json
from pathlib import Path

from ..reader.span_model import fingerprint

PUBLISHED = (
    "Published reference on CMRC 2018 dev with the gold paragraph: BERT-base (Chinese) EM 63.5 / F1 83.6 "
    "(CMRC 2018 repository baseline, mean of 10 runs); human performance on the test set EM 92.4 / F1 97.9."
)


def _load(path: Path) -> object | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _pct(x: object) -> str:
    return "—" if x is None else f"{float(x):.3f}"


def _training(meta: dict) -> list[str]:
    lines: list[str] = []
    t = meta.get("training", {})
    if t:
        data = ", ".join(f"{d['file']} ({d['questions']} questions)" for d in t.get("data", []))
        losses = t.get("losses", [])
        curve = ", ".join(f"{s}: {l}" for s, l in losses[:: max(1, len(losses) // 8)] + losses[-1:]) if losses else "—"
        lines += [
            "## How the shipped model was made", "",
            f"- encoder: {meta.get('encoder')}, {meta.get('layers')} layers, windows of {meta.get('max_len')} tokens "
            f"(stride {meta.get('stride')}); {meta.get('quantization')}",
            f"- training data: {data}; {t.get('paragraphs_converted_to_simplified', 0)} Traditional-script "
            f"paragraphs read in Simplified script (OpenCC t2s); gold answers over {t.get('max_answer_chars', 64)} "
            f"characters not trained on; {t.get('features')} windows an epoch",
            f"- {t.get('steps')} steps of {t.get('batch_size')} (planned {t.get('planned_steps')}), lr {t.get('lr')}, "
            f"{float(t.get('seconds') or 0) / 60:.0f} minutes on this machine's 2 CPU cores, seed {t.get('seed')}",
            f"- training loss by step: {curve}",
            f"- held-out training paragraphs (never trained on), paragraph given: {t.get('held_out')}",
        ]
        if t.get("english"):
            lines.append(
                f"- {100 * float(t['english']):.0f}% of the training questions (redrawn each epoch) read as their "
                "English gloss, word by word from CC-CEDICT; the held-out questions glossed the same way: "
                f"{t.get('held_out_english')}"
            )
        lines.append("")
    return lines


def _calibration(meta: dict) -> list[str]:
    lines: list[str] = []
    cal = meta.get("calibration")
    if cal:
        lines += [
            "## Calibration of the learned reader's confidence", "",
            f"sigmoid({cal['a']} · margin + {cal['b']}), fitted on {cal['pairs']} question–paragraph pairs "
            f"({cal['fitted_on']}; each question with its own paragraph and with one that does not answer it). "
            f"Expected calibration error on those pairs: {cal['ece']}.", "",
            "| confidence | pairs | mean confidence | share right |", "|---|---|---|---|",
        ]
        lines += [f"| {r['bin']} | {r['count']} | {r['confidence']} | {r['accuracy']} |" for r in cal["reliability"]]
        lines.append("")
    return lines


def _combiner(meta: dict) -> list[str]:
    lines: list[str] = []
    comb = meta.get("combiner")
    if comb:
        sets = ", ".join(f"{k}: {v}" for k, v in comb.get("per_set", {}).items())
        trust = comb.get("trust", 1.01)
        runs = ", ".join(f"{k}: {v:.0%}" for k, v in comb.get("model_runs", {}).items())
        guarded = comb.get("guarded") or {}
        mean = comb.get("guarded_mean")
        guard = ("" if not guarded else
                 f" Guarded sets (a choice may not cost their mean accuracy more than {comb.get('guard')} against the choice "
                 f"fitted on them alone): {', '.join(guarded)}; mean at least {mean['floor']} (alone {mean['best']})." if mean else
                 f" Guarded sets (a choice may not cost them more than {comb.get('guard')} of accuracy against the "
                 "choice fitted on them alone): " + ", ".join(f"{k} at least {v['floor']} (alone {v['best']})" for k, v in guarded.items())
                 + ".")
        skip = (f"The model is not run where the rules answered with confidence >= {trust} (it ran for {runs} of the "
                f"questions). " if trust <= 1 else "The model runs for every question. ")
        doubt = comb.get("doubt")
        override = ("never overrides a rule answer (it is not run behind one)" if trust <= 0 else
                    f"overrides a disagreeing rule answer at confidence >= {comb['override']}"
                    + (" when that is more than the probability that the rule answer is right" if doubt else ""))
        veto = (f" Where the model runs behind a rule answer it also scores that answer's own span; the probability that "
                f"the rule answer is right is sigmoid(w · features + b) over {', '.join(doubt['features'])}: w = "
                f"{doubt['weights']}, b = {doubt['bias']} (fitted on every rule answer the model read, each set weighing "
                f"the same), and " + (f"below {comb['veto']} the rule answer is dropped: the learned reader's answer "
                f"takes its place where it is sure enough to answer alone, else the reader abstains."
                if comb.get("veto") else "no rule answer is dropped for it (veto 0 fitted best).") if doubt else "")
        lines += [
            "## How the combined reader decides (`qa fit-combiner`)", "",
            skip + f"The learned reader {override} and answers "
            f"alone where the rules abstain at >= {comb['alone']} (grid search for the best mean accuracy over the "
            f"dev sets; accuracy there: {sets}).{guard}{veto} The combined confidence is sigmoid(w · features + b) over "
            f"{', '.join(comb['features'])}: w = {comb['weights']}, b = {comb['bias']}; expected calibration error "
            f"on the {comb['answers']} answers it was fitted on: {comb['ece']}.", "",
        ]
    return lines


def _mrc(reports_dir: Path, model_dir: Path) -> list[str]:
    lines: list[str] = []
    mrc_reports = []
    for path in sorted(reports_dir.glob("mrc-*.json")):
        got = _load(path)
        if isinstance(got, list):
            mrc_reports += got
    if mrc_reports:
        lines += ["## Reading comprehension (CMRC 2018 dev: evaluation only, never trained or tuned on)", "", PUBLISHED, "",
                  "| file | mode | reader | model | questions | EM | F1 | abstained | median ms |",
                  "|---|---|---|---|---|---|---|---|---|"]
        current = fingerprint(model_dir)
        for r in mrc_reports:
            made = r.get("model") or ""
            which = "shipped" if made and made == current else f"an earlier one ({made or 'unrecorded'})"
            lines.append(
                f"| {r['file']} | {r['mode']} | {r['reader']} | {which} | {r['questions']} | {r['em']} | {r['f1']} | "
                f"{r['abstention_rate']:.1%} | {r['median_ms']} |"
            )
        lines.append("")
        for r in mrc_reports:
            lines += [f"By question type, {r['mode']} mode, {r['reader']} reader:", "", "| type | questions | EM | F1 | abstained |", "|---|---|---|---|---|"]
            lines += [f"| {k} | {g['questions']} | {g['em']} | {g['f1']} | {g['abstained']:.1%} |" for k, g in r["by_type"].items()]
            lines.append("")
    return lines


def _readers(reports_dir: Path) -> list[str]:
    lines: list[str] = []
    rows = []
    for path in sorted((reports_dir / "readers").glob("*.json")):
        got = _load(path)
        if not isinstance(got, dict):
            continue
        a, c = got["answers"], got.get("conversations") or {}
        rows.append(
            f"| {path.stem.rsplit('-', 1)[0]} | {got['config'].get('reader')} | {_pct(a['em'])} | {_pct(a['f1'])} | "
            f"{_pct(a['accuracy'])} | {_pct(a['abstention_precision'])} | {_pct(a['abstention_recall'])} | "
            f"{_pct(c.get('turn_accuracy'))} | {_pct(a['citation_faithfulness'])} | {_pct(a.get('ece'))} |"
        )
    if rows:
        lines += [
            "## Readers side by side (`qa eval --reader R`)", "",
            "`own` is eval/questions.jsonl over corpus/ (the rule reader was tuned on it); `generalization` is the "
            "test split of eval/generalization/ (documents and questions nobody tuned on); `generalization-dev`, "
            "`generalization-dev2`, `generalization-dev4`, `generalization-dev5`, `generalization-dev6` and `generalization-dev7` are its "
            "dev splits, looked at while tuning (dev7 after its first run); "
            "`generalization-dev3` is its validation split, of which only aggregate scores were looked at.", "",
            "| set | reader | EM | F1 | accuracy | abstention P | abstention R | conversation turns | citations | ECE |",
            "|---|---|---|---|---|---|---|---|---|---|",
            *rows, "",
        ]
    return lines


def _latency(reports_dir: Path) -> list[str]:
    lines: list[str] = []
    bench = _load(reports_dir / "bench.json")
    if isinstance(bench, dict) and bench.get("readers"):
        machine = bench.get("machine") or {}
        where = f"{machine.get('cpu_model', 'unknown CPU')}, {machine.get('cores', '?')} cores, {str(bench.get('started', ''))[:10]}"
        lines += ["## Latency (qa bench, seed corpus, hybrid retrieval, in-process)", "",
                  f"Measured on {where} (timings differ between machines: see bench.md).", "",
                  "| reader | ask p50 ms | ask p95 ms | reader stage mean ms |", "|---|---|---|---|"]
        lines += [f"| {k} | {v.get('p50')} | {v.get('p95')} | {v.get('answer_stage_ms')} |" for k, v in bench["readers"].items()]
        lines.append("")
    return lines


def build(reports_dir: Path, model_dir: Path) -> str:
    loaded = _load(model_dir / "reader.json")
    meta = loaded if isinstance(loaded, dict) else {}
    lines = ["# The learned reader", ""]
    lines += _training(meta) + _calibration(meta) + _combiner(meta)
    lines += _mrc(reports_dir, model_dir) + _readers(reports_dir) + _latency(reports_dir)
    return "\n".join(lines) + "\n"


def write(reports_dir: Path, model_dir: Path) -> Path:
    out = reports_dir / "reader.md"
    out.write_text(build(reports_dir, model_dir), encoding="utf-8")
    return out
