"""Character vocabulary with reserved markers and an unknown token.

Why a fixed layout: the four reserved ids come first so every checkpoint agrees on them, and
the character list is stored in the checkpoint as a plain string (loadable with
``weights_only=True``). Characters the model never saw in training (emoji in a Discord message,
say) map to ``UNK`` instead of crashing, unlike the original project's silent map to ``'0'``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

#: Reserved characters that render a record (see ``model.corpus.render_record``). They are
#: ASCII control characters that corpus text can never contain: ``corpus.clean_text`` strips
#: them (and every other control character except newline and tab) from the input.
BOS = "\x02"  # start of a record
SEP = "\x1f"  # start of the owner's text (after the optional context)
EOS = "\x03"  # end of the record
RESERVED = (BOS, SEP, EOS)

UNK_ID, BOS_ID, SEP_ID, EOS_ID = 0, 1, 2, 3
N_SPECIAL = 4


class Vocab:
    """Maps characters to ids: 0 = unknown, 1..3 = the reserved markers, then the characters."""

    def __init__(self, chars: str) -> None:
        if any(c in RESERVED for c in chars) or len(set(chars)) != len(chars):
            raise ValueError("vocabulary characters must be unique and not reserved")
        self.chars = chars
        self._index = {BOS: BOS_ID, SEP: SEP_ID, EOS: EOS_ID}
        self._index.update({c: i + N_SPECIAL for i, c in enumerate(chars)})

    @classmethod
    def build(cls, texts: Iterable[str], min_count: int = 1) -> Vocab:
        """Keep characters seen at least ``min_count`` times; rarer ones become ``UNK``."""
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(text)
        for marker in RESERVED:
            counts.pop(marker, None)
        return cls("".join(sorted(c for c, n in counts.items() if n >= min_count)))

    def __len__(self) -> int:
        return N_SPECIAL + len(self.chars)

    def encode(self, text: str) -> list[int]:
        get = self._index.get
        return [get(c, UNK_ID) for c in text]

    def decode(self, ids: Iterable[int]) -> str:
        """Turn ids back into text; markers and unknowns are dropped (they are never shown)."""
        chars = self.chars
        return "".join(chars[i - N_SPECIAL] for i in ids if i >= N_SPECIAL)
