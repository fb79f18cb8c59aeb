"""The table evaluation sets stay well-formed: every answer and evidence verbatim in its document."""

from __future__ import annotations

import runpy

from conftest import EVAL_DIR


def test_every_table_split_passes_its_checker() -> None:
    check = runpy.run_path(str(EVAL_DIR / "tables" / "check.py"))
    for folder in check["SPLITS"]:
        found, variants = check["problems"](folder)
        assert not found, found
        assert variants["unanswerable"] >= 8 and sum(variants.values()) >= 40
