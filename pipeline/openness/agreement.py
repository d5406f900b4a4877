"""Agreement between our grades and the human indices: EOSAI, MOF, and the OSI's own OSAID validation list.

Pure functions over polars frames (our `openness`, `model_facts` and `evidence` rows of one snapshot date, and the
ground-truth CSVs in ../shared/data/ground-truth), so tests need no DuckDB; `load_snapshot` reads the frames from
a DuckDB file for the `openness agreement` command. The mapping of our dimensions to theirs is in docs/rubric.md
("Agreement with the indices") and in `EOSAI_DIMENSIONS`, `MOF_COMPONENTS` below.

Caveats that the numbers carry: EOSAI judges a model *family* by its latest and largest member (its judgments are
of 2026, our crawl may be older), MOF records are self-reported, and only the models present in our snapshot are
compared.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from pipeline.openness.lineage import resolve_lineage
from pipeline.openness.rubric import (
    downloadable_datasets,
    grade_reasons,
    osai_data_information,
    osi_approved_open_license,
    training_data_judgment,
)

GROUND_TRUTH = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ground-truth"
MIN_PAIRS_FOR_KAPPA = 5
MAX_EVIDENCE_ROWS = 3
MAX_SNIPPET_CHARS = 160

EOSAI_LABELS = ("open", "partial", "closed")
MOF_LABELS = ("open_license", "included_not_open", "absent")
MOF_CLASS_LABELS = ("I", "II", "III", "none")


@dataclass(frozen=True)
class EosaiDimension:
    theirs: str            # EOSAI dimension (paper_or_preprint: the more open of `preprint` and `paper`)
    ours: str              # our openness column
    role: str              # end: compared on the end model; base: on the base model
    their_columns: tuple[str, ...]


# EOSAI weights: partial = gated download, like ours (our `access` tells an automatic from a manual gate, which EOSAI
# scores alike). datasheet is EOSAI's data documentation, our data_composition. code, hardware_architecture: no match.
EOSAI_DIMENSIONS = (
    EosaiDimension("weights_endmodel", "weights", "end", ("weights_endmodel",)),
    EosaiDimension("weights_basemodel", "weights", "base", ("weights_basemodel",)),
    # The end model's own (fine-tuning) data: what its card discloses, without the derivative cap (see lineage).
    EosaiDimension("datasources_endmodel", "card_training_data", "end", ("datasources_endmodel",)),
    EosaiDimension("datasources_basemodel", "training_data", "base", ("datasources_basemodel",)),
    EosaiDimension("trainingcode", "training_code", "end", ("trainingcode",)),
    EosaiDimension("datasheet", "data_composition", "end", ("datasheet",)),
    EosaiDimension("paper_or_preprint", "paper", "end", ("preprint", "paper")),
    EosaiDimension("modelcard", "model_card", "end", ("modelcard",)),
    EosaiDimension("licenses", "license", "end", ("licenses",)),
)


@dataclass(frozen=True)
class MofComponent:
    theirs: str                       # our name for the compared MOF component(s)
    ours: str                         # the openness dimension behind our side
    their_columns: tuple[str, ...]    # c<id>_<name> columns; with two, the more open one counts
    present: Callable[[dict[str, Any], dict[str, Any]], bool]  # (openness row, facts row) -> included?


MOF_COMPONENTS = (
    MofComponent("model_parameters_final", "weights", ("c10_model_parameters_final",),
                 lambda o, f: o["weights"] in ("open", "partial")),
    MofComponent("model_parameters_intermediate", "checkpoints", ("c24_model_parameters_intermediate",),
                 lambda o, f: o["checkpoints"] == "open"),
    MofComponent("training_code", "training_code", ("c7_training_code",), lambda o, f: o["training_code"] == "open"),
    MofComponent("datasets", "training_data", ("c15_datasets",),
                 lambda o, f: downloadable_datasets(f)),
    # MOF accepts a research paper in place of the technical report; we grade one `paper` dimension.
    MofComponent("paper_or_report", "paper", ("c21_research_paper", "c11_technical_report"),
                 lambda o, f: o["paper"] == "open"),
    MofComponent("model_card", "model_card", ("c13_model_card",), lambda o, f: o["model_card"] in ("open", "partial")),
)
MOF_STATUS = {"open_license": "open_license", "non_open_license": "included_not_open",
              "unlicensed": "included_not_open", "absent": "absent"}
MOF_CLASS = {"0": "none", "1": "I", "2": "II", "3": "III"}

# Our evidence rows behind each of our dimensions.
EVIDENCE_DIMENSIONS = {
    "weights": ("access",), "access": ("access",), "license": ("license",),
    "training_code": ("training_code", "code"), "training_data": ("datasets", "base_model"),
    "card_training_data": ("datasets",),
    "data_composition": ("data_composition",), "checkpoints": ("checkpoints",), "paper": ("paper",),
    "model_card": ("model_card",), "mof_class": (),
}


@dataclass(frozen=True)
class OsiSystem:
    name: str
    expected: str       # pass | license_change | fail (the OSI's validation outcome)
    id_pattern: str     # HF repo ids of the system's models (ours, and the indices' end models), case-insensitive
    name_pattern: str   # the system's entries in the indices, by model name


# "Which AI systems comply with the OSAID 1.0?" (OSI, 2024): passed, would pass with a license change, fell short.
OSI_VALIDATION = (
    OsiSystem("Pythia", "pass", r"^eleutherai/pythia-\d", r"^pythia\b"),
    OsiSystem("OLMo", "pass", r"^allenai/olmo-", r"^olmo\b"),
    OsiSystem("Amber", "pass", r"^llm360/amber", r"^amber\b"),
    OsiSystem("CrystalCoder", "pass", r"^llm360/crystalcoder", r"^crystal(coder)?$"),
    OsiSystem("T5", "pass", r"^(google-t5/|google/)?t5-(small|base|large|3b|11b)$", r"^t5(-11b)?$"),
    OsiSystem("BLOOM", "license_change", r"^bigscience/bloom", r"^bloomz?$"),
    OsiSystem("StarCoder2", "license_change", r"^bigcode/starcoder2", r"^starcoder ?2"),
    OsiSystem("Falcon", "license_change", r"^tiiuae/falcon", r"^falcon"),
    OsiSystem("Llama 2", "fail", r"^meta-llama/llama-2-", r"^llama[- ]?2\b"),
    OsiSystem("Phi-2", "fail", r"^microsoft/phi-2$", r"^phi-2$"),
    OsiSystem("Mixtral", "fail", r"^(mistralai|mistral-community)/mixtral", r"^mixtral"),
    OsiSystem("Grok", "fail", r"^xai-org/grok", r"^grok"),
)


@dataclass
class GroundTruth:
    eosai: pl.DataFrame
    eosai_evidence: pl.DataFrame
    mof: pl.DataFrame


@dataclass
class Agreement:
    snapshot_date: str | None
    matches: pl.DataFrame       # ground-truth entries found in our data, and how
    pairs: pl.DataFrame         # one row per (entry, dimension): ours, theirs, agree, both sides' evidence
    summary: pl.DataFrame       # per (index, dimension): n, agreement, kappa or why not
    confusion: dict[str, pl.DataFrame] = field(default_factory=dict)  # "<index>:<dimension>" -> ours x theirs
    osi: pl.DataFrame = field(default_factory=pl.DataFrame)
    absent: pl.DataFrame = field(default_factory=pl.DataFrame)  # entries with an HF id not in our data

    @property
    def disagreements(self) -> pl.DataFrame:
        return self.pairs.filter(~pl.col("agree"))  # null (ours unknown) is not a disagreement


# ---- loading ------------------------------------------------------------------------------------------


def load_ground_truth(folder: str | Path = GROUND_TRUTH) -> GroundTruth:
    """The EOSAI and MOF CSVs, every column as text."""
    folder = Path(folder)

    def read(name: str) -> pl.DataFrame:
        return pl.read_csv(folder / name, infer_schema_length=0)

    return GroundTruth(read("ground_truth_eosai.csv"), read("ground_truth_eosai_evidence_long.csv"),
                       read("ground_truth_mof.csv"))


def load_snapshot(db: str | Path, date: str | None = None) -> tuple[str, dict[str, pl.DataFrame]]:
    """(date, {openness, model_facts, evidence, models_raw}) of one published date (default: the latest)."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as conn:
        if date is None:
            latest = pl.from_arrow(conn.sql("SELECT max(snapshot_date) AS d FROM openness").to_arrow_table())["d"][0]
            if latest is None:
                raise ValueError(f"{db} has no openness rows")
            date = latest.isoformat()
        frames = {
            table: pl.from_arrow(conn.sql(f"SELECT * FROM {table} WHERE snapshot_date = ?", params=[date])
                                 .to_arrow_table())
            for table in ("openness", "model_facts", "evidence", "models_raw")
        }
    if frames["openness"].is_empty():
        raise ValueError(f"{db} has no openness rows on {date}")
    return date, frames


def rename_aliases(models_raw: pl.DataFrame) -> dict[str, str]:
    """Old repo id -> hub_id, for repos the crawl asked for under a name that the Hub redirected (renames)."""
    if models_raw.is_empty() or "requested_id" not in models_raw.columns:
        return {}
    renamed = models_raw.filter(pl.col("requested_id").str.to_lowercase() != pl.col("repo_id").str.to_lowercase())
    return dict(zip(renamed["requested_id"], renamed["hub_id"]))


# ---- kappa and confusion tables ---------------------------------------------------------------------


def cohen_kappa(ours: list[str], theirs: list[str]) -> float:
    """Cohen's kappa of two raters' labels over the same items: (p_o - p_e) / (1 - p_e)."""
    n = len(ours)
    if n == 0 or n != len(theirs):
        raise ValueError("kappa needs two equally long, non-empty label lists")
    observed = sum(a == b for a, b in zip(ours, theirs)) / n
    labels = set(ours) | set(theirs)
    expected = sum((ours.count(label) / n) * (theirs.count(label) / n) for label in labels)
    if expected == 1.0:
        raise ValueError("kappa is undefined when both raters use a single, identical label")
    return (observed - expected) / (1 - expected)


def kappa_or_reason(ours: list[str], theirs: list[str]) -> tuple[float | None, str | None]:
    """Kappa when it means something: at least MIN_PAIRS_FOR_KAPPA pairs, and both sides use two classes or more."""
    if len(ours) < MIN_PAIRS_FOR_KAPPA:
        return None, f"n = {len(ours)} < {MIN_PAIRS_FOR_KAPPA}"
    one_sided = [side for side, labels in (("ours", ours), ("theirs", theirs)) if len(set(labels)) < 2]
    if one_sided:
        return None, f"{' and '.join(one_sided)} use a single class"
    return round(cohen_kappa(ours, theirs), 4), None


def confusion_table(pairs: pl.DataFrame, labels: tuple[str, ...]) -> pl.DataFrame:
    """Rows: our label (their scale, then `unknown` if any); columns: their label; cells: counts."""
    ours_labels = [*labels, "unknown"]
    counts = {(o, t): 0 for o in ours_labels for t in labels}
    for ours, theirs in zip(pairs["ours"], pairs["theirs"]):
        key = (ours if ours in labels else "unknown", theirs)
        if key in counts:
            counts[key] += 1
    if not any(counts[("unknown", t)] for t in labels):
        ours_labels.remove("unknown")
    return pl.DataFrame(
        [{"ours \\ theirs": o, **{t: counts[(o, t)] for t in labels}} for o in ours_labels],
        schema={"ours \\ theirs": pl.String, **{t: pl.Int64 for t in labels}},
    )


# ---- matching ------------------------------------------------------------------------------------------


def _our_index(openness: pl.DataFrame, aliases: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Lower-cased repo id (and renamed id) -> {hub_id, repo_id}."""
    index = {row["repo_id"].lower(): {"hub_id": row["hub_id"], "repo_id": row["repo_id"]}
             for row in openness.select("hub_id", "repo_id").to_dicts()}
    by_hub = {entry["hub_id"]: entry for entry in index.values()}
    for alias, hub_id in aliases.items():
        if hub_id in by_hub:
            index.setdefault(alias.lower(), by_hub[hub_id])
    return index


def _ids(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def match_eosai(eosai: pl.DataFrame, openness: pl.DataFrame, lineage: pl.DataFrame | None = None,
                aliases: dict[str, str] | None = None) -> pl.DataFrame:
    """EOSAI entries found in our data: role `end` by `hf_endmodel_id`, role `base` by `hf_basemodel_id`.

    When `hf_endmodel_id` is empty, the entry's HF id whose name is its `endmodelname` stands in (Llama 3 links its
    end model only as license evidence). When the base id is not in our data but the matched end model's base chain
    resolves in it, that root base is used (`matched_by = lineage`).
    """
    ours = _our_index(openness, aliases or {})
    roots = {}
    if lineage is not None:
        resolved = lineage.filter(pl.col("lineage_status") == "resolved")
        roots = dict(zip(resolved["hub_id"], resolved["root_base"]))
    rows = []
    for entry in eosai.to_dicts():
        end_id, end_by = entry.get("hf_endmodel_id"), "hf_endmodel_id"
        if not end_id and entry.get("endmodelname"):
            name = entry["endmodelname"].lower()
            end_id = next((i for i in _ids(entry.get("hf_model_ids")) if i.split("/")[-1].lower() == name), None)
            end_by = "endmodelname"
        end = ours.get((end_id or "").lower())
        if end:
            rows.append(_match_row("eosai", entry, "end", end_id, end, end_by, entry.get("file_last_commit")))
        base_id = entry.get("hf_basemodel_id")
        base = ours.get((base_id or "").lower())
        if base:
            rows.append(_match_row("eosai", entry, "base", base_id, base, "hf_basemodel_id",
                                   entry.get("file_last_commit")))
        elif end and roots.get(end["hub_id"]):
            root = ours[roots[end["hub_id"]].lower()]
            rows.append(_match_row("eosai", entry, "base", base_id, root, "lineage", entry.get("file_last_commit")))
    return pl.DataFrame(rows, schema=MATCH_SCHEMA)


def match_mof(mof: pl.DataFrame, openness: pl.DataFrame, aliases: dict[str, str] | None = None) -> pl.DataFrame:
    """MOF records found in our data by `hf_repo_id`."""
    ours = _our_index(openness, aliases or {})
    rows = []
    for entry in mof.to_dicts():
        found = ours.get((entry.get("hf_repo_id") or "").lower())
        if found:
            rows.append(_match_row("mof", entry, "end", entry["hf_repo_id"], found, "hf_repo_id",
                                   entry.get("record_date")))
    return pl.DataFrame(rows, schema=MATCH_SCHEMA)


MATCH_SCHEMA = {"index": pl.String, "entry": pl.String, "gt_model": pl.String, "role": pl.String,
                "gt_id": pl.String, "repo_id": pl.String, "hub_id": pl.String, "matched_by": pl.String,
                "gt_date": pl.String}


def _match_row(index: str, entry: dict, role: str, gt_id: str | None, ours: dict, matched_by: str,
               gt_date: str | None) -> dict:
    return {"index": index, "entry": entry["file"], "gt_model": entry["model_name"], "role": role, "gt_id": gt_id,
            "repo_id": ours["repo_id"], "hub_id": ours["hub_id"], "matched_by": matched_by, "gt_date": gt_date}


def absent_entries(eosai: pl.DataFrame, mof: pl.DataFrame, matches: pl.DataFrame) -> pl.DataFrame:
    """Ground-truth entries that name an HF repo id none of which is in our data."""
    found = set(zip(matches["index"], matches["entry"]))
    rows = [{"index": "eosai", "entry": e["file"], "gt_model": e["model_name"],
             "gt_id": e.get("hf_endmodel_id") or e.get("hf_basemodel_id") or (_ids(e.get("hf_model_ids")) or [None])[0]}
            for e in eosai.to_dicts() if ("eosai", e["file"]) not in found]
    rows += [{"index": "mof", "entry": m["file"], "gt_model": m["model_name"], "gt_id": m.get("hf_repo_id")}
             for m in mof.to_dicts() if ("mof", m["file"]) not in found]
    return pl.DataFrame(rows, schema={"index": pl.String, "entry": pl.String, "gt_model": pl.String,
                                      "gt_id": pl.String}).filter(pl.col("gt_id").is_not_null())


# ---- pairs ------------------------------------------------------------------------------------------------


def _more_open(values: list[str | None], order: tuple[str, ...]) -> str | None:
    """Of several labels on a scale listed from most to least open, the most open one."""
    known = [v for v in values if v in order]
    return min(known, key=order.index) if known else None


class _OurSide:
    """Our grades, facts, reasons and evidence per hub_id, for building pairs."""

    def __init__(self, openness: pl.DataFrame, facts: pl.DataFrame, evidence: pl.DataFrame,
                 lineage: pl.DataFrame) -> None:
        card_data = dict(zip(lineage["hub_id"], lineage["card_training_data"]))
        self.grades = {row["hub_id"]: {**row, "card_training_data": card_data.get(row["hub_id"], "unknown")}
                       for row in openness.to_dicts()}
        self.facts = {row["hub_id"]: row for row in facts.to_dicts()}
        self.evidence: dict[tuple[str, str], list[str]] = {}
        for row in evidence.to_dicts():
            snippet = " ".join(str(row["snippet"]).split())[:MAX_SNIPPET_CHARS]
            self.evidence.setdefault((row["hub_id"], row["dimension"]), []).append(f"{row['location']}: {snippet}")
        self._reasons: dict[str, dict[str, str]] = {}

    def reason(self, hub_id: str, dimension: str) -> str | None:
        if hub_id not in self.facts:
            return None
        if hub_id not in self._reasons:
            facts = self.facts[hub_id]
            gated = facts.get("gated") or "unknown"
            self._reasons[hub_id] = grade_reasons(facts, gated)
            # What the card alone discloses about data, as if it had no base (lineage.card_training_data).
            self._reasons[hub_id]["card_training_data"] = training_data_judgment({**facts, "base_models": []})[1]
        return self._reasons[hub_id].get(dimension)

    def snippets(self, hub_id: str, dimension: str) -> list[str]:
        rows = [s for kind in EVIDENCE_DIMENSIONS.get(dimension, ()) for s in self.evidence.get((hub_id, kind), [])]
        return rows[:MAX_EVIDENCE_ROWS]


PAIR_SCHEMA = {
    "index": pl.String, "dimension": pl.String, "ours_dimension": pl.String, "entry": pl.String,
    "gt_model": pl.String, "role": pl.String, "repo_id": pl.String, "hub_id": pl.String, "matched_by": pl.String,
    "ours": pl.String, "theirs": pl.String, "agree": pl.Boolean, "our_reason": pl.String,
    "our_evidence": pl.List(pl.String), "their_evidence": pl.String,
}


def eosai_pairs(matches: pl.DataFrame, eosai: pl.DataFrame, eosai_evidence: pl.DataFrame,
                side: _OurSide) -> pl.DataFrame:
    """One row per (matched EOSAI entry, mapped dimension of the entry's role)."""
    entries = {row["file"]: row for row in eosai.to_dicts()}
    notes = {(row["file"], row["dimension"]): row for row in eosai_evidence.to_dicts()}
    rows = []
    for match in matches.filter(pl.col("index") == "eosai").to_dicts():
        entry = entries[match["entry"]]
        for dim in EOSAI_DIMENSIONS:
            if dim.role != match["role"]:
                continue
            theirs = _more_open([entry.get(c) for c in dim.their_columns], EOSAI_LABELS)
            if theirs is None:
                continue
            ours = side.grades[match["hub_id"]][dim.ours]
            their_evidence = " / ".join(_eosai_note(notes.get((entry["file"], c)), c) for c in dim.their_columns)
            rows.append(_pair("eosai", dim.theirs, dim.ours, match, ours, theirs, EOSAI_LABELS, side, their_evidence))
    return pl.DataFrame(rows, schema=PAIR_SCHEMA)


def _eosai_note(row: dict | None, column: str) -> str:
    if not row:
        return f"{column}: (no evidence row)"
    text = f"{column} {row['class']}: {row.get('notes') or '(no notes)'}"
    return text + (f" [{row['links']}]" if row.get("links") else "")


def mof_pairs(matches: pl.DataFrame, mof: pl.DataFrame, side: _OurSide) -> pl.DataFrame:
    """One row per (matched MOF record, mapped component), plus one for the MOF class."""
    records = {row["file"]: row for row in mof.to_dicts()}
    rows = []
    for match in matches.filter(pl.col("index") == "mof").to_dicts():
        record = records[match["entry"]]
        grades = side.grades[match["hub_id"]]
        facts = side.facts.get(match["hub_id"], {})
        for component in MOF_COMPONENTS:
            theirs = _more_open([MOF_STATUS.get(record.get(c) or "") for c in component.their_columns], MOF_LABELS)
            if theirs is None:
                continue
            ours = mof_label(component.present(grades, facts), grades["license"])
            their_evidence = "; ".join(
                f"{c}: {record.get(c)}" + (f" ({record.get('lic' + c[1:])})" if record.get("lic" + c[1:]) else "")
                for c in component.their_columns
            )
            pair = _pair("mof", component.theirs, component.ours, match, ours, theirs, MOF_LABELS, side,
                         their_evidence)
            pair["our_reason"] = f"{pair['our_reason']} License: {side.reason(match['hub_id'], 'license')}"
            rows.append(pair)
        theirs = MOF_CLASS.get(record.get("mof_class") or "")
        if theirs:
            their_evidence = (f"{record.get('mof_class_label') or 'Unclassified'}; progress III/II/I "
                              f"{record.get('progress_class3')}/{record.get('progress_class2')}/"
                              f"{record.get('progress_class1')}%; distribution license "
                              f"{record.get('license_distribution')}")
            rows.append(_pair("mof", "mof_class", "mof_class", match, grades["mof_class"], theirs,
                              MOF_CLASS_LABELS, side, their_evidence))
    return pl.DataFrame(rows, schema=PAIR_SCHEMA)


def mof_label(present: bool, license_grade: str) -> str:
    """Our MOF-style component status: absent, or included under the model's license (open or not)."""
    if not present:
        return "absent"
    return "open_license" if license_grade == "open" else "included_not_open"


def _pair(index: str, dimension: str, ours_dimension: str, match: dict, ours: str, theirs: str,
          labels: tuple[str, ...], side: _OurSide, their_evidence: str) -> dict:
    return {
        "index": index, "dimension": dimension, "ours_dimension": ours_dimension, "entry": match["entry"],
        "gt_model": match["gt_model"], "role": match["role"], "repo_id": match["repo_id"], "hub_id": match["hub_id"],
        "matched_by": match["matched_by"], "ours": ours, "theirs": theirs,
        "agree": (ours == theirs) if ours in labels else None,  # ours unknown: not comparable
        "our_reason": side.reason(match["hub_id"], ours_dimension),
        "our_evidence": side.snippets(match["hub_id"], ours_dimension),
        "their_evidence": their_evidence,
    }


# ---- summary ------------------------------------------------------------------------------------------


def summarise(pairs: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    """Per (index, dimension): pairs, comparable pairs, agreement, kappa (or why not); and the confusion tables."""
    rows, tables = [], {}
    for (index, dimension), group in pairs.group_by(["index", "dimension"], maintain_order=True):
        labels = _labels(index, dimension)
        comparable = group.filter(pl.col("agree").is_not_null())
        ours, theirs = comparable["ours"].to_list(), comparable["theirs"].to_list()
        kappa, why_not = kappa_or_reason(ours, theirs) if ours else (None, "no comparable pair")
        agree = int(comparable["agree"].sum()) if ours else 0
        rows.append({"index": index, "dimension": dimension, "pairs": group.height, "comparable": len(ours),
                     "agree": agree, "agreement": round(agree / len(ours), 4) if ours else None,
                     "kappa": kappa, "kappa_note": why_not})
        tables[f"{index}:{dimension}"] = confusion_table(group, labels)
    summary = pl.DataFrame(rows, schema={"index": pl.String, "dimension": pl.String, "pairs": pl.Int64,
                                         "comparable": pl.Int64, "agree": pl.Int64, "agreement": pl.Float64,
                                         "kappa": pl.Float64, "kappa_note": pl.String})
    return summary, tables


def _labels(index: str, dimension: str) -> tuple[str, ...]:
    if index == "eosai":
        return EOSAI_LABELS
    return MOF_CLASS_LABELS if dimension == "mof_class" else MOF_LABELS


# ---- OSI validation list ---------------------------------------------------------------------------


def osi_verdict(grades: dict[str, Any], facts: dict[str, Any]) -> tuple[str, list[str]]:
    """(pass | license_only | fail, the OSAID elements missing) from our grades and facts."""
    if grades.get("osaid_candidate"):
        return "pass", []
    elements = {
        "ungated weights": grades.get("weights") == "open",
        "training code": grades.get("training_code") == "open",
        "data information": osai_data_information(facts),
    }
    missing = [name for name, ok in elements.items() if not ok]
    if not osi_approved_open_license(facts, grades.get("license")):
        missing.append("an OSI-approved license")
    return ("license_only" if missing == ["an OSI-approved license"] else "fail"), missing


OSI_AGREES = {"pass": "pass", "license_change": "license_only", "fail": "fail"}


def osi_validation(openness: pl.DataFrame, facts: pl.DataFrame, eosai: pl.DataFrame,
                   mof: pl.DataFrame) -> pl.DataFrame:
    """The OSI's validated systems: their entries in EOSAI/MOF, our models of the system, our verdict beside theirs.

    A system's models in our data are found by its HF id pattern; one row per model, or one row with no repo when
    the system is absent from our data. `agree` compares our verdict with the OSI's outcome (a fail that is not
    only the license agrees with `fail`).
    """
    facts_by_hub = {row["hub_id"]: row for row in facts.to_dicts()}
    rows = []
    for system in OSI_VALIDATION:
        entries, gt_ids = _osi_entries(system, eosai, mof)
        ours = openness.filter(pl.col("repo_id").str.contains(f"(?i){system.id_pattern}"))
        base = {"system": system.name, "expected": system.expected, "gt_entries": entries, "gt_ids": gt_ids}
        if ours.is_empty():
            rows.append({**base, "repo_id": None, "ours": None, "missing": [], "openness_class": None,
                         "agree": None})
        for grades in ours.sort("repo_id").to_dicts():
            verdict, missing = osi_verdict(grades, facts_by_hub.get(grades["hub_id"], {}))
            rows.append({**base, "repo_id": grades["repo_id"], "ours": verdict, "missing": missing,
                         "openness_class": grades["openness_class"],
                         "agree": OSI_AGREES[system.expected] == verdict})
    return pl.DataFrame(rows, schema={
        "system": pl.String, "expected": pl.String, "gt_entries": pl.List(pl.String), "gt_ids": pl.List(pl.String),
        "repo_id": pl.String, "ours": pl.String, "missing": pl.List(pl.String), "openness_class": pl.String,
        "agree": pl.Boolean,
    })


def _osi_entries(system: OsiSystem, eosai: pl.DataFrame, mof: pl.DataFrame) -> tuple[list[str], list[str]]:
    """("EOSAI:file"/"MOF:file" entries of the system, their HF ids), by model name or by end-model id.

    Entries that only name the system as their base (fine-tunes of Llama 2, Mixtral...) are not the system.
    """
    id_re, name_re = re.compile(system.id_pattern, re.IGNORECASE), re.compile(system.name_pattern, re.IGNORECASE)
    entries, ids = [], []
    for label, frame, end_column, id_columns in (
        ("EOSAI", eosai, "hf_endmodel_id", ("hf_endmodel_id", "hf_basemodel_id")),
        ("MOF", mof, "hf_repo_id", ("hf_repo_id",)),
    ):
        for row in frame.to_dicts():
            if name_re.search(row["model_name"] or "") or id_re.search(row.get(end_column) or ""):
                entries.append(f"{label}:{row['file']}")
                ids += [i for c in id_columns for i in _ids(row.get(c)) if i not in ids]
    return entries, ids


# ---- everything -------------------------------------------------------------------------------------


def compare(openness: pl.DataFrame, facts: pl.DataFrame, evidence: pl.DataFrame, ground_truth: GroundTruth, *,
            aliases: dict[str, str] | None = None, snapshot_date: str | None = None) -> Agreement:
    """Our grades of one snapshot against EOSAI, MOF and the OSI validation list."""
    lineage = resolve_lineage(facts, aliases=aliases)
    matches = pl.concat([match_eosai(ground_truth.eosai, openness, lineage, aliases),
                         match_mof(ground_truth.mof, openness, aliases)])
    side = _OurSide(openness, facts, evidence, lineage)
    pairs = pl.concat([eosai_pairs(matches, ground_truth.eosai, ground_truth.eosai_evidence, side),
                       mof_pairs(matches, ground_truth.mof, side)])
    summary, tables = summarise(pairs)
    return Agreement(
        snapshot_date=snapshot_date, matches=matches, pairs=pairs, summary=summary, confusion=tables,
        osi=osi_validation(openness, facts, ground_truth.eosai, ground_truth.mof),
        absent=absent_entries(ground_truth.eosai, ground_truth.mof, matches),
    )


def to_json(report: Agreement) -> dict[str, Any]:
    return {
        "snapshot_date": report.snapshot_date,
        "matches": report.matches.to_dicts(),
        "summary": report.summary.to_dicts(),
        "confusion": {key: table.to_dicts() for key, table in report.confusion.items()},
        "osi_validation": report.osi.to_dicts(),
        "disagreements": report.disagreements.to_dicts(),
        "pairs": report.pairs.to_dicts(),
        "absent": report.absent.to_dicts(),
    }


def write_json(report: Agreement, path: str | Path) -> None:
    Path(path).write_text(json.dumps(to_json(report), indent=2, default=str, ensure_ascii=False) + "\n")


def format_report(report: Agreement) -> str:
    """Concise text: what matched, per-dimension agreement with its confusion table, the OSI list, disagreements."""
    lines = [f"Agreement with the human indices, snapshot {report.snapshot_date}"]
    for index, title in (("eosai", "EOSAI"), ("mof", "MOF")):
        found = report.matches.filter(pl.col("index") == index)
        lines.append(f"\n== {title}: {found['entry'].n_unique()} entries found in our data "
                     f"({report.absent.filter(pl.col('index') == index).height} with an HF id not in it)")
        for m in found.to_dicts():
            lines.append(f"  {m['entry']:<34} {m['role']:<4} {m['repo_id']}  (by {m['matched_by']})")
        for s in report.summary.filter(pl.col("index") == index).to_dicts():
            kappa = f"kappa {s['kappa']:.2f}" if s["kappa"] is not None else f"no kappa: {s['kappa_note']}"
            share = f"{s['agree']}/{s['comparable']} agree" if s["comparable"] else "nothing comparable"
            lines.append(f"\n  {s['dimension']}: {share}; {kappa}")
            table = report.confusion[f"{index}:{s['dimension']}"]
            lines += ["    " + line for line in _plain_table(table)]
    lines.append("\n== OSI validation list (OSAID 1.0)")
    for row in report.osi.to_dicts():
        if row["repo_id"] is None:
            where = ", ".join(row["gt_entries"]) or "not in EOSAI/MOF"
            lines.append(f"  {row['system']:<13} expected {row['expected']:<14} absent from our data ({where})")
            continue
        missing = f" (missing: {', '.join(row['missing'])})" if row["missing"] else ""
        mark = "agree" if row["agree"] else "DISAGREE"
        lines.append(f"  {row['system']:<13} expected {row['expected']:<14} {row['repo_id']}: {row['ours']}"
                     f"{missing} -> {mark}")
    disagreements = report.disagreements
    lines.append(f"\n== Disagreements ({disagreements.height})")
    for d in disagreements.to_dicts():
        lines.append(f"  [{d['index']}] {d['entry']} {d['role']} {d['repo_id']} {d['dimension']}: "
                     f"ours {d['ours']}, theirs {d['theirs']}")
        lines.append(f"      ours:   {d['our_reason']}")
        for snippet in d["our_evidence"]:
            lines.append(f"              {snippet}")
        lines.append(f"      theirs: {d['their_evidence'][:400]}")
    return "\n".join(lines)


def _plain_table(table: pl.DataFrame) -> list[str]:
    columns = table.columns
    widths = [max(len(str(c)), *(len(str(v)) for v in table[c])) for c in columns]
    out = ["  ".join(str(c).ljust(w) for c, w in zip(columns, widths))]
    for row in table.iter_rows():
        out.append("  ".join(str(v).ljust(w) for v, w in zip(row, widths)))
    return out
