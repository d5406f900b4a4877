"""The openness rubric: model_facts -> a grade per dimension, a class, and scores on the anchors' scales.

Every dimension is graded open | partial | closed | unknown with one sentence of reason
(`grade_reasons`). The rules, the classes and the mappings to OSAID, MOF and EOSAI are documented in
docs/rubric.md; change RUBRIC_VERSION whenever a rule changes, so that old grades stay interpretable.
"""

from __future__ import annotations

from typing import Any, Callable

from pipeline.extract.licenses import open_terms

RUBRIC_VERSION = "2026.11-2"

DIMENSIONS = (
    "weights", "license", "training_code", "training_data", "data_composition",
    "checkpoints", "paper", "model_card", "access",
)
SCORES = {"open": 1.0, "partial": 0.5, "closed": 0.0}  # `unknown` is left out of the mean, as EOSAI leaves NA
RESTRICTED_LICENSE_FAMILIES = {"rail", "community"}
CLOSED_LICENSE_FAMILIES = {"creative-commons-nc", "research-only"}
COMPREHENSIVE_CARD_BYTES = 2000
COMPREHENSIVE_CARD_SECTIONS = 3
MINIMAL_CARD_BYTES = 300

Judgment = tuple[str, str]  # (grade, reason)


def grade(facts: dict[str, Any], *, gated: str) -> dict[str, Any]:
    """The openness columns (without snapshot_date, hub_id, repo_id) for one model's facts."""
    judgments = judge(facts, gated)
    grades = {dimension: judgments[dimension][0] for dimension in DIMENSIONS}
    openness_class = judgments["openness_class"][0]
    return {
        **grades,
        "openness_class": openness_class,
        "osaid_candidate": openness_class == "osaid_candidate",
        "mof_class": judgments["mof_class"][0],
        "eosai_score": eosai_score(grades),
        "rubric_version": RUBRIC_VERSION,
    }


def grade_reasons(facts: dict[str, Any], gated: str) -> dict[str, str]:
    """One sentence per dimension (and for the class and the MOF class) saying why it got its grade."""
    return {name: reason for name, (_, reason) in judge(facts, gated).items()}


def judge(facts: dict[str, Any], gated: str) -> dict[str, Judgment]:
    judgments = {dimension: _RULES[dimension](facts, gated) for dimension in DIMENSIONS}
    grades = {dimension: grade for dimension, (grade, _) in judgments.items()}
    judgments["openness_class"] = _openness_class(facts, gated, grades)
    judgments["mof_class"] = _mof_class(facts, grades)
    return judgments


def training_data_judgment(facts: dict[str, Any]) -> Judgment:
    """The training_data rule alone (it does not depend on the gate)."""
    return _training_data(facts, "no")


def osai_data_information(facts: dict[str, Any]) -> bool:
    """Data information as the OSAID asks for it. A derivative's card covers only its own tuning data, not its
    base model's: no data information from the card alone."""
    return (facts.get("data_disclosure") or "none") != "none" and not facts.get("base_models")


def osi_approved_open_license(facts: dict[str, Any], license_grade: str | None) -> bool:
    return license_grade == "open" and facts.get("license_osi_approved") is True


def downloadable_datasets(facts: dict[str, Any]) -> bool:
    """Some named training dataset is a Hub dataset (the MOF's "datasets" component)."""
    return any(d.get("hub_id") for d in facts.get("datasets") or [])


def eosai_score(grades: dict[str, str]) -> float:
    """Mean over graded dimensions with open = 1, partial = 0.5, closed = 0; 0.0 when all are unknown."""
    scored = [SCORES[g] for g in grades.values() if g in SCORES]
    return round(sum(scored) / len(scored), 4) if scored else 0.0


def _weights(facts: dict[str, Any], gated: str) -> Judgment:
    if gated == "no":
        return "open", "The weights download without any access gate."
    if gated == "auto":
        return "partial", "The weights are behind an automatic access gate (accept the terms to download)."
    if gated == "manual":
        return "partial", "The weights are behind an access gate that the authors approve by hand."
    return "unknown", f"The gating state '{gated}' is not known."


def _license(facts: dict[str, Any], gated: str) -> Judgment:
    family = facts.get("license_family") or "none"
    name = facts.get("license_id") or "none"
    if name == "other" and facts.get("license_name"):
        name = f"other ({facts['license_name']})"
    osi = facts.get("license_osi_approved")
    commercial = facts.get("license_commercial_use")
    restricted = facts.get("license_use_restrictions")
    if family == "none":
        return "closed", "No license is declared, so all rights are reserved by default."
    if open_terms(osi, family, commercial, restricted):
        if facts.get("license_conflict"):
            return "partial", f"The declared license {name} is open, but the card's sources name different licenses."
        kind = "OSI-approved" if osi else f"an open {family} license"
        return "open", f"The license {name} is {kind} without use restrictions."
    if family in CLOSED_LICENSE_FAMILIES or commercial is False:
        return "closed", f"The license {name} ({family}) forbids commercial use or allows research only."
    if family in RESTRICTED_LICENSE_FAMILIES or restricted:
        return "partial", f"The license {name} ({family}) allows use but with use restrictions or caps."
    return "unknown", f"The license {name} ({family}) could not be classified."


def _training_code(facts: dict[str, Any], gated: str) -> Judgment:
    links = facts.get("code_links") or []
    if facts.get("training_code"):
        repos = ", ".join(dict.fromkeys(link["repo"] for link in links if link.get("role") == "training"))
        return "open", f"The card links the code that trained the model ({repos})."
    if not facts.get("has_card"):
        return "unknown", "There is no model card to read training code links from."
    if links:
        return "closed", f"The card links {len(links)} code repositories, none presented as the training code."
    return "closed", "The card links no training code."


def _training_data(facts: dict[str, Any], gated: str) -> Judgment:
    datasets = facts.get("datasets") or []
    if not datasets:
        if not facts.get("has_card"):
            return "unknown", "There is no model card to read the training data from."
        return "closed", "The card names no training data."
    on_hub = [d for d in datasets if d.get("hub_id")]
    if not on_hub:
        return "partial", f"The card names {len(datasets)} datasets, none as a Hub dataset that can be downloaded."
    known = [d for d in on_hub if d.get("open") is not None]
    open_data = [d["hub_id"] for d in known if d["open"]]
    if not open_data or len(open_data) < len(known):
        restricted = [f"{d['hub_id']} ({d.get('license') or 'no license'})" for d in known if not d["open"]]
        why = (f"not all are open data: {', '.join(restricted[:5])}" if restricted
               else "whether they are open data is not known (their own licenses were not read)")
        return "partial", f"The card names Hub datasets, but {why}."
    if facts.get("base_models"):
        return "partial", ("The card names open Hub datasets, but the model derives from "
                           f"{', '.join(facts['base_models'])} whose training data this card does not cover.")
    return "open", f"The card names Hub datasets under open data licenses: {', '.join(open_data[:5])}."


def _data_composition(facts: dict[str, Any], gated: str) -> Judgment:
    disclosure = facts.get("data_disclosure") or "none"
    if disclosure == "described":
        if facts.get("datasets"):
            return "open", "The card names its data and describes its composition or processing."
        return "partial", "The card describes its data's composition or processing without naming the datasets."
    if not facts.get("has_card"):
        return "unknown", "There is no model card to read the data composition from."
    if disclosure == "named":
        return "closed", "The card names its data but says nothing about its composition or processing."
    return "closed", "The card says nothing about its training data."


def _checkpoints(facts: dict[str, Any], gated: str) -> Judgment:
    status = facts.get("checkpoints") or "none"
    if status == "published":
        count = (facts.get("checkpoint_branches") or 0) + (facts.get("checkpoint_files") or 0)
        pattern = facts.get("checkpoint_pattern")
        where = f" ({pattern} branches)" if pattern else ""
        return "open", f"{count} intermediate checkpoints are published{where}."
    if status == "mentioned":
        return "partial", "The card says intermediate checkpoints exist, but no checkpoint branch or file was found."
    return "closed", "No intermediate checkpoints are published or mentioned."


def _paper(facts: dict[str, Any], gated: str) -> Judgment:
    papers = facts.get("papers") or []
    if papers:
        return "open", f"The card links a paper or technical report about this model ({papers[0]})."
    if not facts.get("has_card"):
        return "unknown", "There is no model card to read paper links from."
    return "closed", "The card links no paper or technical report about this model."


def _model_card(facts: dict[str, Any], gated: str) -> Judgment:
    if not facts.get("has_card"):
        return "closed", "The repository has no model card."
    size = facts.get("card_bytes") or 0
    sections = len(facts.get("card_sections") or [])
    if size >= COMPREHENSIVE_CARD_BYTES and sections >= COMPREHENSIVE_CARD_SECTIONS:
        return "open", f"The model card is substantial ({size} bytes, {sections} sections)."
    if size >= MINIMAL_CARD_BYTES or sections:
        return "partial", f"The model card is short ({size} bytes, {sections} sections)."
    return "closed", f"The model card is nearly empty ({size} bytes)."


def _access(facts: dict[str, Any], gated: str) -> Judgment:
    if gated == "no":
        return "open", "Anyone can download the model without asking."
    if gated == "auto":
        return "partial", "Downloading requires accepting terms, approved automatically."
    if gated == "manual":
        return "closed", "Downloading requires the authors' approval of each request."
    return "unknown", f"The gating state '{gated}' is not known."


_RULES: dict[str, Callable[[dict[str, Any], str], Judgment]] = {
    "weights": _weights, "license": _license, "training_code": _training_code, "training_data": _training_data,
    "data_composition": _data_composition, "checkpoints": _checkpoints, "paper": _paper,
    "model_card": _model_card, "access": _access,
}


def _openness_class(facts: dict[str, Any], gated: str, grades: dict[str, str]) -> Judgment:
    """OSAID candidate > open weights (permissive) > open weights (restricted) > gated or closed."""
    if gated == "manual" or grades["weights"] in ("closed", "unknown"):
        return "gated_or_closed", "The weights are not freely downloadable (manual gate or unknown access)."
    osi_license = osi_approved_open_license(facts, grades["license"])
    data_information = osai_data_information(facts)
    if grades["weights"] == "open" and osi_license and grades["training_code"] == "open" and data_information:
        return "osaid_candidate", ("Open weights, an OSI-approved license, training code and data information: "
                                   "the OSAID elements.")
    if grades["license"] == "open":
        missing = [name for name, ok in (("training code", grades["training_code"] == "open"),
                                         ("data information covering the base model", data_information),
                                         ("an OSI-approved license", osi_license),
                                         ("an ungated download", grades["weights"] == "open")) if not ok]
        return "open_weights_permissive", f"Open weights under an open license, but without {', '.join(missing)}."
    return "open_weights_restricted", f"Downloadable weights, but the license is graded {grades['license']}."


def _mof_class(facts: dict[str, Any], grades: dict[str, str]) -> Judgment:
    """An estimate of the Model Openness Framework class (cumulative: III, then II, then I), from the facts alone."""
    class_three = {
        "an open license": grades["license"] == "open",
        "available weights": grades["weights"] in ("open", "partial"),
        "a model card": grades["model_card"] in ("open", "partial"),
        "data information": (facts.get("data_disclosure") or "none") != "none",
        "a paper or technical report": grades["paper"] == "open",
    }
    class_two = {"training code": grades["training_code"] == "open"}
    class_one = {
        "intermediate checkpoints": grades["checkpoints"] == "open",
        "downloadable datasets": downloadable_datasets(facts),
    }
    achieved = "none"
    for name, requirements in (("III", class_three), ("II", class_two), ("I", class_one)):
        missing = [requirement for requirement, ok in requirements.items() if not ok]
        if missing:
            reason = f"Class {name} needs {', '.join(missing)}."
            return achieved, (f"Estimated MOF Class {achieved}; " if achieved != "none" else "No MOF class: ") + reason
        achieved = name
    return "I", "Estimated MOF Class I: open license, weights, card, data, paper, training code, checkpoints, datasets."
