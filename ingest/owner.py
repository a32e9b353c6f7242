"""Who the owner is: the one person whose words become the corpus.

Messenger never marks the exporter. Order of evidence (format doc §6): ``--owner``, the profile
file, the name heading of a pre-2018 HTML export, then the one person present in every thread.
Names are compared after the mojibake fix, NFC, case-folded, so "Jenő Rejtő" from the profile
matches the sender of every thread.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable

from ingest.errors import EXIT_OWNER_UNKNOWN, IngestError

#: what Facebook writes for deactivated or deleted accounts; never the owner
PLACEHOLDER_NAMES = frozenset(
    {
        "facebook user",
        "utilisateur de facebook",
        "facebook-nutzer",
        "usuario de facebook",
        "utente di facebook",
        "instagram user",
    }
)


def name_key(name: str) -> str:
    """Comparison form of a display name."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


class OwnerVotes:
    """Evidence about the owner gathered while reading, decided once at the end."""

    def __init__(self) -> None:
        self.declared: list[str] = []  # profile files and HTML headings
        self.thread_members: list[set[str]] = []
        self.display: dict[str, str] = {}
        self.sent: Counter[str] = Counter()

    def add_declared(self, name: str) -> None:
        if name.strip():
            self.declared.append(name.strip())

    def add_thread(self, participants: Iterable[str], senders: Iterable[str]) -> None:
        members: set[str] = set()
        for name in [*participants, *senders]:
            key = name_key(name)
            if key and key not in PLACEHOLDER_NAMES:
                members.add(key)
                self.display.setdefault(key, name.strip())
        for name in senders:
            self.sent[name_key(name)] += 1
        if members:
            self.thread_members.append(members)

    def decide(self, explicit: str | None, where: str) -> tuple[str, str]:
        """Return (owner name, how it was found) or raise IngestError naming the candidates."""
        if explicit:
            return explicit.strip(), "--owner"
        if self.declared:
            counts = Counter(self.declared)
            return counts.most_common(1)[0][0], "profile"
        if self.thread_members:
            common = set.intersection(*self.thread_members)
            if len(common) == 1 and len(self.thread_members) >= 2:
                key = next(iter(common))
                return self.display[key], "in every thread"
            candidates = sorted(
                common or set().union(*self.thread_members), key=lambda k: (-self.sent[k], k)
            )
            shown = ", ".join(self.display[k] for k in candidates[:4])
            raise IngestError(
                f"{where}: cannot tell who the owner is (no profile file; "
                f"{len(self.thread_members)} thread(s), candidates: {shown}); pass --owner NAME",
                exit_code=EXIT_OWNER_UNKNOWN,
            )
        # No threads: posts and comments files are the owner's own, so no name is needed.
        return "", "nowhere (not needed: no Messenger threads)"
