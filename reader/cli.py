"""The `reader` command: open the app, or check and export a folder."""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from reader import __version__, collector
from reader.data.sanitize import shown_path

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3
_COMMANDS = ("check", "export", "events")


def bundled_seeds() -> Path:
    """The seeds shipped with the package (wheel) or beside it (source checkout)."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "seeds", package.parent / "seeds"):
        if candidate.is_dir():
            return candidate
    return package.parent / "seeds"


def _size(text: str) -> int:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*", text.lower())
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (try 10M or 500K)")
    factor = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[match.group(2)]
    return int(float(match.group(1)) * factor)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-cache", action="store_true",
                        help="read the files directly; do not use or update the index cache")
    parser.add_argument("--max-file-size", type=_size, default=None, metavar="SIZE",
                        help="skip story files larger than this, as a problem (default 10M)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reader",
        description="A terminal reader for folders of news stories and their related coverage.",
        epilog="Commands: `reader check PATH` lists bad files; `reader export PATH` prints stories; "
        "`reader events PATH` lists the news events across them. See `reader COMMAND --help`.",
    )
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    parser.add_argument("path", nargs="?", help="a folder of story files, or one file (default: the bundled seeds)")
    _common(parser)
    return parser


def build_command_parser(command: str) -> argparse.ArgumentParser:
    if command == "check":
        parser = argparse.ArgumentParser(
            prog="reader check",
            description="List every file under PATH that cannot be read as a story. "
            "Exit status 0 when there are none, 1 when there are some, 2 on a usage error.",
        )
    elif command == "events":
        parser = argparse.ArgumentParser(
            prog="reader events",
            description="Print the events under PATH, newest first (by their first report): the articles, "
            "from every story file and related list, that report one piece of news. Only events that "
            "hold a story file are listed.")
        parser.add_argument("--format", choices=("json", "markdown"), default="json",
                            help="json: every event as data; markdown: a digest with each event's timeline "
                            "(default json)")
        parser.add_argument("--filter", metavar="QUERY",
                            help="only the events with a story file that matches a query, as in the app")
    else:
        parser = argparse.ArgumentParser(
            prog="reader export", description="Print every story under PATH, newest first."
        )
        parser.add_argument("--format", choices=("json", "markdown"), default="json",
                            help="json: every story as data; markdown: a readable digest (default json)")
        parser.add_argument("--filter", metavar="QUERY",
                            help='only the stories that match a query, as in the app: words, "phrases", '
                            "provider:NAME topic:NAME after:DATE before:DATE quality>N heat>N related>N "
                            "is:read is:unread is:starred event:ID, -term")
    parser.add_argument("path", help="a folder of story files, or one file")
    _common(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    collector.hold_off()
    try:
        if argv and argv[0] in _COMMANDS:
            command = argv[0]
            args = build_command_parser(command).parse_args(argv[1:])
        else:
            command = "open"
            args = build_parser().parse_args(argv)
    except SystemExit as exit_:  # argparse: --help, --version, or a usage error
        return int(exit_.code or 0) if exit_.code in (0, None) else EXIT_USAGE
    try:
        return _run(command, args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_OK
    except Exception as error:  # noqa: BLE001 - the promise is: never a traceback
        print(f"reader: unexpected error: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_BUG


def _run(command: str, args: argparse.Namespace) -> int:
    path = args.path if args.path is not None else str(bundled_seeds())
    if not os.path.exists(path):
        what = "a symbolic link to nothing, or a link loop" if os.path.lexists(path) else "no such file or folder"
        print(f"reader: {shown_path(path)}: {what}", file=sys.stderr)
        return EXIT_USAGE
    from reader.data.discover import DEFAULT_MAX_BYTES

    max_bytes = DEFAULT_MAX_BYTES if args.max_file_size is None else args.max_file_size
    if command == "open":
        from reader.app import run_app

        shown = path if args.path is not None else "bundled seeds"
        return run_app(path, use_cache=not args.no_cache, max_bytes=max_bytes, display_name=shown)
    collector.resume()
    if command == "check":
        return _check(path, max_bytes)
    from reader.data.corpus import Corpus

    corpus = Corpus(path, use_cache=not args.no_cache, max_bytes=max_bytes)
    try:
        for notice in corpus.notices:
            print(f"reader: {notice}", file=sys.stderr)
        if command == "events":
            return _events(corpus, args)
        return _export(corpus, args)
    finally:
        corpus.close()


def _check(path: str, max_bytes: int) -> int:
    from reader.data.check import check_folder

    report = check_folder(path, max_bytes)
    for notice in report.notices:
        print(f"reader: {notice}", file=sys.stderr)
    for problem in report.problems:
        print(problem.line_of_text())
    stories = "story" if report.stories == 1 else "stories"
    noun = "problem" if len(report.problems) == 1 else "problems"
    others = report.not_stories
    skipped = f", {others} other {'file' if others == 1 else 'files'} skipped" if others else ""
    print(f"{report.stories} {stories}, {len(report.problems)} {noun}{skipped}")
    return EXIT_PROBLEMS if report.problems else EXIT_OK


def _export(corpus, args: argparse.Namespace) -> int:
    from reader.data.export import write
    from reader.data.query import QueryError, compile_query, parse_query

    try:
        where, params = compile_query(parse_query(args.filter or ""))
    except QueryError as error:
        print(f"reader: --filter: {error.message} (at character {error.position + 1})", file=sys.stderr)
        return EXIT_USAGE
    corpus.scan(whole=True)
    write(corpus, corpus.story_ids("newest", where, params), args.format, sys.stdout)
    sys.stdout.flush()
    return EXIT_OK


def _events(corpus, args: argparse.Namespace) -> int:
    from reader.data.event_export import write_events
    from reader.data.query import QueryError, parse_query

    try:
        query = parse_query(args.filter or "")
    except QueryError as error:
        print(f"reader: --filter: {error.message} (at character {error.position + 1})", file=sys.stderr)
        return EXIT_USAGE
    corpus.scan(whole=True)
    ids = corpus.event_ids("newest", query)
    write_events(corpus, ids, args.format, sys.stdout)
    sys.stdout.flush()
    return EXIT_OK


def _silence_stdout() -> None:
    # After a closed pipe, make the interpreter's final flush quiet.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
