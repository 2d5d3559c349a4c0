"""Where simrenew serves its own frontend files (the dashboard card).

Kept apart from Home Assistant's imports so the release check can compare it with the
paths the Marketplace serves dashboard resources from, without loading the integration.
"""

from __future__ import annotations

from typing import Final

# One prefix of its own: a Marketplace install of any repository named "simrenew" lands
# under /local/community/ or /hacsfiles/, never here.
FRONTEND_URL_PREFIX: Final = "/simrenew/"
