"""Characters a name cannot show: control, zero-width and other invisible ones."""

from __future__ import annotations

import unicodedata

# Control, format (zero-width, direction marks) and lone surrogate characters: invisible in
# a name, and a surrogate cannot even be saved.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})
# What emoji sequences are built of: a joiner between emoji, and the tags that spell a flag
# after a black flag. A skin tone or a variation selector may stand between emoji and joiner.
_ZERO_WIDTH_JOINER = "\u200d"
_EMOJI_MODIFIERS = "\ufe0f\ufe0e\U0001f3fb\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff\u20e3"
_FLAG = "\U0001f3f4"
_TAG_FIRST = "\U000e0020"
_TAG_LAST = "\U000e007e"
_CANCEL_TAG = "\U000e007f"


def has_hidden_characters(text: str) -> bool:
    """Return whether `text` holds control, zero-width or other invisible characters.

    A zero-width joiner between two emoji ("👨‍👩‍👧", "👩🏽‍💻") and the tags of a flag
    ("🏴󠁧󠁢󠁳󠁣󠁴󠁿") are part of what is seen, not hidden: only those are let through.
    """
    index = 0
    while index < len(text):
        char = text[index]
        if char == _ZERO_WIDTH_JOINER and _joins_emoji(text, index):
            index += 1
        elif char == _FLAG and (end := _flag_tags_end(text, index + 1)) is not None:
            index = end
        elif unicodedata.category(char) in _HIDDEN_CATEGORIES:
            return True
        else:
            index += 1
    return False


def _joins_emoji(text: str, index: int) -> bool:
    """Return whether the joiner at `index` stands between two emoji, as in a family emoji."""
    before = text[:index].rstrip(_EMOJI_MODIFIERS)
    after = text[index + 1 : index + 2]
    return bool(before) and _is_emoji(before[-1]) and bool(after) and _is_emoji(after)


def _is_emoji(char: str) -> bool:
    """Return whether a character is a pictograph: the symbols emoji sequences join."""
    return unicodedata.category(char) == "So"


def _flag_tags_end(text: str, start: int) -> int | None:
    """Return where the tags of a flag such as Scotland's end, or None if they are not one."""
    end = start
    while end < len(text) and _TAG_FIRST <= text[end] <= _TAG_LAST:
        end += 1
    if end == start or end >= len(text) or text[end] != _CANCEL_TAG:
        return None
    return end + 1
