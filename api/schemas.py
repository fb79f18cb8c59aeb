"""Request and response models of the HTTP contract (SPEC "Interfaces"). The answer, passage and
document models come from qa.contract (shared with the CLI's --json); the rest are declared here.

Request bounds come from the settings (question length, history size), so the request models are
built per app by `request_models(settings)` and the OpenAPI document shows the limits in force.

Text fields are checked as sent (length bounds, as the OpenAPI schema says), then cleaned: control
characters other than newline and tab, and lone surrogates, are removed (CR LF becomes LF) and
surrounding whitespace is stripped; a question that is empty after that is refused."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictInt, create_model, model_validator

from qa.settings import RetrieverName, Settings

TOP_K_MAX = 50
# control characters, and lone surrogates (JSON "\ud800" decodes to one; it cannot be encoded as UTF-8
# and made the pipeline and the response fail with a 500)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u2028\u2029\ud800-\udfff]")


def clean_text(value: Any) -> Any:
    """Drop control characters (newline and tab stay) and strip; non-strings pass on to fail typing."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", value.replace("\r\n", "\n")).strip()


def visible_text(value: str) -> str:
    cleaned = clean_text(value)
    if not cleaned:
        raise ValueError("is empty after removing whitespace and control characters: write some text")
    return cleaned


_SURROGATES = re.compile(r"[\ud800-\udfff]")


def drop_surrogates(value: Any) -> Any:
    """Lone surrogates (JSON "\\ud800") are not text: drop them before the string is checked."""
    return _SURROGATES.sub("", value) if isinstance(value, str) else value


VISIBLE = r"[^\s\x00-\x1f\x7f-\x9f]"  # at least one character that is neither whitespace nor control


def text(max_length: int, visible: bool = False) -> Any:
    """A string bounded as sent (as the OpenAPI schema says), cleaned after the check; `visible`:
    not empty, not only whitespace or control characters."""
    # (not strict=True: pydantic then leaves the pattern out of the JSON schema; JSON gives strings only anyway)
    bounds = Field(max_length=max_length, **({"min_length": 1, "pattern": VISIBLE} if visible else {}))
    # order: the bounds wrap `str` itself, then surrogates go before it is checked, cleaning after
    return Annotated[str, bounds, BeforeValidator(drop_surrogates), AfterValidator(visible_text if visible else clean_text)]


def integral_float(value: Any) -> Any:
    """10.0 is an integer in JSON Schema (and what some clients send): take it as 10; 10.5, "10", true stay invalid."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


TopK = Annotated[
    Annotated[StrictInt, Field(ge=1, le=TOP_K_MAX)] | None,
    BeforeValidator(integral_float),
    Field(default=None, description=f"passages to return, 1..{TOP_K_MAX} (default from settings)"),
]
Retriever = Annotated[RetrieverName | None, Field(default=None, description="hybrid (default), bm25 or dense")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ----------------------------------------------------------------------------------------- requests


class ReloadRequest(_Strict):
    rebuild: StrictBool = Field(default=False, description="build a new index from the corpus before swapping it in")


@dataclass(frozen=True)
class RequestModels:
    ask: type[BaseModel]
    search: type[BaseModel]


def request_models(settings: Settings) -> RequestModels:
    return _request_models(settings.max_question_chars, settings.max_history_turns, settings.max_history_chars)


@lru_cache(maxsize=16)
def _request_models(max_question: int, max_turns: int, max_history_chars: int) -> RequestModels:
    question = text(max_question, visible=True)
    rules = (
        f"1..{max_question} characters, not only whitespace; control characters other than newline and tab "
        "are removed and surrounding whitespace stripped"
    )

    class HistoryTurn(_Strict):
        role: Literal["user", "assistant"]
        content: text(max_history_chars)  # type: ignore[valid-type]

    def _history_total(model: Any) -> Any:
        total = sum(len(turn.content) for turn in model.history)
        if total > max_history_chars:
            raise ValueError(
                f"history holds {total} characters, at most {max_history_chars} are accepted: "
                "send only the recent turns"
            )
        return model

    ask = create_model(
        "AskRequest",
        __base__=_Strict,
        __validators__={"history_total": model_validator(mode="after")(_history_total)},
        question=(question, Field(description=f"the question, in simplified or traditional Chinese: {rules}")),
        history=(
            list[HistoryTurn],
            Field(
                default_factory=list,
                max_length=max_turns,
                description=f"earlier turns of the conversation, oldest first (at most {max_turns} turns, "
                f"{max_history_chars} characters in all)",
            ),
        ),
        top_k=(TopK, None),
        retriever=(Retriever, None),
    )
    search = create_model(
        "SearchRequest",
        __base__=_Strict,
        query=(question, Field(description=f"what to look for: {rules}")),
        top_k=(TopK, None),
        retriever=(Retriever, None),
    )
    return RequestModels(ask=ask, search=search)


# ---------------------------------------------------------------------------------------- responses
# The answer, passage and document models are declared once, in qa.contract, with the functions that
# produce them from the shared types (the CLI's --json prints the same models); the rest are the
# service's own.


class SkippedOut(BaseModel):
    path: str
    reason: str


class IndexSummary(BaseModel):
    build: str
    embedder: str | None
    created: str | None
    corpus_fingerprint: str | None
    counts: dict[str, int]
    skipped: list[SkippedOut]


class HealthResponse(BaseModel):
    """With QA_API_KEY set, callers without the key get only `status`."""

    status: Literal["ok"]
    documents: int | None = None
    chunks: int | None = None
    index: IndexSummary | None = None


class ReloadResponse(BaseModel):
    status: Literal["reloaded"]
    rebuilt: bool
    index: IndexSummary


class ErrorBody(BaseModel):
    code: str
    message: str
    details: list[dict[str, Any]] | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody
