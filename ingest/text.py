"""Text hygiene shared by every parser: one place that turns raw export strings into corpus text.

Facebook's JSON writes UTF-8 bytes as ``\\u00XX`` code points (mojibake), HTML carries entities
and "Updated ..." trailers, posts carry ``@[id:n:Name]`` tag markup, and the corpus must not leak
e-mail addresses, phone numbers or links. Doing all of it here keeps the parsers about structure
only and guarantees every string gets the same treatment in the same order.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from ingest.dates import parse_html_date

EMAIL_TOKEN = "<email>"
PHONE_TOKEN = "<phone>"
URL_TOKEN = "<url>"
PLACEHOLDERS = (EMAIL_TOKEN, PHONE_TOKEN, URL_TOKEN)


def fix_mojibake(value: str) -> str:
    """Undo Facebook's UTF-8-as-Latin-1 encoding, but only when that is provably what happened.

    A string with any code point above U+00FF was already decoded (E2EE download, HTML, a file
    someone fixed before), and bytes that do not form valid UTF-8 were real Latin-1 text: both are
    returned unchanged, which also makes the fix idempotent.
    """
    if value.isascii():
        return value
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def fix_strings(obj: Any) -> Any:
    """Apply :func:`fix_mojibake` to every string (keys excluded) of a parsed JSON document."""
    if isinstance(obj, str):
        return fix_mojibake(obj)
    if isinstance(obj, list):
        return [fix_strings(item) for item in obj]
    if isinstance(obj, dict):
        return {key: fix_strings(item) for key, item in obj.items()}
    return obj


_TAG_MARKUP = re.compile(r"@\[\d+:(?:\d+:)?([^\]]+)\]")
_UPDATED_LINE = re.compile(
    r"(?:Updated|Last updated|Mis à jour|Mise à jour|Aktualisiert|Actualizado|Actualizada|"
    r"Aggiornato|Atualizado|Atualizada|Bijgewerkt|Zaktualizowano|Uppdaterad|Opdateret|Oppdatert|"
    r"Päivitetty|Frissítve|Aktualizováno|Actualizat|Güncellendi|Обновлено|Оновлено|更新)"
    r"\s*(?:on|am|le|el|il|em|op)?\s*[:：]?\s*(.+)",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
# "ann [at] example [dot] com", "ann(at)example.com", "ann @ example.com"
_DOT = r"(?:\.|\s*[\[({]\s*dot\s*[\])}]\s*)"
_OBFUSCATED_EMAIL = re.compile(
    rf"(?<![\w.+-])[\w.+-]+\s*(?:[\[({{]\s*at\s*[\])}}]|@)\s*[\w-]+(?:{_DOT}[\w-]+)*{_DOT}[A-Za-z]{{2,}}\b",
    re.IGNORECASE,
)
_AT_HINT = re.compile(r"[\[({]\s*at\s*[\])}]", re.IGNORECASE)
# a scheme, "www.", or a bare domain followed by a path ("bit.ly/x", "instagram.com/ann")
_URL = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.|\b(?:[a-z0-9-]+\.)+[a-z]{2,}/)[^\s<>\"']*", re.IGNORECASE
)
_URL_TRAILERS = ".,;:!?)]}\u201d\u2019\u00bb"
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]?\d{2,5}){1,4}(?!\w)"
)
_DIGIT = re.compile(r"\d")
_YEAR = re.compile(r"(?:19|20)\d\d")
_SPACES = re.compile(r"[ \t\u00a0\u200b]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


_DATE_LIKE = re.compile(r"\d{1,2}([-.])\d{1,2}\1(?:19|20)\d\d|(?:19|20)\d\d([-.])\d{1,2}\2\d{1,2}")


def _url(match: re.Match[str]) -> str:
    """The placeholder, keeping punctuation that closes the sentence or a bracket around the link
    ("(see https://x.com/a)." keeps ")."; "…/Foo_(bar)" keeps its own parenthesis)."""
    url, trail = match.group(0), ""
    while url and url[-1] in _URL_TRAILERS:
        closer = url[-1]
        opener = {")": "(", "]": "[", "}": "{"}.get(closer)
        if opener is not None and url.count(opener) >= url.count(closer):
            break
        url, trail = url[:-1], closer + trail
    return URL_TOKEN + trail


def _phone_or_not(match: re.Match[str]) -> str:
    """Keep digit runs that are not phone numbers: too few digits, dates, or a list of years."""
    found = match.group(0)
    if _DATE_LIKE.fullmatch(found):
        return found
    digits = sum(ch.isdigit() for ch in found)
    groups = re.findall(r"\d+", found)
    if digits < 7 or digits > 15:
        return found
    if all(len(g) == 4 and _YEAR.fullmatch(g) for g in groups):
        return found
    if len(groups) == 1 and not found.startswith("+"):
        # one unbroken digit run: a phone only when it looks like one (leading 0 or 10+ digits)
        if not (found.startswith("0") or digits >= 10):
            return found
    return PHONE_TOKEN


@dataclass(frozen=True)
class Scrubber:
    """Privacy settings: which personal details stay in the corpus (all replaced by default)."""

    keep_emails: bool = False
    keep_phones: bool = False
    keep_urls: bool = False

    def __call__(self, text: str) -> str:
        # cheap substring tests first: most messages have no link, no "@", no digits
        if not self.keep_urls and ("/" in text or "www." in text or "WWW." in text):
            text = _URL.sub(_url, text)
        if not self.keep_emails and ("@" in text or _AT_HINT.search(text)):
            text = _OBFUSCATED_EMAIL.sub(EMAIL_TOKEN, _EMAIL.sub(EMAIL_TOKEN, text))
        if not self.keep_phones and _DIGIT.search(text):
            text = _PHONE.sub(_phone_or_not, text)
        return text


def strip_tag_markup(text: str) -> str:
    """``@[123:2048:Some Name]`` -> ``Some Name`` so numeric profile ids never reach the corpus."""
    return _TAG_MARKUP.sub(r"\1", text)


def strip_updated_lines(text: str) -> str:
    """Drop the "Updated <date>" / "Mis à jour : <date>" lines added to edited posts."""
    kept = []
    for line in text.split("\n"):
        match = _UPDATED_LINE.fullmatch(line.strip())
        if match is None or parse_html_date(match.group(1)) is None:
            kept.append(line)
    return "\n".join(kept)


def normalize(text: str) -> str:
    """Entities, NFC, tidy whitespace: the last step before a string becomes corpus text."""
    # The common case: one tidy line, nothing to unescape. ``isprintable`` is False for every
    # character the full path below changes ("\r", "\n", "\t", U+00A0, U+200B) in one C pass;
    # a string it rejects for another reason (an emoji joiner) takes the full path, which
    # leaves such a string as the shortcut would.
    if text.isprintable() and "&" not in text and "  " not in text and text == text.strip():
        return (
            text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)
        )
    text = html.unescape(text) if "&" in text else text
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def clean(text: str | None, scrub: Scrubber) -> str:
    """Full pipeline for one already-decoded string; returns "" when nothing is left."""
    if not text:
        return ""
    text = normalize(strip_tag_markup(text) if "@[" in text else text)
    scrubbed = scrub(text)
    return scrubbed if scrubbed is text else normalize(scrubbed)


def only_placeholders(text: str) -> bool:
    """True when nothing but privacy tokens and punctuation is left (a bare link is not writing)."""
    if "<" not in text:
        return False
    rest = text
    for token in PLACEHOLDERS:
        rest = rest.replace(token, "")
    if rest == text:
        return False
    return all(ch.isspace() or unicodedata.category(ch).startswith("P") for ch in rest)
