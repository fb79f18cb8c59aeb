"""Adding documents as a user would: files or folders copied into the corpus, then indexed
incrementally (only new chunks are embedded). Used by `qa add` and POST /documents."""

from __future__ import annotations

import hashlib
import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .documents import (
    MAX_FILE_BYTES,
    SIDECAR_SUFFIX,
    SkippedFile,
    UnreadableFile,
    corpus_files,
    load_document,
)
from .formats import SUFFIXES, format_of
from .index_manifest import IndexConfig

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class AddedFile:
    source: str  # the path given
    path: str  # where it now lives, relative to the corpus directory
    doc_id: str | None
    title: str | None
    published: str | None
    origin: str | None  # the document's source (publisher)
    provenance: dict[str, str] = field(default_factory=dict)


@dataclass
class AddReport:
    added: list[AddedFile] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    build: str | None = None  # the index build made, None when nothing was added

    def as_dict(self) -> dict:
        return {
            "added": [
                {"source": a.source, "path": a.path, "doc_id": a.doc_id, "title": a.title,
                 "published": a.published, "source_name": a.origin, "provenance": a.provenance}
                for a in self.added
            ],
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
            "build": self.build,
        }


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _expand(paths: list[Path], report: AddReport) -> list[tuple[Path, Path]]:
    """(file, path to store it under inside the corpus) for every file given or found in a folder."""
    out: list[tuple[Path, Path]] = []
    for given in paths:
        if given.is_dir():
            for path in sorted(given.rglob("*")):
                rel = path.relative_to(given)
                if not path.is_file() or any(part.startswith(".") for part in rel.parts):
                    continue
                if path.name.endswith(SIDECAR_SUFFIX):
                    continue  # copied with its document
                out.append((path, Path(given.resolve().name) / rel))
        elif given.is_file():
            out.append((given, Path(given.name)))
        else:
            report.skipped.append(SkippedFile(str(given), "no such file or folder"))
    return out


def _free_name(target: Path, digest: str) -> Path:
    """A name next to `target` that no file has: name-<hash8>.ext when `target` is taken."""
    return target if not target.exists() else target.with_name(f"{target.stem}-{digest[:8]}{target.suffix}")


def add_files(
    config: IndexConfig,
    paths: list[Path],
    embedder=None,
    progress: Progress | None = None,
) -> AddReport:
    """Copy readable documents into config.corpus_dir and re-index; unreadable ones are skipped
    with the reason. `embedder` None: no index is built (the caller does it)."""
    report = AddReport()
    corpus_dir = config.corpus_dir
    corpus_dir.mkdir(parents=True, exist_ok=True)
    existing = {_sha256(p): p.relative_to(corpus_dir).as_posix() for p in corpus_files(corpus_dir)}
    copied: list[tuple[str, Path]] = []
    for path, store_as in _expand(paths, report):
        name = str(path)
        if format_of(path) is None:
            report.skipped.append(SkippedFile(name, f"unsupported file type {path.suffix or '(none)'}: "
                                                    f"add {', '.join(sorted(SUFFIXES))} files"))
            continue
        if path.stat().st_size > MAX_FILE_BYTES:
            report.skipped.append(SkippedFile(name, f"file too large (> {MAX_FILE_BYTES} bytes)"))
            continue
        digest = _sha256(path)
        if digest in existing:
            report.skipped.append(SkippedFile(name, f"already in the corpus as {existing[digest]}"))
            continue
        try:
            load_document(path, path.parent)  # refuse what the index would skip, before copying it
        except (UnreadableFile, OSError) as exc:
            report.skipped.append(SkippedFile(name, str(exc)))
            continue
        target = _free_name(corpus_dir / store_as, digest)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        for sidecar in (path.with_name(path.name + SIDECAR_SUFFIX), path.with_name(path.stem + SIDECAR_SUFFIX)):
            if sidecar.is_file():
                shutil.copyfile(sidecar, target.with_name(target.name + SIDECAR_SUFFIX))
                break
        existing[digest] = target.relative_to(corpus_dir).as_posix()
        copied.append((name, target))
        log.info("added %s as %s", name, existing[digest])
    metadata: dict[str, dict] = {}
    if copied and embedder is not None:
        from .index_store import build_index

        build = build_index(config, embedder, progress=progress or (lambda *_: None))
        report.build = build.name
        metadata = {m["path"]: m for m in build.metadata}
        report.skipped.extend(s for s in build.skipped if any(s.path == t.relative_to(corpus_dir).as_posix()
                                                              for _, t in copied))
    for name, target in copied:
        rel = target.relative_to(corpus_dir).as_posix()
        meta = metadata.get(rel, {})
        if embedder is not None and not meta:
            continue  # skipped by the build (listed above)
        report.added.append(AddedFile(name, rel, meta.get("doc_id"), meta.get("title"), meta.get("published"),
                                      meta.get("source"), meta.get("provenance", {})))
    return report
