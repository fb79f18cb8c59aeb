"""eval/reports/reader.md's training section is read from the model's reader.json."""

from __future__ import annotations

from qa.evaluation.reader_report import _training


def _meta(**training: object) -> dict:
    base = {"data": [{"file": "a.json", "questions": 10}], "steps": 5, "planned_steps": 5, "batch_size": 2,
            "lr": 1e-4, "seconds": 120, "seed": 13, "losses": [[1, 5.0], [5, 2.0]], "held_out": {"em": 10.0}}
    return {"encoder": "e5", "layers": 2, "max_len": 64, "stride": 32, "quantization": "int8",
            "training": {**base, **training}}


def test_the_english_gloss_share_and_its_held_out_scores_are_reported() -> None:
    text = "\n".join(_training(_meta(english=0.15, held_out_english={"em": 27.6, "f1": 43.2})))
    assert "15% of the training questions" in text
    assert "'em': 27.6" in text and "'f1': 43.2" in text


def test_a_model_trained_without_the_gloss_says_nothing_of_it() -> None:
    text = "\n".join(_training(_meta()))
    assert "English gloss" not in text
    assert "a.json (10 questions)" in text and "2 minutes" in text


def test_each_question_type_table_names_its_mode_and_reader(tmp_path) -> None:
    import json

    from qa.evaluation.reader_report import _mrc

    by_type = {"time": {"questions": 2, "em": 50.0, "f1": 60.0, "abstained": 0.0}}
    runs = [{"file": "x.json", "mode": "open", "reader": reader, "model": "", "questions": 2, "em": 1.0, "f1": 2.0,
             "abstention_rate": 0.0, "median_ms": 3.0, "by_type": by_type} for reader in ("learned", "combined")]
    (tmp_path / "mrc-x.json").write_text(json.dumps(runs), encoding="utf-8")
    text = "\n".join(_mrc(tmp_path, tmp_path))
    assert "By question type, open mode, learned reader:" in text
    assert "By question type, open mode, combined reader:" in text
