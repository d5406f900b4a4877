"""`openness extract` over README folders and Parquet card dumps, and `openness eval` against the hand labels."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.cli import default_extract_workers, main
from pipeline.corpus import _in_order, evidence_path, extract_corpus, repo_id_from_file_name
from pipeline.extract.model import ModelInput
from pipeline.evaluation import normalise_url, paper_url, score_license_lists
from pipeline.paths import read_sql

MIT_CARD = """---
license: MIT
datasets:
- org/corpus
---
# Tiny model

This model was trained using [our training code](https://github.com/org/tiny-train).
"""
LLAMA_CARD = "---\nlicense: other\nlicense_name: llama-2-community-license\n---\n# A Llama 2 finetune\n"
HOSTILE_CARD = b"---\nlicense: [mit\n---\n# Caf\xe9 \xff model\n\nSee https://github.com/\n"

# What `openness eval` measured on labels_fixture.jsonl (29 cards), as floors just under it: raise them as the
# extractor improves. None: the set has no positive to divide by (no card declares a license conflict).
FIXTURE_FLOORS = {
    "license": {"accuracy": 1.0, "precision": 1.0, "recall": 1.0},
    "license_source": {"accuracy": 1.0},
    "license_conflict": {"accuracy": 1.0},
    "data_disclosure": {"accuracy": 0.95, "precision": 1.0, "recall": 1.0},
    "checkpoints": {"accuracy": 1.0, "precision": 1.0, "recall": 1.0},
    "base_model": {"accuracy": 0.9, "precision": 1.0, "recall": 0.7},
    "training_code_urls": {"precision": 1.0, "recall": 0.58},
    "other_code_urls": {"precision": 1.0, "recall": 0.83},
    "training_code_repos": {"precision": 1.0, "recall": 0.88},
    "other_code_repos": {"precision": 1.0, "recall": 1.0},
    "datasets": {"precision": 0.85, "recall": 0.88},
    "papers": {"precision": 1.0, "recall": 1.0},
}


def corpus_columns(table: str) -> list[str]:
    """The table's columns in sql/schema.sql, keyed by repo_id alone (a corpus has no date and no Hub id)."""
    con = duckdb.connect()
    con.execute(read_sql("schema.sql"))
    columns = [row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()]
    return ["repo_id"] + [c for c in columns if c not in ("snapshot_date", "hub_id", "repo_id")]


def read_outputs(out: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    return pl.read_parquet(out), pl.read_parquet(evidence_path(out))


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.startswith("openness: error: ") and len(err.strip().splitlines()) == 1, err
    return err


# ---- extract: README folders ------------------------------------------------------------------------------------


def test_extract_a_folder_of_readme_files(tmp_path, capsys):
    cards = tmp_path / "cards"
    cards.mkdir()
    (cards / "org__tiny.md").write_text(MIT_CARD)
    (cards / "meta-fan__llama-ft.README.md").write_text(LLAMA_CARD)
    (cards / "odd__hostile.md").write_bytes(HOSTILE_CARD)
    (cards / "notes.txt").write_text("not a card")
    out = tmp_path / "out" / "facts.parquet"

    assert main(["extract", str(cards), "--out", str(out)]) == 0
    summary = capsys.readouterr().out
    assert re.search(r"Extracted 3 cards in .* cards/s\), 1 with parse problems", summary)

    facts, evidence = read_outputs(out)
    assert facts.columns == corpus_columns("model_facts")
    assert facts["repo_id"].to_list() == ["meta-fan/llama-ft", "odd/hostile", "org/tiny"]
    by_repo = {row["repo_id"]: row for row in facts.iter_rows(named=True)}
    tiny = by_repo["org/tiny"]
    assert (tiny["license_id"], tiny["license_osi_approved"], tiny["training_code"]) == ("mit", True, True)
    assert [d["hub_id"] for d in tiny["datasets"]] == ["org/corpus"]
    llama = by_repo["meta-fan/llama-ft"]
    assert (llama["license_id"], llama["license_family"]) == ("other", "community")
    hostile = by_repo["odd/hostile"]
    kinds = {problem.split(":", 1)[0] for problem in hostile["parse_problems"]}
    assert {"invalid_utf8", "yaml_invalid", "malformed_url"} <= kinds
    assert hostile["card_bytes"] == len(HOSTILE_CARD) and hostile["license_source"] == "none"

    assert evidence.columns == corpus_columns("evidence")
    tiny_evidence = evidence.filter(pl.col("repo_id") == "org/tiny")
    kinds = tiny_evidence.select("dimension", "source_kind", "location").rows()
    assert ("license", "card_metadata", "license") in kinds
    assert "https://github.com/org/tiny-train" in tiny_evidence["url"].to_list()


def test_file_names_give_repo_ids():
    assert repo_id_from_file_name("EleutherAI__pythia-70m.README.md") == "EleutherAI/pythia-70m"
    assert repo_id_from_file_name("org__my__model.md") == "org/my__model"
    assert repo_id_from_file_name("gpt2.md") == "gpt2"
    assert repo_id_from_file_name("SEBIS_legal_t5_small_summ_it_README.md") == "SEBIS_legal_t5_small_summ_it"
    assert repo_id_from_file_name("org__name_README.md") == "org/name"
    assert repo_id_from_file_name("_README.md") == "_README"  # never an empty repo id


def test_extract_a_nested_folder_of_cards(tmp_path, capsys):
    cards = tmp_path / "cards"
    files = {
        "README.md": "# About this folder of cards\n",  # the corpus's own description: no card
        "_kind_a/someone_small-model_README.md": MIT_CARD,
        "_kind_b/someone_small-model_README.md": LLAMA_CARD,  # the same name in another subfolder
        "_kind_b/org__named.README.md": "---\nlicense: apache-2.0\n---\n# Named the old way\n",
        "org2/model2/README.md": "---\nlicense: bsd-3-clause\n---\n# A card in its repo's folder\n",
        "org2/model2/notes.txt": "not a card",
        "top_level_README.md": "# No license said\n",
    }
    for name, text in files.items():
        (cards / name).parent.mkdir(parents=True, exist_ok=True)
        (cards / name).write_text(text)
    out = tmp_path / "facts.parquet"

    assert main(["extract", str(cards), "--out", str(out)]) == 0
    assert "Extracted 5 cards" in capsys.readouterr().out
    facts, evidence = read_outputs(out)
    assert facts.select("repo_id", "license_id").rows() == [
        ("someone_small-model", "mit"),
        ("org/named", "apache-2.0"),
        ("_kind_b/someone_small-model_README.md", "other"),
        ("org2/model2", "bsd-3-clause"),
        ("top_level", None),
    ]
    assert "_kind_b/someone_small-model_README.md" in set(evidence["repo_id"])


# ---- extract: worker processes ---------------------------------------------------------------------------------

LICENSES = ["mit", "apache-2.0", "other", "cc-by-nc-4.0", "gpl-3.0"]


def generated_cards(folder: Path, count: int) -> list[str]:
    """`count` small made-up cards of several shapes as `org__model-NNN.md`; returns their repo ids in order."""
    folder.mkdir()
    for i in range(count):
        text = (f"---\nlicense: {LICENSES[i % 5]}\ndatasets:\n- org/data-{i % 17}\n---\n# Model {i}\n\n"
                f"Trained with [our code](https://github.com/org/train-{i % 11}) on arxiv.org/abs/2401.{i:05d}.\n")
        raw = text.encode() if i % 23 != 22 else b"---\nlicense: [mit\n---\n# Broken \xff front matter\n"
        (folder / f"org__model-{i:03d}.md").write_bytes(raw)
    return [f"org/model-{i:03d}" for i in range(count)]


@pytest.fixture()
def small_runs(monkeypatch):
    """Runs of 7 cards and a write every 30 rows, so that a few hundred cards make many runs and row groups."""
    monkeypatch.setattr("pipeline.corpus.RUN_CARDS", 7)
    monkeypatch.setattr("pipeline.corpus.WRITE_BATCH_ROWS", 30)


def test_workers_write_the_same_files_as_one_process(tmp_path, capsys, small_runs):
    repo_ids = generated_cards(tmp_path / "cards", 300)
    outputs = {}
    for workers in ("1", "2"):
        out = tmp_path / f"facts-{workers}.parquet"
        assert main(["extract", str(tmp_path / "cards"), "--out", str(out), "--workers", workers]) == 0
        printed = capsys.readouterr()
        assert "Extracted 300 cards" in printed.out and ", 13 with parse problems" in printed.out
        progress = re.findall(r"\r  ([\d,]+) cards \(", printed.err)
        assert progress[:3] == ["35", "70", "105"] and progress[-1] == "280"  # after each write
        outputs[workers] = (out.read_bytes(), evidence_path(out).read_bytes())
    assert outputs["1"] == outputs["2"]

    facts, evidence = read_outputs(tmp_path / "facts-2.parquet")
    assert facts["repo_id"].to_list() == repo_ids
    assert facts["license_id"].to_list()[:6] == ["mit", "apache-2.0", "other", "cc-by-nc-4.0", "gpl-3.0", "mit"]
    assert [i for i, problems in enumerate(facts["parse_problems"].to_list()) if problems][:2] == [22, 45]
    assert evidence["repo_id"].unique(maintain_order=True).to_list() == repo_ids
    assert pq.ParquetFile(tmp_path / "facts-2.parquet").metadata.num_row_groups == 9


def test_default_workers_are_the_usable_cpus_up_to_a_cap(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 3, 5})
    assert default_extract_workers() == 3
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(64)))
    assert default_extract_workers() == 8


@pytest.mark.parametrize(("start_worker", "imports_pandas"), [(True, False), (False, True)])
def test_a_worker_builds_its_tables_without_importing_pandas(start_worker, imports_pandas):
    pytest.importorskip("pandas")  # (installed with great-expectations: without it there is nothing to avoid)
    code = ("import sys; from pipeline.corpus import _extract_run, _start_worker\n"
            + ("_start_worker()\n" if start_worker else "")
            + "from pipeline.extract.model import ModelInput\n"
            "facts, evidence, _ = _extract_run([ModelInput(repo_id='org/m', readme='---\\nlicense: mit\\n---\\n# m\\n')])\n"
            "print(facts['license_id'].to_pylist(), 'pandas' in sys.modules)")
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert printed.split() == ["['mit']", str(imports_pandas)]


def test_runs_read_ahead_of_the_workers_are_bounded():
    read = []

    def runs():
        for i in range(20):
            read.append(i)
            yield [ModelInput(repo_id=f"org/m{i}", readme=f"---\nlicense: mit\n---\n# Model {i}\n")]

    with ThreadPoolExecutor(2) as pool:
        for done, (facts, _, _) in enumerate(_in_order(pool, runs(), ahead=4)):
            assert facts["repo_id"].to_pylist() == [f"org/m{done}"]  # in input order
            assert len(read) <= done + 4
    assert len(read) == 20


def failing_on(repo_id: str, failure):
    """The extractor, except that the card of `repo_id` fails as `failure` does."""
    from pipeline.extract.facts import extract

    def extract_or_fail(model):
        if model.repo_id == repo_id:
            failure()
        return extract(model)
    return extract_or_fail


def raise_value_error():
    raise ValueError("this card breaks the extractor")


def test_a_worker_that_raises_leaves_no_files(tmp_path, monkeypatch, small_runs):
    generated_cards(tmp_path / "cards", 300)
    monkeypatch.setattr("pipeline.corpus.extract", failing_on("org/model-250", raise_value_error))
    out = tmp_path / "facts.parquet"
    with pytest.raises(ValueError, match="this card breaks the extractor"):
        extract_corpus(tmp_path / "cards", out, workers=2)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cards"]


def test_a_worker_that_dies_leaves_no_files(tmp_path, monkeypatch, capsys, small_runs):
    generated_cards(tmp_path / "cards", 300)
    monkeypatch.setattr("pipeline.corpus.extract", failing_on("org/model-250", lambda: os._exit(9)))
    out = tmp_path / "facts.parquet"
    assert main(["extract", str(tmp_path / "cards"), "--out", str(out), "--workers", "2"]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "openness: error: an extraction worker process died (out of memory?); nothing was written")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cards"]


# ---- extract: Parquet card dumps --------------------------------------------------------------------------------


def librarian_bots_dump(path: Path, cards: list[tuple[str, str | bytes | None, list[str] | None]]) -> None:
    """A dump in the layout of librarian-bots/model_cards_with_metadata; bytes become invalid UTF-8 strings."""
    n = len(cards)
    raw = [c.encode() if isinstance(c, str) else c for _, c, _ in cards]
    table = pa.table({
        "modelId": [repo for repo, _, _ in cards],
        "author": [repo.split("/")[0] for repo, _, _ in cards],
        "last_modified": pa.array([1_700_000_000_000_000] * n, pa.timestamp("us", tz="UTC")),
        "downloads": pa.array(range(n), pa.int64()),
        "likes": pa.array([0] * n, pa.int64()),
        "library_name": ["transformers"] * n,
        "tags": pa.array([tags for _, _, tags in cards], pa.list_(pa.string())),
        "pipeline_tag": ["text-generation"] * n,
        "createdAt": pa.array([1_600_000_000_000_000] * n, pa.timestamp("us", tz="UTC")),
        "card": pa.array(raw, pa.binary()).view(pa.string()),  # Parquet stores the bytes as they are
    })
    pq.write_table(table, path)


def test_extract_a_parquet_card_dump(tmp_path, capsys):
    dump = tmp_path / "dump.parquet"
    librarian_bots_dump(dump, [
        ("org/tiny", MIT_CARD, ["license:mit"]),
        ("org/tags-only", "# No front matter here\n", ["license:apache-2.0", "dataset:org/corpus", "arxiv:2401.00001"]),
        ("odd/hostile", HOSTILE_CARD, None),
        ("org/no-card", None, []),
    ])
    out = tmp_path / "facts.parquet"
    assert main(["extract", str(dump), "--out", str(out)]) == 0
    assert "Extracted 4 cards" in capsys.readouterr().out

    facts, evidence = read_outputs(out)
    by_repo = {row["repo_id"]: row for row in facts.iter_rows(named=True)}
    assert by_repo["org/tiny"]["license_id"] == "mit" and by_repo["org/tiny"]["license_conflict"] is False
    tags_only = by_repo["org/tags-only"]
    assert (tags_only["license_id"], tags_only["license_source"]) == ("apache-2.0", "tags")
    assert tags_only["papers"] == ["arxiv:2401.00001"]
    assert [d["hub_id"] for d in tags_only["datasets"]] == ["org/corpus"]
    assert "invalid_utf8" in " ".join(by_repo["odd/hostile"]["parse_problems"])
    assert by_repo["org/no-card"]["has_card"] is False
    assert set(evidence["repo_id"]) == set(by_repo)

    assert main(["extract", str(dump), "--out", str(out), "--limit", "2"]) == 0
    assert read_outputs(out)[0]["repo_id"].to_list() == ["org/tiny", "org/tags-only"]


def test_extract_a_folder_of_dump_shards(tmp_path, capsys):
    shards = tmp_path / "shards"
    shards.mkdir()
    librarian_bots_dump(shards / "train-00000-of-00002.parquet", [("a/one", MIT_CARD, [])])
    librarian_bots_dump(shards / "train-00001-of-00002.parquet", [("b/two", LLAMA_CARD, [])])
    assert main(["extract", str(shards), "--out", str(tmp_path / "f.parquet")]) == 0
    assert read_outputs(tmp_path / "f.parquet")[0]["repo_id"].to_list() == ["a/one", "b/two"]


def bad_source(kind: str, folder: Path) -> Path:
    """A corpus `openness extract` must refuse, of the given kind."""
    if kind == "missing":
        return folder / "missing"
    if kind == "not parquet":
        (folder / "junk.parquet").write_bytes(b"not parquet at all")
        return folder / "junk.parquet"
    if kind == "other columns":
        pq.write_table(pa.table({"id": ["x"], "text": ["y"]}), folder / "w.parquet")
        return folder / "w.parquet"
    if kind == "empty folder":
        (folder / "empty").mkdir()
        return folder / "empty"
    assert kind == "a csv file"
    (folder / "cards.csv").write_text("a,b\n")
    return folder / "cards.csv"


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("missing", "does not exist"),
        ("not parquet", "unreadable Parquet"),
        ("other columns", "missing column(s) modelId, card"),
        ("empty folder", "holds neither README files"),
        ("a csv file", "is neither a folder of README files nor a .parquet card dump"),
    ],
)
def test_extract_errors_are_one_line(tmp_path, capsys, kind, message):
    out = tmp_path / "out.parquet"
    assert main(["extract", str(bad_source(kind, tmp_path)), "--out", str(out)]) == 2
    assert message in one_line_error(capsys)
    assert not out.exists() and not evidence_path(out).exists()


# ---- eval -------------------------------------------------------------------------------------------------------


def test_normalise_urls_as_the_labels_readme_says():
    assert normalise_url("https://github.com/EleutherAI/gpt-neox/") == "https://github.com/EleutherAI/gpt-neox"
    assert normalise_url("((https://github.com/a/b},") == "https://github.com/a/b"
    assert normalise_url("git+https://github.com/huggingface/transformers.git") == (
        "https://github.com/huggingface/transformers.git")
    assert normalise_url("https://github.com/a/b?tab=x#fine-tuning") == "https://github.com/a/b?tab=x#fine-tuning"
    assert paper_url("arxiv:2204.06745") == "https://arxiv.org/abs/2204.06745"


def test_eval_on_the_labelled_fixture(shared_data, tmp_path, capsys):
    out = tmp_path / "eval.json"
    assert main(["eval", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "labels_fixture.jsonl: 29 cards scored" in printed
    assert re.search(r"field\s+accuracy\s+precision\s+recall", printed)
    report = json.loads(out.read_text())
    fields = report["labels_fixture"]["fields"]
    assert set(fields) == set(FIXTURE_FLOORS)
    below = {
        (name, figure): fields[name][figure]
        for name, floors in FIXTURE_FLOORS.items()
        for figure, floor in floors.items()
        if fields[name][figure] is None or fields[name][figure] < floor
    }
    assert not below, below
    assert fields["license_conflict"]["precision"] is None  # nothing to divide by: not a made-up 1.0
    # PeaTMOSS cards are not in ../shared/data: the report says so instead of inventing figures
    assert report["peatmoss"]["models"] == 50 and report["peatmoss"]["with_card"] == 0
    assert report["peatmoss"]["fields"] == {}
    assert "0 of 50 models have their card here" in printed


def test_eval_scores_peatmoss_models_whose_card_is_given(shared_data, tmp_path, capsys):
    cards = tmp_path / "cards"
    cards.mkdir()
    (cards / "facebook__bart-base.md").write_text(
        "---\nlicense: apache-2.0\n---\n# BART (base-sized model)\n\n"
        "First released in [this repository](https://github.com/facebookresearch/fairseq/tree/main/examples/bart).\n\n"
        "Paper: [BART](https://arxiv.org/abs/1910.13461)\n"
    )
    out = tmp_path / "eval.json"
    assert main(["eval", "--cards", str(cards), "--json", str(out)]) == 0
    peatmoss = json.loads(out.read_text())["peatmoss"]
    assert peatmoss["with_card"] == 1 and peatmoss["scored"] == ["facebook/bart-base"]
    fields = peatmoss["fields"]
    assert fields["license"]["accuracy"] == 1.0
    assert (fields["github"]["precision"], fields["github"]["recall"]) == (1.0, 1.0)
    assert fields["paper"]["recall"] == 1.0
    assert "too few for the figures to mean much" in capsys.readouterr().out


def test_license_agreement_with_the_hubs_curated_lists(shared_data):
    results = score_license_lists()
    other, none = results["license_other"], results["no_license"]
    assert (other["rows"], other["labelled"], none["rows"], none["labelled"]) == (349, 267, 286, 201)
    assert other["suggested_names"] == {"llama-2-community-license": "llama2", "llama-license": "llama-license"}
    suggested = other["scenarios"]["with the suggested license_name and license_link"]
    assert suggested["id_agreement"] >= 1.0 and suggested["family_agreement"] >= 1.0
    # `license: other` alone says nothing about which license: nothing may be resolved from it
    assert other["scenarios"]["as listed (license: other)"]["resolved"] == 0
    assert none["scenarios"]["as listed (no license metadata)"]["resolved"] == 0


def test_eval_licenses_prints_the_agreement(shared_data, capsys):
    assert main(["eval", "--licenses"]) == 0
    printed = capsys.readouterr().out
    assert "License agreement with the Hub's curated lists" in printed
    assert re.search(r"with the suggested license_name and license_link\s+id 1\.000 \(267/267\)", printed)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["eval", "--labels", "no/such/labels.jsonl"], "--labels: no/such/labels.jsonl does not exist"),
        (["eval", "--peatmoss", "no/such.json"], "--peatmoss: no/such.json does not exist"),
        (["eval", "--cards", "no/such/folder"], "--cards: no/such/folder is not a folder"),
    ],
)
def test_eval_errors_are_one_line(argv, message, capsys, shared_data):
    assert main(argv) == 2
    assert message in one_line_error(capsys)


def test_eval_refuses_labels_it_cannot_read(tmp_path, capsys, shared_data):
    labels = tmp_path / "labels.jsonl"
    labels.write_text("{not json\n")
    assert main(["eval", "--labels", str(labels)]) == 2
    assert "cannot read the labels" in one_line_error(capsys)


def test_the_arrow_schemas_of_extract_are_those_polars_gives_for_every_table():
    """`openness extract` writes Parquet without importing polars; its Arrow types must stay the ones a polars
    frame of the same table converts to (large strings and lists), or the dumps and the published tables drift."""
    from pipeline.store.arrow import arrow_schemas
    from pipeline.store.tables import table_schema

    schemas = arrow_schemas()
    assert {"model_facts", "evidence", "openness"} <= set(schemas)
    for table, schema in schemas.items():
        assert schema.equals(pl.DataFrame(schema=table_schema(table)).to_arrow().schema), table
