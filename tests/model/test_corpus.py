"""Reading a corpus, rendering records with reserved markers, and the record-level split."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.corpus import (
    CorpusError,
    Record,
    prompt_prefix,
    read_corpus,
    render_record,
    split_records,
)
from model.vocab import BOS, EOS, SEP, UNK_ID, Vocab


def test_jsonl_records_render_with_markers(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text('{"text": "hi\\u0002 there", "context": "hello?"}\n\n{"text": "a post"}\n')
    records, facts = read_corpus(path)
    assert records == [Record("hi there", "hello?"), Record("a post")]
    assert render_record(records[0]) == f"{BOS}hello?{SEP}hi there{EOS}"
    assert render_record(records[1]) == f"{BOS}{SEP}a post{EOS}"
    assert facts.size_bytes == path.stat().st_size and len(facts.sha256) == 64


def test_prompt_prefix_matches_training_render() -> None:
    assert prompt_prefix("hello?") + f"hi there{EOS}" == render_record(Record("hi there", "hello?"))
    assert prompt_prefix(None) == f"{BOS}{SEP}"


def test_text_blocks_and_dialogue(tmp_path: Path) -> None:
    path = tmp_path / "play.txt"
    path.write_text("ROMEO:\nHello there.\n\nJULIET:\nGo away.\r\n\r\n\nROMEO:\nNo.\n")
    plain, _ = read_corpus(path)
    assert [r.text for r in plain] == ["ROMEO:\nHello there.", "JULIET:\nGo away.", "ROMEO:\nNo."]
    dialogue, _ = read_corpus(path, dialogue=True)
    assert dialogue == [Record("Hello there."), Record("Go away.", "Hello there."),
                        Record("No.", "Go away.")]


@pytest.mark.parametrize("content, problem", [
    ('{"text": "ok"}\n{"text": \n', "c.jsonl:2: not valid JSON"),
    ('{"context": "x"}\n', "c.jsonl:1: a record needs a string field 'text'"),
    ('{"text": "a", "context": 5}\n', "c.jsonl:1: 'context' must be a string"),
    ("\n\n", "c.jsonl: the corpus holds no text"),
])
def test_bad_jsonl_names_file_and_line(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(content)
    with pytest.raises(CorpusError, match="^" + str(tmp_path).replace("\\", "\\\\")) as info:
        read_corpus(path)
    assert problem in str(info.value) and "\n" not in str(info.value)


def test_json_file_may_hold_one_array_of_records(tmp_path: Path) -> None:
    path = tmp_path / "mine.json"
    path.write_text('[{"text": "first post"}, {"text": "  "}, {"text": "yes", "context": "ok?"}]')
    records, _ = read_corpus(path)
    assert records == [Record("first post"), Record("yes", "ok?")]
    path.write_text('{"text": "json lines"}\n{"text": "in a .json file"}\n')
    assert [r.text for r in read_corpus(path)[0]] == ["json lines", "in a .json file"]


@pytest.mark.parametrize("content, problem", [
    ('[{"text": "a"},\n {"text": ]', "mine.json:2: not valid JSON"),
    ('[{"text": "a"}, {"context": "b"}]', "mine.json: record 2: a record needs a string field"),
    ('[{"text": "a", "context": ["b"]}]', "mine.json: record 1: 'context' must be a string"),
    ("[]", "mine.json: the corpus holds no text"),
])
def test_bad_json_array_names_file_and_record(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "mine.json"
    path.write_text(content)
    with pytest.raises(CorpusError) as info:
        read_corpus(path)
    assert problem in str(info.value) and "\n" not in str(info.value)


def test_unreadable_corpus(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="missing.txt: cannot read"):
        read_corpus(tmp_path / "missing.txt")
    bad = tmp_path / "latin1.txt"
    bad.write_bytes(b"caf\xe9")
    with pytest.raises(CorpusError, match="latin1.txt: not UTF-8"):
        read_corpus(bad)


def test_split_is_by_record_deterministic_and_seeded() -> None:
    records = [Record(f"record {i}") for i in range(50)]
    train, val = split_records(records, 0.2, seed=7)
    assert len(val) == 10 and len(train) == 40
    assert set(train).isdisjoint(val) and set(train) | set(val) == set(records)
    assert train == sorted(train, key=records.index)  # corpus order is kept
    assert (train, val) == split_records(records, 0.2, seed=7)
    assert val != split_records(records, 0.2, seed=8)[1]
    with pytest.raises(CorpusError):
        split_records(records[:1], 0.1, seed=1)


def test_vocab_maps_rare_and_unseen_characters_to_unknown() -> None:
    vocab = Vocab.build(["aaabbbc" + BOS + EOS], min_count=2)
    assert vocab.chars == "ab"
    ids = vocab.encode("abc😀" + SEP)
    assert ids[2:4] == [UNK_ID, UNK_ID] and ids[4] != UNK_ID
    assert vocab.decode(ids) == "ab"


def test_loosen_contexts_strips_punctuation_from_a_seeded_half() -> None:
    from model.corpus import Record, loosen_contexts

    records = [Record(f"reply {i}", f"message number {i}?!") for i in range(200)]
    records.append(Record("a post with no context"))
    loose = loosen_contexts(records, seed=3)
    assert loose == loosen_contexts(records, seed=3)  # repeatable, so --resume sees the same text
    assert [r.text for r in loose] == [r.text for r in records]
    stripped = [r for r in loose[:-1] if r.context == r.context.rstrip("?!")]
    assert 60 < len(stripped) < 140  # about half, not all and not none
    assert all(r.context.endswith("?!") or r.context.endswith(str(i)) for i, r in
               enumerate(loose[:-1]))
    assert loose[-1].context is None
