"""One model at one snapshot -> its facts (pipeline/extract/model.py: one typed structure per fact family) and the
evidence rows behind them.

Pure: no Hub access, no Dagster. `Extraction.row` gives the facts as the model_facts columns of sql/schema.sql
(lists of dicts for the STRUCT lists). Every non-empty fact has at least one evidence row.
"""

from __future__ import annotations

from typing import Any, Callable, TypeVar

from pipeline.extract.base_model import extract_base_model
from pipeline.extract.card import Card, evidence_row, parse_card
from pipeline.extract.checkpoints import extract_checkpoints
from pipeline.extract.datasets import extract_datasets
from pipeline.extract.families import RL_AGENT_FAMILIES, identify_family, named_by_scheme, pipeline_sources
from pipeline.extract.licenses import extract_license, is_open_license, normalise_license_id
from pipeline.extract.links import extract_code_links
from pipeline.extract.model import (BaseModelFacts, CardFacts, CheckpointFacts, DatasetFact, Extraction, Facts,
                                    LicenseFacts, ModelInput)
from pipeline.extract.papers import extract_papers
from pipeline.vocabulary import BaseRelation, CardFamily, DataDisclosure, Gated

EXTRACTOR_VERSION = "0.3.12"
MAX_SECTIONS = 200
MAX_PROBLEMS = 50
MAX_PROBLEM_CHARS = 300


T = TypeVar("T")


def extract(m: ModelInput) -> Extraction:
    """The model's facts, with their evidence."""
    card = parse_card(m.readme)
    problems = list(card.problems)
    metadata = _metadata(card, m.card_data, problems)
    tags = [tag for tag in m.tags if isinstance(tag, str)] if m.tags else []
    branches = [branch for branch in m.branches if isinstance(branch, str)] if m.branches else []
    siblings = [path for path in m.siblings if isinstance(path, str)] if m.siblings else []
    evidence: list[dict] = []

    family, row = _safely("card_family", problems, (CardFamily.OTHER, None), identify_family, card, metadata, tags,
                          m.library_name)
    if row:
        evidence.append(row)

    license_facts, rows, found = _safely(
        "license", problems, (LicenseFacts(), [], []),
        extract_license, metadata, tags, card, m.license_text, m.license_file,
    )
    evidence += rows
    problems += found

    links, rows, found = _safely("code_links", problems, ([], [], []), extract_code_links, card, family, m.repo_id)
    evidence += rows
    problems += found

    sources = _safely("sources", problems, [], pipeline_sources, card) if family == CardFamily.SPACY else []
    sources += _safely("naming_scheme", problems, [], named_by_scheme, card, m.repo_id)
    datasets, disclosure, rows, found = _safely(
        "datasets", problems, ([], DataDisclosure.NONE, [], []), extract_datasets, metadata, tags, card,
        family not in RL_AGENT_FAMILIES, sources,
    )
    evidence += rows
    problems += found
    evidence += annotate_dataset_licenses(datasets, m.dataset_licenses or {})

    checkpoint_facts, rows = _safely(
        "checkpoints", problems, (CheckpointFacts(), []), extract_checkpoints, branches, siblings, card,
        m.repo_id,
    )
    evidence += rows

    base_models, relation, rows, found = _safely(
        "base_model", problems, ([], None, [], []), extract_base_model, metadata, tags, card, m.repo_id,
        family not in RL_AGENT_FAMILIES, sources,
    )
    evidence += rows
    problems += found

    papers, rows = _safely("papers", problems, ([], []), extract_papers, card, tags, bool(base_models), family,
                           m.repo_id)
    evidence += rows

    gated = _gated(m.gated)
    evidence.append(evidence_row("access", "listing", "gated", f"gated: {gated}"))
    sections = [heading.title for heading in card.headings][:MAX_SECTIONS]
    if m.readme is not None:
        evidence.append(evidence_row("model_card", "readme", "README.md", _card_summary(card, sections)))

    facts = Facts(
        license=license_facts,
        code_links=[link.as_fact() for link in links],
        datasets=datasets,
        data_disclosure=disclosure,
        checkpoints=checkpoint_facts,
        papers=papers,
        base=BaseModelFacts(base_models, BaseRelation(relation) if relation else None),
        gated=gated,
        card=CardFacts(m.readme is not None, card.byte_length, sections, family),
        parse_problems=_tidy(problems),
        extractor_version=EXTRACTOR_VERSION,
    )
    return Extraction(facts, evidence)


def _safely(name: str, problems: list[str], default: T, extractor: Callable[..., T], *args: Any) -> T:
    """Run one extractor; an unexpected error on one odd card becomes a parse problem, not a failed crawl."""
    try:
        return extractor(*args)
    except Exception as error:  # noqa: BLE001 - recorded, and the other facts still get extracted
        problems.append(f"extractor_error: {name}: {type(error).__name__}: {error}")
        return default


def _metadata(card: Card, card_data: Any, problems: list[str]) -> dict[str, Any]:
    """The README's own front matter; the listing's cardData when the README is missing or gave none."""
    if card.metadata:
        return card.metadata
    if card_data is None:
        return {}
    if not isinstance(card_data, dict):
        problems.append(f"card_data_invalid_type: {type(card_data).__name__}")
        return {}
    return card_data


def annotate_dataset_licenses(datasets: list[DatasetFact], licenses: dict[str, str | None]) -> list[dict]:
    """Adds each named Hub dataset's own license and whether it is open data; returns the evidence rows.

    `open` stays None when the dataset was not looked up (or does not exist), or its license cannot be judged.
    """
    evidence = []
    for dataset in datasets:
        key = (dataset.hub_id or "").lower()
        if not key or key not in licenses:
            continue
        declared = licenses[key]
        license_id = normalise_license_id(declared) if declared else None
        dataset.license = license_id or declared
        dataset.open = is_open_license(license_id) if declared else False
        evidence.append(evidence_row(
            "datasets", "dataset_metadata", f"datasets/{dataset.hub_id}",
            f"{dataset.hub_id}: license {declared or 'not declared'}",
            f"https://huggingface.co/datasets/{dataset.hub_id}",
        ))
    return evidence


def _gated(value: Any) -> Gated:
    if value in (None, False, "", "false", "False"):
        return Gated.NO
    if value is True:
        return Gated.AUTO
    text = str(value).lower()
    return Gated(text) if text in (Gated.NO, Gated.AUTO, Gated.MANUAL) else Gated.UNKNOWN


def _card_summary(card: Card, sections: list[str]) -> str:
    summary = f"{card.byte_length} bytes, {len(sections)} sections"
    return summary + (": " + "; ".join(sections) if sections else "")


def _tidy(problems: list[str]) -> list[str]:
    unique = list(dict.fromkeys(" ".join(p.split())[:MAX_PROBLEM_CHARS] for p in problems))
    return unique[:MAX_PROBLEMS]
