"""Card families: most Hub cards are written by a few generators, each with a structure of its own.

A family is recognised by what its generator always writes (a comment, a title, a sentence, a tag) and is
recorded as the fact `card_family` with that marker as evidence. The fact readers then read each family by its
known structure: a Trainer card's "fine-tuned version of [x](...) on the y dataset", an RL Zoo card's training
command, an OPUS-MT card's `* dataset:` line. Hand-written cards are `other`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pipeline.extract.card import Card, evidence_row
from pipeline.vocabulary import CardFamily



# Generators write their markers at the top of a card (a title, a first sentence, a front comment): only this much
# of the body is searched for them, so a long hand-written card is not scanned some fifty times over.
MARKER_REACH = 8192

# Reinforcement-learning agent templates: an agent is trained from scratch in an environment, so their prose names
# no base model and no training dataset (the environment is no dataset). Declared ones and Hub links still count.
RL_AGENT_FAMILIES = frozenset({CardFamily.SB3, CardFamily.RL_ZOO, CardFamily.CLEANRL, CardFamily.SAMPLE_FACTORY,
                               CardFamily.ML_AGENTS, CardFamily.DEEP_RL_COURSE})


@dataclass(frozen=True, slots=True)
class Signals:
    """What families are told apart by: the body (lower case), HTML comments, tags and library."""

    lower: str
    comments: str  # all comments, lower case, joined
    tags: frozenset[str]
    library: str


def _any(text: str, *needles: str) -> str | None:
    for needle in needles:  # (a loop, not a generator: this runs some twenty times per card)
        if needle in text:
            return needle
    return None


def _rl_zoo(s: Signals) -> str | None:
    if "stable-baselines3" in s.tags or "stable-baselines3 library" in s.lower:
        return _any(s.lower, "rl_zoo3.train", "rl-baselines3-zoo", "rl zoo")
    return None


def _sb3(s: Signals) -> str | None:
    return _any(s.lower, "stable-baselines3 library") or ("stable-baselines3" if "stable-baselines3" in s.tags else None)


def _trainer(s: Signals) -> str | None:
    marker = _any(s.comments, "according to the information the trainer had access to",
                  "according to the information keras had access to")
    if marker:
        return marker
    return next((tag for tag in ("generated_from_trainer", "generated_from_keras_callback") if tag in s.tags), None)


def _opus(s: Signals) -> str | None:
    if "opus-mt-tc" in s.tags or s.lower.startswith(("# opus-mt", "### opus-mt", "## opus-mt")):
        return "opus-mt"
    return _any(s.lower, "* dataset: opus", "opus readme:", "* opus readme", "the opus-mt project") if "opus" in s.lower else None


_RULES: list[tuple[CardFamily, Callable[[Signals], str | None]]] = [
    (CardFamily.TRAINER, _trainer),
    (CardFamily.AUTOTRAIN, lambda s: _any(s.lower, "model trained using autotrain", "trained using autotrain")
     if "autotrain" in s.lower else None),
    (CardFamily.CLEANRL, lambda s: _any(s.lower, "(cleanrl)") or ("cleanrl" if "cleanrl" in s.tags else None)),
    (CardFamily.RL_ZOO, _rl_zoo),
    (CardFamily.SB3, _sb3),
    (CardFamily.SAMPLE_FACTORY, lambda s: "sample-factory" if "sample-factory" in s.tags or (
        "trained using sample-factory" in s.lower) else None),
    (CardFamily.ML_AGENTS, lambda s: "ml-agents" if "ml-agents" in s.tags or "ml-agents library" in s.lower else None),
    (CardFamily.DEEP_RL_COURSE, lambda s: _any(s.lower, "** agent playing", "deep reinforcement learning course",
                                               "deep reinforcement learning class", "deep-rl-class")
     if "reinforcement-learning" in s.tags or "this is a trained model of a **" in s.lower else None),
    # (markers that share a word are looked for only where the word is: one scan of the card instead of several)
    (CardFamily.DREAMBOOTH, lambda s: (_any(s.lower, "fast-dreambooth", "dreambooth model trained by",
                                            "dreambooth-training", "# dreambooth model", "dreambooth model for",
                                            "trained with dreambooth", "fine-tuned with dreambooth")
                                       if "dreambooth" in s.lower else None)
     or ("dreambooth" if "dreambooth" in s.tags else None)),
    (CardFamily.DIFFUSERS_TRAINING, lambda s: _any(s.lower, "lora text2image fine-tuning", "these are lora adaption weights",
                                                   "text-to-image finetuning", "textual inversion")),
    (CardFamily.OPUS_MT, _opus),
    (CardFamily.SENTENCE_TRANSFORMERS, lambda s: _any(s.lower, "this is a [sentence-transformers]")
     or ("sentence-transformers" if s.library == "sentence-transformers" else None)),
    # Toolkit families need their template's text, not only the library name: a card of one's own model built
    # with timm is no timm card.
    (CardFamily.SPEECHBRAIN, lambda s: _any(s.lower, "github.com/speechbrain/speechbrain", "user=speechbrain")
     if s.library == "speechbrain" or "speechbrain" in s.tags or "speechbrain" in s.lower else None),
    (CardFamily.ESPNET, lambda s: _any(s.lower, "## espnet2 ", "## espnet ", "recipe in [espnet]", "espnet_model_zoo")
     if "espnet" in s.lower else None),
    (CardFamily.NEMO, lambda s: _any(s.lower, "nvidia nemo: training", "nemo toolkit")
     if s.library == "nemo" or "nemo" in s.tags or "nvidia nemo" in s.lower else None),
    (CardFamily.TIMM, lambda s: _any(s.lower, "pytorch-image-models", "# model card for")
     if s.library == "timm" or "timm" in s.tags else None),
    (CardFamily.SPACY, lambda s: _any(s.lower, "| **spacy** |", "| **default pipeline** |") if "| **" in s.lower else None),
    (CardFamily.HUGGINGPICS, lambda s: _any(s.lower, "autogenerated by huggingpics")),
    (CardFamily.HUB_TEMPLATE, lambda s: _any(s.lower, "# model card for model id")
     or ("provide a quick summary of what the model is" if "provide a quick summary of what the model is" in s.comments
         else None)),
]


def identify_family(card: Card, metadata: dict[str, Any], tags: list[str], library_name: str | None
                    ) -> tuple[CardFamily, dict | None]:
    """The card's family and the evidence row naming the marker that identified it (None for `other`)."""
    meta_tags = metadata.get("tags")
    all_tags = {t.lower() for t in [*tags, *(meta_tags if isinstance(meta_tags, list) else [meta_tags])]
                if isinstance(t, str)}
    library = library_name or metadata.get("library_name")
    signals = Signals(
        lower=card.lower[:MARKER_REACH],
        comments=" ".join(text for _, text in card.comments).lower() if card.comments else "",
        tags=frozenset(all_tags),
        library=library.lower() if isinstance(library, str) else "",
    )
    for family, rule in _RULES:
        marker = rule(signals)
        if marker:
            return family, _evidence(card, family, marker, signals)
    return CardFamily.OTHER, None


def _evidence(card: Card, family: CardFamily, marker: str, signals: Signals) -> dict:
    """Where the marker was found: a README line (body or comment), else the tags or the library name."""
    snippet = f'{family.value}: "{marker}"'
    found = signals.lower.find(marker)
    if found >= 0:
        return evidence_row("card_family", "readme", card.location(found), snippet)
    comment = next((pos for pos, text in card.comments if marker in text.lower()), None)
    if comment is not None:
        return evidence_row("card_family", "readme", card.location(comment), snippet)
    source = "tags" if marker in signals.tags else "card_metadata"
    return evidence_row("card_family", source, "library_name" if marker == signals.library else "tags", snippet)


# ---- what a family's structure says ----------------------------------------------------------------------------

# spaCy pipeline cards list in their `Sources` row the corpora the components were trained on, and beside them
# the tools, lookup tables, lexical databases and vectors the pipeline ships with, and the transformer it starts
# from.
_NOT_TRAINING_SOURCE = re.compile(r"convert|conversion|lookups?\b|vectors|embedding|lemmati[sz]er|tokeni[sz]er"
                                  r"|dict(?:ionar|_|\b)|unidic|\bcheck\b|^github$|wordnet|lexicon"
                                  r"|\bmodel\b|bert\b|former\b", re.IGNORECASE)  # (a model named in prose)
_VECTORS = re.compile(r"vectors|embedding|fasttext|word2vec", re.IGNORECASE)
_COMMIT_SUFFIX = re.compile(r"\s*\((?:commit:\s*)?[0-9a-f]{7,40}\)$")  # "NorNE (commit: bd311de5)"
_PLACEHOLDERS = frozenset({"n/a", "na", "none", "unknown", "tbd", "todo"})
_MODEL_SHAPED = re.compile(r"^[a-z][\w.-]*(?:/[\w.-]+)?$")  # `roberta-base`, `org/bert-base-cased`: a model id
_TRAIN_DATA_SUFFIX = re.compile(r"\s+(?:train(?:ing)?\s+)?data(?:set)?$", re.IGNORECASE)
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]*)")
# A Hub page: (`datasets/` or `spaces/` or nothing for a model, then the repo id)
_HUB_PAGE = re.compile(r"https?://(?:www\.)?(?:huggingface\.co|hf\.co)/(datasets/|spaces/)?([\w.-]+(?:/[\w.-]+)?)")
_SOURCE_ITEM_SPLIT = re.compile(r"<br\s*/?>|\)\s*,\s*(?=\[)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SourceItem:
    """A base or a training corpus that a card's structure names, outside its prose."""

    pos: int  # body offset of the item's name
    name: str
    is_model: bool  # the model training starts from, not data
    rule: str = ""  # how the structure names it (evidence); "" for a spaCy card's `Sources` row


def pipeline_sources(card: Card) -> list[SourceItem]:
    """The items of a spaCy card's `Sources` row that are training corpora or the pipeline's transformer: each
    item's link text (else its text before a parenthesis), without tools, lookups, vectors and dictionaries."""
    items: list[SourceItem] = []
    for field in card.fields_with_keys(frozenset({"sources"})):
        offset = field.value_pos
        for part in _SOURCE_ITEM_SPLIT.split(field.value):
            at = card.body.find(part, offset) if part else -1
            offset = at + len(part) if at >= 0 else offset
            link = _LINK.search(part)
            name = (link.group(1) if link else re.split(r"[(\[]", part, maxsplit=1)[0]).strip(" `*_.,;")
            name = _COMMIT_SUFFIX.sub("", name)
            hub = _HUB_PAGE.match(link.group(2)) if link else None
            if hub and (hub.group(1) == "spaces/" or _VECTORS.search(hub.group(2))):
                continue  # a demo, or static word vectors: neither data nor the transformer
            if hub and not hub.group(1):  # a Hub model page: the transformer, by its Hub id
                name, is_model = hub.group(2), True
            else:
                is_model = not hub and bool(_MODEL_SHAPED.match(name)) and ("-" in name or "/" in name)
            if len(name) < 2 or name.lower() in _PLACEHOLDERS or (not is_model and _NOT_TRAINING_SOURCE.search(name)):
                continue
            name = name if is_model else _TRAIN_DATA_SUFFIX.sub("", name)
            items.append(SourceItem(max(at, field.value_pos) + (link.start(1) if link else 0), name, is_model))
    return items


# A naming scheme in backticks ("`{base_model}-{target_dataset}`", "`teabreac-{base_model}`"), and the values a
# placeholder can take, listed after it ("The `base_model` above can be from: `bart-large`, `t5-3b`.")
_SCHEME = re.compile(r"`([\w.\-]*\{\w+\}[\w.\-{}]*)`")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_PLACEHOLDER_VALUES = re.compile(r"`(\w+)`[^\n`:]{0,60}:[ \t]*((?:`[^`\n]+`[ \t,]*(?:(?:and|or)[ \t]+)?)+)")
_BACKTICKED = re.compile(r"`([^`\n]+)`")


def named_by_scheme(card: Card, repo_id: str) -> list[SourceItem]:
    """The base and the training data that a card's documented naming scheme gives this repository's name.

    A card written for a whole series of models may say how their names are made, with the values of each part:
    "Base models finetuned on target datasets: `{base_model}-{target_dataset}`", "The `base_model` above can be
    from: `bart-large`, `t5-3b`". The repository's name, matched against each scheme whose placeholders all have
    listed values, then names its base (a placeholder with "model" in it) and its data (one with "data" in it).
    The longest scheme that matches wins (`teabreac-{base_model}-{target_dataset}` over `{base_model}-{target_dataset}`).
    """
    body = card.body
    if "}`" not in body:
        return []
    schemes = []  # (offset, scheme, its parts: literal, placeholder, literal, ...)
    for match in _SCHEME.finditer(body):
        parts = _PLACEHOLDER.split(match.group(1))
        placeholders = parts[1::2]
        if not card.in_code(match.start()) and len(set(placeholders)) == len(placeholders) and all(
                "model" in p or "data" in p for p in placeholders):
            schemes.append((match.start(1), match.group(1), parts))
    if not schemes:
        return []  # (most cards: placeholders in backticks, if any, are a template's, not a naming scheme)
    values: dict[str, list[str]] = {}
    for match in _PLACEHOLDER_VALUES.finditer(body):
        values.setdefault(match.group(1), _BACKTICKED.findall(match.group(2)))
    name = repo_id.rsplit("/", 1)[-1]
    best: tuple[int, list[SourceItem]] | None = None
    for pos, scheme, parts in schemes:
        placeholders = parts[1::2]
        if not all(p in values for p in placeholders):
            continue
        pattern = "".join(
            re.escape(part) if i % 2 == 0
            else f"(?P<{part}>{'|'.join(re.escape(v) for v in sorted(values[part], key=len, reverse=True))})"
            for i, part in enumerate(parts)
        )
        match = re.search(f"(?:^|[/_])(?:{pattern})$", name, re.IGNORECASE)
        if match and (best is None or len(scheme) > best[0]):
            rule = f"named by the card's naming scheme `{scheme}`"
            best = (len(scheme), [SourceItem(pos, match.group(p), "model" in p, rule) for p in placeholders])
    return best[1] if best else []
