"""POST /documents: upload documents (multipart), add them to the corpus and re-index.

Needs settings.admin_key (header X-Admin-Key); without one configured the route answers 404.
Limits: settings.max_upload_bytes for the whole body (413), at most MAX_FILES files, only the types
the corpus reads (others are reported as skipped). The answer is `qa add --json`'s report."""

from __future__ import annotations

import logging
import re
import tempfile
from pathlib import Path

import anyio
from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import JSONResponse

from qa.adding import add_files
from qa.documents import SkippedFile
from qa.embedders import make_embedder
from qa.formats import SUFFIXES, format_of
from qa.index_store import IndexError_

from ..deps import AdminKey, PipelineDep, index_error, reload_pipeline
from ..errors import ApiError
from ..schemas import ErrorResponse
from .health import index_summary

log = logging.getLogger(__name__)

router = APIRouter(tags=["admin"], dependencies=[AdminKey])

MAX_FILES = 20
_UNSAFE = re.compile(r"[\x00-\x1f/\\:*?\"<>|]+")


def _safe_name(filename: str | None) -> str | None:
    """The upload's base name, without any folder part or characters a file system refuses."""
    name = _UNSAFE.sub("_", Path((filename or "").replace("\\", "/")).name).strip(" .")
    return name[:150] or None


@router.post(
    "/documents",
    response_model=None,
    responses={c: {"model": ErrorResponse} for c in (400, 401, 403, 404, 409, 413, 422, 503)},
)
async def upload_documents(
    request: Request, pipeline: PipelineDep, files: list[UploadFile] = File(description="documents to add")
) -> JSONResponse:
    """Add the uploaded files to the corpus and re-index (only new chunks are embedded); unreadable,
    unsupported or duplicate files are skipped with the reason. Returns {added, skipped, build, index}."""
    if len(files) > MAX_FILES:
        raise ApiError(400, "too_many_files", f"{len(files)} files in one upload: send at most {MAX_FILES}")
    lock: anyio.Lock = request.app.state.reload_lock
    if lock.locked():
        raise ApiError(409, "reload_running", "a reload or upload is already running: wait for it to finish")
    settings = pipeline.settings
    refused: list[SkippedFile] = []
    async with lock:
        with tempfile.TemporaryDirectory(prefix="qa-upload-") as tmp:
            saved: list[Path] = []
            for upload in files:
                name = _safe_name(upload.filename)
                if name is None or format_of(name) is None:
                    refused.append(SkippedFile(upload.filename or "(no name)", "unsupported file type: upload "
                                               f"{', '.join(sorted(SUFFIXES))} files"))
                    continue
                target = Path(tmp) / str(len(saved)) / name
                target.parent.mkdir()
                target.write_bytes(await upload.read())
                saved.append(target)

            def work():
                embedder = make_embedder(settings, for_indexing=True) if saved else None
                report = add_files(pipeline.index_config, saved, embedder) if saved else None
                if report is not None and report.build:
                    reload_pipeline(request, pipeline)
                return report

            try:
                report = await anyio.to_thread.run_sync(work)
            except IndexError_ as exc:
                raise index_error(exc) from None
            except (OSError, ValueError) as exc:
                log.error("upload failed: %s", exc)
                raise ApiError(503, "upload_failed", "the documents could not be added or indexed; the previous "
                               "index is still served (see the server log)") from None
    payload = report.as_dict() if report is not None else {"added": [], "skipped": [], "build": None}
    for item in payload["added"]:  # the temporary folder is no business of the client
        item["source"] = Path(item["source"]).name
    for item in payload["skipped"]:
        item["path"] = Path(item["path"]).name
    payload["skipped"] = [{"path": s.path, "reason": s.reason} for s in refused] + payload["skipped"]
    payload["index"] = index_summary(pipeline.index)
    log.info("upload: %d added, %d skipped", len(payload["added"]), len(payload["skipped"]))
    return JSONResponse(payload)
