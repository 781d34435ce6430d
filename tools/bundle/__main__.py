"""python -m tools.bundle DEST [--source] [--force] [--list]: write the CIRCUITPY folder and
print what it holds. Exit status 2 when files of the user's stand where the bundle must write."""

import argparse
import sys

from tools.bundle import BundleError
from tools.bundle.build import build
from tools.bundle.care import Clash
from tools.bundle.report import circup_mismatch

PROG = "python -m tools.bundle"


def main(argv=None):
    """Build the bundle from the command line; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Write a CIRCUITPY-ready folder DEST (and DEST.zip) for the Matrix Portal M4.",
    )
    parser.add_argument(
        "dest",
        help="folder to write (the CIRCUITPY drive too): only files an earlier bundle wrote "
        "there are replaced",
    )
    parser.add_argument(
        "--source",
        action="store_true",
        help="ship .py sources, for CircuitPython versions other than 10.x (default: .mpy "
        "files for CircuitPython 10.x)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="where a file of yours stands in the bundle's way, keep it as NAME.bak and write "
        "the bundle's; settings.toml values that differ become the bundle's",
    )
    parser.add_argument("--list", action="store_true", help="also list every file with its size")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        report = build(args.dest, source=args.source, force=args.force)
    except Clash as error:
        print("%s: %s" % (PROG, error), file=sys.stderr)
        return 2
    except (BundleError, OSError) as error:
        print("%s: %s" % (PROG, error), file=sys.stderr)
        return 1
    print("\n".join(report.lines(listing=args.list)))
    for note in report.notes:
        print("note: " + note, file=sys.stderr)
    warning = circup_mismatch(report)
    if warning:
        print("warning: " + warning, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
