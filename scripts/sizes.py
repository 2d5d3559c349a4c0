"""Fail when a module of the package is over 300 lines or a class over 200.

A file that holds one job stays short enough to read at once; a long one is two jobs.
"""

from __future__ import annotations

import ast
from pathlib import Path
import sys

MODULE_LINES = 300
CLASS_LINES = 200
PACKAGE = Path(__file__).resolve().parent.parent / "custom_components" / "simrenew"


def oversized(path: Path) -> list[str]:
    """Return what is too long in one module, as lines to print."""
    text = path.read_text(encoding="utf-8")
    name = path.relative_to(PACKAGE.parent.parent)
    found: list[str] = []
    if (lines := len(text.splitlines())) > MODULE_LINES:
        found.append(f"{name}: {lines} lines (at most {MODULE_LINES})")
    for node in ast.walk(ast.parse(text, str(path))):
        if isinstance(node, ast.ClassDef) and node.end_lineno is not None:
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            if (length := node.end_lineno - first + 1) > CLASS_LINES:
                found.append(
                    f"{name}:{node.lineno}: class {node.name} is {length} lines"
                    f" (at most {CLASS_LINES})"
                )
    return found


def main() -> int:
    """Print every module and class over its limit; return 1 if there is any."""
    found = [line for path in sorted(PACKAGE.rglob("*.py")) for line in oversized(path)]
    for line in found:
        print(line, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
