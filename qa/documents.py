"""Documents: reading a corpus directory of captures (UTF-8 or GB18030) into cleaned documents."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from .cleaning import clean_text
from .metadata import extract_metadata

log = logging.getLogger(__name__)

DOC_SUFFIX = ".txt"
SIDECAR_SUFFIX = ".meta.json"
MAX_FILE_BYTES = 20 * 1024 * 1024
_DOC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
_SIDECAR_FIELDS = ("title", "published", "source")


@dataclass(frozen=True)
class Document:
    doc_id: str
    title: str
    published: str | None
    source: str | None
    path: str  # relative to the corpus directory
    sha256: str  # of the file's bytes
    text: str  # the cleaned original text; every offset in the system indexes this


@dataclass(frozen=True)
class SkippedFile:
    path: str
    reason: str


@dataclass
class Corpus:
    documents: list[Document] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)

    def by_id(self) -> dict[str, Document]:
        return {doc.doc_id: doc for doc in self.documents}


class UnreadableFile(ValueError):
    """A file that is not a text document this product can read."""


def decode(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM) or GB18030; refuse binary data."""
    if not data.strip():
        raise UnreadableFile("empty file")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise UnreadableFile("UTF-16 text: save it as UTF-8 (or GB18030)")
    if b"\x00" in data[:8192]:
        raise UnreadableFile("binary file (NUL bytes)")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        control = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\n\r\t\f")
        if control > max(8, len(text[:4096]) // 50):
            raise UnreadableFile("binary file (control characters)")
        return text
    raise UnreadableFile("neither UTF-8 nor GB18030 text")


def make_doc_id(path: Path) -> str:
    stem = path.name[: -len(DOC_SUFFIX)] if path.name.endswith(DOC_SUFFIX) else path.stem
    if _DOC_ID.match(stem):
        return stem
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-.")[:40]
    digest = hashlib.sha1(stem.encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}" if slug else f"doc-{digest}"


def is_valid_doc_id(doc_id: str) -> bool:
    return bool(_DOC_ID.match(doc_id)) and ".." not in doc_id


def read_sidecar(path: Path, problems: list[SkippedFile] | None = None) -> dict[str, str | None]:
    """The sidecar's title/published/source; a broken sidecar is ignored, logged and noted in `problems`."""
    sidecar = path.with_name(path.name[: -len(DOC_SUFFIX)] + SIDECAR_SUFFIX)
    if not sidecar.exists():
        return {}
    reason = None
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        reason = f"sidecar ignored, not valid UTF-8 JSON: {exc}"
    else:
        if not isinstance(data, dict):
            reason = "sidecar ignored, not a JSON object"
    if reason is not None:
        log.warning("ignoring sidecar %s: %s", sidecar.name, reason)
        if problems is not None:
            problems.append(SkippedFile(sidecar.name, reason))
        return {}
    return {key: (str(data[key]) if data[key] is not None else None) for key in _SIDECAR_FIELDS if key in data}


def load_document(path: Path, root: Path, problems: list[SkippedFile] | None = None) -> Document:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise UnreadableFile(f"file too large ({size} bytes > {MAX_FILE_BYTES})")
    data = path.read_bytes()
    raw = decode(data)
    text = clean_text(raw)
    if not text.strip():
        raise UnreadableFile("no article text left after cleaning")
    meta = extract_metadata(raw, text)
    overrides = read_sidecar(path, problems)
    return Document(
        doc_id=make_doc_id(path),
        title=overrides.get("title") or meta.title,
        published=overrides["published"] if "published" in overrides else meta.published,
        source=overrides.get("source") or meta.source,
        path=path.relative_to(root).as_posix(),
        sha256=hashlib.sha256(data).hexdigest(),
        text=text,
    )


def corpus_files(corpus_dir: Path) -> list[Path]:
    if not corpus_dir.is_dir():
        raise FileNotFoundError(
            f"corpus directory {corpus_dir} does not exist: create it and put .txt documents in it, "
            "or point QA_CORPUS_DIR / --corpus-dir at one"
        )
    root = corpus_dir.resolve()
    return sorted(
        p
        for p in corpus_dir.rglob(f"*{DOC_SUFFIX}")
        # hidden files and folders (.git/, editor backups) are not documents, and a link that
        # leads out of the corpus directory is not followed
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(corpus_dir).parts)
        and p.resolve().is_relative_to(root)
    )


def load_corpus(corpus_dir: Path) -> Corpus:
    """Read every document; files that cannot be read are skipped with a log line naming them."""
    corpus = Corpus()
    seen_ids: dict[str, str] = {}
    seen_content: dict[str, str] = {}
    for path in corpus_files(corpus_dir):
        rel = path.relative_to(corpus_dir).as_posix()
        problems: list[SkippedFile] = []
        try:
            doc = load_document(path, corpus_dir, problems)
        except (UnreadableFile, OSError) as exc:
            log.warning("skipping %s: %s", rel, exc)
            corpus.skipped.append(SkippedFile(rel, str(exc)))
            continue
        if doc.doc_id in seen_ids:
            reason = f"document id {doc.doc_id} already used by {seen_ids[doc.doc_id]}"
            log.warning("skipping %s: %s", rel, reason)
            corpus.skipped.append(SkippedFile(rel, reason))
            continue
        if doc.sha256 in seen_content:
            reason = f"duplicate of {seen_content[doc.sha256]}"
            log.warning("skipping %s: %s", rel, reason)
            corpus.skipped.append(SkippedFile(rel, reason))
            continue
        seen_ids[doc.doc_id] = rel
        seen_content[doc.sha256] = rel
        corpus.documents.append(doc)
        parent = Path(rel).parent
        corpus.skipped.extend(SkippedFile((parent / p.path).as_posix(), p.reason) for p in problems)
    log.info("corpus %s: %d documents, %d skipped", corpus_dir, len(corpus.documents), len(corpus.skipped))
    return corpus
