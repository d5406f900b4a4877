"""Agreement with EOSAI, MOF and the OSI list: kappa by hand, the mapping, disagreements with evidence, real CSVs."""

from __future__ import annotations

import json

import polars as pl
import pytest

from pipeline.cli import main
from pipeline.hub.replay import ReplayHub
from pipeline.openness.agreement import (
    EOSAI_DIMENSIONS,
    MOF_COMPONENTS,
    GroundTruth,
    cohen_kappa,
    compare,
    confusion_table,
    kappa_or_reason,
    load_ground_truth,
    mof_label,
    osi_validation,
    osi_verdict,
)
from pipeline.openness.rubric import grade

APACHE = {"license_id": "apache-2.0", "license_spdx": "Apache-2.0", "license_family": "permissive",
          "license_osi_approved": True, "license_commercial_use": True, "license_use_restrictions": False}
LLAMA = {"license_id": "llama3", "license_family": "community", "license_osi_approved": False,
         "license_commercial_use": True, "license_use_restrictions": True}
TRAINING = {"training_code": True,
            "code_links": [{"url": "https://github.com/o/train", "host": "github.com", "repo": "o/train",
                            "role": "training"}]}
HUB_DATA = {"datasets": [{"name": "o/data", "hub_id": "o/data", "source": "card_metadata", "license": "cc-by-4.0",
                          "open": True}],
            "data_disclosure": "described"}


# ---- kappa and confusion tables ---------------------------------------------------------------------


def test_kappa_of_a_two_by_two_table_matches_the_hand_computation():
    # yes/yes 20, yes/no 5, no/yes 10, no/no 15: p_o = 35/50 = 0.7; p_e = 0.5*0.6 + 0.5*0.4 = 0.5; kappa = 0.4
    ours = ["yes"] * 25 + ["no"] * 25
    theirs = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(ours, theirs) == pytest.approx(0.4)


def test_kappa_of_a_three_class_table_matches_the_hand_computation():
    # p_o = 8/10; ours open 4, partial 2, closed 4; theirs open 3, partial 4, closed 3
    # p_e = .4*.3 + .2*.4 + .4*.3 = .32; kappa = (.8 - .32) / (1 - .32) = .48 / .68
    pairs = ([("open", "open")] * 3 + [("partial", "partial")] * 2 + [("closed", "closed")] * 3
             + [("open", "partial"), ("closed", "partial")])
    ours, theirs = [p[0] for p in pairs], [p[1] for p in pairs]
    assert cohen_kappa(ours, theirs) == pytest.approx(0.48 / 0.68)
    assert kappa_or_reason(ours, theirs) == (round(0.48 / 0.68, 4), None)


def test_perfect_agreement_is_one_and_chance_agreement_is_zero():
    assert cohen_kappa(["a", "b", "a", "b"], ["a", "b", "a", "b"]) == pytest.approx(1.0)
    assert cohen_kappa(["a", "a", "b", "b"], ["a", "b", "a", "b"]) == pytest.approx(0.0)


def test_kappa_is_withheld_when_it_would_mean_nothing():
    assert kappa_or_reason(["open"] * 3, ["open", "closed", "open"]) == (None, "n = 3 < 5")
    assert kappa_or_reason(["open"] * 6, ["open", "closed"] * 3) == (None, "ours use a single class")
    assert kappa_or_reason(["open"] * 6, ["open"] * 6) == (None, "ours and theirs use a single class")


def test_confusion_table_counts_ours_by_theirs_and_shows_unknown_only_when_present():
    pairs = pl.DataFrame({"ours": ["open", "open", "closed", "unknown"], "theirs": ["open", "partial", "closed", "open"]})
    table = {row["ours \\ theirs"]: row for row in confusion_table(pairs, ("open", "partial", "closed")).to_dicts()}
    assert table["open"] == {"ours \\ theirs": "open", "open": 1, "partial": 1, "closed": 0}
    assert table["closed"]["closed"] == 1 and table["unknown"]["open"] == 1
    known = confusion_table(pairs.head(3), ("open", "partial", "closed"))
    assert known["ours \\ theirs"].to_list() == ["open", "partial", "closed"]


# ---- mapping -------------------------------------------------------------------------------------


def test_the_mapping_covers_the_dimensions_the_brief_names():
    eosai = {d.theirs: (d.ours, d.role) for d in EOSAI_DIMENSIONS}
    assert eosai["weights_endmodel"] == ("weights", "end")
    assert eosai["weights_basemodel"] == ("weights", "base")
    assert eosai["trainingcode"] == ("training_code", "end")
    assert eosai["datasources_endmodel"] == ("card_training_data", "end")
    assert eosai["datasources_basemodel"] == ("training_data", "base")
    assert eosai["licenses"] == ("license", "end")
    assert eosai["modelcard"] == ("model_card", "end")
    assert eosai["paper_or_preprint"] == ("paper", "end")
    mof = {c.theirs: c.their_columns for c in MOF_COMPONENTS}
    assert mof["model_parameters_final"] == ("c10_model_parameters_final",)
    assert mof["model_parameters_intermediate"] == ("c24_model_parameters_intermediate",)
    assert mof["paper_or_report"] == ("c21_research_paper", "c11_technical_report")
    assert {"training_code", "datasets", "model_card"} <= set(mof)


def test_mof_label_applies_the_models_license_to_an_included_component():
    assert mof_label(False, "open") == "absent"
    assert mof_label(True, "open") == "open_license"
    assert mof_label(True, "partial") == "included_not_open"


def test_osi_verdict_separates_a_license_only_failure():
    base = {"weights": "open", "access": "open", "training_code": "open", "license": "partial",
            "osaid_candidate": False}
    facts = {"data_disclosure": "named", "base_models": [], "license_osi_approved": False}
    assert osi_verdict({**base, "osaid_candidate": True}, facts) == ("pass", [])
    assert osi_verdict(base, facts) == ("license_only", ["an OSI-approved license"])
    verdict, missing = osi_verdict({**base, "training_code": "closed"}, {**facts, "base_models": ["b/b"]})
    assert verdict == "fail" and missing == ["training code", "data information", "an OSI-approved license"]


# ---- hand-built snapshot against hand-built ground truth ---------------------------------------------


def make_model(repo_id: str, *parts: dict, gated: str = "no", **overrides) -> tuple[dict, dict]:
    """(facts row, openness row) graded by the real rubric."""
    facts = {"hub_id": f"id-{repo_id.lower()}", "repo_id": repo_id, "license_family": "none", "code_links": [],
             "training_code": False, "datasets": [], "data_disclosure": "none", "checkpoints": "none",
             "papers": [], "base_models": [], "gated": gated, "has_card": True, "card_bytes": 5000,
             "card_sections": ["Model", "Training", "Evaluation"]}
    for part in parts:
        facts.update(part)
    facts.update(overrides)
    return facts, {"hub_id": facts["hub_id"], "repo_id": repo_id, **grade(facts, gated=gated)}


def frames(*models: tuple[dict, dict]) -> tuple[pl.DataFrame, pl.DataFrame]:
    facts = pl.DataFrame([m[0] for m in models], infer_schema_length=None)
    openness = pl.DataFrame([m[1] for m in models], infer_schema_length=None)
    return openness, facts


EOSAI_COLUMNS = ("file", "model_name", "endmodelname", "hf_endmodel_id", "hf_basemodel_id", "hf_model_ids",
                 "file_last_commit", "weights_endmodel", "weights_basemodel", "datasources_endmodel",
                 "datasources_basemodel", "trainingcode", "datasheet", "preprint", "paper", "modelcard", "licenses")


def eosai_entry(file: str, **values: str) -> dict:
    return {column: values.get(column) for column in EOSAI_COLUMNS} | {"file": file, "model_name": file[:-5]}


def mof_record(file: str, hf_repo_id: str, mof_class: str, **components: str) -> dict:
    record = {"file": file, "model_name": file, "hf_repo_id": hf_repo_id, "record_date": "2024-10-01",
              "mof_class": mof_class, "mof_class_label": None, "license_distribution": "Apache-2.0"}
    for component in MOF_COMPONENTS:
        for column in component.their_columns:
            record[column] = components.get(column, "absent")
            record["lic" + column[1:]] = "Apache-2.0" if record[column] == "open_license" else None
    return record


@pytest.fixture()
def report():
    openness, facts = frames(
        make_model("Org/Base", APACHE, TRAINING, HUB_DATA, checkpoints="published", checkpoint_branches=10),
        make_model("org/chat", APACHE, HUB_DATA, base_models=["org/base"]),
        make_model("meta/Llama-Chat", LLAMA, gated="manual", base_models=["meta/llama-base"]),
        make_model("org/renamed-now", APACHE),
    )
    evidence = pl.DataFrame([
        {"hub_id": "id-org/chat", "dimension": "license", "location": "license", "snippet": "license: apache-2.0"},
        {"hub_id": "id-org/chat", "dimension": "datasets", "location": "datasets", "snippet": "datasets: o/data"},
        {"hub_id": "id-org/base", "dimension": "training_code", "location": "README.md:12",
         "snippet": "Trained with [our code](https://github.com/o/train)."},
    ])
    eosai = pl.DataFrame([
        # the end model by id (another case), its base by id; EOSAI thinks the chat license is only partial
        eosai_entry("chat.yaml", hf_endmodel_id="ORG/chat", hf_basemodel_id="org/base", weights_endmodel="open",
                    weights_basemodel="open", datasources_endmodel="open", datasources_basemodel="open",
                    trainingcode="closed", datasheet="closed", preprint="closed", paper="open", modelcard="open",
                    licenses="partial"),
        # no end id: found by endmodelname among its HF ids; its base is not in our data
        eosai_entry("llama.yaml", endmodelname="Llama-Chat", hf_model_ids="meta/Llama-Chat;meta/other",
                    hf_basemodel_id="meta/llama-base", weights_endmodel="partial", weights_basemodel="partial",
                    trainingcode="closed", licenses="closed"),
        # found through a rename alias
        eosai_entry("renamed.yaml", hf_endmodel_id="org/renamed-then", weights_endmodel="open"),
        eosai_entry("absent.yaml", hf_endmodel_id="nobody/here", weights_endmodel="open"),
    ], schema={column: pl.String for column in EOSAI_COLUMNS})
    eosai_evidence = pl.DataFrame([
        {"file": "chat.yaml", "dimension": "licenses", "class": "partial", "links": "https://example.org/license",
         "notes": "Weights Apache, data mixed."},
    ])
    mof = pl.DataFrame([
        mof_record("models/Base.yml", "org/base", "1", c10_model_parameters_final="open_license",
                   c24_model_parameters_intermediate="open_license", c7_training_code="open_license",
                   c15_datasets="open_license", c21_research_paper="open_license", c13_model_card="open_license"),
    ])
    truth = GroundTruth(eosai=eosai, eosai_evidence=eosai_evidence, mof=mof)
    return compare(openness, facts, evidence, truth, aliases={"org/renamed-then": "id-org/renamed-now"},
                   snapshot_date="2026-01-01")


def test_entries_are_matched_by_id_name_alias_and_lineage(report):
    found = {(m["entry"], m["role"]): (m["repo_id"], m["matched_by"]) for m in report.matches.to_dicts()}
    assert found[("chat.yaml", "end")] == ("org/chat", "hf_endmodel_id")
    assert found[("chat.yaml", "base")] == ("Org/Base", "hf_basemodel_id")
    assert found[("llama.yaml", "end")] == ("meta/Llama-Chat", "endmodelname")
    assert ("llama.yaml", "base") not in found  # its base is not in the snapshot, and its chain does not resolve
    assert found[("renamed.yaml", "end")] == ("org/renamed-now", "hf_endmodel_id")
    assert found[("models/Base.yml", "end")] == ("Org/Base", "hf_repo_id")
    assert "absent.yaml" in report.absent["entry"].to_list()


def test_pairs_use_the_mapping(report):
    pairs = {(p["entry"], p["role"], p["dimension"]): p for p in report.pairs.to_dicts()}
    # the chat model's card names Hub data: open as EOSAI's end-model data, although its training_data is partial
    assert pairs[("chat.yaml", "end", "datasources_endmodel")]["ours"] == "open"
    assert pairs[("chat.yaml", "base", "datasources_basemodel")]["ours"] == "open"
    assert pairs[("chat.yaml", "end", "paper_or_preprint")]["theirs"] == "open"  # the more open of preprint, paper
    assert pairs[("llama.yaml", "end", "weights_endmodel")]["ours"] == "partial"  # a manual gate is EOSAI partial
    assert ("chat.yaml", "end", "weights_basemodel") not in pairs  # base dimensions only on the base role
    mof = {p["dimension"]: p for p in report.pairs.filter(pl.col("index") == "mof").to_dicts()}
    assert mof["model_parameters_intermediate"]["ours"] == "open_license"
    assert mof["training_code"]["agree"] is True
    assert (mof["paper_or_report"]["ours"], mof["paper_or_report"]["theirs"]) == ("absent", "open_license")
    assert (mof["mof_class"]["ours"], mof["mof_class"]["theirs"]) == ("none", "I")


def test_disagreements_carry_both_sides_evidence(report):
    rows = {(d["entry"], d["dimension"]): d for d in report.disagreements.to_dicts()}
    license_row = rows[("chat.yaml", "licenses")]
    assert (license_row["ours"], license_row["theirs"]) == ("open", "partial")
    assert "OSI-approved" in license_row["our_reason"]
    assert license_row["our_evidence"] == ["license: license: apache-2.0"]
    assert license_row["their_evidence"] == ("licenses partial: Weights Apache, data mixed. "
                                             "[https://example.org/license]")
    paper = rows[("models/Base.yml", "paper_or_report")]
    assert "c21_research_paper: open_license (Apache-2.0)" in paper["their_evidence"]
    assert "links no paper" in paper["our_reason"]
    assert ("chat.yaml", "trainingcode") not in rows  # closed on both sides


def test_summary_reports_agreement_and_why_kappa_is_missing(report):
    summary = {(s["index"], s["dimension"]): s for s in report.summary.to_dicts()}
    weights = summary[("eosai", "weights_endmodel")]
    assert (weights["comparable"], weights["agree"], weights["kappa"]) == (3, 3, None)
    assert weights["kappa_note"] == "n = 3 < 5"
    assert report.confusion["eosai:weights_endmodel"].filter(pl.col("ours \\ theirs") == "open")["open"][0] == 2


# ---- the real ground truth -------------------------------------------------------------------------


def test_real_ground_truth_knows_pythia_and_the_osi_list(shared_data):
    truth = load_ground_truth(shared_data / "ground-truth")
    mof = truth.mof.filter(pl.col("hf_repo_id").str.to_lowercase() == "eleutherai/pythia-70m").to_dicts()
    assert [(r["file"], r["mof_class"], r["c24_model_parameters_intermediate"]) for r in mof] == [
        ("models/Pythia-70M.yml", "1", "open_license")]
    pythia = truth.eosai.filter(pl.col("file") == "Pythia.yaml").row(0, named=True)
    assert (pythia["hf_basemodel_id"], pythia["datasources_basemodel"], pythia["trainingcode"]) == (
        "EleutherAI/pythia-6.9b", "open", "open")

    # A snapshot holding only Pythia-70M and Pythia-12B-deduped (the base of Dolly and Open Assistant in EOSAI)
    openness, facts = frames(
        make_model("EleutherAI/pythia-70m", APACHE, TRAINING, HUB_DATA, checkpoints="published",
                   checkpoint_branches=154),
        make_model("EleutherAI/pythia-12b-deduped", APACHE, TRAINING, HUB_DATA),
    )
    evidence = pl.DataFrame(schema={"hub_id": pl.String, "dimension": pl.String, "location": pl.String,
                                    "snippet": pl.String})
    report = compare(openness, facts, evidence, truth)
    found = {(m["index"], m["entry"], m["role"]): m["repo_id"] for m in report.matches.to_dicts()}
    assert found[("mof", "models/Pythia-70M.yml", "end")] == "EleutherAI/pythia-70m"
    assert found[("eosai", "dolly.yaml", "base")] == "EleutherAI/pythia-12b-deduped"
    assert found[("eosai", "Open-Assistant.yaml", "base")] == "EleutherAI/pythia-12b-deduped"
    mof_class = report.pairs.filter((pl.col("entry") == "models/Pythia-70M.yml")
                                    & (pl.col("dimension") == "mof_class")).row(0, named=True)
    assert (mof_class["ours"], mof_class["theirs"]) == ("none", "I")  # no linked paper in our hand-built facts

    osi = {(r["system"], r["repo_id"]): r for r in osi_validation(openness, facts, truth.eosai, truth.mof).to_dicts()}
    assert osi[("Pythia", "EleutherAI/pythia-70m")]["ours"] == "pass"
    assert osi[("Pythia", "EleutherAI/pythia-70m")]["agree"] is True
    assert "MOF:models/Pythia-70M.yml" in osi[("Pythia", "EleutherAI/pythia-70m")]["gt_entries"]
    assert "EOSAI:Pythia.yaml" in osi[("Pythia", "EleutherAI/pythia-70m")]["gt_entries"]
    assert osi[("Grok", None)]["gt_entries"] == ["EOSAI:Grok.yaml", "MOF:models/Grok-0.yml", "MOF:models/Grok-1.yml"]
    assert osi[("Phi-2", None)]["gt_ids"] == ["microsoft/phi-2"]
    assert {system for system, repo in osi if repo is None} == {
        "OLMo", "Amber", "CrystalCoder", "T5", "BLOOM", "StarCoder2", "Falcon", "Llama 2", "Phi-2", "Mixtral", "Grok"}


def test_the_command_compares_a_crawled_recorded_world(recorded_world, shared_data, tmp_path, capsys):
    with ReplayHub(recorded_world) as hub:
        assert main(["run", "--date", "2025-03-31", "--endpoint", f"{hub.url}/as-of/{{snapshot_date}}", "--all",
                     "--home", str(tmp_path)]) == 0
    capsys.readouterr()
    out_json = tmp_path / "agreement.json"
    assert main(["agreement", "--db", str(tmp_path / "observatory.duckdb"), "--json", str(out_json),
                 "--ground-truth", str(shared_data / "ground-truth")]) == 0
    out = capsys.readouterr().out
    assert "Agreement with the human indices, snapshot 2025-03-31" in out
    assert "OSI validation list" in out
    data = json.loads(out_json.read_text())
    matched = {(m["entry"], m["repo_id"]) for m in data["matches"]}
    assert ("models/Pythia-70M.yml", "EleutherAI/pythia-70m") in matched
    assert ("models/GPT-J.yml", "EleutherAI/gpt-j-6B") in matched  # the MOF spells it gpt-j-6b
    assert ("Zephyr.yaml", "HuggingFaceH4/zephyr-7b-beta") in matched
    assert {"summary", "confusion", "osi_validation", "disagreements", "absent"} <= set(data)


def test_the_command_refuses_a_missing_database(tmp_path, capsys):
    assert main(["agreement", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert "does not exist" in capsys.readouterr().err
