"""`openness eval` on real-card labels: cards read in place from a folder or a bare git directory, scored per field.

The cards here are short ones written for the test; the real labelled cards are never copied into the project.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from pipeline.card_eval import CardSource, paper_key, repo_id_of, score_cards
from pipeline.cli import main

CARDS = {
    "project/model_cards/_train/someone_tiny-sst2_README.md": (
        "---\nlicense: mit\ndatasets:\n- glue\n---\n# tiny-sst2\n\nThis model is a fine-tuned version of "
        "[someorg/tiny-base](https://huggingface.co/someorg/tiny-base) on the glue dataset.\n"
    ),
    "project/model_cards/_noArch/someone_plain_README.md": "# A plain card\n\nNothing is said here.\n",
}
LABELS = [
    {"path": "project/model_cards/_train/someone_tiny-sst2_README.md", "license_declared": "mit",
     "license_source": "front_matter", "license_conflict": False, "training_code_urls": [], "other_code_urls": [],
     "datasets": ["glue"], "data_disclosure": "named", "intermediate_checkpoints": False, "paper_urls": [],
     "base_model": "someorg/tiny-base", "notes": "[trainer-template]"},
    {"path": "project/model_cards/_noArch/someone_plain_README.md", "license_declared": None, "license_source": None,
     "license_conflict": False, "training_code_urls": [], "other_code_urls": [], "datasets": [],
     "data_disclosure": "none", "intermediate_checkpoints": False,
     "paper_urls": ["https://arxiv.org/pdf/2101.00001.pdf"], "base_model": None, "notes": "[rl-template] made up"},
]


def write_labels(tmp_path: Path) -> Path:
    path = tmp_path / "labels.jsonl"
    path.write_text("".join(json.dumps(label) + "\n" for label in LABELS))
    return path


def write_folder(root: Path) -> Path:
    for path, text in CARDS.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    return root


def write_bare_git(tmp_path: Path) -> Path:
    work = write_folder(tmp_path / "work")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-C", str(work)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "cards"], check=True)
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(bare)], check=True)
    return bare


@pytest.mark.parametrize("kind", ["archive root", "model_cards folder", "bare git"])
def test_cards_are_read_in_place_by_label_path(tmp_path, kind):
    if kind == "bare git":
        source = write_bare_git(tmp_path)
    else:
        root = write_folder(tmp_path / "cards")
        source = root if kind == "archive root" else root / "project" / "model_cards"
    texts = CardSource(source).read_many([*CARDS, "project/model_cards/_train/absent_README.md"])
    assert {path: texts[path] for path in CARDS} == CARDS
    assert texts["project/model_cards/_train/absent_README.md"] is None


def test_scores_per_field_per_group_and_family(tmp_path):
    report = score_cards(write_labels(tmp_path), CardSource(write_folder(tmp_path / "cards")))
    assert report["cards"] == 2 and report["missing_cards"] == []
    everything = report["groups"]["all cards"]["fields"]
    assert everything["license"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "right": 1, "predicted": 1,
                                     "found": 1, "labelled": 1}
    assert everything["base_model"]["f1"] == 1.0
    assert everything["datasets"]["f1"] == 1.0
    # the labelled paper is not on the plain card: a miss, listed with what was expected
    assert everything["papers"]["recall"] == 0.0 and everything["papers"]["precision"] is None
    misses = [m for m in report["misses"] if m["field"] == "papers"]
    assert misses == [{"field": "papers", "card": LABELS[1]["path"], "family": misses[0]["family"],
                       "expected": ["arxiv:2101.00001"], "extracted": [], "evidence": []}]
    assert report["groups"]["without [rl-template]"]["cards"] == 1
    assert sum(family["cards"] for family in report["families"].values()) == 2


def test_cli_prints_the_tables_and_writes_json(tmp_path, capsys):
    out = tmp_path / "eval.json"
    bare = write_bare_git(tmp_path)
    assert main(["eval", "--labels", str(write_labels(tmp_path)), "--cards", str(bare), "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "2 cards scored" in printed and "without [rl-template] (1 cards)" in printed
    assert "F1 per card family" in printed and "Misses (" in printed
    assert json.loads(out.read_text())["real_cards"]["cards"] == 2


def test_cli_needs_one_card_source(tmp_path, capsys):
    assert main(["eval", "--labels", str(write_labels(tmp_path))]) == 2
    assert "needs one --cards SRC" in capsys.readouterr().err
    assert main(["eval", "--labels", str(write_labels(tmp_path)), "--cards", str(tmp_path / "nowhere")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_keys_as_the_labels_readme_compares_them():
    assert repo_id_of("project/model_cards/_train/SEBIS_legal_t5_small_summ_it_README.md") == (
        "cs577/SEBIS_legal_t5_small_summ_it")
    assert paper_key("https://arxiv.org/pdf/2104.08691v2.pdf") == paper_key("https://huggingface.co/papers/2104.08691")
    assert paper_key("https://doi.org/10.48550/arXiv.2104.08691") == "arxiv:2104.08691"
    assert paper_key("https://aclanthology.org/2020.acl-main.1/") == "https://aclanthology.org/2020.acl-main.1"
