"""How far the extracted facts can be trusted: extraction scored against labels made by people.

Three label sets, all read from ../shared/data (next to the repository) by default:
- labels_fixture.jsonl: 29 cards labelled by reading them (schema in labels_fixture.README.md). Per field:
  precision and recall (set-valued fields, micro-averaged over cards), accuracy (scalar fields), and precision
  and recall of the positive class where one makes sense.
- the PeaTMOSS ground truth (license, github, datasets, upstream_model, paper of 50 models), scored on the
  models whose card is available locally.
- the Hub's curated lists of popular models with `license: other` or no license (hub-docs, Oct 2023), with
  the license each really carries: agreement of the normalised license.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.corpus import repo_id_from_file_name
from pipeline.extract.facts import extract
from pipeline.extract.licenses import REFERENCE, normalise_license_id
from pipeline.extract.model import ModelInput
from pipeline.paths import REPO_ROOT

SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
LABELS = SHARED_DATA / "ground-truth" / "labels_fixture.jsonl"
PEATMOSS = SHARED_DATA / "ground-truth" / "peatmoss" / "Accurate_Pipeline__groundTruth.json"
CARDS = SHARED_DATA / "hub-recorded" / "model_cards"
REPO_HISTORY = SHARED_DATA / "hub-recorded" / "repo_history"
LICENSE_LISTS = {
    "license_other": SHARED_DATA / "licenses" / "hub-docs__hacktoberfest_model_license_other.csv",
    "no_license": SHARED_DATA / "licenses" / "hub-docs__hacktoberfest_model_no_license.csv",
}

# labels_fixture.README.md: "other code" is any link to these hosts that is not training code.
LABELLED_CODE_HOSTS = {"github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "colab.research.google.com"}
_ARXIV_ID = re.compile(r"(?:arxiv\.org/(?:abs|pdf)/|arxiv[:.]\s?)(\d{4}\.\d{4,5})", re.IGNORECASE)


# ---- comparing values as the labels write them -----------------------------------------------------------


def normalise_url(url: str) -> str:
    """The three clean-ups of labels_fixture.README.md: trailing `/`; `((`, `}`, `},` and `,` debris; `git+`."""
    url = url.strip()
    previous = None
    while url != previous:
        previous = url
        url = url.removeprefix("((").removeprefix("git+")
        for debris in ("},", "}", ","):
            url = url.removesuffix(debris)
        url = url.rstrip("/")
    return url


def paper_url(paper: str) -> str:
    """Our `arxiv:NNNN.NNNNN` as the arXiv abs link the labels use; other papers are URLs already."""
    if paper.startswith("arxiv:"):
        return f"https://arxiv.org/abs/{paper.removeprefix('arxiv:')}"
    return normalise_url(paper)


def repo_key(url: str) -> tuple[str, str]:
    """(host, repository) of a URL, the level at which code links are deduplicated and compared."""
    match = re.match(r"(?:git\+)?https?://(?:www\.)?([^/?#]+)/*([^?#]*)", url)
    host, path = match.group(1).lower(), match.group(2).strip("/")
    segments = path.split("/")
    if host == "colab.research.google.com":
        return host, path.lower()
    repo = "/".join(segments[:2]).lower()
    return host, repo.removesuffix(".git")


def dataset_key(name: str) -> str:
    name = re.sub(r"\(.*?\)|\bdatasets?\b", "", name.lower())
    return re.sub(r"[^a-z0-9/]", "", name)


def same_dataset(a: str, b: str) -> bool:
    """One dataset under two spellings: `the_pile` and `The Pile`, `booksum` and `kmfoda/booksum`."""
    a, b = dataset_key(a), dataset_key(b)
    return a == b or a.split("/")[-1] == b.split("/")[-1]


def resolved_license(facts: dict) -> str | None:
    """The license a model really carries by our facts: `other` resolved through its license_name."""
    license_id = facts["license_id"]
    if license_id == "other" and facts["license_name"]:
        return normalise_license_id(facts["license_name"]) or "other"
    return license_id


# ---- scores -------------------------------------------------------------------------------------------------


@dataclass
class SetScore:
    """Micro-averaged precision and recall of a set-valued field, and the share of cards exactly right."""

    matched_ours: int = 0  # our items that match a label
    ours: int = 0
    found_labels: int = 0  # labelled items that we found
    labels: int = 0
    exact_cards: int = 0
    cards: int = 0

    def add(self, ours: list, labels: list, same: Callable[[Any, Any], bool]) -> None:
        matched = sum(any(same(item, label) for label in labels) for item in ours)
        found = sum(any(same(item, label) for item in ours) for label in labels)
        self.matched_ours += matched
        self.ours += len(ours)
        self.found_labels += found
        self.labels += len(labels)
        self.exact_cards += matched == len(ours) and found == len(labels)
        self.cards += 1

    def as_dict(self) -> dict:
        return {"kind": "set", "precision": _ratio(self.matched_ours, self.ours),
                "recall": _ratio(self.found_labels, self.labels), "accuracy": _ratio(self.exact_cards, self.cards),
                "matched": self.matched_ours, "predicted": self.ours, "found": self.found_labels,
                "labelled": self.labels, "cards": self.cards}


@dataclass
class ScalarScore:
    """Accuracy of a single-valued field, and precision/recall of its positive class.

    `positive` is the value that counts as a positive (True, "described"), or None for "any value at all"
    (a license, a base model): then a positive is right only when it equals the label.
    """

    positive: Any = None
    correct: int = 0
    cards: int = 0
    true_positives: int = 0
    predicted_positives: int = 0
    labelled_positives: int = 0

    def is_positive(self, value: Any) -> bool:
        return value is not None if self.positive is None else value == self.positive

    def add(self, ours: Any, label: Any) -> None:
        self.cards += 1
        self.correct += ours == label
        self.predicted_positives += self.is_positive(ours)
        self.labelled_positives += self.is_positive(label)
        self.true_positives += self.is_positive(ours) and ours == label

    def as_dict(self) -> dict:
        return {"kind": "scalar", "positive": "any value" if self.positive is None else self.positive,
                "accuracy": _ratio(self.correct, self.cards),
                "precision": _ratio(self.true_positives, self.predicted_positives),
                "recall": _ratio(self.true_positives, self.labelled_positives),
                "matched": self.true_positives, "predicted": self.predicted_positives,
                "labelled": self.labelled_positives, "cards": self.cards}


def _ratio(part: int, whole: int) -> float | None:
    """None, not a made-up 1.0, when there is nothing to divide by."""
    return part / whole if whole else None


def _equal(a: Any, b: Any) -> bool:
    return a == b


# ---- where the cards are -------------------------------------------------------------------------------------


@dataclass
class CardStore:
    """README texts by repo id (folders of `org__name[.README].md`) and by repo id and commit (repo_history)."""

    folders: list[Path]
    history: Path = REPO_HISTORY
    _index: dict[str, Path] | None = field(default=None, repr=False)

    def _files(self) -> dict[str, Path]:
        if self._index is None:
            self._index = {}
            for folder in reversed(self.folders):  # the first folder wins
                for path in sorted(Path(folder).glob("*.md")) if Path(folder).is_dir() else []:
                    self._index[repo_id_from_file_name(path.name).lower()] = path
        return self._index

    def readme(self, repo_id: str, sha: str | None = None) -> str | None:
        if sha:
            path = self.history / repo_id.replace("/", "__") / "README_at" / f"{sha}.md"
            return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None
        path = self._files().get(repo_id.lower())
        return path.read_text(encoding="utf-8", errors="replace") if path else None


# ---- labels_fixture.jsonl -------------------------------------------------------------------------------------

FIXTURE_SCALARS = {  # field -> the positive value (None: any value)
    "license": None, "license_source": None, "license_conflict": True, "data_disclosure": "described",
    "checkpoints": True, "base_model": None,
}
FIXTURE_SETS = ("training_code_urls", "other_code_urls", "training_code_repos", "other_code_repos", "datasets",
                "papers")


def fixture_view_of_facts(facts: dict, evidence: list[dict]) -> dict:
    """Our facts in the shape of labels_fixture.jsonl, normalised as its README says."""
    license_declared = None
    if facts["license_source"] == "card_metadata":
        value = json.loads(facts["license_declared"])
        ids = [normalise_license_id(v) or v for v in (value if isinstance(value, list) else [value])]
        license_declared = ids[0] if len(ids) == 1 else ids
    elif facts["license_source"] != "none":
        license_declared = facts["license_id"]
    readme_statement = any(r["dimension"] == "license" and r["source_kind"] == "readme" for r in evidence)
    links = facts["code_links"]
    training = [link["url"] for link in links if link["role"] == "training"]
    other = [link["url"] for link in links if link["role"] != "training" and link["host"] in LABELLED_CODE_HOSTS]
    return {
        "license": license_declared,
        "license_source": {"card_metadata": "both" if readme_statement else "front_matter", "readme": "text"}.get(
            facts["license_source"]),
        "license_conflict": facts["license_conflict"],
        "data_disclosure": facts["data_disclosure"],
        "checkpoints": facts["checkpoint_mentioned"],
        "base_model": facts["base_models"][0].lower() if facts["base_models"] else None,
        "training_code_urls": sorted({normalise_url(url) for url in training}),
        "other_code_urls": sorted({normalise_url(url) for url in other}),
        "training_code_repos": sorted({repo_key(url) for url in training}),
        # a repository with a training link is training code, as in fixture_view_of_label
        "other_code_repos": sorted({repo_key(url) for url in other} - {repo_key(url) for url in training}),
        "datasets": [d["hub_id"] or d["name"] for d in facts["datasets"]],
        "papers": sorted({paper_url(paper) for paper in facts["papers"]}),
    }


def fixture_view_of_label(label: dict) -> dict:
    """A labels_fixture.jsonl line under the same names and normalisation as fixture_view_of_facts."""
    training = {normalise_url(url) for url in label["training_code_urls"]}
    other = {normalise_url(url) for url in label["other_code_urls"]} - training  # one URL, one list
    return {
        "license": label["license_declared"],
        "license_source": label["license_source"],
        "license_conflict": label["license_conflict"],
        "data_disclosure": label["data_disclosure"],
        "checkpoints": label["intermediate_checkpoints"],
        "base_model": label["base_model"].lower() if label["base_model"] else None,
        "training_code_urls": sorted(training),
        "other_code_urls": sorted(other),
        "training_code_repos": sorted({repo_key(url) for url in training}),
        "other_code_repos": sorted({repo_key(url) for url in other} - {repo_key(url) for url in training}),
        "datasets": label["datasets"],
        "papers": sorted({normalise_url(url) for url in label["paper_urls"]}),
    }


def score_fixture(labels_path: Path = LABELS, store: CardStore | None = None) -> dict:
    """Per-field scores of extraction on every card of labels_fixture.jsonl."""
    store = store or CardStore([CARDS])
    scalars = {name: ScalarScore(positive) for name, positive in FIXTURE_SCALARS.items()}
    sets = {name: SetScore() for name in FIXTURE_SETS}
    missing = []
    for line in Path(labels_path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        label = json.loads(line)
        repo_id, _, sha = label["card"].partition("@")
        readme = store.readme(repo_id, sha or None)
        if readme is None:
            missing.append(label["card"])
            continue
        extraction = extract(ModelInput(repo_id=repo_id, readme=readme))
        ours = fixture_view_of_facts(extraction.row, extraction.evidence)
        expected = fixture_view_of_label(label)
        for name, score in scalars.items():
            score.add(ours[name], expected[name])
        for name, score in sets.items():
            score.add(ours[name], expected[name], same_dataset if name == "datasets" else _equal)
    fields = {name: score.as_dict() for name, score in {**scalars, **sets}.items()}
    return {"labels": str(labels_path), "cards": scalars["license"].cards, "missing_cards": missing, "fields": fields}


# ---- PeaTMOSS ---------------------------------------------------------------------------------------------------


def peatmoss_view_of_label(label: dict) -> dict:
    """A PeaTMOSS ground-truth entry as comparable values (empty strings are "not given")."""
    license_text = (label.get("license") or "").strip()
    github = (label.get("github") or "").strip()
    upstream = (label.get("upstream_model") or "").strip()
    datasets = [_hub_dataset_id(d.strip()) for d in _as_list(label.get("datasets")) if d.strip()]
    papers = [_paper_key(p) for p in _as_list(label.get("paper")) if p.strip()]
    return {
        "license": (normalise_license_id(license_text) or license_text.lower()) if license_text else None,
        "github": [repo_key(github)] if github.startswith("http") else [],
        "datasets": datasets,
        "upstream_model": _model_key(upstream) if upstream else None,
        "paper": sorted(set(papers)),
    }


def peatmoss_view_of_facts(facts: dict) -> dict:
    """Our facts as PeaTMOSS fields. `github` is the code the card presents as its own: its training links,
    or every code link when none is training code (PeaTMOSS records one repository per model)."""
    links = [link for link in facts["code_links"] if link["host"] in LABELLED_CODE_HOSTS]
    own = [link for link in links if link["role"] == "training"] or links
    return {
        "license": resolved_license(facts),
        "github": sorted({repo_key(link["url"]) for link in own}),
        "datasets": [d["hub_id"] or d["name"] for d in facts["datasets"]],
        "upstream_model": facts["base_models"][0].lower() if facts["base_models"] else None,
        "paper": sorted({_paper_key(paper) for paper in facts["papers"]}),
    }


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _hub_dataset_id(value: str) -> str:
    match = re.search(r"huggingface\.co/datasets/([^\s?#]+)", value)
    return match.group(1).rstrip("/") if match else value


def _model_key(value: str) -> str:
    """`https://huggingface.co/EleutherAI/gpt-j-6b`, `EleutherAI / pythia-12b-deduped` -> `org/name`, lower."""
    match = re.search(r"huggingface\.co/([^\s?#]+)", value)
    value = match.group(1).rstrip("/") if match else value
    return re.sub(r"\s*/\s*", "/", value).lower()


def _paper_key(value: str) -> str:
    match = _ARXIV_ID.search(value)
    return f"arxiv:{match.group(1)}" if match else normalise_url(value).lower()


def score_peatmoss(peatmoss_path: Path = PEATMOSS, store: CardStore | None = None) -> dict:
    """PeaTMOSS fields scored on the models whose README is in the card store; the rest are only counted."""
    store = store or CardStore([CARDS])
    labels = json.loads(Path(peatmoss_path).read_text(encoding="utf-8"))
    scalars = {"license": ScalarScore(), "upstream_model": ScalarScore()}
    sets = {"github": SetScore(), "datasets": SetScore(), "paper": SetScore()}
    scored = []
    for repo_id, label in labels.items():
        readme = store.readme(repo_id)
        if readme is None:
            continue
        scored.append(repo_id)
        ours = peatmoss_view_of_facts(extract(ModelInput(repo_id=repo_id, readme=readme)).row)
        expected = peatmoss_view_of_label(label)
        for name, score in scalars.items():
            score.add(ours[name], expected[name])
        for name, score in sets.items():
            score.add(ours[name], expected[name], same_dataset if name == "datasets" else _equal)
    fields = {name: score.as_dict() for name, score in {**scalars, **sets}.items()} if scored else {}
    return {"labels": str(peatmoss_path), "models": len(labels), "with_card": len(scored), "scored": scored,
            "card_folders": [str(folder) for folder in store.folders], "fields": fields}


# ---- the Hub's curated license lists ------------------------------------------------------------------------------

# What is known of each listed model without the Hub. The lists come from the Hub's own metadata: the first
# holds models whose card says `license: other` (and that ship a LICENSE file), the second models whose card
# declares no license. Neither holds the card or the LICENSE text. The curators' suggestion (name and link)
# is the label; handing it to the extractor as license_name / license_link checks the name normalisation.
LICENSE_SCENARIOS = {
    "license_other": {
        "as listed (license: other)": lambda row: {"license": "other"},
        "with the suggested license_name and license_link": lambda row: {
            "license": "other", "license_name": row["suggested_license_name"],
            "license_link": row["suggested_license_link"] or None},
    },
    "no_license": {
        "as listed (no license metadata)": lambda row: {},
        "with the suggested license_link only": lambda row: {"license_link": row["suggested_license_link"] or None},
    },
}


def read_license_list(path: Path) -> list[dict]:
    """Rows of a hacktoberfest list, with the model id taken out of its markdown link."""
    with Path(path).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        match = re.match(r"\[([^\]]+)\]", row["model_id"])
        row["repo_id"] = match.group(1) if match else row["model_id"]
    return rows


def score_license_lists(paths: dict[str, Path] | None = None) -> dict:
    """Agreement of our normalised license with the curators' suggestion, per list and per input scenario.

    Rows without a suggestion are unlabelled and left out. `id` compares license ids (`llama-license`,
    `llama2`); `family` compares license_family (research-only, community, ...) from license_reference.csv.
    """
    paths = paths or LICENSE_LISTS
    results = {}
    for name, path in paths.items():
        rows = read_license_list(path)
        labelled = [row for row in rows if row["suggested_license_name"].strip()]
        expected_names = sorted({row["suggested_license_name"].strip() for row in labelled})
        scenarios = {}
        for scenario, card_data_of in LICENSE_SCENARIOS[name].items():
            same_id = same_family = resolved = 0
            for row in labelled:
                facts = extract(ModelInput(repo_id=row["repo_id"], card_data=card_data_of(row))).row
                expected = normalise_license_id(row["suggested_license_name"]) or "unknown"
                ours = resolved_license(facts)
                resolved += ours not in (None, "other", "unknown")
                same_id += ours == expected
                same_family += facts["license_family"] == REFERENCE[expected].family
            scenarios[scenario] = {
                "resolved": resolved, "same_id": same_id, "same_family": same_family,
                "id_agreement": _ratio(same_id, len(labelled)), "family_agreement": _ratio(same_family, len(labelled)),
            }
        results[name] = {
            "file": str(path), "rows": len(rows), "labelled": len(labelled),
            "suggested_names": {n: normalise_license_id(n) for n in expected_names}, "scenarios": scenarios,
        }
    return results


# ---- the report ---------------------------------------------------------------------------------------------------


def _figure(value: float | None) -> str:
    return "    —" if value is None else f"{value:5.3f}"


def format_fields(fields: dict) -> list[str]:
    """One line per field; counts are `ours right/ours` and `labels found/labels` (positives for scalars)."""
    lines = [f"  {'field':22} {'accuracy':>8} {'precision':>9} {'recall':>6}   {'ours right':>10} {'labels found':>12}"]
    for name, score in fields.items():
        found = score["found"] if score["kind"] == "set" else score["matched"]
        positive = f"  (positive: {score['positive']})" if score["kind"] == "scalar" else ""
        lines.append(
            f"  {name:22} {_figure(score['accuracy']):>8} {_figure(score['precision']):>9} "
            f"{_figure(score['recall']):>6}   {score['matched']:>4}/{score['predicted']:<5} "
            f"{found:>6}/{score['labelled']:<5}{positive}"
        )
    return lines


def is_real_card_labels(path: Path) -> bool:
    """Whether a label file is keyed by card `path` (real-card labels) rather than by repo id (the fixture)."""
    with Path(path).open(encoding="utf-8") as handle:
        first = next((line for line in handle if line.strip()), "")
    try:
        return "path" in json.loads(first)
    except ValueError:
        return False


def format_report(report: dict) -> str:
    lines = []
    if "real_cards" in report:
        from pipeline.card_eval import format_card_report

        lines.append(format_card_report(report["real_cards"]))
    fixture = report.get("labels_fixture")
    if fixture:
        lines.append(f"labels_fixture.jsonl: {fixture['cards']} cards scored"
                     + (f", {len(fixture['missing_cards'])} cards not found" if fixture["missing_cards"] else ""))
        lines += format_fields(fixture["fields"])
        lines.append("  set fields: micro-averaged over cards; accuracy = share of cards whose set is exactly right;")
        lines.append("  *_urls compare normalised URLs, *_repos compare (host, owner/repo); — = nothing to divide by")
    peatmoss = report.get("peatmoss")
    if peatmoss:
        lines.append("")
        lines.append(f"PeaTMOSS ground truth: {peatmoss['with_card']} of {peatmoss['models']} models have their card "
                     f"here (looked in {', '.join(peatmoss['card_folders'])})")
        if not peatmoss["with_card"]:
            lines.append("  no PeaTMOSS model has its README available locally, so there are no PeaTMOSS figures; "
                         "pass --cards DIR with their READMEs (org__name.md) to score them")
        else:
            if peatmoss["with_card"] < 10:
                lines.append(f"  only {peatmoss['with_card']} model(s): too few for the figures to mean much "
                             f"({', '.join(peatmoss['scored'])})")
            lines += format_fields(peatmoss["fields"])
    licenses = report.get("licenses")
    if licenses:
        lines.append("")
        lines.append("License agreement with the Hub's curated lists (hacktoberfest 2023):")
        for name, result in licenses.items():
            names = ", ".join(f"{n} -> {i}" for n, i in result["suggested_names"].items())
            lines.append(f"  {name}: {result['rows']} models, {result['labelled']} with a suggested license ({names})")
            for scenario, figures in result["scenarios"].items():
                lines.append(
                    f"    {scenario:52} id {_figure(figures['id_agreement'])} ({figures['same_id']}/"
                    f"{result['labelled']})  family {_figure(figures['family_agreement'])} "
                    f"({figures['same_family']}/{result['labelled']})  resolved {figures['resolved']}"
                )
    return "\n".join(lines)


def evaluate(
    labels: Path | None = LABELS,
    peatmoss: Path | None = PEATMOSS,
    card_folders: list[Path] | None = None,
    licenses: bool = False,
) -> dict:
    """Every score asked for, as one JSON-ready dict. Extra card folders are searched before the recorded cards."""
    store = CardStore([*(card_folders or []), CARDS])
    report: dict[str, Any] = {}
    if labels is not None:
        report["labels_fixture"] = score_fixture(labels, store)
    if peatmoss is not None:
        report["peatmoss"] = score_peatmoss(peatmoss, store)
    if licenses:
        report["licenses"] = score_license_lists()
    return report
