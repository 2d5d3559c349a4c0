"""The schema library of the running Home Assistant: probatio from 2026.9, voluptuous before."""

from __future__ import annotations

from typing import TYPE_CHECKING

# Home Assistant 2026.9 replaced voluptuous with probatio and aliases the old name to it; the
# types are probatio's, which is what the newest release checks schemas against.
if TYPE_CHECKING:
    import probatio as vol
else:
    try:
        import probatio as vol
    except ImportError:  # releases before 2026.9
        import voluptuous as vol

__all__ = ["vol"]
