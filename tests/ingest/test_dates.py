"""Localized HTML dates (F-11) and time zones (F-12)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from ingest.dates import epoch_to_utc, iso_utc, parse_html_date

EXPECTED = datetime(2016, 12, 4, 20, 54, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "text",
    [  # F-11: all mean 2016-12-04 20:54 UTC
        "Sunday, December 4, 2016 at 1:54pm PDT",
        "dimanche 4 décembre 2016, 13:54 UTC-07",
        "Sonntag, 4. Dezember 2016 um 13:54 UTC-07",
        "4. desember 2016 kl. 13:54 UTC-07",
        "domingo, 4 de diciembre de 2016 a las 13:54 UTC-07",
        "2016. december 4., 13:54 UTC-07",
        "4 grudzień 2016 o 13:54 UTC-07",
        "4. децембар 2016. у 13:54 UTC-07",
        "4 декабря 2016 г. в 13:54 UTC-07",
        "Monday, 5 December 2016 at 4:54am Asia/Kuala_Lumpur",
        "Sunday, 4 December 2016 at 13:54 UTC-07:00",
    ],
)
def test_localized_dates_with_zone(text: str) -> None:
    assert parse_html_date(text) == (EXPECTED, True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [  # newer HTML: wall-clock time without a zone, kept as is (had_zone False)
        ("déc 17, 2015 9:34:15am", datetime(2015, 12, 17, 9, 34, 15)),
        ("6 May 2019, 17:32", datetime(2019, 5, 6, 17, 32)),
        ("Dec 15, 2015, 3:22 AM", datetime(2015, 12, 15, 3, 22)),
        ("mardi 1 mars 2016 à 12:00", datetime(2016, 3, 1, 12, 0)),  # weekday "mar-di" is not March
        ("2016年12月4日 13:54", datetime(2016, 12, 4, 13, 54)),
    ],
)
def test_local_dates_without_zone(text: str, expected: datetime) -> None:
    assert parse_html_date(text) == (expected.replace(tzinfo=timezone.utc), False)


@pytest.mark.parametrize("junk", ["", "yesterday", "Sunday at 1:54pm", "31 February 2016"])
def test_unreadable_dates_return_none(junk: str) -> None:
    assert parse_html_date(junk) is None


def test_epochs_are_utc_whatever_the_machine_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    # F-12: ditchbook used the machine's local zone; the export's epochs are UTC
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    assert iso_utc(epoch_to_utc(1524133902152, millis=True)) == "2018-04-19T10:31:42Z"
    assert iso_utc(epoch_to_utc(1478704676)) == "2016-11-09T15:17:56Z"
    assert epoch_to_utc("not a number") is None
