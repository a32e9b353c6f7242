"""Text hygiene: mojibake (F-1..F-3), entities, tag markup (F-22), "Updated" trailers, privacy."""

from __future__ import annotations

import pytest

from ingest.text import (
    EMAIL_TOKEN,
    PHONE_TOKEN,
    URL_TOKEN,
    Scrubber,
    clean,
    fix_mojibake,
    only_placeholders,
    strip_updated_lines,
)
from tests.ingest.helpers import mojibake


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Parab\u00c3\u00a9ns", "Parabéns"),  # F-1 inputs, verbatim from the problem log
        ("\u00f0\u009f\u0098\u00a2", "😢"),
        ("\u00e6\u00b2\u00a1\u00e6\u009c\u0089\u00e5\u0095\u008a", "没有啊"),
        (mojibake("Tőke Hal"), "Tőke Hal"),  # F-3: lead byte C5, not only Ã/Â
        (mojibake("Привет"), "Привет"),  # D0/D1
        (mojibake("😮"), "😮"),
        (mojibake("没有"), "没有"),
    ],
)
def test_mojibake_is_fixed_for_every_script(raw: str, expected: str) -> None:
    assert fix_mojibake(raw) == expected


@pytest.mark.parametrize("already_fine", ["“quoted” 😮", "Jenő", "plain ascii", "café"])
def test_fix_leaves_correct_text_alone_and_is_idempotent(already_fine: str) -> None:
    # F-2: code points > 0xFF, or Latin-1 bytes that are not UTF-8, pass through unchanged
    assert fix_mojibake(already_fine) == already_fine
    assert fix_mojibake(fix_mojibake(mojibake(already_fine))) == already_fine


def test_tag_markup_becomes_the_name() -> None:
    # F-22: numeric ids never reach the corpus
    assert clean("thanks @[123456789:2048:Some Name]!", Scrubber()) == "thanks Some Name!"


def test_entities_and_updated_trailer_are_removed() -> None:
    raw = "Tom &amp; Jerry&#039;s day\nUpdated 6 May 2019, 17:32"
    assert clean(strip_updated_lines(raw), Scrubber()) == "Tom & Jerry's day"
    assert strip_updated_lines("Salut\nMis à jour : déc 20, 2015 3:55:41pm") == "Salut"


def test_updated_inside_a_sentence_is_kept() -> None:
    assert strip_updated_lines("I updated my CV today") == "I updated my CV today"


def test_private_details_become_placeholders() -> None:
    text = "mail me at jo.doe+fb@example.co.uk or call +36 30 123 4567, see https://x.com/a?b=1"
    assert clean(text, Scrubber()) == (
        f"mail me at {EMAIL_TOKEN} or call {PHONE_TOKEN}, see {URL_TOKEN}"
    )


def test_flags_keep_private_details() -> None:
    text = "jo@example.com 06 30 123 4567 www.example.org"
    kept = clean(text, Scrubber(keep_emails=True, keep_phones=True, keep_urls=True))
    assert kept == text


@pytest.mark.parametrize("not_a_phone", ["in 2015 2016 2017", "at 12:30", "score 3-2", "pin 1234"])
def test_numbers_that_are_not_phones_are_kept(not_a_phone: str) -> None:
    assert clean(not_a_phone, Scrubber()) == not_a_phone


def test_placeholder_only_detection() -> None:
    assert only_placeholders(f"{URL_TOKEN} ")
    assert not only_placeholders(f"look {URL_TOKEN}")
    assert not only_placeholders("😂")


def test_updated_followed_by_words_is_kept() -> None:
    assert strip_updated_lines("Updated my CV for 2019 jobs") == "Updated my CV for 2019 jobs"


def test_whitespace_and_unicode_forms_are_tidied() -> None:
    assert clean("  two  spaces\r\n\n\n\tnext\u00a0line ", Scrubber()) == "two spaces\n\nnext line"
    assert clean("e\u0301te\u0301", Scrubber()) == "été"  # NFC


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("mail foo [at] bar [dot] com", f"mail {EMAIL_TOKEN}"),
        ("foo(at)bar.com pls", f"{EMAIL_TOKEN} pls"),
        ("ann @ example.com", EMAIL_TOKEN),
        ("ann {at} example {dot} org!", f"{EMAIL_TOKEN}!"),
        ("see example.com/path", f"see {URL_TOKEN}"),
        ("bit.ly/abc123 and t.me/annowner", f"{URL_TOKEN} and {URL_TOKEN}"),
        ("my insta: instagram.com/ann_o", f"my insta: {URL_TOKEN}"),
        ("ftp://files.example.org/x", URL_TOKEN),
        ("[link](https://x.com/a_b) ok", f"[link]({URL_TOKEN}) ok"),
        ("see www.example.com/path.", f"see {URL_TOKEN}."),
        ("“https://x.com/”", f"“{URL_TOKEN}”"),
        ("(https://en.wikipedia.org/wiki/Foo_(bar))", f"({URL_TOKEN})"),
        ("really? https://x.com/a, then", f"really? {URL_TOKEN}, then"),
    ],
)
def test_private_details_in_odd_forms(raw: str, expected: str) -> None:
    assert clean(raw, Scrubber()) == expected


@pytest.mark.parametrize(
    "not_private",
    [
        "see you 2019-05-04",
        "born 04.05.1990",
        "I use Node.js and/or e.g. this",
        "meet at home at 5",
        "3.5/5 stars",
        "yes @ bob that's it",
    ],
)
def test_dates_and_dotted_words_are_not_private_details(not_private: str) -> None:
    assert clean(not_private, Scrubber()) == not_private
