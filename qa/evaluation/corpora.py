"""Corpora for evaluation runs: the project's corpus plus extra document folders (a held-out set
of documents), laid out as one corpus with its own index, so the normal pipeline answers over
all of them and the user's own index is never touched."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Sequence


class CorpusLayoutError(ValueError):
    pass


def combined_corpus(base: Path, extra: Sequence[Path], work_root: Path) -> tuple[Path, Path]:
    """(corpus_dir, index_dir) of a corpus holding the files of `base` and of every `extra`
    folder side by side (top level, so document ids are the file names). Reused between runs:
    the index is rebuilt only when the files change."""
    files: dict[str, Path] = {}
    for folder in (base, *extra):
        if not folder.is_dir():
            raise CorpusLayoutError(f"{folder} is not a folder of documents")
        for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
            if path.name in files and files[path.name].read_bytes() != path.read_bytes():
                raise CorpusLayoutError(f"{path.name} is in both {files[path.name].parent} and {folder}: rename one")
            files[path.name] = path
    key = hashlib.sha256("\n".join(sorted(str(p.resolve()) for p in (base, *extra))).encode()).hexdigest()[:12]
    root = work_root / f"eval-{key}"
    corpus = root / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for stale in corpus.iterdir():
        if stale.name not in files:
            stale.unlink()
    for name, src in files.items():
        dst = corpus / name
        if not dst.exists() or dst.read_bytes() != src.read_bytes():
            shutil.copyfile(src, dst)
    return corpus, root / "index"
