"""Command line: ``python -m metrics report INPUT... --out DIR [--as-of YYYY-MM-DD] [--mapping FILE]``.

Exit status: 0 written; 1 the input cannot be used (one line on stderr says what and where);
2 the command line is wrong; 70 an internal error (one line; never a traceback).
"""

from __future__ import annotations

import argparse
import sys

EXIT_INPUT = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line."""

    def error(self, message):
        print(f"error: {message} (see: python -m metrics report --help)", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def parser() -> argparse.ArgumentParser:
    main = _Parser(prog="python -m metrics", description="CRM metrics from the command line.")
    commands = main.add_subparsers(dest="command", required=True, parser_class=_Parser)
    report = commands.add_parser(
        "report", help="load exports and write every report the data supports",
        description="Load CRM exports (files, folders of files, or http(s) links) the way the "
                    "dashboard does, and write kpis.csv, sales_monthly.csv, products.csv, rfm.csv, "
                    "rfm_segments.csv, cohorts.csv, funnel.csv, reps.csv, campaigns.csv, clv.csv, "
                    "clv_model.csv, clv_historical.csv and report.xlsx for whatever the data supports.")
    report.add_argument("inputs", nargs="+", metavar="INPUT", help="file, folder or http(s) link")
    report.add_argument("--out", required=True, metavar="DIR", help="folder to write into (created)")
    report.add_argument("--as-of", metavar="YYYY-MM-DD",
                        help="use only data before this day; recency and age are measured to it")
    report.add_argument("--mapping", metavar="FILE",
                        help="saved column mapping (JSON) to load every input with")
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from ingest.errors import InputError
    from metrics.report import printable, run_report

    try:
        run_report(args.inputs, args.out, as_of=args.as_of, mapping_file=args.mapping,
                   warn=lambda line: print(line, file=sys.stderr))
    except InputError as exc:
        print(f"error: {printable(exc)}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the contract is one line, never a traceback
        first = str(exc).splitlines()[0] if str(exc) else ""
        print(f"error: internal error ({type(exc).__name__}: {printable(first)})", file=sys.stderr)
        return EXIT_INTERNAL
    return 0


if __name__ == "__main__":
    sys.exit(main())
