"""The "Add theses" tab: upload PDFs into the corpus and index them while the app keeps answering.

Upload is a setting: `TESESOK_UPLOAD=on` or `off`; unset, it is on only when the server listens
on localhost alone (`--server.address localhost`, as `make run` starts it), so a shared public
server does not let visitors add files. Files go into the corpus folder named by
`TESESOK_CORPUS` (default `corpus`, relative to the project folder).

An upload's outcome (what was refused, what became searchable, why the build failed) is kept in
the session state of the browser session that made it and shown there only; another session
sees that a build is running (one at a time per index), never its file names or errors.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import streamlit as st

from qa.library import (
    MAX_FILE_BYTES, MAX_FILES, BuildJob, CatalogInvalid, Checked, Upload, UploadError, add_theses, current_job,
)
from ui.loader import PROJECT_DIR
from ui.reasons import reason_text
from ui.strings import t

UPLOAD_VAR = "TESESOK_UPLOAD"
CORPUS_VAR = "TESESOK_CORPUS"
LOCAL_ADDRESSES = ("localhost", "127.0.0.1", "::1")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$:<>])")
# session_state keys: this session's last upload (see the module docstring)
_CHECKED, _JOB, _REFUSAL = "upload_checked", "upload_job", "upload_refusal"

def enabled() -> bool:
    """Whether this server lets visitors upload theses (see the module docstring)."""
    setting = os.environ.get(UPLOAD_VAR, "").strip().lower()
    if setting in ("on", "1", "true", "yes"):
        return True
    if setting in ("off", "0", "false", "no"):
        return False
    return str(st.get_option("server.address") or "").strip() in LOCAL_ADDRESSES


def corpus_dir() -> Path:
    """The corpus folder named by `TESESOK_CORPUS`, made absolute against the project folder."""
    path = Path(os.environ.get(CORPUS_VAR, "").strip() or "corpus").expanduser()
    return (path if path.is_absolute() else PROJECT_DIR / path).resolve()


def upload_view(index: Path, lang: str) -> None:
    """The tab's content: a build's progress while one runs, else this session's last outcome and the file picker."""
    st.caption(t(lang, "upload_intro", files=MAX_FILES, mb=MAX_FILE_BYTES // 2**20))
    if current_job(index) is not None:
        _progress(index, lang)
        return
    _outcome(lang)
    _picker(index, lang)


@st.fragment(run_every=1.0)
def _progress(index: Path, lang: str) -> None:
    """Redrawn every second while the build runs; then the whole page, so search uses the new index.
    The names are shown only to the session that added them."""
    job = current_job(index)
    if job is None:
        st.rerun()
    mine = job is st.session_state.get(_JOB)
    text = t(lang, "upload_running", names=", ".join(job.added)) if mine else t(lang, "upload_running_other")
    st.progress(job.fraction, text=text)


def _picker(index: Path, lang: str) -> None:
    with st.form("upload_form", clear_on_submit=True, border=False):
        files = st.file_uploader(t(lang, "upload_pick"), type=["pdf"], accept_multiple_files=True, key="upload_files")
        submitted = st.form_submit_button(t(lang, "upload_add"), icon=":material/upload:")
    if submitted and not files:
        st.warning(t(lang, "upload_no_files"), icon=":material/upload_file:")
    if not submitted or not files:
        return
    refusal = None
    try:
        checked, job = add_theses([Upload(f.name, f.getvalue()) for f in files], corpus_dir(), index)
    except UploadError as exc:
        checked, job, refusal = [], None, exc
    st.session_state.update({_CHECKED: checked, _JOB: job, _REFUSAL: refusal})
    st.rerun()  # drawn anew from this session's state: the progress, or the outcome above the picker


def _md(value: str) -> str:
    """`value` shown literally in Markdown (file names and messages come from outside)."""
    return _MARKDOWN.sub(r"\\\1", value)


def _refused(checked: list[Checked], lang: str) -> None:
    for item in checked:
        if item.problem:
            why = reason_text(item.problem, lang)
            st.warning(t(lang, "upload_refused", name=_md(item.original), why=_md(why)))


def _outcome(lang: str) -> None:
    """What became of this session's last upload (nothing from any other session)."""
    refusal = st.session_state.get(_REFUSAL)
    if isinstance(refusal, CatalogInvalid):
        st.error(t(lang, "upload_catalog_refused", why=_md(reason_text(str(refusal), lang))))
    elif refusal is not None:
        st.error(_md(reason_text(str(refusal), lang)))
    _refused(st.session_state.get(_CHECKED, []), lang)
    job: BuildJob | None = st.session_state.get(_JOB)
    if job is None or not job.done:
        return
    for name in job.indexed:
        st.success(t(lang, "upload_added", name=_md(name)))
    for name, why in job.failed.items():
        st.error(t(lang, "upload_failed", name=_md(name), why=_md(reason_text(why, lang, name))))
    if job.kept:
        st.error(t(lang, "upload_build_failed", why=_md(reason_text(job.error, lang)),
                   names=_md(", ".join(job.kept))))
