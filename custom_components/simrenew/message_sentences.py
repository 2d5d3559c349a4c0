"""Which words of a carrier message name what follows them: close by, in their own sentence."""

from __future__ import annotations

import re

# Words name only what stands in their own sentence; a decimal point ends none.
_STOP = re.compile(r"[。!?;]|\.(?![0-9])")


def near(text: str, end: int, start: int, reach: int) -> bool:
    """Return whether what starts at `start` follows `end` closely, in the same sentence."""
    return 0 <= start - end <= reach and _STOP.search(text, end, start) is None
