"""The base model a model was fine-tuned or initialised from, decided among scored candidates.

Candidates come from the front matter (`base_model`), the Hub's `base_model:` tags, `Finetuned from model:` /
`Base model:` fields, training configurations (`pretrained_model_name_or_path`), and the card's prose: "a
fine-tuned version of [x](https://huggingface.co/x)", "based on x", "initialised from x", "obtained by
fine-tuning x", "[x](...) fine-tuned on ...", "a Stable Diffusion model fine-tuned on ...", "the student model is
x", "[x](...) as the text encoder", a quantized copy's "original fp32 model", a Textual Inversion embedding "for SD
2.x", and a spaCy pipeline's transformer
in its `Sources` row. A Hub link gives the Hub id; otherwise the name is kept as written. A converted copy's
card keeps the original's lineage ("initialised with the weights of"), which is not what was converted. Mentions
of an architecture ("based on the t5-small architecture"), of a model card, of the model itself, and comparisons
are not candidates. The strongest
candidate wins (declared > field or configuration > linked prose > named prose), the first one on ties.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.extract.families import SourceItem
from pipeline.extract.card import Card, UrlHit, clean_inline_markdown, evidence_row, plain_text
from pipeline.vocabulary import BaseRelation

RELATIONS = frozenset(BaseRelation)
_NOT_MODEL_PAGES = {"datasets", "spaces", "docs", "blog", "papers", "models", "collections", "organizations",
                    "settings", "join", "login", "pricing", "tasks", "learn", "api", "new", "chat", "posts",
                    "enterprise", "hub", "welcome", "search", "nlp", "transformers", "course", "huggingface"}
# ("Language model:" is the field of the extractive-QA card template: the model it was fine-tuned from)
_BASE_FIELDS = frozenset({"finetuned from model", "fine-tuned from", "finetuned from", "language model",
                "base model", "base_model", "pretrained model", "pre-trained model", "initialized from",
                "initialised from", "parent model", "backbone", "base checkpoint", "foundation model",
                "student", "student model",  # distillation: the student starts from that model's weights
                "pretrained model used", "pre-trained model used", "base model used"})
_CONFIGURED_MODEL = r"([A-Za-z0-9][\w.-]*(?:/[\w.-]+)?)"  # the model id a training configuration's key gives
_CONFIG_KEY = re.compile(r"""["']?(?:pretrained_model_name_or_path|model_name_or_path|base_model)["']?\s*[:=]\s*["']?"""
                         + _CONFIGURED_MODEL)
# the same keys listed in prose: "* **model_name_or_path**: `org/x`"
_LISTED_CONFIG_KEY = re.compile(r"^[ \t]*[-*+][ \t]+\**(?:pretrained_model_name_or_path|model_name_or_path)\**[ \t]*:"
                                r"[ \t]*`?" + _CONFIGURED_MODEL + "`?", re.MULTILINE)
_COMPONENT_AFTER = re.compile(r"[`*_\s]*part\s+of\b")
# Keywords of a cue of names only ("trained on Stable Diffusion v1.5": no link follows it)
_NAMES_ONLY_KEYWORDS = ("on stable diffusion", "on the stable diffusion", "on sd")
# Cues just before a base model's name or link, each with the relation it states, the keywords one of which it
# holds, and how far before such a keyword a match can start ("fine-" before "tuned", "obtained by fine-").
_FORMAT_COPY_KEYWORDS = ("version of", "export of", "conversion of", "port of")  # (named: a model-shaped name only)
_CUES = [
    (relation, keywords, re.compile(pattern, re.IGNORECASE), lead)
    for relation, keywords, lead, pattern in [
        ("finetune", ("tune", "trained"), 8,
         r"\b(?:(?:fine-?tuned|finetuned|fine-?tune|(?:pre-?)?trained|tuned)\s+(?:version\s+|checkpoint\s+)?(?:of|from)"
         r"|fine[- ]?tuned\s+model\s+(?:of|from))(?:\s+(?:the\s+)?model)?"),
        ("finetune", ("based", "built"), 2, r"\bbased\s+o(?:n|ff?)\b|\bbuilt\s+(?:up)?on(?:\s+top\s+of)?"),
        ("finetune", ("initiali", "derived", "distilled", "started", "starting", "continue", "resumed"), 40,
         r"\binitiali[sz]ed\s+(?:from|with|using)(?:\s+the\s+weights\s+of)?|\bderived\s+from|\bdistilled\s+from"
         r"|\b(?:model|checkpoint)[`*]*\s+(?:is|was)\s+resumed\s+from"
         r"|\bstart(?:ed|ing)\s+from|\bwarm[- ]?started\s+(?:from|with)"
         r"|\bcontinued?\s+(?:pre-?)?training\s+(?:of|from)"),
        # "trained over Stable Diffusion 1.5 with 60,000 images", "created by MLM adaptation of XLM-R-large model"
        ("finetune", ("trained over", "adaptation of"), 8, r"\btrained\s+over(?=\s+[A-Z])|\badaptation\s+of"),
        ("finetune", ("tuning", "tune"), 24,
         r"\bobtained\s+by\s+fine-?tuning|\bby\s+fine-?tuning|\bwe\s+fine-?tuned?|\bfine-?tuning\s+of"),
        ("finetune", ("base model", "base trained", "base pre", "base language"), 40,
         r"(?:\bthe\s+|(?<![^\n])\W{0,3}|(?<=[.!?]\s))base\s+(?:pre-?trained\s+|trained\s+|language\s+)?model\s+(?:used\s+)?(?:is|was)|\bbase\s+model\s*:"
         r"|\bwith\s+the(?=\s+\S+\s+base\s+model)|\b(?:using|from)\s+the\s+base\s+model"),
        # "It is fine-tuned on multilingual BERT model": on a model, not on data ("on the X dataset")
        ("finetune", ("tuned on",), 8,
         r"\b(?:fine-?tuned|finetuned)\s+on(?=\s+(?:the\s+|an?\s+)?(?:[\w.\-/]+\s+){1,3}model\b)"),
        ("finetune", ("the pretrained", "the pre-trained"), 40,  # (not "from_pretrained", in every usage snippet)
         r"\b(?:we\s+)?used?\s+the\s+pre-?trained|^\W*the\s+pre-?trained"),
        ("finetune", ("student",), 2, r"\bstudent\s+(?:model\s+)?(?:is|was)"),
        # "This model is the t5-base model from ...": the model is a trained copy of a named one
        ("finetune", ("this model is the",), 2, r"\bthis\s+model\s+is\s+the(?=\s+\S*[\d-]\S*\s+model\b)"),
        # "Fine-tune t5-base model for paraphrase": the card's first words name what was fine-tuned
        ("finetune", ("fine-tune", "finetune", "fine tune"), 2,
         r"(?:(?<![^\n])|(?<=[.!?]\s))\W{0,3}(?:fine[- ]?tuned?|finetuned?)(?=\s+\S+\s+model\b)"),
        # "The original model is from `BERT-base-uncased`": the model this one was trained further from
        ("finetune", ("original model",), 6, r"\bthe\s+original\s+model\s+is\s+(?:from\s+)?"),
        # "This is an instance of [x](https://huggingface.co/x) trained on ...": a trained copy of x
        ("finetune", ("instance of",), 2, r"\ban\s+instance\s+of"),
        # "smaller versions of [x](...) that handle fewer languages": x's weights, cut down
        ("finetune", ("version",), 24,
         r"\b(?:smaller|distilled|compressed|pruned|reduced|lighter|trimmed)\s+versions?\s+of"),
        ("quantized", ("quantized",), 2, r"\bquantized\s+(?:version\s+)?(?:of|from)"),
        ("adapter", ("adapter", "lora"), 2, r"\b(?:adapter|lora)(?:\]\([^)\s]*\))?\s+(?:weights\s+)?(?:for|of|on)"),
        ("adapter", ("embedding",), 20, r"\btextual\s+inversion\s+embedding(?:\s+by\s+\S+(?:\s+\S+)?)?\s+for"),
        # "Trained on Stable Diffusion v1.5 using Dreambooth", "Trained on SD 2.1 768x768": a model, not data
        ("finetune", _NAMES_ONLY_KEYWORDS, 8,  # (rarer than "trained on")
         r"\btrained\s+on(?=\s+(?:the\s+)?(?:[Ss]table\s+[Dd]iffusion|SD)\s*v?\d)"),
        ("merge", ("merge",), 2, r"\bmerge\s+of"),
        # a copy of the same weights in another format: "PaddlePaddle version of [x](...)", "ONNX export of Adapter `x`"
        ("quantized", _FORMAT_COPY_KEYWORDS, 24,
         r"\b(?:PaddlePaddle|ONNX|Core\s?ML|TensorFlow|TFLite|Flax|OpenVINO|GGML|CTranslate2|TorchScript)\s+"
         r"(?:version|export|conversion|port)\s+of(?:\s+(?:the\s+)?(?:[Aa]dapter|model))?"),
    ]
]
# Every keyword a cue needs, and "tuned" for a base named before "fine-tuned": a link with none of them near it has
# no candidate.
_ANY_CUE_KEYWORDS = tuple(dict.fromkeys([keyword for _, keywords, _, _ in _CUES for keyword in keywords]
                                        + ["tuned", "encoder", "backbone", "蒸馏", "微调", "基于",
                                           "32 model", "16 model"]))
# (a keyword that holds another one is found wherever that one is: only the shortest are looked for; and no link
# follows "trained on Stable Diffusion v1.5", a cue of names only)
_ANY_CUE_KEYWORDS = tuple(k for k in _ANY_CUE_KEYWORDS if not any(o != k and o in k for o in _ANY_CUE_KEYWORDS)
                          and k not in _NAMES_ONLY_KEYWORDS)
# A cue right before a link ("a fine-tuned version of the Italian [x](...)"): a few filler words may follow it.
_BEFORE_LINK = [
    (relation, keywords,
     re.compile(f"(?:{cue.pattern})" + r"[\s*_`\"'(]*+(?:the\s++|an?\s++)?(?:pre-?trained\s++)?"
                r"(?:[`*_]*+[\w.-]++[`*_]*+['’]s\s++)?(?:\w+\s++|(?:[\w.-]++\s++){0,2}[\w.]*+[\d-][\w.-]*+\s*+\()?$",
                # ("from `x`'s [checkpoint](...)", "based on the small OpenAI GPT-2 ([`gpt2`](...)) model": a link in
                # parentheses after a name shaped like a model's)
                re.IGNORECASE))
    for relation, keywords, cue, _ in _CUES
] + [
    # "Fine-tuned [x](https://huggingface.co/x) on Finnish using ...": a sentence that opens with the link's cue
    # (a cue of links only: named prose after it is read by the "Fine-tune t5-base model" cue)
    ("finetune", ("tuned",), re.compile(r"(?:(?<![^\n])|(?<=[.!?]\s))\W{0,3}(?:fine[- ]?tuned|finetuned)[\s*_`\"'(]*$",
                                        re.IGNORECASE)),
    # Cues of links only (named prose never follows them): "Base model [x](...)", a sentence of its own; "The
    # original fp32 model comes from the fine-tuned model [x](...)", a lower-precision copy of x.
    ("finetune", ("base model",), re.compile(r"^\W{0,3}base\s+model[\s*_`\"'(]*(?:is\s+)?$", re.IGNORECASE)),
    ("finetune", ("基于",), re.compile(r"基于\s*$")),  # "此模型基于 [x](...)": based on x
    ("quantized", ("32 model", "16 model"),
     re.compile(r"\bthe\s+original\s+(?:fp32|fp16|bf16|float32|float16)\s+model\s+(?:is|comes)\s+from"
                r"(?:\s+the\s+(?:fine-?tuned\s+)?model)?\s*$", re.IGNORECASE)),
]
# "The model was fine-tuned with [x](https://huggingface.co/x)": a Hub model page that the fine-tuning used is the
# model it started from (read before Hub model links only: other links and names after it are tools or settings,
# "fine-tuned with [EveryDream-trainer](https://github.com/...)")
_TUNED_WITH_BEFORE = re.compile(r"\b(?:fine-?tuned|finetuned)\s+(?:with|using)[\s*_`\"'(]*$", re.IGNORECASE)
# Prose just after a link or name, when the base comes first: "[x](...) fine-tuned on", "x model fine-tuned",
# "[x](...) as the text encoder" (a component initialised from x), "[x](...)的蒸馏版本" (a distilled version of x).
_AFTER_BASE = re.compile(
    r"^[\s*_`\"')]*+(?:(?:model|checkpoint|weights)\s*+)?,?\s*+(?:that\s+(?:was|has\s+been)\s+|which\s+was\s+|was\s+|is\s+)?"
    r"(?:further\s+)?(?:fine-?tuned|finetuned)\b"
    r"|^[\s*_`\"')]*+(?:model\s*+)?,?\s*+(?:that\s+(?:was|has\s+been)\s+|which\s+was\s+|was\s+)further\s+(?:pre-?)?trained\b"
    r"|^[\s*_`\"')]*+(?:as|for)\s+(?:the\s+|our\s+|its\s+)?(?:\w+\s+)?(?:encoder|backbone)\b"
    r"|^[\s*_`\"')]*+as\s+(?:an?\s+|the\s+)?(?:base|pre-?trained|initial|starting)\s+(?:model|checkpoint)\b"
    r"|^[\s*_`\"')]*+的?(?:蒸馏|微调)(?:版本|模型)",
    re.IGNORECASE,
)
# "This is a Stable Diffusion model fine-tuned on ...", "This a bert-base-uncased model finetuned for ...": a named
# base (capitalised words, or one token shaped like a model id) before "model ... fine-tuned".
_NAMED_BEFORE_FINETUNED = re.compile(
    r"\b(?:is|was|[Tt]his)\s+(?:your\s+)?(?:(?:a|an|the)\s+)?(?:\*+|`)?"
    r"(?P<name>[A-Z0-9][\w.\-]*(?:\s[A-Z0-9][\w.\-]*){0,2}|[a-z][\w.]*[\d_-][\w.\-]*)(?:\*+|`)?\s+"
    r"(?:model\s+|checkpoint\s+)?(?:that\s+(?:was|has\s+been)\s+)?fine[- ]?tuned\b"
)
# A name as written after the cue: words before "model" / "checkpoint" ("Stable Diffusion 1.5 model", "a wav2vec 2.0
# base checkpoint"), or one token shaped like a model id (`bert-base-uncased`, `GPT2-Medium`, `org/name`).
_NAME_AFTER = re.compile(
    r"[\s*_`\"'(]*(?:(?:the|a|an)\s+)?(?:pre-?trained\s+(?=[A-Z]))?[\s*_`\"'(]*"
    r"(?:(?P<phrase>[A-Za-z0-9][\w\-/]*(?:\.\d+)*(?:[ \t]+[\w\-/]+(?:\.\d+)*){0,3}?)[*_`\"')]*"
    r"(?:[ \t]+base(?=[ \t]+model))?[ \t]+(?i:model|checkpoint)\b"
    r"|(?P<name>[A-Za-z0-9][\w.\-]*(?:/[\w.\-]+)?))"
)
# "using InceptionV3 as the pre-trained model", "and Anything-V3.0 as the base model": the name a training used as
# its starting point (not "it can be used as a pre-trained checkpoint": no name comes between). The tail is looked for
# first, on the lower-cased card (it starts with a literal: one fast scan), then the name before it.
_AS_THE_BASE = re.compile(r"as\s+(?:an?\s+|the\s+)?(?:(?:base|pre-?trained|initial|starting)\s+(?:model|checkpoint)"
                          r"|backbone)\b")
_NAME_USED_BEFORE = re.compile(r"\b(?:using|uses|used|use|with|and)\s+(?:the\s+)?(?P<name>[\w./-]+(?:[ \t][\w./-]+){0,3}?)"
                               r"[ \t]+$", re.IGNORECASE)
_VERBS = frozenset({"be", "been", "can", "could", "used", "use", "is", "was", "are", "were", "will", "would", "them"})
# "This is a fine-tuned Stable Diffusion model trained on ...": the capitalised name after "a fine-tuned"
_A_FINE_TUNED = re.compile(r"\b(?:is|was)\s+(?:an?|the)\s+(?:fine-?tuned|finetuned)(?=\s+[A-Z])")
_ID_SHAPED = re.compile(r"[\d/_-]")
_NOT_ALNUM = re.compile(r"[^a-z0-9]")
# What may follow a model's name in the id of a size or version of it: `deberta-v3-base`, `anything-v3.0`, `m2m100_418M`
_SIZE_SUFFIX = re.compile(r"(?:v?\d+[mbk]?|base|large|small|medium|tiny|mini|xl|xxl|cased|uncased)*")
_YEAR = re.compile(r"(?:19|20)\d\d")
_NUMBER = re.compile(r"\d+|0[.,][\d.,]*")  # a count, or a rate: "starting from 0.225" (not "from 1.5", a version)
# Capitalised words and a version: "SD 2.x", "Stable Diffusion 1.5", "Pixel Gen v2.0".
_VERSIONED_NAME = re.compile(r"[\s*_`]*((?:[A-Z][\w-]*[ \t]){1,2}v?\d+(?:\.(?:\d+|x))+)(?![\w.])")
# A capitalised word, then a name with capitals inside it (HerBERT, RoBERTa, BERTje): a model named after a qualifier.
_QUALIFIED_NAME = re.compile(r"[A-Z][a-z]+[ \t]+([A-Za-z]*[a-z][A-Z][A-Za-z]*|[A-Z]{2,}[a-z][A-Za-z]*)\b")
# "### Stable-Diffusion v1.5 fine-tuned for 10k steps ...", "*Stable Diffusion v2.0 fine tuned on images ...": a line
# that opens with a versioned name, then "fine-tuned"
_VERSIONED_THEN_TUNED = re.compile(r"[#>*_ \t]*(?:(?:First|Then|The|This|Our|A)[ \t]+)?"  # (at a line's start)
                                   r"((?:[A-Z][\w-]*[ \t]){1,2}v?\d+(?:\.(?:\d+|x))+)[*_]*"
                                   r"[ \t]+(?:fine[- ]?tuned|finetuned)\b")
# A card's title or first sentence that opens with the name of what was fine-tuned: "LayoutLMv2 fine-tuned on the X
# dataset", "# BERT-mini model finetuned with M-FAC", "A MacBERTh model fine-tuned on SQuAD_v2" (matched at a line's
# start; "TinyBERT-model" is TinyBERT).
_OPENING_NAME_THEN_TUNED = re.compile(
    r"[#>*_ \t]*(?:(?:An?|The|Pre-?trained)[ \t]+)?"
    r"(?P<name>[A-Za-z][\w.-]*?(?:[ \t](?!model\b|checkpoint\b)[A-Za-z0-9][\w.-]*)?)(?:[-_]model)?[*_]*"
    r"[ \t]+(?:model[ \t]+|checkpoint[ \t]+)?(?:that[ \t]+(?:is|was|has[ \t]+been)[ \t]+)?"
    r"(?:fine[- ]?tuned|finetuned)[ \t]+(?:on|for|with|to)\b")
# ... or that opens with the fine-tuning, then the name: "Finetuning `x-base-cased` with the training set of ..."
_OPENING_TUNING_THEN_NAME = re.compile(
    r"[#>*_ \t]*(?:Fine[- ]?tun(?:ing|ed)|Finetun(?:ing|ed))[ \t]+(?:of[ \t]+)?[`*_]*(?P<name>[A-Za-z][\w./-]*)[`*_]*"
    r"[ \t]+(?:with|on|for)\b")
# The first word of such a name is shaped like a model's (a digit, a hyphen, a dot, or capitals inside it: T5,
# LayoutLMv2, RoBERTa, bert-base), and a second word is a size or shaped alike: "BERT base", "MarkupLM Large".
_MODEL_SHAPED_WORD = re.compile(r"[A-Za-z]*[\d._/-][\w./-]*|[A-Za-z][a-z]*[A-Z][\w/-]*")  # (a Hub id too)
_MODEL_CLASS = re.compile(r"[A-Z]\w*For[A-Z]\w*")  # a library's class, `BertForSequenceClassification`, names no model
_SIZE_WORD = re.compile(r"(?:base|large|small|medium|tiny|mini|xl|xxl|cased|uncased)(?:-[\w-]+)?", re.IGNORECASE)
# (a training method is not a model: "a fine-tuned version of Dreambooth text-to-image model")
_NOT_A_NAME = {"dreambooth", "ner", "qa", "nli", "pos", "a", "an", "the", "this", "that", "these", "it", "its", "our", "my", "your", "their", "model",
               "models", "version", "data", "dataset", "top", "same", "original", "pretrained", "pre-trained",
               "scratch", "and", "with", "on", "of", "in", "to", "for", "from", "by", "using", "large", "base",
               "small", "new", "other", "custom", "multiple", "several", "various", "different", "existing",
               "following", "previous", "publicly", "available", "official", "open", "huggingface", "hugging",
               "weights", "checkpoint", "checkpoints", "architecture", "transformer", "transformers", "text",
               "images", "image", "english", "code", "task", "tasks", "all", "some", "two", "three", "one",
               "fine-tuned", "finetuned", "trained", "seq2seq", "full", "whole", "entire"}
# The toolkits a model is built with, not models it starts from: "RyanSpeech model (based on ESPnet2)". (Not
# links.GENERAL_LIBRARIES: that list holds names that are models too, "whisper", "marian".)
_TOOLKITS = frozenset({"espnet", "espnet2", "nemo", "speechbrain", "fairseq", "transformers", "diffusers", "keras",
                       "tensorflow", "pytorch", "jax", "flax", "sentence-transformers", "flair", "spacy", "allennlp",
                       "asteroid", "k2", "icefall", "wenet", "paddlenlp", "fastai", "simpletransformers", "t5x"})
_ARCHITECTURE_AFTER = re.compile(r"[\w.\-/\s`*]{0,30}?\b(?:architecture|paper|approach|method|tokenizer|recipe)\b",
                                 re.IGNORECASE)
# The card says the model was pretrained from scratch (its own vocabulary, "initially pretrained on"): then "based
# on the x model" names an architecture, not weights it started from.
_FROM_SCRATCH = re.compile(r"\b(?:from\s+scratch|initially\s+pre-?trained|its\s+own\s+(?:\w+\s+)?vocabulary)\b",
                           re.IGNORECASE)
_PRETRAINED_ON_A_CORPUS = re.compile(r"\b(?:pre-?)?trained\s+on\s+a\s+(?:large|massive|huge)\s+corpus\b"
                                     r"|\bin\s+a\s+self-supervised\s+fashion\b", re.IGNORECASE)
_FINE_TUNED_WORD = re.compile(r"(?<![\w-])(?:fine-?tun|finetun)", re.IGNORECASE)  # not inside a model's name
_ARCHITECTURE_CUES = frozenset({"based on", "built on"})
_NOT_BASE_CONTEXT = re.compile(r"\b(?:model\s+card|compared?\s+(?:to|with)|outperform\w*|unlike|similar\s+to)\b",
                               re.IGNORECASE)
# "X is a finetune created using EleutherAI's GPT-J 6B model", "This is a finetune of RWKV-v4neo 430m on ...": a name
# shaped like a model's (not "Fairseq's MoE dense model", a description)
_A_FINETUNE_OF = re.compile(r"\ba\s+finetune\s+(?:(?:created|made)\s+(?:using|from|with)|of)(?:\s+[\w-]+['’]s)?")
# "The model used as reference is BERT finetuned on SQuAD": a model compared with, not trained from
_REFERENCE_MODEL = re.compile(r"\b(?:as|the)\s+(?:a\s+)?(?:reference|baseline)\b", re.IGNORECASE)
_CONVERTED = re.compile(r"\b(?:weights|model|checkpoints?)\s+(?:here\s+)?(?:have|has|was|were)\s+(?:been\s+)?converted\b",
                        re.IGNORECASE)
_TUNED_WORDS = frozenset({"fine-tuned", "finetuned", "trained"})
_CONTINUED_FROM = re.compile(r"\b(?:continued?\s+(?:(?:pre-?)?training|fine-?tun(?:ed|ing)|trained)|resumed)\s+from\W*$",
                             re.IGNORECASE)  # (just before a link)
_PROSE_WINDOW = 90
NAMED_BASE_REACH = 12000
_DATA_BEFORE = re.compile(r"\b(?:corpus|corpora|data(?:set)?s?|treebanks?)\b", re.IGNORECASE)
SCORES = {"card_metadata": 5, "tags": 4, "field": 3, "training configuration": 3, "linked prose": 2, "named prose": 1}


@dataclass(slots=True)
class BaseCandidate:
    name: str
    relation: str | None
    source: str  # a key of SCORES
    pos: int  # body offset (-1: metadata or tags)
    rule: str
    context: str
    continued: bool = False  # named as the model training went on from ("continued training from [x]")


def hub_model_id(hit: UrlHit) -> str | None:
    """`owner/name` (or a legacy one-part id) of a huggingface.co model page, or None for other Hub pages."""
    if hit.host not in ("huggingface.co", "hf.co"):
        return None
    segments = hit.segments
    if not segments or segments[0] in _NOT_MODEL_PAGES:
        return None
    if len(segments) >= 2 and segments[1] not in ("resolve", "blob", "tree", "raw", "discussions", "commit"):
        return f"{segments[0]}/{segments[1]}"
    return segments[0]


def declared_base_models(metadata: dict[str, Any], tags: list[str], problems: list[str] | None = None
                         ) -> tuple[list[str], str | None, str | None]:
    """(bases, relation, source) that the front matter's `base_model`, else the Hub's `base_model:[relation:]id`
    tags, declare; source is None when neither does."""
    declared = metadata.get("base_model")
    values = declared if isinstance(declared, list) else [declared]
    bases = [b.strip() for b in values if isinstance(b, str) and b.strip()]
    if declared is not None and not bases and declared != [] and problems is not None:
        problems.append(f"base_model_invalid_type: {type(declared).__name__}")
    relation = metadata.get("base_model_relation")
    relation = relation if isinstance(relation, str) and relation in RELATIONS else None
    if bases:
        return bases, relation, "card_metadata"
    tag_bases: list[str] = []
    for tag in tags:
        if not isinstance(tag, str) or not tag.startswith("base_model:"):
            continue
        parts = tag.split(":")
        if len(parts) == 3 and parts[1] in RELATIONS:
            relation = relation or parts[1]
        tag_bases.append(parts[-1])
    tag_bases = list(dict.fromkeys(b for b in tag_bases if b))
    return (tag_bases, relation, "tags") if tag_bases else ([], relation, None)


def every_declared_base(metadata: dict[str, Any], tags: list[str]) -> list[str]:
    """The bases both sources declare, front matter first: the crawl fetches them all (pipeline.snapshot), as the
    front matter may still name a base by an old id that the Hub's tags give by its current one."""
    front_matter, _, _ = declared_base_models(metadata, [])
    from_tags, _, _ = declared_base_models({}, tags)
    return list(dict.fromkeys(front_matter + from_tags))


def extract_base_model(
    metadata: dict[str, Any], tags: list[str], card: Card, repo_id: str, read_prose: bool = True,
    sources: Sequence[SourceItem] = (),
) -> tuple[list[str], str | None, list[dict], list[str]]:
    """(base_models, base_model_relation, evidence, problems). Without `read_prose` (a family whose prose names no
    base), only what is declared, fields, training configurations and Hub links count. `sources`: what a family's
    structure lists, the model it starts from among them (a spaCy card's transformer in its `Sources` row)."""
    problems: list[str] = []
    bases, relation, source = declared_base_models(metadata, tags, problems)
    if source == "card_metadata":
        snippet = f"base_model: {bases}" + (f" base_model_relation: {relation}" if relation else "")
        return bases, relation, [evidence_row("base_model", source, "base_model", snippet)], problems
    if source == "tags":
        snippet = " ".join(tag for tag in tags if tag.startswith("base_model:"))
        return bases, relation, [evidence_row("base_model", source, "tags", snippet)], problems

    own = {repo_id.lower(), repo_id.lower().rsplit("/", 1)[-1]}
    from_sources = [BaseCandidate(item.name, "finetune", "field", item.pos,
                                  item.rule or "the pipeline's transformer in `Sources`",
                                  card.sentence_around(item.pos, item.pos + len(item.name)))
                    for item in sources if item.is_model]
    candidates = [c for c in from_sources + _card_candidates(card, read_prose)
                  if c.name.lower() not in own and c.name.lower().rsplit("/", 1)[-1] not in own
                  and c.name.lower() not in _TOOLKITS]
    if not candidates:
        return [], None, [], problems
    # the strongest source; among equals, a model training went on from ("continued training from [x]": the
    # immediate parent, where the card tells a longer lineage), then the first
    best = max(candidates, key=lambda c: (SCORES[c.source], c.continued, -c.pos))
    name = best.name
    if "/" not in name:  # "Language model: X" and a link to org/x-base-discriminator: the Hub id names it better
        hub_id = next((c.name for c in candidates
                       if "/" in c.name and c.name.lower().rsplit("/", 1)[-1].startswith(name.lower())), None)
        if hub_id is None and best.source == "named prose":
            hub_id = _linked_hub_id(card, name)
        name = hub_id or name
    row = evidence_row("base_model", "readme", card.location(max(best.pos, 0)),
                       f"[{best.source}: {best.rule}] {best.context}")
    return [name], relation or best.relation, [row], problems


def _linked_hub_id(card: Card, name: str) -> str | None:
    """The one Hub model the card links whose name begins with a base named in prose, punctuation and case aside:
    "based on the **DeBERTaV3** model" and a link to `microsoft/deberta-v3-base`. (Names shaped like a model id
    only: "BERT" alone could be any of several.)"""
    key = _NOT_ALNUM.sub("", name.lower())
    if len(key) < 4 or not _ID_SHAPED.search(name):
        return None
    ids = set()
    for hit in card.urls:
        model_id = hub_model_id(hit)
        if not model_id or "/" not in model_id:
            continue
        linked_key = _NOT_ALNUM.sub("", model_id.rsplit("/", 1)[-1].lower())
        if linked_key.startswith(key) and _SIZE_SUFFIX.fullmatch(linked_key, len(key)):
            ids.add(model_id)
    return ids.pop() if len(ids) == 1 else None


def _card_candidates(card: Card, read_prose: bool = True) -> list[BaseCandidate]:
    found: list[BaseCandidate] = []
    for field in card.fields_with_keys(_BASE_FIELDS):
        name = _field_name(card, field.value_pos, field.end)
        if name:
            found.append(BaseCandidate(name, "finetune", "field", field.pos, f"`{field.key}` field",
                                       card.body[field.pos : field.end]))
    if "model_name_or_path" in card.body:  # "* **model_name_or_path**: `org/x`": a training configuration, listed
        for match in _LISTED_CONFIG_KEY.finditer(card.body):
            if not card.in_code(match.start()):
                found.append(BaseCandidate(match.group(1), "finetune", "training configuration", match.start(1),
                                           "pretrained model of the listed configuration", match.group().strip()))
    for block in card.code_blocks:
        if "model_name_or_path" not in block.text and "base_model" not in block.text:
            continue  # every key _CONFIG_KEY knows holds one of these
        for match in _CONFIG_KEY.finditer(block.text):
            line_start = block.text.rfind("\n", 0, match.start()) + 1
            if "(" in block.text[line_start : match.start()]:
                continue  # a from_pretrained(...) or pipeline(...) call loading a model, not a training setting
            found.append(BaseCandidate(match.group(1), "finetune", "training configuration", block.start,
                                       "pretrained model of the training configuration", match.group()))
    body = card.body
    for hit in card.urls:
        model_id = hub_model_id(hit)
        model_id = _local_path_linked_as_a_model(hit, model_id) or model_id
        if card.in_code(hit.start):
            continue
        if not model_id:
            if read_prose:
                found += _named_link(card, hit)
            continue
        if not _cue_near(card.lower, hit.text_start - _PROSE_WINDOW, hit.end + _PROSE_WINDOW):
            continue  # no cue before the link and no "fine-tuned" after it: the sentence need not be read
        start, end = card.sentence_bounds(hit.text_start, hit.end)
        before = plain_text(body[max(start, hit.text_start - _PROSE_WINDOW) : hit.text_start])
        link_end = body.find(")", hit.end, hit.end + 3)
        # (to the sentence's end: "... version of [x](...). As presented in the [paper](...)" is no architecture)
        after = plain_text(body[(link_end + 1 if link_end >= 0 else hit.end) : min(end, hit.end + _PROSE_WINDOW)])
        if hit.link_text and after.lstrip().lower().startswith(hit.link_text.lower()):
            after = after.lstrip()[len(hit.link_text):]  # "[X](...) X fine-tuned in Portuguese": the name repeated
        relation = _relation_before(before) or ("finetune" if _TUNED_WITH_BEFORE.search(before) else None)
        if relation and not _ARCHITECTURE_AFTER.match(after):
            rule = "named before the link"
        elif _AFTER_BASE.match(after) and not before.rstrip().lower().endswith(("on", "with", "using", "by")):
            relation, rule = "finetune", "fine-tuned after the link"
        else:
            continue
        sentence = body[start:end]
        if not (_NOT_BASE_CONTEXT.search(hit.link_text) or _NOT_BASE_CONTEXT.search(plain_text(sentence))):
            found.append(BaseCandidate(model_id, relation, "linked prose", hit.start, rule, sentence,
                                       _CONTINUED_FROM.search(before) is not None))
    if not found and read_prose:
        found += _named_candidates(card)
    lower = card.lower
    # (near its keywords: the pattern has no literal to start from, and a long card is slow to search whole)
    from_scratch = bool(card.keyword_matches(_FROM_SCRATCH, ("scratch", "initially", "vocabulary"), before=40, after=30))
    if found:
        # "X is based on the t5-small model and was trained on a large corpus of ...": an architecture, the model
        # pretrained from scratch (said of the whole card, or in the candidate's own sentence)
        found = [c for c in found if not any(cue in c.context.lower() for cue in _ARCHITECTURE_CUES)
                 or _FINE_TUNED_WORD.search(c.context)
                 or not (from_scratch or _PRETRAINED_ON_A_CORPUS.search(c.context))]
    if found and "converted" in lower and _CONVERTED.search(card.body):
        # A converted copy keeps the original's card: "initialised with the weights of" tells the original's
        # lineage, not what was converted.
        found = [c for c in found if c.source not in ("linked prose", "named prose")
                 or "initiali" not in c.context.lower()]
    return found


def _local_path_linked_as_a_model(hit: UrlHit, model_id: str | None) -> str | None:
    """A local folder that a generated card links as if it were a Hub model: the Trainer template writes "a fine-tuned
    version of [x](https://huggingface.co/x)" with whatever path it was given (`/models/x-base`, `./x-base/`,
    `out/run1/checkpoint-500`). A path that no Hub id can be (rooted, relative, or of three parts or more) is then the
    base as written, as no Hub id names it."""
    if hit.host not in ("huggingface.co", "hf.co"):
        return None
    text = hit.link_text.strip()
    if " " in text:
        return None
    if model_id and not (text.startswith(("/", ".", "~")) or text.rstrip("/").count("/") >= 2):
        return None  # `org/name`: a Hub id, `model_id` (`models/x-base` is none: a folder)
    parts = [part for part in text.split("/") if part not in ("", ".", "~")]
    if [part for part in hit.path.split("/") if part not in ("", ".")] != parts:
        return None  # a link whose text is not its own target: written by a person, read as a Hub link or not at all
    return text.rstrip("/") or text  # (a folder's trailing slash is no part of its name)


def _named_link(card: Card, hit: UrlHit) -> list[BaseCandidate]:
    """A base named by the text of a link that is not a Hub model page: "built on top of [T5](github...)"."""
    name = hit.link_text.strip("` ")
    if not name or not _ID_SHAPED.search(name) or len(name.split()) > 3 or hit.host in ("huggingface.co", "hf.co"):
        return []
    if not _cue_near(card.lower, hit.text_start - _PROSE_WINDOW, hit.text_start):
        return []
    start, _ = card.sentence_bounds(hit.text_start, hit.end)
    before = plain_text(card.body[max(start, hit.text_start - _PROSE_WINDOW) : hit.text_start])
    relation = _relation_before(before)
    if not relation or _NOT_BASE_CONTEXT.search(before) or _DATA_BEFORE.search(before):
        return []
    return [BaseCandidate(name, relation, "named prose", hit.start, "named by a link's text",
                          card.sentence_around(hit.text_start, hit.end))]


def _cue_near(lower: str, start: int, end: int) -> bool:
    """Whether a cue's keyword occurs in lower[start:end] (str.find with bounds: no slice, no generator)."""
    start = max(0, start)
    for keyword in _ANY_CUE_KEYWORDS:
        if lower.find(keyword, start, end) >= 0:
            return True
    return False


def _relation_before(before: str) -> str | None:
    lower = before.lower()
    return next((relation for relation, keywords, pattern in _BEFORE_LINK
                 if any(keyword in lower for keyword in keywords) and pattern.search(before)), None)


def _named_candidates(card: Card) -> list[BaseCandidate]:
    """Bases named without a link: "fine-tuned version of bert-base-uncased on", "based on GPT2-Medium". A card
    names its base this way where it introduces the model, near its top: only the first NAMED_BASE_REACH
    characters are read (on the 553 cards of the corpus longer than that, reading the whole card finds the same)."""
    found: list[BaseCandidate] = []
    for relation, keywords, pattern, lead in _CUES:
        if _holds_any(card.lower, keywords, NAMED_BASE_REACH):  # (most cards hold none of most cues' keywords)
            names = _names_after(card, pattern, keywords, lead, 40, relation, "named after the cue")
            # ("the TFLite version of `diffusion model` in this repository": a part, named by a word)
            found += [c for c in names if _names_a_model(c.name)] if keywords is _FORMAT_COPY_KEYWORDS else names
    found += [candidate for candidate in _names_after(card, _A_FINETUNE_OF, ("a finetune",), 2, 40, "finetune",
                                                      "named after \"a finetune created using\"")
              if _names_a_model(candidate.name)]
    for match in card.keyword_matches(_NAMED_BEFORE_FINETUNED, ("tuned",), before=90, after=2,
                                      until=NAMED_BASE_REACH):
        sentence = card.sentence_around(match.start(), match.end())
        if not card.in_code(match.start()) and match.group("name").lower() not in _NOT_A_NAME and not (
                _REFERENCE_MODEL.search(sentence)):
            found.append(BaseCandidate(match.group("name"), "finetune", "named prose", match.start("name"),
                                       "named before \"fine-tuned\"", sentence))
    for match in _versioned_lines_then_tuned(card):
        found.append(BaseCandidate(match.group(1), "finetune", "named prose", match.start(1),
                                   "a versioned name opening a line, then \"fine-tuned\"",
                                   card.sentence_around(match.start(), match.end())))
    found += _opening_name_then_tuned(card)
    for tail in _AS_THE_BASE.finditer(card.lower, 0, NAMED_BASE_REACH):
        if tail.start() == 0 or card.lower[tail.start() - 1].isalnum() or card.in_code(tail.start()):
            continue  # ("has a base model": no word "as")
        lead = max(0, tail.start() - 100)
        match = _NAME_USED_BEFORE.search(card.body, lead, tail.start())
        name = match.group("name") if match else ""
        if name and not set(name.lower().split()) & (_NOT_A_NAME | _VERBS):
            found.append(BaseCandidate(name, "finetune", "named prose", match.start("name"),
                                       "named before \"as the base model\"", card.sentence_around(match.start(), tail.end())))
    if not found:  # the vaguest naming, when the card says nothing more precise: "is a fine-tuned BERT model"
        found += _names_after(card, _A_FINE_TUNED, ("tuned",), 14, 2, "finetune", "named after \"a fine-tuned\"")
    return found


def _versioned_lines_then_tuned(card: Card) -> list[re.Match]:
    """Lines that open with a versioned name, then "fine-tuned": matched at the start of each line holding a "tuned"
    (the card's remembered offsets) near its start, not scanned for."""
    found, body, seen = [], card.body, set()
    for at in card.keyword_at("tuned"):
        if at >= NAMED_BASE_REACH:
            break
        line_start = body.rfind("\n", 0, at) + 1
        if at - line_start > 60 or line_start in seen:
            continue
        seen.add(line_start)
        match = _VERSIONED_THEN_TUNED.match(body, line_start)
        if match and not card.in_code(line_start):
            found.append(match)
    return found


def _opening_name_then_tuned(card: Card) -> list[BaseCandidate]:
    """The model named at the start of one of the card's first lines, then "fine-tuned on / for / with / to" (or
    after "Finetuning" there)."""
    body = card.body
    for at, end in card.opening_lines:
        match = _OPENING_NAME_THEN_TUNED.match(body, at, end) or _OPENING_TUNING_THEN_NAME.match(body, at, end)
        if match and not card.in_code(at) and _names_a_model(match.group("name")):
            return [BaseCandidate(match.group("name"), "finetune", "named prose", match.start("name"),
                                  "a name opening the card, then \"fine-tuned\"",
                                  card.sentence_around(match.start("name"), match.end()))]
    return []


def _names_a_model(name: str) -> bool:
    first, _, second = name.partition(" ")
    if first.lower() in _NOT_A_NAME or not _MODEL_SHAPED_WORD.fullmatch(first) or _MODEL_CLASS.fullmatch(first):
        return False
    return not second or bool(_SIZE_WORD.fullmatch(second) or _MODEL_SHAPED_WORD.fullmatch(second))


def _holds_any(lower: str, keywords: tuple[str, ...], until: int) -> bool:
    """Whether one of the keywords starts within lower[:until] (one bounded scan each, no keyword search)."""
    for keyword in keywords:  # (a loop, not a generator: it runs for every cue of most cards)
        if lower.find(keyword, 0, until) >= 0:
            return True
    return False


def _names_after(card: Card, pattern: re.Pattern, keywords: tuple[str, ...], before: int, after: int,
                 relation: str, rule: str) -> list[BaseCandidate]:
    """The names that follow the cue's matches near its keywords, outside code."""
    found = []
    for cue_match in card.keyword_matches(pattern, keywords, before=before, after=after, until=NAMED_BASE_REACH):
        cue = cue_match.end()
        name = None if card.in_code(cue) else _name_after(card.body, cue)
        if name:
            found.append(BaseCandidate(name, relation, "named prose", cue, rule, card.sentence_around(cue, cue + len(name))))
    return found


def _name_after(text: str, cue: int) -> str | None:
    match = _NAME_AFTER.match(text, cue)
    if not match:
        return None
    end = match.end()
    if _COMPONENT_AFTER.match(text, end):
        return None  # "TFLite version of `text encoder` part of [x](...)": a component of a model, not a model
    versioned = _VERSIONED_NAME.match(text, cue)
    if versioned:  # "for SD 2.x", "from Stable Diffusion 1.5"
        return versioned.group(1)
    if match.group("phrase"):
        name = match.group("phrase")
        first, _, rest = name.partition(" ")
        if first.lower() in _TUNED_WORDS and rest.strip():
            name = rest.strip()  # "based on a fine-tuned XLM-RoBERTa large model": the model, not how it was made
        words = name.lower().split()
        if words[0] in _NOT_A_NAME or all(word in _NOT_A_NAME for word in words) or words[-1] in _TUNED_WORDS | {
                "pretrained", "pre-trained"}:
            return None  # ("Multilingual Pretrained Model": a description, not a name)
        if len(words) == 1 and text[end - 5].isupper():
            return None  # "Based on Bert Model": a title naming an architecture
    else:
        name = match.group("name").rstrip(".,;:")
        if text.startswith("=", match.end("name")):
            return None  # "based on `max_length=2048`": a setting
        if _YEAR.fullmatch(name) or _NUMBER.fullmatch(name):
            return None  # "trained from the 2005 film ...", "pre-trained from 80 thousand hours": a count, not a model
        qualified = _QUALIFIED_NAME.match(text, match.start("name"))
        if qualified:  # "a Polish HerBERT": the name after its language
            name, end = qualified.group(1), qualified.end()
        elif name.lower() in _NOT_A_NAME or not _ID_SHAPED.search(name) or len(name) < 2:
            return None
    return None if _ARCHITECTURE_AFTER.match(text, end) else name


def _field_name(card: Card, start: int, end: int) -> str | None:
    """The base named by a field's value: its Hub link, or its text when it looks like a model name."""
    for hit in card.urls:
        if start <= hit.start < end:
            model_id = hub_model_id(hit)
            if model_id:
                return model_id
    value = clean_inline_markdown(card.body[start:end]).strip(" .'\"")
    file_like = "." in value.rsplit("/", 1)[-1][-5:]  # `weights.zip`: a download, not a model
    if not value or "more information needed" in value.lower() or len(value) > 80 or file_like:
        return None
    return value
