"""Intermediate checkpoints: branches and files that hold training-time weights, and card mentions of them.

`published` when checkpoint branches or files exist, `mentioned` when only the card says they are
published, else `none`. Pythia publishes `step0` ... `step143000` as 154 branches; OLMo uses
`stepXXX-tokensYYYB` and `stage2-ingredientN-stepXXX-tokensYYYB`.
"""

from __future__ import annotations

import re
from collections import Counter

from pipeline.extract.base_model import hub_model_id
from pipeline.extract.card import Card, evidence_row
from pipeline.extract.model import CheckpointFacts
from pipeline.vocabulary import CheckpointStatus

# (pattern name, branch regex), most specific first; the name is what `checkpoint_pattern` records.
BRANCH_PATTERNS = [
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in [
        ("stage-step-tokens", r"^stage\d+[-_].*step\d+.*tokens\d+[KMBT]?$"),
        ("stage-step", r"^stage\d+[-_].*step\d+"),
        ("step-tokens", r"^step\d+[-_]tokens\d+[KMBT]?$"),
        ("step", r"^(?:global[-_]?)?step[-_]?\d+$"),
        ("checkpoint", r"^(?:ckpt|checkpoint)[-_]?\d+"),
        ("iter", r"^iter(?:ation)?[-_]?\d+$"),
        ("epoch", r"^epoch[-_]?\d+$"),
    ]
]
# A folder per checkpoint (`checkpoint-1000/`, `global_step500/`), or a weight file named by step or epoch.
_CHECKPOINT_DIR = re.compile(r"^(?:checkpoint|ckpt|global[-_]?step|step|iter(?:ation)?|epoch)[-_=]?\d+$", re.IGNORECASE)
_CHECKPOINT_FILE = re.compile(
    r"(?:^|[-_./=])(?:step|epoch|iter(?:ation)?|global[-_]?step)[-_=]?\d+[^/]*\.(?:ckpt|pt|pth|bin|safetensors|h5)$",
    re.IGNORECASE,
)
# Card statements that training checkpoints are published; matched on card.lower near a keyword.
_MENTIONS = re.compile(
    r"intermediate\s+(?:model\s+)?checkpoints?"
    r"|(?:pre-?)?training\s+checkpoints"
    r"|revision\s*=\s*[\"']?(?:step|ckpt|checkpoint|iter|epoch|stage)"
    r"|checkpoints?\b[^.\n]{0,80}\b(?:branch(?:es)?|revisions)\b"
    r"|\b(?:branch(?:es)?|revisions)\b[^.\n]{0,80}\bcheckpoints"
    r"|releas\w*\s+(?:all\s+)?[^.\n]{0,40}\bcheckpoints"
    r"|list_repo_refs"
)
# Weaker statements, which count only with more in view (see _confirmed): "we provide three checkpoints,
# sd-v1-1.ckpt, sd-v1-2.ckpt, ..." (a numbered series of one run), "the training logs and checkpoints are available".
_PROVIDED = re.compile(
    r"\b(?:provide|publish|share|upload)(?:s|d|ed)?\s+(?:\w+\s+){0,3}?checkpoints\b"
    r"|\bcheckpoints\s+(?:are|were)\s+(?:also\s+)?(?:available|released|published|provided|uploaded|shared)\b"
)
# (not "pre-trained": a lookbehind is cheap here, on one sentence)
_TRAINING_TIME = re.compile(r"\b(?<!pre-)(?<!pre)train(?:ing|ed)\b|\blogs\b|\bintermediate\b|\bduring\b")
# Checkpoints that are a model's final weights: "released ready-to-use IPU-trained model checkpoints".
_FINAL_WEIGHTS = re.compile(r"ready|pre-?trained|-trained|fine-?tuned|final")
_CHECKPOINT_NAME = re.compile(r"[\w.-]*?\d[\w.-]*\.(?:ckpt|pt|pth|bin|safetensors)\b|\bstep[-_]?\d+\b")
_MENTION_KEYWORDS = ("checkpoint", "revision", "list_repo_refs")
# Weight files of one run named by their step counts, on lines about steps ("`x-5000.ckpt`: trained on 5,000 steps",
# "x-10000.ckpt ..."): the run's checkpoints, published as files.
_WEIGHT_EXTENSION = re.compile(r"\.(?:ckpt|safetensors|pth?|bin)(?!\w)")
_THREE_DIGITS, _DIGITS = re.compile(r"\d{3,}"), re.compile(r"\d+")
# A repository name that ends with the epoch or step of a run: (the name before it, the word, the number)
_RUN_POINT = re.compile(r"^(.*?)(epoch|step|checkpoint|ckpt|iter)[-_]?(\d+)$")
_MENTION_WINDOW = 120  # characters either side of a keyword that a mention may span
MAX_EVIDENCE = 3
_NO_PATTERNS: Counter = Counter()  # read only: stands in for the empty Counter of a repo without branches


def branch_pattern(branch: str) -> str | None:
    for name, pattern in BRANCH_PATTERNS:
        if pattern.match(branch):
            return name
    return None


def checkpoint_files(siblings: list[str]) -> list[str]:
    """Checkpoint folders (counted once each) and step/epoch-named weight files among the repo's files."""
    found: dict[str, None] = {}
    for path in siblings:
        if not isinstance(path, str):
            continue
        folders = path.split("/")[:-1]
        depth = next((i for i, name in enumerate(folders) if _CHECKPOINT_DIR.match(name)), None)
        if depth is not None:
            found.setdefault("/".join(folders[: depth + 1]) + "/")
        elif _CHECKPOINT_FILE.search(path):
            found.setdefault(path)
    return list(found)


def checkpoint_mentions(card: Card) -> list[tuple[int, int]]:
    """Spans of card statements about published checkpoints, searched only around keywords (fast)."""
    windows: list[tuple[int, int]] = []
    for keyword in _MENTION_KEYWORDS:
        found = card.lower.find(keyword)
        while found >= 0:
            windows.append((max(0, found - _MENTION_WINDOW), found + len(keyword) + _MENTION_WINDOW))
            found = card.lower.find(keyword, found + 1)
    if not windows:  # no keyword, no mention (the usual case): skip the sorting below
        return _step_numbered_files(card)
    spans: dict[tuple[int, int], None] = {}
    reach = 0
    for start, end in sorted(windows):
        for match in _MENTIONS.finditer(card.lower, max(start, reach), end):
            if not (match.group().startswith("releas") and _FINAL_WEIGHTS.search(match.group())):
                spans.setdefault(match.span())
        for match in _PROVIDED.finditer(card.lower, max(start, reach), end):
            if _confirmed(card.lower, match):
                spans.setdefault(match.span())
        reach = max(reach, end)
    return sorted(spans) or _step_numbered_files(card)


def _step_numbered_files(card: Card) -> list[tuple[int, int]]:
    """The span of the first of two or more weight files of one name but for their step counts, named on lines that
    speak of steps (one file per line or several); [] when there are none. Read on the lines that hold "step" only
    (a few per card), from each weight file's extension back to the start of its name."""
    lower = card.lower
    series: dict[str, dict[str, int]] = {}  # name with its numbers as "#" -> file name -> offset
    line_start = -1
    for step in card.keyword_at("step"):
        if step < line_start:
            continue
        line_start = lower.rfind("\n", 0, step) + 1
        line_end = lower.find("\n", step)
        line_end = len(lower) if line_end < 0 else line_end
        for match in _WEIGHT_EXTENSION.finditer(lower, line_start, line_end):
            start = match.start()
            while start > line_start and (lower[start - 1].isalnum() or lower[start - 1] in "_.-"):
                start -= 1
            name = lower[start : match.end()]
            if _THREE_DIGITS.search(lower, start, match.start()):
                series.setdefault(_DIGITS.sub("#", name), {}).setdefault(name, start)
        line_start = line_end + 1  # (the next "step" of this line is read already)
    files = max(series.values(), key=len, default={})
    if len(files) < 2:
        return []
    first = min(files, key=files.get)
    return [(files[first], files[first] + len(first))]


def _confirmed(lower: str, match: re.Match) -> bool:
    """A weaker statement counts when it speaks of training time in its own sentence ("the training logs and
    checkpoints are available"), or is followed by a numbered series of checkpoints of one run (sd-v1-1.ckpt,
    sd-v1-2.ckpt): several checkpoints for different tasks, or in several formats, are not training-time ones."""
    start = max(lower.rfind(". ", 0, match.start()), lower.rfind("\n", 0, match.start()), match.start() - 200) + 1
    ends = [end for end in (lower.find(". ", match.end()), lower.find("\n", match.end())) if end >= 0]
    if _TRAINING_TIME.search(lower, start, min(ends + [match.end() + 200])):
        return True
    names = {m.group() for m in _CHECKPOINT_NAME.finditer(lower, match.end(), match.end() + 600)}
    stems = {re.sub(r"\d+", "#", name) for name in names}
    return len(names) >= 2 and len(stems) == 1


def run_checkpoint_repositories(card: Card, repo_id: str) -> list[tuple[int, int]]:
    """The span of the first link to a Hub model of this model's run at another epoch or step: a repository named
    `x-epoch-4` that links `x-epoch-1` ... `x-epoch-3` publishes the run's checkpoints as repositories. [] when the
    repository's name ends with no epoch or step number, or the card links no such sibling."""
    own = _RUN_POINT.search(repo_id.rsplit("/", 1)[-1].lower())
    if own is None:
        return []
    for hit in card.urls:
        model_id = hub_model_id(hit)
        if model_id is None or "/" not in model_id:
            continue
        other = _RUN_POINT.search(model_id.rsplit("/", 1)[-1].lower())
        if (other and other.group(2) == own.group(2) and other.group(3) != own.group(3)
                and other.group(1) and own.group(1).endswith(other.group(1))):
            return [(hit.start, hit.end)]
    return []


def extract_checkpoints(branches: list[str], siblings: list[str], card: Card, repo_id: str = ""
                        ) -> tuple[CheckpointFacts, list[dict]]:
    """The checkpoint facts and their evidence rows."""
    evidence: list[dict] = []
    patterns: Counter = Counter() if branches else _NO_PATTERNS  # most repos list no branches: skip a Counter
    examples: dict[str, list[str]] = {}  # the first five branches of each pattern
    for branch in branches:
        if isinstance(branch, str) and (name := branch_pattern(branch)):
            patterns[name] += 1
            if len(found := examples.setdefault(name, [])) < 5:
                found.append(branch)
    branch_count = sum(patterns.values())
    dominant = patterns.most_common(1)[0][0] if patterns else None
    if dominant:
        evidence.append(evidence_row(
            "checkpoints", "branch", examples[dominant][0],
            f"{branch_count} checkpoint branches, mostly '{dominant}': {', '.join(examples[dominant])}",
        ))

    files = checkpoint_files(siblings) if siblings else []
    for path in files[:MAX_EVIDENCE]:
        evidence.append(evidence_row("checkpoints", "file", path, f"{len(files)} checkpoint files or folders: {path}"))

    mentions = (checkpoint_mentions(card) or run_checkpoint_repositories(card, repo_id))[:MAX_EVIDENCE]
    for start, end in mentions:
        evidence.append(evidence_row("checkpoints", "readme", card.location(start), card.sentence_around(start, end)))

    if branch_count or files:
        status = CheckpointStatus.PUBLISHED
    elif mentions:
        status = CheckpointStatus.MENTIONED
    else:
        status = CheckpointStatus.NONE
    return CheckpointFacts(branch_count, dominant, len(files), bool(mentions), status), evidence
