"""Incremental re-index: copy the corpus, build, add one document, build again; only the new
document's chunks should be embedded (BuildReport.embedded)."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..chunking import chunk_document
from ..documents import load_corpus
from ..settings import Settings
from .seed import qa_index

NEW_DOCUMENT = "bench-new-document.txt"
NEW_TEXT = (
    "深圳市知识产权局发布2025年第一季度知识产权统计数据\n"
    "发布时间:2025-04-20 10:00\n"
    "2025年第一季度,深圳市专利授权量6.12万件,同比增长3.4%。其中发明专利授权量1.98万件。\n"
    "同期商标注册量5.87万件,PCT国际专利申请量4021件。\n"
    "全市知识产权质押融资登记金额112.5亿元,惠及企业836家。\n"
    "市知识产权局表示,下一步将继续推进知识产权保护工作站建设,完善海外知识产权纠纷应对指导机制,"
    "加强对中小企业的知识产权服务。\n"
    "会上还通报了2024年度知识产权保护工作站评价结果,全市累计建成知识产权保护工作站142家,"
    "覆盖重点企业1.3万家,全年协助企业处理海外知识产权纠纷案件87宗,涉案金额约9.6亿元。"
    "各区知识产权部门负责人分别汇报了辖区知识产权保护和运用工作进展。\n"
    "根据工作安排,2025年深圳将新增知识产权快速维权中心服务领域2个,推动专利预审周期进一步缩短,"
    "力争全年高价值发明专利拥有量突破10万件,并持续开展知识产权宣传周系列活动。\n"
)


def run_incremental(settings: Settings, workdir: Path) -> dict:
    corpus_dir = workdir / "corpus"
    if corpus_dir.exists():
        shutil.rmtree(corpus_dir)
    shutil.copytree(settings.corpus_dir, corpus_dir)
    index_dir = workdir / "index"
    first = qa_index(settings, index_dir, corpus_dir)
    (corpus_dir / NEW_DOCUMENT).write_text(NEW_TEXT, encoding="utf-8")
    second = qa_index(settings, index_dir, corpus_dir)
    new_docs = [d for d in load_corpus(corpus_dir).documents if d.path == NEW_DOCUMENT]
    new_chunks = sum(len(chunk_document(d, settings.chunk_size, settings.chunk_overlap)) for d in new_docs)
    return {
        "first_build": {"chunks": first["chunks"], "embedded": first["embedded"], "seconds": first["seconds"]},
        "reindex": {
            "chunks": second["chunks"],
            "embedded": second["embedded"],
            "reused": second["reused"],
            "seconds": second["seconds"],
        },
        "new_document_chunks": new_chunks,
        "only_new_embedded": second["embedded"] == new_chunks and second["reused"] == first["chunks"],
        "command": "qa index --json, twice (subprocesses)",
    }
