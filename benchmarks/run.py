"""`make bench`: every benchmark, each against the peer named in its issue, in one run."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECTIONS = ["core"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sections", nargs="*", default=SECTIONS, choices=SECTIONS)
    parser.add_argument("--iterations", type=int, default=200)
    args = parser.parse_args()
    if "core" in args.sections:
        from benchmarks import core

        print(core.report(core.run(args.iterations)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
