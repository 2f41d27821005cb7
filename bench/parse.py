"""Parse speed: seconds per MB for the corpus's theses and for adversarial files built to be slow.

    .venv/bin/python -m bench.parse              # the five theses and every adversarial file
    .venv/bin/python -m bench.parse --only pages # one adversarial file

Each file is parsed by `indexer.thesis.parse_text` with the real e5 tokenizer counting tokens
(no embedding). Prints one row per file: size, pages, sections, passages, seconds, s/MB, or the
message the parser refused it with. The machine is usually shared; the load average is printed.
"""
from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


_SYLLABLES = "ka lo me ri sun de va tor bi en ul fa".split()


def words(n: int) -> list[str]:
    """`n` words from a vocabulary of 1 728 made-up three-syllable words (enough to look like text)."""
    k = len(_SYLLABLES)
    return ["".join(_SYLLABLES[i // k**j % k] for j in range(3)) for i in (i * 7919 % k**3 for i in range(n))]


def many_pages(n: int = 100_000) -> str:
    """The issue's 889 KB file: `n` pages holding `ord`, each closed by a printed page number."""
    return "".join(f"ord\n\n {17 + i % 3}\n" for i in range(n))


def many_full_pages(n: int = 9_000) -> str:
    """`n` pages of ten varied words each, every page starting with its printed page number (at most 4 digits)."""
    vocabulary = words(10 * n)
    return "".join(f" {i + 1}\n\n" + " ".join(vocabulary[10 * i : 10 * i + 10]) + ".\n\n" for i in range(n))


def many_sections(n: int = 10_000) -> str:
    """`n` numbered sections (1.1.1, 1.1.2, …) of one short paragraph each, laid out like a PDF dump."""
    vocabulary = words(8 * n)
    parts = []
    for i in range(n):
        number = f"{i // 9801 % 20 + 1}.{i // 99 % 99 + 1}.{i % 99 + 1}"
        body = " ".join(vocabulary[8 * i : 8 * i + 8])
        parts.append(f"{number} Tittel på delkapittel\n\nTeksten handler om {body}.\n")
    return "\n".join(parts)


def many_ones(n: int = 100_000) -> str:
    """A short text, then `n` lines holding only `1`."""
    return "Innledning\n\nDette er en kort tekst om rus og ettervern.\n\n" + "1\n" * n


def long_paragraph(n_words: int = 150_000) -> str:
    """One paragraph of `n_words` varied words without a full stop, wrapped at 90 characters."""
    line, lines = [], []
    for word in words(n_words):
        line.append(word)
        if sum(map(len, line)) + len(line) > 90:
            lines.append(" ".join(line))
            line = []
    return "\n\n".join(lines) + "\n"


ADVERSARIAL: dict[str, Callable[[], str]] = {
    "pages": many_pages, "full-pages": many_full_pages, "sections": many_sections, "ones": many_ones,
    "paragraph": long_paragraph,
}


def measure(name: str, text: str, count_tokens) -> str:
    from indexer.errors import ThesisReadError
    from indexer.thesis import parse_text

    mb = len(text.encode("utf-8")) / 1e6
    started = time.perf_counter()
    try:
        thesis = parse_text(name, text, count_tokens=count_tokens)
    except ThesisReadError as exc:
        seconds = time.perf_counter() - started
        return f"{name:28} {mb:7.3f} MB  refused in {seconds:6.2f} s: {exc}"
    seconds = time.perf_counter() - started
    return (f"{name:28} {mb:7.3f} MB  {len(thesis.pages):7d} pages {len(thesis.sections):6d} sections "
            f"{len(thesis.passages):6d} passages  {seconds:7.2f} s  {seconds / mb:6.2f} s/MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=sorted(ADVERSARIAL), help="only this adversarial file")
    args = parser.parse_args()
    from models.tokens import passage_token_counter

    count = passage_token_counter()
    print(f"load average {os.getloadavg()[0]:.2f}")
    if not args.only:
        for path in sorted((REPO / "corpus").glob("*.txt")):
            print(measure(path.name, path.read_text(encoding="utf-8"), count), flush=True)
    for name, make in ADVERSARIAL.items():
        if args.only in (None, name):
            print(measure(f"adversarial:{name}", make(), count), flush=True)


if __name__ == "__main__":
    main()
