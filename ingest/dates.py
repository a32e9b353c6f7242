"""Timestamps: JSON epoch values (always UTC) and the localized date strings of HTML exports.

JSON epochs are exact. HTML dates are free text in the exporter's UI language ("Friday, October
4, 2013 at 10:05pm PDT", "dimanche 4 décembre 2016, 13:54 UTC-07", "6 May 2019, 17:32"), with a
zone only in the oldest exports. Rather than one format string per locale we pick the pieces out
(year, day, a month word from any of the common languages, a clock time, a zone) so that new
locales mostly just work; a date that still cannot be read returns ``None`` and the caller skips
that one item instead of aborting the import.
"""

from __future__ import annotations

import functools
import re
import time
import unicodedata
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Stems of month names (first letters, compared accent- and case-insensitively) in the languages
# Facebook's UI is most used in. Adding a language is adding stems here.
_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("jan", "jän", "ene", "gen", "ian", "sty", "led", "tam", "oca", "янв", "јан"),
    2: ("feb", "fev", "fév", "lut", "úno", "hel", "şub", "фев", "феб"),
    3: ("mar", "mär", "mrt", "maa", "bře", "мар"),
    4: ("apr", "avr", "abr", "kwi", "dub", "huh", "nis", "апр"),
    5: ("may", "mai", "mag", "mei", "maj", "máj", "kvě", "tou", "мая", "май", "мај"),
    6: ("jun", "juin", "iun", "giu", "cze", "kes", "haz", "июн", "јун"),
    7: ("jul", "juil", "iul", "lug", "lip", "hei", "tem", "июл", "јул"),
    8: ("aug", "aoû", "ago", "sie", "srp", "elo", "ağu", "авг"),
    9: ("sep", "set", "sze", "wrz", "zář", "syy", "eyl", "сен", "сеп"),
    10: ("oct", "okt", "ott", "out", "paź", "říj", "lok", "eki", "окт"),
    11: ("nov", "noi", "lis", "kas", "ноя", "нов"),
    12: ("dec", "déc", "dez", "dic", "des", "gru", "pro", "jou", "ara", "дек", "дец"),
}


def _fold(word: str) -> str:
    """Lower-case and drop accents so "Décembre", "décembre" and "decembre" compare equal."""
    decomposed = unicodedata.normalize("NFD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _month_table() -> list[tuple[str, int]]:
    table = {_fold(stem): month for month, stems in _MONTHS.items() for stem in stems}
    # longest stems first so "juil" (July) wins over "jui..." and "mayo" over "may"
    return sorted(table.items(), key=lambda item: -len(item[0]))


_MONTH_STEMS = _month_table()
_NUMERIC_DATE = re.compile(r"(\d{4})\s*[-/.年년]\s*(\d{1,2})\s*[-/.月월]\s*(\d{1,2})")

_TIME = re.compile(
    r"(?<!\d)(\d{1,2})[:.h](\d{2})(?:[:.](\d{2}))?\s*(a\.?\s?m\.?|p\.?\s?m\.?|午前|午後)?(?![\d])",
    re.IGNORECASE,
)
_UTC_OFFSET = re.compile(r"\b(?:UTC|GMT)\s*([+-−])\s*(\d{1,2})(?::?(\d{2}))?", re.IGNORECASE)
_IANA = re.compile(r"\b([A-Z][a-z]+(?:/[A-Za-z_]+)+)\b")
_ABBREVIATIONS: dict[str, float] = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "WET": 0,
    "WEST": 1,
    "BST": 1,
    "IST": 5.5,
    "CET": 1,
    "CEST": 2,
    "MET": 1,
    "MEST": 2,
    "EET": 2,
    "EEST": 3,
    "MSK": 3,
    "PST": -8,
    "PDT": -7,
    "MST": -7,
    "MDT": -6,
    "CST": -6,
    "CDT": -5,
    "EST": -5,
    "EDT": -4,
    "AKST": -9,
    "AKDT": -8,
    "HST": -10,
    "AST": -4,
    "ADT": -3,
    "NST": -3.5,
    "NDT": -2.5,
    "AEST": 10,
    "AEDT": 11,
    "ACST": 9.5,
    "ACDT": 10.5,
    "AWST": 8,
    "NZST": 12,
    "NZDT": 13,
    "JST": 9,
    "KST": 9,
    "HKT": 8,
    "SGT": 8,
}
_ABBREV = re.compile(r"\b(" + "|".join(sorted(_ABBREVIATIONS, key=len, reverse=True)) + r")\b")
_WORD = re.compile(r"[^\W\d_]+")
_NUMBER = re.compile(r"(?<!\d)\d{1,4}(?!\d)")


def epoch_to_utc(value: float | int, *, millis: bool = False) -> datetime | None:
    """A JSON epoch (seconds, or milliseconds for Messenger) as an aware UTC datetime."""
    try:
        seconds = float(value) / 1000.0 if millis else float(value)
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def to_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


#: 9999-12-31: beyond it no date can be written (and 1e300 ms is not a real message time)
_MAX_MS = 253_402_300_800_000


def epoch_ms(value: object) -> int | None:
    """A Messenger ``timestamp_ms`` as int (a numeric string too), or None when it is missing,
    not a number, not finite (JSON ``Infinity`` / ``NaN``) or beyond the year 9999."""
    if type(value) is int and -_MAX_MS < value < _MAX_MS:  # the usual case, once per message
        return value
    if isinstance(value, str):
        try:
            value = int(value)
        except ValueError:
            try:
                value = float(value)
            except ValueError:
                return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if value != value or not -_MAX_MS < value < _MAX_MS:  # NaN, ±inf, absurd
        return None
    return int(value)


@functools.lru_cache(maxsize=4096)
def _utc_day(day: int) -> str | None:
    """``YYYY-MM-DD`` of the ``day``-th day after 1970-01-01 (UTC), or None when out of range."""
    try:
        return time.strftime("%Y-%m-%d", time.gmtime(day * 86_400))
    except (OverflowError, OSError, ValueError):
        return None


def ms_to_iso(ms: int) -> str | None:
    """``timestamp_ms`` straight to the corpus format.

    The hot path (once per kept message): the date is formatted once per day and cached, the
    time of day is plain arithmetic, so there is no datetime object and no strftime per message.
    """
    day, second = divmod(ms // 1000, 86_400)
    date = _utc_day(day)
    if date is None:
        return None
    minute, second = divmod(second, 60)
    hour, minute = divmod(minute, 60)
    return f"{date}T{hour:02d}:{minute:02d}:{second:02d}Z"


def iso_utc(moment: datetime) -> str:
    """The corpus format: ``2019-05-04T13:02:11Z``."""
    m = moment.astimezone(timezone.utc)
    return f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}Z"


def _zone(text: str) -> tuple[timezone | ZoneInfo | None, str]:
    """Find and remove a time zone; returns (zone or None when the date is local time, rest)."""
    match = _UTC_OFFSET.search(text)
    if match:
        sign = -1 if match.group(1) in "-−" else 1
        offset = timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0))
        return timezone(sign * offset), text[: match.start()] + " " + text[match.end() :]
    match = _IANA.search(text)
    if match:
        try:
            return ZoneInfo(match.group(1)), text[: match.start()] + " " + text[match.end() :]
        except (ZoneInfoNotFoundError, ValueError):
            pass
    match = _ABBREV.search(text)
    if match:
        offset = timedelta(hours=_ABBREVIATIONS[match.group(1)])
        return timezone(offset), text[: match.start()] + " " + text[match.end() :]
    return None, text


def _month(text: str) -> int | None:
    """The month named in ``text``; the last month word wins, so a weekday like "mardi" cannot."""
    found: int | None = None
    for word in _WORD.findall(text):
        folded = _fold(word)
        if len(folded) < 3:
            continue
        for stem, month in _MONTH_STEMS:
            if folded.startswith(stem):
                found = month
                break
    return found


def parse_html_date(text: str) -> tuple[datetime, bool] | None:
    """Parse one localized export date; returns (UTC datetime, had_zone) or None.

    Without a zone the wall-clock time is taken as UTC (``had_zone`` False) — right for ordering,
    possibly hours off in absolute terms, which the summary reports.
    """
    zone, rest = _zone(" ".join(text.split()))
    hour = minute = second = 0
    match = _TIME.search(rest)
    if match:
        hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
        meridiem = (match.group(4) or "").replace(".", "").replace(" ", "").lower()
        if meridiem in {"pm", "午後"} and hour < 12:
            hour += 12
        elif meridiem in {"am", "午前"} and hour == 12:
            hour = 0
        rest = rest[: match.start()] + " " + rest[match.end() :]
    numeric = _NUMERIC_DATE.search(rest)
    if numeric:
        year, month, day = (int(part) for part in numeric.groups())
    else:
        found_month = _month(rest)
        numbers = [int(n) for n in _NUMBER.findall(rest)]
        years = [n for n in numbers if n >= 1000]
        days = [n for n in numbers if 1 <= n <= 31]
        if found_month is None or not years or not days:
            return None
        year, month, day = years[0], found_month, days[0]
    try:
        local = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    if zone is None:
        return local.replace(tzinfo=timezone.utc), False
    return local.replace(tzinfo=zone).astimezone(timezone.utc), True
