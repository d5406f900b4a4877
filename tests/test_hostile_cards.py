"""Hostile model cards: each problem becomes a parse problem; never an exception, never a hang."""

from __future__ import annotations

import faulthandler
import sys

import pytest

from pipeline.extract.card import MAX_CARD_CHARS, parse_card
from pipeline.extract.facts import extract
from pipeline.extract.model import ModelInput

HANG_GUARD_S = 300  # a card takes about a millisecond: a test still running after this is stuck, not slow

BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]" for previous, name in zip("abcdefgh", "bcdefghi")]
)
MALFORMED_URLS = "See https://github.com/ and http://[::1 and [x](https://github.com/owner/repo).\n"


@pytest.fixture(autouse=True)
def hang_guard():
    """Ends the test run with every thread's traceback if a hostile card makes the extractor hang (say, a regular
    expression backtracking without end), instead of letting CI wait. It measures nothing: speed is not asserted
    here (tests/test_hostile_cards.py::test_work_grows_linearly counts work instead)."""
    faulthandler.dump_traceback_later(HANG_GUARD_S, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def run(readme, **inputs) -> dict:
    """The facts extracted from one card."""
    return extract(ModelInput(repo_id="org/model", readme=readme, **inputs)).row


def calls_made(readme: str) -> int:
    """How many Python and C functions one extraction calls: a count of work that, unlike a timing, is the same
    on every machine and every run."""
    count = 0

    def count_calls(frame, event, arg):
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(count_calls)
    try:
        facts = run(readme)
    finally:
        sys.setprofile(None)
    assert "extractor_error" not in problem_kinds(facts)  # a step that failed early would look cheap
    return count


def problem_kinds(facts: dict) -> set[str]:
    return {problem.split(":", 1)[0] for problem in facts["parse_problems"]}


@pytest.mark.parametrize(
    ("readme", "kind"),
    [
        ("---\nlicense: [apache-2.0\ndatasets: x\n---\n# Body\n", "yaml_invalid"),
        ("---\nlicense: mit\n\tbad: tab\n---\n", "yaml_invalid"),
        ("---\n- apache-2.0\n- mit\n---\n# Body\n", "yaml_not_mapping"),
        ("---\njust a string\n---\n", "yaml_not_mapping"),
        ("---\n" + BILLION_LAUGHS + "\nlicense: mit\n---\n# Body\n", "yaml_alias_expansion"),
        ("---\na: &a [*a, *a]\nlicense: mit\n---\n", "yaml_alias_expansion"),
        ("---\nlicense: " + "[" * 100_000 + "]" * 100_000 + "\n---\n", "yaml_invalid"),
        ("---\nlicense: mit\n# the block is never closed\n", "front_matter_unclosed"),
        ("---\nlicense: 42\n---\n", "license_invalid_type"),
        ("---\nlicense: {name: mit}\n---\n", "license_invalid_type"),
        ("---\nlicense: totally-made-up\n---\n", "license_not_hub_id"),
        ("---\ndatasets: [1, {a: b}]\n---\n", "datasets_invalid_type"),
        ("---\nbase_model: {a: b}\n---\n", "base_model_invalid_type"),
        ("# Card\n\x00\x01\x02 binary junk \x00", "binary_content"),
        ("# Card\ninvalid \udcff\udcfe bytes decoded with surrogateescape\n", "invalid_utf8"),
        (MALFORMED_URLS, "malformed_url"),
    ],
)
def test_hostile_card_gives_a_parse_problem(readme, kind):
    facts = run(readme)
    assert kind in problem_kinds(facts), facts["parse_problems"]
    assert "extractor_error" not in problem_kinds(facts)


def test_alias_bomb_is_refused_without_expanding():
    card = parse_card("---\n" + BILLION_LAUGHS + "\n---\n")
    assert card.metadata == {}
    assert card.problems and card.problems[0].startswith("yaml_alias_expansion")


def test_small_aliases_are_allowed():
    card = parse_card("---\nbase: &b apache-2.0\nlicense: *b\n---\n")
    assert card.metadata["license"] == "apache-2.0" and card.problems == []


def test_five_megabyte_card_is_capped_and_recorded():
    line = "All work and no play. [x](https://github.com/a/b) " * 5_000 + "\n"
    readme = "---\nlicense: mit\n---\n# Huge\n" + line * 20
    assert len(readme) > 5_000_000
    facts = run(readme)
    assert "card_truncated" in problem_kinds(facts)
    assert facts["card_bytes"] == len(readme.encode())
    assert facts["license_id"] == "mit"
    assert [(link["url"], link["repo"]) for link in facts["code_links"]] == [("https://github.com/a/b", "a/b")]


def test_invalid_utf8_bytes_are_replaced():
    raw = b"---\nlicense: mit\n---\n# Caf\xe9 \xff\xfe model\n"
    card = parse_card(raw)
    assert card.problems[0].startswith("invalid_utf8")
    assert card.metadata == {"license": "mit"}
    assert card.byte_length == len(raw)
    assert "\ufffd" in card.body


def test_oversized_bytes_are_capped():
    card = parse_card(b"# x\n" + b"\xc3\xa9" * (MAX_CARD_CHARS * 3))
    assert any(problem.startswith("card_truncated") for problem in card.problems)


def test_malformed_urls_do_not_hide_good_ones():
    facts = run(MALFORMED_URLS)
    assert [link["repo"] for link in facts["code_links"]] == ["owner/repo"]
    assert sorted(p for p in facts["parse_problems"] if p.startswith("malformed_url")) == [
        "malformed_url: http://[::1",
        "malformed_url: https://github.com/ (no repository path)",
    ]


def test_many_links_and_headings_stay_fast():
    readme = "".join(
        f"## Section {i}\nTrained with [code](https://github.com/o/r{i})"
        f" on [data](https://huggingface.co/datasets/o/d{i}).\n"
        for i in range(5_000)
    )
    facts = run(readme)
    assert len(facts["code_links"]) == 500 and len(facts["datasets"]) == 500  # capped, and recorded
    assert {"code_links_truncated", "datasets_truncated"} <= problem_kinds(facts)
    assert len(facts["card_sections"]) == 200


def _paragraphs_and_tables(n: int) -> str:
    return "".join(f"Paragraph {i}: the model was fine-tuned on the data with a learning rate of 2e-5.\n\n"
                   f"| a | b |\n|---|---|\n| {i} | x |\n\n" for i in range(n))


def _headings_and_links(n: int) -> str:
    return "".join(f"## Section {i}\nTrained with [code](https://github.com/o/r{i}) on the data.\n" for i in range(n))


@pytest.mark.parametrize("make_card", [_paragraphs_and_tables, _headings_and_links])
def test_work_grows_linearly(make_card):
    """A card twice as long costs about twice the work, not four times: no step loops over the card's lines or
    mentions once per mention. (Calls are counted, so a rescan inside one C call, such as a `str.find` over the
    whole card per mention, would not show.)"""
    run(make_card(3))  # warm the lazily built tables and caches
    assert calls_made(make_card(1_000)) <= 2.2 * calls_made(make_card(500))


def test_bad_listing_fields():
    facts = run(None, card_data=["not", "a", "dict"], tags=[None, 3, "license:mit"], branches=[None, "step1"],
                siblings=[7, "checkpoint-5/x.bin"], gated=True)
    assert "card_data_invalid_type" in problem_kinds(facts)
    assert facts["license_id"] == "mit"
    assert facts["checkpoint_branches"] == 1 and facts["checkpoint_files"] == 1
    assert facts["gated"] == "auto"


@pytest.mark.parametrize(
    "readme", ["", "---", "---\n---\n", "\ufeff---\nlicense: mit\n---\n", "\n\n\n", "[", "](", "<!--"]
)
def test_degenerate_cards(readme):
    facts = run(readme)
    assert "extractor_error" not in problem_kinds(facts)
    assert facts["has_card"] is True
