"""What extraction reads and what it returns: plain data, no Hub access, no Dagster."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.vocabulary import (BaseRelation, CardFamily, CheckpointStatus, CodeRole, DataDisclosure, Gated,
                                 LicenseSource)


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


# ---- the facts, one typed structure per fact family ------------------------------------------------------------


@dataclass(slots=True)
class LicenseComponent:
    component: str  # code | weights | data | unspecified (pipeline.extract.licenses.LICENSE_COMPONENTS)
    license_id: str
    source: str  # a LicenseSource


@dataclass(slots=True)
class LicenseFacts:
    declared: str | None = None  # JSON of the license value(s) as written
    license_id: str | None = None  # the weights' license, a Hub license id
    name: str | None = None
    link: str | None = None
    spdx: str | None = None
    family: str = "none"
    osi_approved: bool | None = None
    commercial_use: bool | None = None
    use_restrictions: bool | None = None
    source: LicenseSource = LicenseSource.NONE
    conflict: bool = False
    components: list[LicenseComponent] = field(default_factory=list)


@dataclass(slots=True)
class CodeLinkFact:
    url: str
    host: str
    repo: str
    role: CodeRole


@dataclass(slots=True)
class DatasetFact:
    name: str
    hub_id: str | None
    source: str  # card_metadata | tags | readme
    license: str | None = None  # the Hub dataset's own license, when it was looked up
    open: bool | None = None


@dataclass(slots=True)
class CheckpointFacts:
    branches: int = 0
    pattern: str | None = None
    files: int = 0
    mentioned: bool = False
    status: CheckpointStatus = CheckpointStatus.NONE


@dataclass(slots=True)
class BaseModelFacts:
    models: list[str] = field(default_factory=list)
    relation: BaseRelation | None = None


@dataclass(slots=True)
class CardFacts:
    present: bool
    bytes: int
    sections: list[str]
    family: CardFamily


@dataclass(slots=True)
class Facts:
    """What one model's card, metadata, files and branches say, fact family by fact family."""

    license: LicenseFacts
    code_links: list[CodeLinkFact]
    datasets: list[DatasetFact]
    data_disclosure: DataDisclosure
    checkpoints: CheckpointFacts
    papers: list[str]
    base: BaseModelFacts
    gated: Gated
    card: CardFacts
    parse_problems: list[str]
    extractor_version: str

    @property
    def training_code(self) -> bool:
        return any(link.role == CodeRole.TRAINING for link in self.code_links)

    def row(self) -> dict[str, Any]:
        """The model_facts columns (without snapshot_date, hub_id, repo_id), as sql/schema.sql names them."""
        lic = self.license
        return {
            "license_declared": lic.declared, "license_id": lic.license_id, "license_name": lic.name,
            "license_link": lic.link, "license_spdx": lic.spdx, "license_family": lic.family,
            "license_osi_approved": lic.osi_approved, "license_commercial_use": lic.commercial_use,
            "license_use_restrictions": lic.use_restrictions, "license_source": str(lic.source),
            "license_conflict": lic.conflict,
            "license_components": [{"component": c.component, "license_id": c.license_id, "source": str(c.source)}
                                   for c in lic.components],
            "code_links": [{"url": link.url, "host": link.host, "repo": link.repo, "role": str(link.role)}
                           for link in self.code_links],
            "training_code": self.training_code,
            "datasets": [{"name": d.name, "hub_id": d.hub_id, "source": d.source, "license": d.license,
                          "open": d.open} for d in self.datasets],
            "data_disclosure": str(self.data_disclosure),
            "checkpoint_branches": self.checkpoints.branches, "checkpoint_pattern": self.checkpoints.pattern,
            "checkpoint_files": self.checkpoints.files, "checkpoint_mentioned": self.checkpoints.mentioned,
            "checkpoints": str(self.checkpoints.status),
            "papers": self.papers,
            "base_models": self.base.models,
            "base_model_relation": str(self.base.relation) if self.base.relation else None,
            "gated": str(self.gated),
            "has_card": self.card.present, "card_bytes": self.card.bytes, "card_sections": self.card.sections,
            "card_family": str(self.card.family),
            "parse_problems": self.parse_problems,
            "extractor_version": self.extractor_version,
        }


@dataclass
class Extraction:
    """The facts and the evidence rows behind them (dimension, source_kind, location, snippet <= 300 chars, url)."""

    facts: Facts
    evidence: list[dict[str, Any]]
    _row: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def row(self) -> dict[str, Any]:
        """The facts as a model_facts row (without snapshot_date, hub_id, repo_id); built once."""
        if self._row is None:
            self._row = self.facts.row()
        return self._row
