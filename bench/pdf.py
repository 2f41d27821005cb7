"""PDF reading speed and text fidelity: pypdfium2 (used) vs pypdf, on the corpus as generated PDFs.

`python -m bench.pdf` makes the five theses into PDFs (bench/pdfgen.py: A4, running header and
footer, roman front matter, outline, hyphenated line ends), reads each with both libraries and
prints pages/s (text extraction alone, in this process) and fidelity: the share of the drawn
words each library gives back in order (difflib ratio over word sequences).
"""
from __future__ import annotations

import difflib
import platform
import subprocess
import tempfile
import time
from pathlib import Path

from bench.pdfgen import spec_from_thesis, write_pdf
from indexer.thesis import parse_thesis

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _pdfium(path: Path) -> list[str]:
    from indexer.formats.pdf_worker import extract

    result = extract(path.read_bytes(), 10_000)
    return [" ".join(line[4] for line in page["lines"]) for page in result["pages"]]


def _pypdf(path: Path) -> list[str]:
    import pypdf

    return [page.extract_text() or "" for page in pypdf.PdfReader(path).pages]


def _cpu() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        return next(line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Model name"))
    except (OSError, StopIteration):
        return platform.processor() or "unknown"


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
    pdfs = []
    for text_path in sorted(CORPUS.glob("*.txt")):
        thesis = parse_thesis(text_path, count_tokens=lambda s: len(s.split()))
        spec = spec_from_thesis(text_path.read_text(encoding="utf-8"), thesis, header="Masteroppgave")
        drawn = [" ".join(["Masteroppgave"] * bool(i) + [l.lstrip("\t") for l in p.lines if l] + [p.label] * bool(i))
                 for i, p in enumerate(spec.pages)]
        pdfs.append((write_pdf(spec, folder / f"{text_path.stem}.pdf"), drawn))
    n_pages = sum(len(d) for _, d in pdfs)
    print(f"CPU: {_cpu()}; {len(pdfs)} PDFs, {n_pages} pages")
    for name, read in (("pypdfium2", _pdfium), ("pypdf", _pypdf)):
        seconds, ratios = 0.0, []
        for path, drawn in pdfs:
            began = time.perf_counter()
            pages = read(path)
            seconds += time.perf_counter() - began
            ratios.append(difflib.SequenceMatcher(None, " ".join(drawn).split(), " ".join(pages).split(),
                                                  autojunk=False).ratio())
        print(f"{name:10s} {n_pages / seconds:7.1f} pages/s  word fidelity {min(ratios):.4f} (worst) "
              f"{sum(ratios) / len(ratios):.4f} (mean)")
    from indexer.formats import read_source

    began = time.perf_counter()
    for path, _ in pdfs:
        read_source(path)
    print(f"read_source (child process with limits, lines, pages): {n_pages / (time.perf_counter() - began):.1f} pages/s")


if __name__ == "__main__":
    main()
