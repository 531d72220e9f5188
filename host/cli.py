"""The `repetend` command line."""

from __future__ import annotations

import argparse
from importlib.metadata import version


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="repetend")
    parser.add_argument("--version", action="version", version=f"repetend {version('repetend')}")
    parser.parse_args(argv)
    return 0
