"""Which cards get their entities when not every card fits under an entity cap."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# Entity kinds few households look at; an option turns them off for every card to make room.
RARELY_USED_KINDS = frozenset(
    {"balance", "last_renewed", "spent_last_365_days", "record_use", "confirm_renewal"}
)


def fitting_cards(sizes: Mapping[str, int], order: Iterable[str], room: int) -> list[str]:
    """Return the cards, taken in `order`, whose entities all fit together into `room`.

    A card comes whole or not at all, and the first card that does not fit ends the list: the
    cards shown are always the first ones in the order (the soonest deadlines), never a later
    small card in place of an earlier large one.
    """
    chosen: list[str] = []
    left = room
    for card_id in order:
        size = sizes[card_id]
        if size > left:
            break
        chosen.append(card_id)
        left -= size
    return chosen


def named_cards(names: Iterable[str], limit: int) -> tuple[list[str], int]:
    """Return the first `limit` names, and how many more there are."""
    listed = list(names)
    return listed[:limit], max(len(listed) - limit, 0)
