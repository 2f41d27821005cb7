"""The JSON the API reads and writes, as pydantic models for the OpenAPI schema (/openapi.json, /docs).

Requests are parsed and checked by the same code as `qa batch` lines (`qa.batch`), so that the
messages are the command line's; these models describe them for clients and for schema fuzzing.
"""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from qa.search import MAX_K


class FiltersIn(BaseModel):
    """Empty or absent fields do not filter."""

    model_config = ConfigDict(extra="forbid")
    theses: list[str] = Field(default=[], description="corpus file names (see GET /theses)")
    languages: list[str] = Field(default=[], description="passage languages: no, en")
    parts: list[str] = Field(default=[], description="front, body, appendix")


class AskIn(BaseModel):
    """A question, as a `qa batch` input line; other fields are ignored."""

    id: Any = Field(default=None, description="echoed in the answer")
    question: str = Field(description="Norwegian or English; control characters are ignored, "
                                      "beyond 2000 characters it is cut with a notice")
    k: int = Field(default=5, ge=1, le=MAX_K, description="number of passages")
    filters: FiltersIn | None = None


class SearchIn(AskIn):
    k: int = Field(default=10, ge=1, le=MAX_K, description="number of passages")


class Citation(BaseModel):
    apa: str
    norwegian: str


class PassageOut(BaseModel):
    """A source of an answer; `start`/`end` are the quote's offsets (the passage's without a quote)."""

    doc: str
    thesis: str
    section: str
    part: str = Field(description='"front", "body" or "appendix"')
    language: str = Field(description='the passage\'s language: "no" or "en"')
    page: int
    page_label: str = Field(description='the page as printed on it ("iv", "12"), else its number; "" for a '
                                        'file without fixed pages (Word), which is cited by section')
    last_page_label: str = Field(description="the last page of the quote (of the passage without one), as printed")
    start: int
    end: int
    score: float
    text: str
    quote: str
    passage_start: int
    passage_end: int
    citation: dict[str, str]


class AnswerOut(BaseModel):
    """As `qa ask --json` and `qa batch` lines."""

    id: Any = None
    question: str
    answer: str
    abstained: bool
    confidence: str = Field(description='"high", "low" or "none" (none: no answer found, the nearest passages listed)')
    confidence_score: float
    confidence_reasons: list[str]
    unknown_words: list[str] = Field([], description="the question's words that the corpus never uses (an answer "
                                     "with any is `low` at best)")
    passages: list[PassageOut]
    notices: list[str] = []


class HitOut(BaseModel):
    """A retrieved passage (overlapping ones merged); `start`/`end` are its offsets in the thesis's text."""

    doc: str
    thesis: str
    section: str
    part: str
    language: str
    page: int
    page_end: int
    page_label: str = Field(description='the first page as printed on it ("iv", "12"), else its number')
    page_end_label: str
    start: int
    end: int
    score: float
    text: str


class SearchOut(BaseModel):
    id: Any = None
    question: str
    passages: list[HitOut]


class ThesisOut(BaseModel):
    doc: str
    title: str
    authors: list[str]
    year: str
    institution: str
    degree: str
    topic: str = Field(default="", description="what the thesis is about (its research question)")
    derived: list[str] = Field(default_factory=list, description="fields read off the thesis text, not the catalog")
    pages: int
    passages: int
    sentences: int
    languages: dict[str, int]


class ThesesOut(BaseModel):
    theses: list[ThesisOut]
    passages: int
    sentences: int


class HealthOut(BaseModel):
    status: str
    snapshot: str | None = None
    built_at: str | None = None
    model: str | None = None
    query_dtype: str | None = None
    backend: str | None = None
    theses: int | None = None
    passages: int | None = None
    sentences: int | None = None


class ErrorOut(BaseModel):
    error: str
