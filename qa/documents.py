"""Documents: reading a corpus directory (.txt, .md, .html/.htm, .pdf, .docx) into cleaned documents.

Each file is read by its format (qa.formats), cleaned of page furniture (qa.cleaning, rules as data),
and given a title, date and source with where each came from: a sidecar `<name>.meta.json` wins,
then the file's own metadata (`html-meta`, `file-meta`), then the text, else `none`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Callable

from .cleaning import clean_lines, repeated_lines
from .cleaning_rules import USER_RULES_NAME, CleaningRules, RulesError, load_rules
from .formats import SUFFIXES, Extracted, Hint, UnreadableFile, extract, format_of
from .formats.plain_text import decode
from .metadata import Metadata, article_dateline, extract_metadata, head_date, title_line

log = logging.getLogger(__name__)

DOC_SUFFIX = ".txt"
DOC_SUFFIXES = tuple(SUFFIXES)
SIDECAR_SUFFIX = ".meta.json"
MAX_FILE_BYTES = 50 * 1024 * 1024
PDF_PROGRESS_PAGES = 20  # a PDF longer than this reports its pages on the progress bar
_DOC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
_ID_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_SIDECAR_FIELDS = ("title", "published", "source")
Progress = Callable[[str, int, int], None]

__all__ = [
    "Corpus", "Document", "SkippedFile", "UnreadableFile", "corpus_files", "decode", "is_valid_doc_id",
    "load_corpus", "load_document", "make_doc_id", "page_at", "read_sidecar",
]


@dataclass(frozen=True)
class Document:
    doc_id: str
    title: str
    published: str | None
    source: str | None
    path: str  # relative to the corpus directory
    sha256: str  # of the file's bytes
    text: str  # the cleaned original text; every offset in the system indexes this
    format: str = "txt"
    provenance: dict[str, str] = field(default_factory=dict)  # title/published/source -> where it came from
    pages: list[list[int]] = field(default_factory=list)  # PDF: [start offset, page number] where a page begins


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


def make_doc_id(rel_path: Path | str) -> str:
    """A stable id from the path inside the corpus: `name` for `name.txt` at the top (as always),
    `report.pdf` for other formats, `folder--name` below a folder. A name that does not fit the id
    alphabet, or would hold `..`, becomes a slug with a hash of the path (every id can be fetched)."""
    rel = PurePosixPath(Path(rel_path).as_posix())
    stem = rel.name[: -len(DOC_SUFFIX)] if rel.name.endswith(DOC_SUFFIX) else rel.name
    parts = [*rel.parent.parts, stem] if str(rel.parent) != "." else [stem]
    candidate = "--".join(parts)
    if (
        all(_ID_PART.match(p) for p in parts)
        and (len(parts) == 1 or not any("--" in p for p in parts))
        and is_valid_doc_id(candidate)
    ):
        return candidate
    slug = re.sub(r"\.{2,}", ".", re.sub(r"[^A-Za-z0-9_.-]+", "-", candidate)).strip("-.")[:40].strip("-.")
    digest = hashlib.sha1(rel.as_posix().encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}" if slug else f"doc-{digest}"


def is_valid_doc_id(doc_id: str) -> bool:
    return bool(_DOC_ID.match(doc_id)) and ".." not in doc_id


def page_at(doc: Document, offset: int) -> int | None:
    """The page an offset of a PDF document's text is on (None for other formats)."""
    if not doc.pages:
        return None
    starts = [start for start, _ in doc.pages]
    return doc.pages[max(0, bisect_right(starts, offset) - 1)][1]


def _sidecar_paths(path: Path) -> list[Path]:
    if path.name.endswith(DOC_SUFFIX):
        return [path.with_name(path.name[: -len(DOC_SUFFIX)] + SIDECAR_SUFFIX)]
    return [path.with_name(path.name + SIDECAR_SUFFIX), path.with_name(path.stem + SIDECAR_SUFFIX)]


def read_sidecar(path: Path, problems: list[SkippedFile] | None = None) -> dict[str, str | None]:
    """The sidecar's title/published/source; a broken sidecar is ignored, logged and noted in `problems`."""
    sidecar = next((p for p in _sidecar_paths(path) if p.exists()), None)
    if sidecar is None:
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


def read_file(path: Path, progress: Progress | None = None) -> tuple[bytes, Extracted]:
    """A file's bytes and its extracted text; UnreadableFile (with the reason) when it cannot be read."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise UnreadableFile(f"file too large ({size} bytes > {MAX_FILE_BYTES})")
    data = path.read_bytes()
    on_page = None
    if progress is not None and format_of(path) == "pdf":
        def on_page(stage: str, done: int, total: int) -> None:
            if total > PDF_PROGRESS_PAGES:
                progress(f"pdf {path.name[:30]}", done, total)
    return data, extract(path, data, progress=on_page)


def _refine(meta: Metadata, text: str) -> Metadata:
    title = title_line(text) or meta.title
    published = meta.published or head_date(text)
    origin = dict(meta.origin) | {"title": "text" if title else "none", "published": "text" if published else "none"}
    return Metadata(title=title, published=published, source=meta.source, origin=origin)


def _pick(field_name: str, sidecar: dict, hint: Hint | None, text_value: str | None, text_origin: str):
    if field_name in sidecar and (sidecar[field_name] is not None or field_name == "published"):
        return sidecar[field_name], "sidecar"
    if hint is not None and hint.value:
        return hint.value, hint.origin
    return text_value, (text_origin if text_value else "none")


def build_document(
    path: Path,
    root: Path,
    data: bytes,
    extracted: Extracted,
    problems: list[SkippedFile] | None = None,
    rules: CleaningRules | None = None,
    repeated: frozenset[str] = frozenset(),
) -> Document:
    rel = path.relative_to(root).as_posix()
    kept = clean_lines(extracted.raw, rules, repeated)
    text = "\n".join(line for _, line in kept)
    if not text.strip():
        raise UnreadableFile("no article text left after cleaning")
    meta = extract_metadata(extracted.raw, text)
    if extracted.kind != "txt":  # files other than plain captures: look further for a headline and date
        meta = _refine(meta, text)
    elif meta.published is None:  # a plain capture: a line near the top that is its date and little else
        published = head_date(text, dateline_only=True)
        if published:
            meta = replace(meta, published=published, origin=meta.origin | {"published": "text"})
    sidecar = read_sidecar(path, problems)
    title, title_origin = _pick("title", sidecar, extracted.title, meta.title, meta.origin.get("title", "none"))
    published, published_origin = _pick(
        "published", sidecar, extracted.published, meta.published, meta.origin.get("published", "none")
    )
    source, source_origin = _pick("source", sidecar, extracted.source, meta.source, meta.origin.get("source", "none"))
    if published_origin != "sidecar":  # a reprint or mirror dates the page later than its article
        own = article_dateline(text, published)
        if own and own != published:
            published, published_origin = own, "text"
    pages: list[list[int]] = []
    if extracted.line_pages is not None:
        offset = 0
        for number, line in kept:
            page = extracted.line_pages[number]
            if not pages or pages[-1][1] != page:
                pages.append([offset, page])
            offset += len(line) + 1
    return Document(
        doc_id=make_doc_id(rel),
        title=title or "",
        published=published,
        source=source,
        path=rel,
        sha256=hashlib.sha256(data).hexdigest(),
        text=text,
        format=extracted.kind,
        provenance={"title": title_origin, "published": published_origin, "source": source_origin},
        pages=pages,
    )


def load_document(
    path: Path, root: Path, problems: list[SkippedFile] | None = None, rules: CleaningRules | None = None
) -> Document:
    """One document on its own (no cross-document cleaning)."""
    data, extracted = read_file(path)
    return build_document(path, root, data, extracted, problems, rules)


def _is_listed(path: Path, corpus_dir: Path, root: Path) -> bool:
    # hidden files and folders (.git/, editor backups) are not documents, and a link that leads out
    # of the corpus directory is not followed
    return (
        path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(corpus_dir).parts)
        and path.resolve().is_relative_to(root)
    )


def _is_companion(path: Path, corpus_dir: Path) -> bool:
    """Sidecars and the corpus's own cleaning rules: read with the documents, not documents."""
    return path.name.endswith(SIDECAR_SUFFIX) or path == corpus_dir / USER_RULES_NAME


def _check_dir(corpus_dir: Path) -> None:
    if not corpus_dir.is_dir():
        raise FileNotFoundError(
            f"corpus directory {corpus_dir} does not exist: create it and put documents in it "
            f"({', '.join(DOC_SUFFIXES)}), or point QA_CORPUS_DIR / --corpus-dir at one"
        )


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Every file of a readable type in the corpus directory, recursively."""
    _check_dir(corpus_dir)
    root = corpus_dir.resolve()
    return sorted(
        p
        for p in corpus_dir.rglob("*")
        if format_of(p) is not None and not _is_companion(p, corpus_dir) and _is_listed(p, corpus_dir, root)
    )


def other_files(corpus_dir: Path) -> list[Path]:
    """Files in the corpus directory that are neither documents nor companions (reported as skipped)."""
    _check_dir(corpus_dir)
    root = corpus_dir.resolve()
    return sorted(
        p
        for p in corpus_dir.rglob("*")
        if format_of(p) is None and not _is_companion(p, corpus_dir) and _is_listed(p, corpus_dir, root)
    )


def load_corpus(corpus_dir: Path, progress: Progress | None = None) -> Corpus:
    """Read every document; files that cannot be read are skipped with a log line naming them."""
    corpus = Corpus()
    try:
        rules = load_rules(corpus_dir)
    except RulesError as exc:
        raise ValueError(str(exc)) from None
    for path in other_files(corpus_dir):
        rel = path.relative_to(corpus_dir).as_posix()
        reason = f"unsupported file type {path.suffix or '(no suffix)'}: documents are {', '.join(DOC_SUFFIXES)}"
        log.warning("skipping %s: %s", rel, reason)
        corpus.skipped.append(SkippedFile(rel, reason))
    read: list[tuple[Path, bytes, Extracted]] = []
    for path in corpus_files(corpus_dir):
        try:
            data, extracted = read_file(path, progress)
        except (UnreadableFile, OSError) as exc:
            rel = path.relative_to(corpus_dir).as_posix()
            log.warning("skipping %s: %s", rel, exc)
            corpus.skipped.append(SkippedFile(rel, str(exc)))
            continue
        read.append((path, data, extracted))
    repeated = repeated_lines((extracted.raw for _, _, extracted in read), rules)
    seen_ids: dict[str, str] = {}
    seen_content: dict[str, str] = {}
    for path, data, extracted in read:
        rel = path.relative_to(corpus_dir).as_posix()
        problems: list[SkippedFile] = []
        try:
            doc = build_document(path, corpus_dir, data, extracted, problems, rules, repeated)
        except UnreadableFile as exc:
            log.warning("skipping %s: %s", rel, exc)
            corpus.skipped.append(SkippedFile(rel, str(exc)))
            continue
        if doc.sha256 in seen_content:
            reason = f"duplicate of {seen_content[doc.sha256]}"
            log.warning("skipping %s: %s", rel, reason)
            corpus.skipped.append(SkippedFile(rel, reason))
            continue
        if doc.doc_id in seen_ids:  # two paths that make the same id: the later one gets its path's hash
            digest = hashlib.sha1(rel.encode("utf-8")).hexdigest()[:8]
            new_id = f"{doc.doc_id[:119]}-{digest}"
            log.warning("%s: id %s is taken by %s, using %s", rel, doc.doc_id, seen_ids[doc.doc_id], new_id)
            doc = Document(**{**doc.__dict__, "doc_id": new_id})
        seen_ids[doc.doc_id] = rel
        seen_content[doc.sha256] = rel
        corpus.documents.append(doc)
        parent = Path(rel).parent
        corpus.skipped.extend(SkippedFile((parent / p.path).as_posix(), p.reason) for p in problems)
    log.info("corpus %s: %d documents, %d skipped", corpus_dir, len(corpus.documents), len(corpus.skipped))
    return corpus


def document_metadata(doc: Document) -> dict:
    """A document's metadata and where each value came from (the index report, GET /documents/{id})."""
    return {
        "doc_id": doc.doc_id,
        "path": doc.path,
        "format": doc.format,
        "title": doc.title,
        "published": doc.published,
        "source": doc.source,
        "provenance": dict(doc.provenance),
        "pages": doc.pages[-1][1] if doc.pages else None,
    }
