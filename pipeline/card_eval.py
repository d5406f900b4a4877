"""The extractor scored on real Hub cards labelled by people (../shared/data/ground-truth/cs577_dev).

Each label line names its card by `path` inside the public card corpus it was drawn from; the cards themselves
are never copied into the project. They are read in place, from a folder (an extracted archive, or the
`model_cards` folder itself) or straight from the bare git directory the corpus was fetched into.

The figures are per field: precision, recall and F1 over all cards, without the RL agent templates
(`[rl-template]` in the label's notes), and per card family (the extractor's own `card_family` fact). Every
miss is listed with the card, what was expected, what was extracted, and the evidence that led there.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.evaluation import normalise_url, same_dataset
from pipeline.extract.facts import extract
from pipeline.extract.licenses import normalise_license_id
from pipeline.extract.model import ModelInput

# Fields scored, each as (kind, evidence dimensions shown for a miss). `set` fields are micro-averaged over
# cards; `scalar` fields count a positive (any value, or True / "described") right when it equals the label.
FIELDS = {
    "license": ("scalar", ("license",)),
    "datasets": ("set", ("datasets",)),
    "data_described": ("scalar", ("data_composition",)),
    "training_code": ("set", ("training_code", "code")),
    "other_code": ("set", ("code", "training_code")),
    "papers": ("set", ("paper",)),
    "base_model": ("scalar", ("base_model",)),
    "checkpoints": ("scalar", ("checkpoints",)),
}
HEADLINE = ("license", "datasets", "training_code", "papers", "base_model", "checkpoints")  # the goals
LABEL_CODE_HOSTS = {"github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "colab.research.google.com"}
RL_TEMPLATE_TAG = "[rl-template]"
CARD_ROOT = "project/model_cards/"  # where the labels' paths live inside the corpus repository
_ARXIV = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf|html)/|huggingface\.co/papers/|10\.48550/arxiv\.|arxiv:\s?)(\d{4}\.\d{4,5})",
    re.IGNORECASE,
)


class CardSourceError(Exception):
    """Cards that cannot be read: reported to the user in one line."""


# ---- where the cards are ---------------------------------------------------------------------------------------


class CardSource:
    """Card texts by the labels' `path`, from a folder or a bare git directory (read in place, never copied)."""

    def __init__(self, source: Path) -> None:
        self.source = Path(source)
        if not self.source.exists():
            raise CardSourceError(f"--cards: {self.source} does not exist")
        self.is_git = (self.source / "HEAD").is_file() and (self.source / "objects").is_dir()
        if not self.is_git and not self.source.is_dir():
            raise CardSourceError(f"--cards: {self.source} is neither a folder nor a git directory")

    def read_many(self, paths: list[str]) -> dict[str, str | None]:
        """path -> card text (None when the source does not hold it)."""
        return self._from_git(paths) if self.is_git else {path: self._from_folder(path) for path in paths}

    def _from_folder(self, path: str) -> str | None:
        # The folder may be the archive's root, its `project/`, or `model_cards/` itself.
        parts = path.split("/")
        for skip in range(len(parts)):
            candidate = self.source.joinpath(*parts[skip:])
            if candidate.is_file():
                return candidate.read_bytes().decode("utf-8", "replace")
        return None

    def _from_git(self, paths: list[str]) -> dict[str, str | None]:
        """One `git cat-file --batch` for all cards: one process, not one per card."""
        request = "".join(f"HEAD:{path}\n" for path in paths).encode()
        try:
            done = subprocess.run(["git", "--git-dir", str(self.source), "cat-file", "--batch"], input=request,
                                  capture_output=True, check=True)
        except (OSError, subprocess.CalledProcessError) as error:
            raise CardSourceError(f"--cards: cannot read {self.source} with git: {error}") from None
        out, pos, texts = done.stdout, 0, {}
        for path in paths:
            header_end = out.index(b"\n", pos)
            header = out[pos:header_end].split()
            pos = header_end + 1
            if header[-1] == b"missing":
                texts[path] = None
                continue
            size = int(header[2])
            texts[path] = out[pos : pos + size].decode("utf-8", "replace")
            pos += size + 1  # the blob, then a newline
        return texts


def repo_id_of(path: str) -> str:
    """`.../SEBIS_legal_t5_small_summ_it_README.md` -> `cs577/SEBIS_legal_t5_small_summ_it`: the file name loses
    the namespace/name split, so the stem is kept whole under one made-up namespace."""
    stem = path.rsplit("/", 1)[-1].removesuffix(".md").removesuffix("_README").removesuffix(".README")
    return f"cs577/{stem}"


# ---- values as the labels write them ---------------------------------------------------------------------------


def url_key(url: str) -> str:
    """URLs compare lower-cased, without a trailing `/` (and the labels README's debris rules)."""
    return normalise_url(url).lower()


def paper_key(url: str) -> str:
    """A paper's arXiv id wherever it is written (abs, pdf, html, Hub papers, DOI); else its URL key."""
    match = _ARXIV.search(url)
    return f"arxiv:{match.group(1)}" if match else url_key(url)


def license_key(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, list):
        keys = sorted({license_key(v) for v in value})
        return keys[0] if len(keys) == 1 else keys
    return normalise_license_id(value) or str(value).lower()


def view_of_label(label: dict) -> dict:
    training = {url_key(u) for u in label["training_code_urls"]}
    return {
        "license": license_key(label["license_declared"]),
        "datasets": list(label["datasets"]),
        "data_described": label["data_disclosure"] == "described",
        "training_code": sorted(training),
        "other_code": sorted({url_key(u) for u in label["other_code_urls"]} - training),
        "papers": sorted({paper_key(u) for u in label["paper_urls"]}),
        "base_model": label["base_model"].lower() if label["base_model"] else None,
        "checkpoints": bool(label["intermediate_checkpoints"]),
    }


def view_of_facts(facts: dict) -> dict:
    links = facts["code_links"]
    training = {url_key(link["url"]) for link in links if link["role"] == "training"}
    other = {url_key(link["url"]) for link in links if link["role"] != "training" and link["host"] in LABEL_CODE_HOSTS}
    declared = None
    if facts["license_source"] == "card_metadata" and facts["license_declared"]:
        declared = license_key(json.loads(facts["license_declared"]))
        declared = facts["license_id"] if declared in ("other", None) and facts["license_id"] != "other" else declared
    elif facts["license_source"] != "none":
        declared = facts["license_id"]
    return {
        "license": declared,
        "datasets": [d["hub_id"] or d["name"] for d in facts["datasets"]],
        "data_described": facts["data_disclosure"] == "described",
        "training_code": sorted(training),
        "other_code": sorted(other - training),
        "papers": sorted({paper_key(_paper_url(p)) for p in facts["papers"]}),
        "base_model": facts["base_models"][0].lower() if facts["base_models"] else None,
        "checkpoints": facts["checkpoints"] != "none",
    }


def _paper_url(paper: str) -> str:
    return f"https://arxiv.org/abs/{paper.removeprefix('arxiv:')}" if paper.startswith("arxiv:") else paper


def _same(field_name: str, a: Any, b: Any) -> bool:
    return same_dataset(a, b) if field_name == "datasets" else a == b


# ---- scores ----------------------------------------------------------------------------------------------------


@dataclass
class Tally:
    """True positives, predicted and labelled positives of one field: precision, recall, F1."""

    right: int = 0  # predicted items (positives) that match a label
    predicted: int = 0
    found: int = 0  # labelled items (positives) that were predicted
    labelled: int = 0

    def add(self, kind: str, name: str, ours: Any, expected: Any) -> bool:
        """Adds one card; returns whether it was exactly right."""
        if kind == "set":
            right = sum(any(_same(name, o, e) for e in expected) for o in ours)
            found = sum(any(_same(name, o, e) for o in ours) for e in expected)
            self.right, self.predicted = self.right + right, self.predicted + len(ours)
            self.found, self.labelled = self.found + found, self.labelled + len(expected)
            return right == len(ours) and found == len(expected)
        positive_ours, positive_label = _positive(ours), _positive(expected)
        hit = positive_ours and ours == expected
        self.right += hit
        self.found += hit
        self.predicted += positive_ours
        self.labelled += positive_label
        return ours == expected

    def figures(self) -> dict:
        """F1 as 2·TP / (predicted + labelled), with TP counted from both sides (a set may match unevenly): defined
        whenever anything was predicted or labelled, so a family that only over-claims shows 0, not a blank."""
        precision = self.right / self.predicted if self.predicted else None
        recall = self.found / self.labelled if self.labelled else None
        total = self.predicted + self.labelled
        f1 = (self.right + self.found) / total if total else None
        return {"precision": precision, "recall": recall, "f1": f1, "right": self.right,
                "predicted": self.predicted, "found": self.found, "labelled": self.labelled}


def _positive(value: Any) -> bool:
    return value is not None and value is not False and value != []


@dataclass
class CardResult:
    path: str
    family: str
    rl_template: bool
    ours: dict
    expected: dict
    evidence: list[dict]
    exact: dict[str, bool] = field(default_factory=dict)


def score_cards(labels_path: Path, source: CardSource) -> dict:
    """Every figure and every miss, as one JSON-ready dict."""
    labels = read_labels(labels_path)
    texts = source.read_many([label["path"] for label in labels])
    missing = [path for path, text in texts.items() if text is None]
    results = []
    for label in labels:
        text = texts[label["path"]]
        if text is None:
            continue
        extraction = extract(ModelInput(repo_id=repo_id_of(label["path"]), readme=text))
        result = CardResult(label["path"], extraction.facts.card.family.value,
                            RL_TEMPLATE_TAG in (label.get("notes") or ""), view_of_facts(extraction.row),
                            view_of_label(label), extraction.evidence)
        results.append(result)
    groups = {"all cards": results, "without [rl-template]": [r for r in results if not r.rl_template]}
    families: dict[str, list[CardResult]] = {}
    for result in results:
        families.setdefault(result.family, []).append(result)
    tallies = {group: _tally(members) for group, members in groups.items()}
    family_tallies = {family: _tally(members) for family, members in sorted(families.items())}
    return {
        "labels": str(labels_path),
        "cards": len(results),
        "missing_cards": missing,
        "groups": {group: {"cards": len(groups[group]), "fields": figures} for group, figures in tallies.items()},
        "families": {family: {"cards": len(families[family]), "fields": figures}
                     for family, figures in family_tallies.items()},
        "misses": [miss for result in results for miss in _misses(result)],
    }


def read_labels(path: Path) -> list[dict]:
    labels = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    for number, label in enumerate(labels, 1):
        if "path" not in label:
            raise ValueError(f"line {number} has no `path`: not a real-card label file")
    return labels


def _tally(results: list[CardResult]) -> dict[str, dict]:
    tallies = {name: Tally() for name in FIELDS}
    for result in results:
        for name, (kind, _) in FIELDS.items():
            result.exact[name] = tallies[name].add(kind, name, result.ours[name], result.expected[name])
    return {name: tally.figures() for name, tally in tallies.items()}


def _misses(result: CardResult) -> Iterator[dict]:
    for name, (_, dimensions) in FIELDS.items():
        if result.exact[name]:
            continue
        evidence = [f"{row['location']}: {row['snippet']}" for row in result.evidence if row["dimension"] in dimensions]
        yield {"field": name, "card": result.path, "family": result.family, "expected": result.expected[name],
               "extracted": result.ours[name], "evidence": evidence[:6]}


# ---- the report ------------------------------------------------------------------------------------------------


def _figure(value: float | None) -> str:
    return "   —" if value is None else f"{value:4.2f}"


def format_card_report(report: dict, *, show_misses: bool = True) -> str:
    lines = [f"Real cards ({report['labels']}): {report['cards']} cards scored"
             + (f", {len(report['missing_cards'])} not found in the card source" if report["missing_cards"] else "")]
    for group, data in report["groups"].items():
        lines.append(f"\n  {group} ({data['cards']} cards)")
        lines.append(f"  {'field':16} {'prec':>5} {'recall':>6} {'F1':>5}   {'right/predicted':>15} {'found/labelled':>14}")
        for name, fig in data["fields"].items():
            lines.append(f"  {name:16} {_figure(fig['precision']):>5} {_figure(fig['recall']):>6} "
                         f"{_figure(fig['f1']):>5}   {fig['right']:>7}/{fig['predicted']:<7} "
                         f"{fig['found']:>6}/{fig['labelled']:<7}")
    lines.append("\n  F1 per card family (card_family; — = nothing labelled or predicted)")
    lines.append(f"  {'family':22} {'cards':>5} " + " ".join(f"{name[:9]:>9}" for name in HEADLINE))
    for family, data in report["families"].items():
        lines.append(f"  {family:22} {data['cards']:>5} "
                     + " ".join(f"{_figure(data['fields'][name]['f1']):>9}" for name in HEADLINE))
    if show_misses:
        lines.append(f"\n  Misses ({len(report['misses'])}): field | card | family | expected | extracted | evidence")
        for miss in report["misses"]:
            lines.append(f"  {miss['field']} | {miss['card'].removeprefix(CARD_ROOT)} | {miss['family']} | "
                         f"{json.dumps(miss['expected'])} | {json.dumps(miss['extracted'])}")
            for row in miss["evidence"]:
                lines.append(f"      {row[:200]}")
    return "\n".join(lines)
