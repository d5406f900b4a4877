"""What extraction reads and what it returns: plain data, no Hub access, no Dagster."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ModelInput:
    """Everything known about one model repo at one snapshot, as the crawler (or a card dump) provides it."""

    repo_id: str
    readme: str | None = None  # README.md text (decoded); None when the repo has no README
    card_data: dict[str, Any] | None = None  # the Hub's own parse of the front matter (listing `cardData`)
    tags: list[str] = field(default_factory=list)  # Hub tags, e.g. license:mit, dataset:x, arxiv:2304.01373
    siblings: list[str] = field(default_factory=list)  # file paths in the repo
    branches: list[str] = field(default_factory=list)  # branch names other than main
    gated: str = "no"  # no | auto | manual
    license_text: str | None = None  # text of the LICENSE-like file, when one was read
    license_file: str | None = None  # its path
    pipeline_tag: str | None = None
    library_name: str | None = None
    # Hub datasets the crawl looked up: lower-cased id -> the license the dataset's own card declares
    # (None: it declares none). A named dataset missing here was not looked up, or does not exist.
    dataset_licenses: dict[str, str | None] = field(default_factory=dict)


@dataclass
class Extraction:
    """model_facts columns (without snapshot_date, hub_id, repo_id) and the evidence rows behind them."""

    facts: dict[str, Any]
    evidence: list[dict[str, Any]]  # dimension, source_kind, location, snippet (<= 300 chars), url
