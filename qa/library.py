"""Adding theses to a running Tesesøk: check uploaded PDFs, save them into the corpus folder under
safe names, and index them in the background while the live index keeps answering.

The build is `python -m indexer build` in a child process (the query side never imports the
indexer); it re-embeds only the new files and switches snapshots atomically, so `qa.load` serves
the old index until the new one is live. Progress is read from the build's progress bars on
stderr. One build runs per index folder at a time.

Before anything is saved, the corpus's catalog is checked the same way (`python -m indexer
catalog`, in a child process): a broken catalog fails every build, so the upload is refused as a
whole rather than saved and then lost. A build that fails as a whole anyway (the catalog broken
meanwhile, the store locked, the model missing) keeps the added files in the corpus: only a file
the build itself refused, naming it, is removed again.
"""
from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from models.materialise import DEFAULT_MODEL_ID
from store.errors import StoreError
from store.layout import current_snapshot
from store.manifest import read_manifest

PROJECT_DIR = Path(__file__).resolve().parent.parent
MAX_FILES = 10  # files per upload
MAX_FILE_BYTES = 50 * 2**20  # per file: a thesis PDF with figures, not a scanned book
SUFFIX = ".pdf"
_NAME_CHARS = re.compile(r"[^a-z0-9æøå]+")
_MAX_STEM = 60
CATALOG_NAME = "catalog.toml"  # the corpus's catalog (indexer.catalog.CATALOG_NAME; qa does not import indexer)
CHECK_SECONDS = 120  # for `indexer catalog`: a Python start and one TOML file
_BAR = re.compile(r"(Theses|Batches):\s*\d+%\|[^|\r\n]*\|\s*(\d+)/(\d+)")


class UploadError(ValueError):
    """An upload refused as a whole (too many files, a build already running); the message says why."""


class CatalogInvalid(UploadError):
    """An upload refused because the corpus's catalog has an error, which would fail every build
    (the message: `catalog_problem`'s reason); nothing was saved."""


@dataclass(frozen=True)
class Upload:
    """One uploaded file: the name the browser gave (never used as a path) and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Checked:
    """What became of one upload: saved as `saved` (a corpus file name), or refused with `problem`."""

    original: str
    saved: str = ""
    problem: str = ""


def safe_name(original: str, taken: set[str]) -> str:
    """A corpus file name made from the browser's file name: lower-case letters, digits and
    hyphens only (no folders, dots or controls), unique among `taken`, ending in .pdf."""
    base = re.split(r"[\\/]", original)[-1]
    stem = base[: -len(SUFFIX)] if base.lower().endswith(SUFFIX) else base
    stem = _NAME_CHARS.sub("-", unicodedata.normalize("NFC", stem).casefold()).strip("-")[:_MAX_STEM].strip("-")
    stem = f"opplastet-{stem or 'avhandling'}"
    name, n = f"{stem}{SUFFIX}", 2
    while name in taken:
        name, n = f"{stem}-{n}{SUFFIX}", n + 1
    return name


def _problem(upload: Upload, known: dict[str, str]) -> str:
    """Why `upload` cannot be added ("" if it can); `known` maps content hashes to corpus files."""
    size = len(upload.data)
    if not upload.name.lower().endswith(SUFFIX):
        return "not a .pdf file"
    if size == 0:
        return "the file is empty"
    if size > MAX_FILE_BYTES:
        return f"too large ({size / 2**20:.1f} MB; at most {MAX_FILE_BYTES // 2**20} MB)"
    if b"%PDF-" not in upload.data[:1024]:
        return "not a PDF file (no PDF header)"
    same = known.get(hashlib.sha256(upload.data).hexdigest())
    return f"already in the corpus as {same}" if same else ""


def save_uploads(uploads: list[Upload], corpus_dir: Path) -> list[Checked]:
    """Check each upload and save the good ones into `corpus_dir` (never replacing a file)."""
    if len(uploads) > MAX_FILES:
        raise UploadError(f"{len(uploads)} files at once; at most {MAX_FILES}")
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise UploadError(f"no corpus folder {corpus_dir}/")
    files = [p for p in corpus_dir.iterdir() if p.is_file() and not p.name.startswith(".")]
    known = {hashlib.sha256(p.read_bytes()).hexdigest(): p.name for p in files}
    out = []
    for upload in uploads:
        problem = _problem(upload, known)
        if problem:
            out.append(Checked(upload.name, problem=problem))
            continue
        saved = _write_new(corpus_dir, upload)
        known[hashlib.sha256(upload.data).hexdigest()] = saved
        out.append(Checked(upload.name, saved=saved))
    return out


def _write_new(corpus_dir: Path, upload: Upload) -> str:
    """Write `upload` under a new safe name: a hidden temp file first, then linked in (atomic, no overwrite)."""
    tmp = corpus_dir / f".upload-{os.getpid()}-{threading.get_ident()}.part"
    tmp.write_bytes(upload.data)
    try:
        while True:
            name = safe_name(upload.name, {p.name for p in corpus_dir.iterdir()})
            try:
                os.link(tmp, corpus_dir / name)
                return name
            except FileExistsError:  # another session took the name meanwhile
                continue
    finally:
        tmp.unlink(missing_ok=True)


@dataclass
class BuildJob:
    """A background `python -m indexer build` adding `added` to the index."""

    corpus_dir: Path
    index_dir: Path
    added: list[str]
    theses: tuple[int, int] = (0, 0)  # theses done, in all
    batches: tuple[int, int] = (0, 0)  # the current embedding bar
    bars_in_thesis: int = 0
    returncode: int | None = None
    output: str = ""
    log: list[str] = field(default_factory=list)
    indexed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # saved name -> why it was not indexed (file removed)
    error: str = ""  # why the build failed as a whole (no absolute paths), if it did
    kept: list[str] = field(default_factory=list)  # added files left in the corpus for the next build
    settled: bool = False  # the lists above are complete

    @property
    def done(self) -> bool:
        return self.settled

    @property
    def fraction(self) -> float:
        """Progress from 0 to 1, counting each thesis equally and its embedding within it."""
        if self.done:
            return 1.0
        done, total = self.theses
        if not total:
            return 0.0
        n, of = self.batches
        inner = (self.bars_in_thesis - 1 + n / of) / 2 if of and self.bars_in_thesis else 0.0
        return min(0.99, (done + min(inner, 1.0)) / total)

    def progress_line(self, line: str) -> None:
        """Follow one line of the build's progress bars ("Theses: 40%|… | 2/5", "Batches: …")."""
        match = _BAR.search(line)
        if match is None:
            return
        kind, n, total = match.group(1), int(match.group(2)), int(match.group(3))
        if kind == "Theses":
            if (n, total) != self.theses:
                self.bars_in_thesis, self.batches = 0, (0, 0)
            self.theses = (n, total)
            return
        if n < self.batches[0] or (n == 0 and self.batches != (0, total)):
            self.bars_in_thesis += 1  # a new bar: passages first, then sentences
        self.batches = (n, total)


_jobs: dict[Path, BuildJob] = {}
_jobs_lock = threading.Lock()


def current_job(index_dir: Path) -> BuildJob | None:
    """The build of `index_dir` this process is running, if any. A finished build is forgotten
    here: its outcome belongs to whoever holds the job `add_theses` returned."""
    job = _jobs.get(Path(index_dir).resolve())
    return job if job is not None and not job.done else None


def add_theses(uploads: list[Upload], corpus_dir: Path, index_dir: Path) -> tuple[list[Checked], BuildJob | None]:
    """Check and save `uploads`, then start indexing the saved ones in the background.

    Returns what became of each upload and the build job (None when nothing was saved). Raises
    UploadError when the upload is refused as a whole or a build of `index_dir` is running, and
    CatalogInvalid (saving nothing) when the corpus's catalog would fail the build.
    """
    key, corpus_dir = Path(index_dir).resolve(), Path(corpus_dir).resolve()
    with _jobs_lock:
        running = _jobs.get(key)
        if running is not None and not running.done:
            raise UploadError("theses are being indexed already; add more when that is done")
        if len(uploads) <= MAX_FILES and (problem := catalog_problem(corpus_dir)):
            raise CatalogInvalid(problem)
        checked = save_uploads(uploads, corpus_dir)
        saved = [c.saved for c in checked if c.saved]
        if not saved:
            return checked, None
        job = _jobs[key] = BuildJob(corpus_dir, key, saved)
    threading.Thread(target=_run, args=(job,), name="tesesok-build", daemon=True).start()
    return checked, job


def _command(job: BuildJob) -> list[str]:
    command = [sys.executable, "-m", "indexer", "build", "--corpus", str(job.corpus_dir), "--index", str(job.index_dir)]
    snapshot = current_snapshot(job.index_dir, strict=False)  # a bad CURRENT: the build replaces it
    if snapshot is not None:
        model = read_manifest(snapshot).get("model_id")
        if model and model != DEFAULT_MODEL_ID:
            command += ["--model", model]  # keep the index's model, so nothing else is re-embedded
    return command


def _env() -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}


def catalog_problem(corpus_dir: Path) -> str:
    """Why the catalog of `corpus_dir` would fail every build ("" if it would not, or cannot be
    checked: the build then says): `python -m indexer catalog` in a child process, as the build runs."""
    corpus_dir = Path(corpus_dir).resolve()
    command = [sys.executable, "-m", "indexer", "catalog", "--corpus", str(corpus_dir)]
    try:
        done = subprocess.run(command, cwd=PROJECT_DIR, env=_env(), capture_output=True, timeout=CHECK_SECONDS)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    if done.returncode == 0:
        return ""
    return _catalog_reason(_error_line(done.stderr.decode("utf-8", "replace").splitlines()), corpus_dir)


def _catalog_reason(error: str, corpus_dir: Path) -> str:
    """`error` (an indexer error message) told as "the catalog corpus/catalog.toml has an error at
    line N: …" if it is about the catalog of `corpus_dir`, else ""."""
    path = str(corpus_dir / CATALOG_NAME)
    if not error.startswith(path):
        return ""
    rest, shown = error[len(path):], f"{_shown(corpus_dir)}/{CATALOG_NAME}"
    line = re.match(r", line (\d+): ", rest)
    if line:
        return f"the catalog {shown} has an error at line {line.group(1)}: {_public(rest[line.end():], corpus_dir)}"
    return f"the catalog {shown} has an error: {_public(rest.lstrip(':').strip(), corpus_dir)}"


def _shown(folder: Path) -> str:
    """`folder` as a visitor may see it: relative to the project folder (`corpus`), else by its own
    name, never the server's absolute path."""
    try:
        return str(Path(folder).relative_to(PROJECT_DIR))
    except ValueError:
        return Path(folder).name


def _public(text: str, *folders: Path) -> str:
    """`text` with the absolute paths of `folders` (then of the project folder) shown as `_shown` does."""
    for folder in folders:
        for form in sorted({str(folder), str(Path(folder).resolve())}, key=len, reverse=True):
            text = text.replace(form, _shown(Path(form)))
    return text.replace(f"{PROJECT_DIR}{os.sep}", "")


def _error_line(lines: list[str]) -> str:
    """The message of the last `error: …` line in `lines` ("" if none)."""
    return next((line.strip()[len("error:"):].strip() for line in reversed(lines) if line.startswith("error:")), "")


def _run(job: BuildJob) -> None:
    """Run the build, follow its progress, then note which added files were indexed."""
    try:
        try:
            process = subprocess.Popen(_command(job), cwd=PROJECT_DIR, env=_env(), stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE)
        except (OSError, StoreError) as exc:
            job.log, job.returncode = [f"error: could not start the build: {exc}"], -1
        else:
            reader = threading.Thread(target=_read_stderr, args=(job, process), daemon=True)
            reader.start()
            job.output = process.stdout.read().decode("utf-8", "replace")
            reader.join()
            job.returncode = process.wait()
        _settle(job)
    finally:
        job.settled = True
        with _jobs_lock:
            if _jobs.get(job.index_dir) is job:
                del _jobs[job.index_dir]


def _read_stderr(job: BuildJob, process: subprocess.Popen) -> None:
    """Feed each line (or progress-bar update, ended by a carriage return) of stderr to the job."""
    pending = ""
    while chunk := process.stderr.read1(4096):
        *lines, pending = re.split(r"[\r\n]", pending + chunk.decode("utf-8", "replace"))
        for line in lines:
            job.progress_line(line)
            if line.strip():
                job.log = [*job.log[-19:], line]
    if pending.strip():
        job.log = [*job.log[-19:], pending]


def _settle(job: BuildJob) -> None:
    """Sort the added files into indexed, failed and kept. A file the build refused, naming it, is
    removed from the corpus; when the build failed as a whole (a non-zero exit, the file not named:
    a broken catalog, a locked store) the file was not at fault and stays for the next build."""
    try:
        snapshot = current_snapshot(job.index_dir, strict=False)  # a bad CURRENT: the build replaces it
        indexed = set(read_manifest(snapshot).get("theses", {})) if snapshot is not None else set()
    except StoreError:  # an unreadable manifest: nothing counts as indexed
        indexed = set()
    if job.returncode != 0:
        job.error = build_error(job)
    for name in job.added:
        if name in indexed:
            job.indexed.append(name)
        elif reason := build_reason(job.output, name):
            job.failed[name] = reason
            (job.corpus_dir / name).unlink(missing_ok=True)
        elif job.returncode != 0:
            job.kept.append(name)
        else:
            job.failed[name] = "the build did not index it"
            (job.corpus_dir / name).unlink(missing_ok=True)


def build_reason(output: str, name: str) -> str:
    """The line of a build's printed report (`output`) that says why it skipped the file `name`."""
    return next((line.strip() for line in output.splitlines() if name in line), "")


def build_error(job: BuildJob) -> str:
    """Why `job`'s build failed as a whole, for a visitor: the catalog's error as `catalog_problem`
    tells it, else the build's last `error: …` line (absolute paths shortened), else its exit code."""
    error = _error_line(job.log)
    if not error:
        return f"the build stopped with exit code {job.returncode}"
    return _catalog_reason(error, job.corpus_dir) or _public(error, job.corpus_dir, job.index_dir)
