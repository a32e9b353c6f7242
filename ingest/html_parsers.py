"""HTML export files of every era, matched on class *tokens* with structural fallbacks.

Three structures exist (format doc §4):

- era A (≤ 2017) ``html/messages.htm`` and per-thread ``messages/<n>.html``: ``div.thread`` →
  ``div.message`` (``span.user``, ``span.meta``) with the text in the *following* ``<p>``;
- era A ``html/wall.htm`` / ``timeline.htm``: ``div.meta`` date, an actor sentence, ``div.comment``;
- era B/C DYI pages (2018+): one box per item (``uiBoxWhite`` / ``_a6-g``) holding a header
  (``_2lek`` / ``_a6-h``), a body (``_2let`` / ``_a6-p``) and a date (``_2lem`` / ``_a6-o``).

HTML dates are localized wall-clock strings; :func:`ingest.dates.parse_html_date` reads them.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from bs4 import BeautifulSoup, Tag

from ingest.dates import parse_html_date, to_ms
from ingest.items import Item, Message, NotUnderstood, Parsed, Thread
from ingest.text import strip_updated_lines

_ITEM_TOKENS = ("_a6-g", "uiBoxWhite")
_HEADER_TOKENS = ("_a6-h", "_2lek")
_BODY_TOKENS = ("_a6-p", "_2let")
_DATE_TOKENS = ("_a72d", "_a6-o", "_2lem")
_URLISH = re.compile(r"^\s*(?:https?://|www\.)\S*\s*$")


_BREAK = "\ue000"  # stands for <br> while source line breaks are collapsed like a browser does


def _visible_text(tag: Tag) -> str:
    """Text as a browser shows it: runs of whitespace are one space, ``<br>`` is a line break."""
    for br in tag.find_all("br"):
        br.replace_with(_BREAK)
    return " ".join(tag.get_text(" ").split()).replace(f" {_BREAK} ", "\n").replace(_BREAK, "\n")


def _has_token(tag: Tag, tokens: tuple[str, ...]) -> bool:
    classes = tag.get("class") or []
    return any(token in classes for token in tokens)


def _first(tag: Tag, tokens: tuple[str, ...]) -> Tag | None:
    for token in tokens:  # in priority order: the innermost date element first
        found = tag.find(class_=token)
        if isinstance(found, Tag):
            return found
    return None


def _soup(data: bytes) -> BeautifulSoup:
    return BeautifulSoup(data, "lxml")


def _kind_from_path(path: PurePosixPath) -> str:
    """Posts HTML has no keys to tell posts from comments; its file name does."""
    name = path.name.lower()
    in_groups = any(part.lower() == "groups" for part in path.parts) or "group" in name
    if "comment" in name and "post" not in name:
        return "group_comment" if in_groups else "comment"
    if "note" in name:
        return "note"
    return "group_post" if in_groups else "post"


def _is_messenger_path(path: PurePosixPath) -> bool:
    return (
        any(
            part.lower() in {"messages", "inbox", "archived_threads", "e2ee_cutover"}
            for part in path.parts[:-1]
        )
        or re.fullmatch(r"message_?\d*\.html?", path.name.lower()) is not None
    )


# ---- era A ---------------------------------------------------------------------------------------


def _era_a_threads(soup: BeautifulSoup, parsed: Parsed) -> None:
    """``div.thread`` blocks; blocks with the same participant set are one conversation."""
    merged: dict[frozenset[str], Thread] = {}
    for block in soup.find_all("div", class_="thread"):
        header = next((s for s in block.strings if s.strip()), "")
        names = [n.strip() for n in header.split(",") if n.strip()]
        thread = merged.setdefault(frozenset(names), Thread(names, [], newest_first=True))
        for message in block.find_all("div", class_="message"):
            user = message.find(class_="user")
            meta = message.find(class_="meta")
            para = message.find_next_sibling()
            text = _visible_text(para) if isinstance(para, Tag) and para.name == "p" else None
            parsed_date = parse_html_date(meta.get_text()) if meta else None
            if parsed_date is None:
                parsed.skipped["date_not_understood"] += 1
                continue
            when, had_zone = parsed_date
            body = text if text and text.strip() else None
            thread.messages.append(
                Message(
                    user.get_text().strip() if user else "",
                    to_ms(when),
                    body,
                    None if body else "media_only",
                    local_time=not had_zone,
                )
            )
    parsed.threads.extend(merged.values())


def _era_a_wall(soup: BeautifulSoup, owner_hint: str | None, parsed: Parsed) -> None:
    """Wall entries: the actor sentence ("Name updated his status.") says who wrote the text."""
    for comment in soup.find_all("div", class_="comment"):
        entry = comment.parent
        meta = entry.find("div", class_="meta") if isinstance(entry, Tag) else None
        actor = (
            " ".join(s.strip() for s in entry.find_all(string=True, recursive=False) if s.strip())
            if isinstance(entry, Tag)
            else ""
        )
        parsed_date = parse_html_date(meta.get_text()) if meta else None
        if parsed_date is None:
            parsed.skipped["date_not_understood"] += 1
            continue
        parsed.items.append(
            Item(
                "post",
                parsed_date[0],
                _visible_text(comment),
                actor or None,
                author=actor or None,  # "Ann updated her status." / "Bob wrote on Ann's Wall."
                local_time=not parsed_date[1],
            )
        )


# ---- era B/C -------------------------------------------------------------------------------------


def _body_text(body: Tag) -> str:
    """Visible writing of a body: reactions lists and bare link texts removed."""
    for noise in body.find_all(["ul", "img", "video", "audio", "style", "script"]):
        noise.decompose()
    for link in body.find_all("a"):
        if _URLISH.match(link.get_text()) or not link.get_text().strip():
            link.decompose()
    pieces = [p for p in body.find_all(class_="_2pin") if not p.find(class_="_2pin")]
    if pieces:
        texts = [strip_updated_lines(_visible_text(p)) for p in pieces]
        return "\n".join(t for t in texts if t)
    return strip_updated_lines(_visible_text(body))


def _boxes(soup: BeautifulSoup) -> list[Tag]:
    """Item boxes, outermost only (boxes never legitimately nest)."""
    found = [tag for tag in soup.find_all(["div", "section"]) if _has_token(tag, _ITEM_TOKENS)]
    inside = {id(child) for box in found for child in box.find_all(["div", "section"])}
    return [box for box in found if id(box) not in inside]


def _era_bc(soup: BeautifulSoup, path: PurePosixPath, parsed: Parsed) -> None:
    messenger = _is_messenger_path(path)
    kind = _kind_from_path(path)
    messages: list[Message] = []
    for box in _boxes(soup):
        date_tag = _first(box, _DATE_TOKENS)
        body_tag = _first(box, _BODY_TOKENS)
        if date_tag is None:
            continue  # the thread/page header box
        parsed_date = parse_html_date(date_tag.get_text(" "))
        if parsed_date is None:
            parsed.skipped["date_not_understood"] += 1
            continue
        when, had_zone = parsed_date
        header = _first(box, _HEADER_TOKENS)
        header_text = header.get_text(" ").strip() if header else None
        if body_tag is not None:
            for part in (date_tag, header):  # broken markup can nest them inside the body
                if part is not None and body_tag in part.parents:
                    part.decompose()
        text = _body_text(body_tag) if body_tag else ""
        if messenger:
            body = text if text.strip() else None
            messages.append(
                Message(
                    header_text or "",
                    to_ms(when),
                    body,
                    None if body else "media_only",
                    local_time=not had_zone,
                )
            )
        elif text.strip():
            parsed.items.append(Item(kind, when, text, header_text, local_time=not had_zone))
        else:
            parsed.skipped["share_or_title_only" if header_text else "empty"] += 1
    if messenger:
        senders = sorted({m.sender for m in messages if m.sender})
        parsed.threads.append(Thread(senders, messages, newest_first=True))


def parse_html(data: bytes, path: PurePosixPath, origin: str) -> Parsed:
    """Parse one HTML file of any era; NotUnderstood when it holds none of the known structures."""
    soup = _soup(data)
    heading = soup.select_one("div.contents > h1")
    owner_hint = heading.get_text().strip() if heading else None
    if soup.find("div", class_="thread") and soup.find("div", class_="message"):
        parsed = Parsed("messenger_html_2010s", owner_hint=owner_hint)
        _era_a_threads(soup, parsed)
        return parsed
    if soup.find("div", class_="comment") and soup.find("div", class_="meta"):
        parsed = Parsed("wall_html_2010s", owner_hint=owner_hint)
        _era_a_wall(soup, owner_hint, parsed)
        return parsed
    if _boxes(soup):
        parsed = Parsed(
            "messenger_html" if _is_messenger_path(path) else f"{_kind_from_path(path)}s_html"
        )
        _era_bc(soup, path, parsed)
        return parsed
    if soup.find("a", href=re.compile(r"(?:^|/)messages/")):
        return Parsed(
            "messenger_index_html", owner_hint=owner_hint
        )  # 2017-18: messages.htm only links to the threads
    title = soup.title.get_text().strip() if soup.title else ""
    raise NotUnderstood(
        f"{origin}: HTML without any known message or post structure"
        + (f" (title {title[:60]!r})" if title else "")
    )
