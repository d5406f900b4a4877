"""Licenses: normalise what a card declares, identify LICENSE texts and README statements, flag conflicts.

Sources, in order of authority: the card's `license` metadata (with `license_name` / `license_link` for
`other`), the Hub's `license:` tags, the LICENSE file, and license statements in the README body.
Families and flags come from license_reference.csv, the project's own table (one row per Hub license id,
including removed ids, plus a few `license_name` values common with `license: other`).

SPDX expressions (`Apache-2.0 OR MIT`, `GPL-2.0-only WITH Classpath-exception-2.0`) are parsed with the
`license-expression` package and graded to one Hub id: under `OR` the licensee may choose, so the most open
choice applies; under `AND` all apply, so the least open; `WITH` an exception keeps its base license.

README statements are read per component (code, weights, data): `license_id` is the license of the weights
when the README says which license they carry; code and data licenses are recorded in `license_components`.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from license_expression import OR, ExpressionError, LicenseSymbol, LicenseWithExceptionSymbol, get_spdx_licensing

from pipeline.extract.card import Card, evidence_row
from pipeline.extract.license_similarity import ReferenceTexts
from pipeline.extract.memo import memoised_when_short
from pipeline.extract.model import LicenseComponent, LicenseFacts
from pipeline.vocabulary import LicenseSource

REFERENCE_PATH = Path(__file__).with_name("license_reference.csv")


@dataclass(frozen=True)
class LicenseInfo:
    license_id: str
    spdx_id: str | None
    family: str
    osi_approved: bool | None
    fsf_libre: bool | None
    commercial_use: bool | None
    use_restrictions: bool | None
    source: str

    @property
    def is_hub_id(self) -> bool:
        return self.source.startswith("hub-id")


def load_reference(path: Path = REFERENCE_PATH) -> dict[str, LicenseInfo]:
    flag = {"true": True, "false": False, "": None}
    with path.open(newline="", encoding="utf-8") as handle:
        return {
            row["license_id"]: LicenseInfo(
                license_id=row["license_id"],
                spdx_id=row["spdx_id"] or None,
                family=row["family"],
                osi_approved=flag[row["osi_approved"]],
                fsf_libre=flag[row["fsf_libre"]],
                commercial_use=flag[row["commercial_use"]],
                use_restrictions=flag[row["use_restrictions"]],
                source=row["source"],
            )
            for row in csv.DictReader(handle)
        }


REFERENCE = load_reference()
NO_LICENSE = LicenseInfo("", None, "none", None, None, None, None, "no license declared")


def _hub_ids_by_spdx_id() -> dict[str, str]:
    """Lower-cased SPDX id -> Hub id for the table's licenses. A Hub id does not say `-only` or `-or-later`:
    both map to it. Of two ids for one license (`openmdw-1.0`, `open-mdw`), the table's first wins."""
    hub_ids: dict[str, str] = {}
    for info in REFERENCE.values():
        if info.spdx_id:
            hub_ids.setdefault(info.spdx_id.lower(), info.license_id)
            if info.spdx_id.endswith("-only"):
                hub_ids.setdefault(info.spdx_id.lower().removesuffix("-only") + "-or-later", info.license_id)
    return hub_ids


HUB_ID_BY_SPDX_ID = _hub_ids_by_spdx_id()

# Spellings seen in `license:` values and `license_name`, keyed as _key() writes them.
ALIASES = {
    "apache2": "apache-2.0", "apache-2": "apache-2.0", "apache2.0": "apache-2.0", "apache-license-2.0": "apache-2.0",
    "apache-license-version-2.0": "apache-2.0", "apache-2.0-license": "apache-2.0", "mit-license": "mit",
    "the-mit-license": "mit", "bsd-3": "bsd-3-clause", "bsd-2": "bsd-2-clause", "gplv3": "gpl-3.0",
    "gpl-3": "gpl-3.0", "gpl3": "gpl-3.0", "gplv2": "gpl-2.0", "gpl-2": "gpl-2.0", "agplv3": "agpl-3.0",
    "agpl-3": "agpl-3.0", "lgplv3": "lgpl-3.0", "lgpl-3": "lgpl-3.0", "mpl2": "mpl-2.0", "mpl-2": "mpl-2.0",
    "cc0": "cc0-1.0", "cc-0": "cc0-1.0", "creativeml-openrail": "creativeml-openrail-m", "openrail-m": "openrail",
    "llama-2": "llama2", "llama-2-community-license": "llama2", "llama2-community-license": "llama2",
    "llama-3": "llama3", "llama-3-community-license": "llama3", "llama3-community-license": "llama3",
    "llama-3.1": "llama3.1", "llama-3.2": "llama3.2", "llama-3.3": "llama3.3", "llama-4": "llama4",
    "gemma-terms-of-use": "gemma", "falcon-llm-license": "tii-falcon-llm", "tii-falcon-llm-license": "tii-falcon-llm",
    "apple-sample-code-license": "apple-ascl", "tongyi-qianwen": "qwen", "tongyi-qianwen-license": "qwen",
    "qwen-license": "qwen", "deepseek-license": "deepseek", "stabilityai-community": "stabilityai-ai-community",
    "flux-1-dev-non-commercial": "flux-1-dev-non-commercial-license", "mrl": "mistral-research-license",
    "mistral-ai-research-license": "mistral-research-license", "cpml": "coqui-public-model-license",
    "nvidia-open-model": "nvidia-open-model-license",
}

_VERSION = r"[\s,-]*(?:v(?:ersion)?\.?\s*)?"
# License names as people write them, most specific first (LGPL before GPL, Llama 3.1 before Llama 3).
_NAME_PATTERNS = [
    (license_id, re.compile(pattern, re.IGNORECASE))
    for license_id, pattern in [
        ("llama4", r"\bllama[\s-]*4\b[^.\n]{0,30}?licen[cs]e"),
        ("llama3.3", r"\bllama[\s-]*3\.3\b[^\n]{0,30}?licen[cs]e"),
        ("llama3.2", r"\bllama[\s-]*3\.2\b[^\n]{0,30}?licen[cs]e"),
        ("llama3.1", r"\bllama[\s-]*3\.1\b[^\n]{0,30}?licen[cs]e"),
        ("llama3", r"\bllama[\s-]*3\b(?!\.\d)[^.\n]{0,30}?licen[cs]e"),
        ("llama2", r"\bllama[\s-]*2\b[^.\n]{0,30}?licen[cs]e"),
        ("gemma", r"\bgemma\b[^.\n]{0,20}?(?:terms\s+of\s+use|licen[cs]e)"),
        ("tii-falcon-llm", r"\bfalcon[\s-]*(?:llm|180b)[\s-]*(?:tii\s+)?licen[cs]e|\btii\s+falcon\b"),
        ("bigscience-bloom-rail-1.0", r"\bbloom[\s-]*rail\b|\bbigscience\s+rail\b"),
        ("openrail++", r"\bopen[\s-]*rail[\s-]*\+\+"),
        ("bigscience-openrail-m", r"\bbigscience[\s-]*open[\s-]*rail"),
        ("creativeml-openrail-m", r"\bcreativeml[\s-]*open[\s-]*rail"),
        ("bigcode-openrail-m", r"\bbigcode[\s-]*open[\s-]*rail"),
        ("openrail", r"\bopen[\s-]*rail\b"),
        ("agpl-3.0", r"\b(?:agpl|affero\s+general\s+public\s+licen[cs]e)(?:" + _VERSION + r"3)?"),
        ("lgpl-3.0", r"\b(?:lgpl|lesser\s+general\s+public\s+licen[cs]e)" + _VERSION + r"3"),
        ("lgpl-2.1", r"\b(?:lgpl|lesser\s+general\s+public\s+licen[cs]e)" + _VERSION + r"2\.1"),
        ("lgpl", r"\blgpl\b|\blesser\s+general\s+public\s+licen[cs]e"),
        ("gpl-3.0", r"\b(?:gpl|general\s+public\s+licen[cs]e)" + _VERSION + r"3"),
        ("gpl-2.0", r"\b(?:gpl|general\s+public\s+licen[cs]e)" + _VERSION + r"2"),
        ("gpl", r"\bgpl\b|\bgnu\s+general\s+public\s+licen[cs]e"),
        ("mpl-2.0", r"\b(?:mpl|mozilla\s+public\s+licen[cs]e)" + _VERSION + r"2"),
        ("epl-2.0", r"\b(?:epl|eclipse\s+public\s+licen[cs]e)" + _VERSION + r"2"),
        ("epl-1.0", r"\b(?:epl|eclipse\s+public\s+licen[cs]e)" + _VERSION + r"1"),
        ("eupl-1.2", r"\b(?:eupl|european\s+union\s+public\s+licen[cs]e)" + _VERSION + r"1\.2"),
        ("eupl-1.1", r"\b(?:eupl|european\s+union\s+public\s+licen[cs]e)" + _VERSION + r"1\.1"),
        ("apache-2.0", r"\bapache(?:\s+software)?(?:\s+licen[cs]e)?" + _VERSION + r"2(?:\.0)?\b"),
        ("cc0-1.0", r"\bcc[\s-]?0\b|\bcc[\s-]*zero\b|\bcreative\s+commons\s+zero\b"),
        ("bsd-3-clause", r"\bbsd[\s-]*3(?:[\s-]*clause)?\b|\b(?:new|revised|modified)\s+bsd\b"),
        ("bsd-2-clause", r"\bbsd[\s-]*2(?:[\s-]*clause)?\b|\bsimplified\s+bsd\b"),
        ("bsd", r"\bbsd\b"),
        ("mit", r"(?-i:\bMIT\b)|\bmit\s+licen[cs]e\b"),
        ("unlicense", r"\bunlicense\b"),
        ("isc", r"(?-i:\bISC\b)"),
        ("wtfpl", r"\bwtfpl\b"),
        ("afl-3.0", r"\bacademic\s+free\s+licen[cs]e"),
        ("bsl-1.0", r"\bboost\s+software\s+licen[cs]e"),
        ("openmdw-1.1", r"\bopen[\s-]*mdw[\s-]*(?:v\s*)?1\.1"),
        ("openmdw-1.0", r"\bopen[\s-]*mdw\b"),
        ("odbl", r"\bodbl\b|\bopen\s+database\s+licen[cs]e"),
        ("odc-by", r"\bodc[\s-]*by\b"),
        ("cdla-permissive-2.0", r"\bcdla[\s-]*permissive[\s-]*(?:v\s*)?2"),
        ("cdla-permissive-1.0", r"\bcdla[\s-]*permissive"),
        ("cdla-sharing-1.0", r"\bcdla[\s-]*sharing"),
    ]
]
# "CC BY-SA 4.0", "Creative Commons Attribution-NonCommercial 4.0 International", "CC-BY-NC-ND".
_CREATIVE_COMMONS = re.compile(
    r"\b(?:cc|creative[\s-]+commons)[\s-]+(?:attribution|by)\b"
    r"((?:[\s-]*(?:non[\s-]?commercial|nc|share[\s-]?alike|sa|no[\s-]?deriv\w*|nd)\b)*)"
    r"(?:[\s-]*(?:international|generic|unported))?(?:[\s-]*(?:public\s+)?licen[cs]e)?[\s-]*v?(\d\.\d)?",
    re.IGNORECASE,
)

# Titles that open license texts, and tell-tale phrases of licenses without one (matched on whitespace-collapsed
# text).
_TITLE_PATTERNS = [
    (license_id, re.compile(pattern, re.IGNORECASE))
    for license_id, pattern in [
        ("agpl-3.0", r"GNU AFFERO GENERAL PUBLIC LICENSE,? Version 3"),
        ("lgpl-3.0", r"GNU LESSER GENERAL PUBLIC LICENSE,? Version 3"),
        ("lgpl-2.1", r"GNU LESSER GENERAL PUBLIC LICENSE,? Version 2\.1"),
        ("gpl-3.0", r"GNU GENERAL PUBLIC LICENSE,? Version 3"),
        ("gpl-2.0", r"GNU GENERAL PUBLIC LICENSE,? Version 2"),
        ("mpl-2.0", r"Mozilla Public License,? (?:Version|v\.?) ?2\.0"),
        ("apache-2.0", r"Apache License,? Version 2\.0"),
        ("llama4", r"Llama 4 Community License"),
        ("llama3.3", r"Llama 3\.3 Community License"),
        ("llama3.2", r"Llama 3\.2 Community License"),
        ("llama3.1", r"Llama 3\.1 Community License"),
        ("llama3", r"Llama 3 Community License"),
        ("llama2", r"Llama 2 Community License"),
        ("gemma", r"Gemma Terms of Use"),
        ("tii-falcon-llm", r"Falcon LLM License|TII Falcon"),
        ("bigscience-bloom-rail-1.0", r"BigScience RAIL License v1\.0|BLOOM RAIL"),
        ("openrail++", r"Open RAIL\+\+-M"),
        ("creativeml-openrail-m", r"CreativeML Open RAIL-M"),
        ("bigcode-openrail-m", r"BigCode Open RAIL-M"),
        ("bigscience-openrail-m", r"BigScience Open RAIL-M"),
        ("openrail", r"Open ?RAIL|Responsible AI License"),
        ("cc0-1.0", r"CC0 1\.0 Universal"),
        ("openmdw-1.0", r"Open Model, Data (?:&|and) Weights"),
    ]
]
_PHRASE_PATTERNS = [
    (license_id, re.compile(pattern, re.IGNORECASE))
    for license_id, pattern in [
        ("mit", r"Permission is hereby granted, free of charge, to any person obtaining a copy"),
        ("bsd-3-clause", r"Redistribution and use in source and binary forms.{0,1500}?Neither the name"),
        ("bsd-2-clause", r"Redistribution and use in source and binary forms"),
        ("isc", r"Permission to use, copy, modify, and(?:/or)? distribute this software for any purpose"),
        ("unlicense", r"This is free and unencumbered software released into the public domain"),
    ]
]
_CC_LEGALCODE = re.compile(
    r"Attribution((?:-NonCommercial)?)((?:-NoDerivatives|-NoDerivs|-ShareAlike)?) (\d\.\d)"
    r" (?:International|Generic|Unported)",
    re.IGNORECASE,
)
# Lines above a license's title: copyright lines, and headings that name no license.
_NOT_A_TITLE = re.compile(
    r"\W*(?:copyright\b|\(c\)|©|all rights reserved|(?:the\s+)?licen[cs]e(?:\s+agreement)?\W*$"
    r"|creative commons legal code\W*$)",
    re.IGNORECASE,
)
LICENSE_TEXT_HEAD = 2000  # a title starts on the first line; the BSD phrase runs up to 1500 characters on

# The words that name the part of a model a README statement licenses, one group per component; "model" alone
# is the whole model: unspecified. (Tried in this order: "model weights" and "model code" before "model".) A
# single "checkpoint" is left out: it is mostly the base model's ("as initial checkpoint we used X, CC BY 4.0").
_COMPONENT_WORDS = re.compile(
    r"\b(?:(?P<code>(?:(?:source|training|inference|model)\s+)?code(?:base)?|scripts?)"
    r"|(?P<weights>(?:model\s+)?(?:weights?|checkpoints|parameters))"
    r"|(?P<data>(?:training\s+)?data(?:sets?)?|corp(?:us|ora))"
    r"|(?P<unspecified>models?))\b",
    re.IGNORECASE,
)
LICENSE_COMPONENTS = tuple(_COMPONENT_WORDS.groupindex)  # code, weights, data, unspecified
MODEL_COMPONENTS = ("weights", "unspecified")  # statements that license the model itself
# Where a README line's statements may end (see _find_statement_components).
_STATEMENT_END = re.compile(r";|<br\s*/?>|[.!?](?=\s|$)", re.IGNORECASE)
_STATEMENT_JOIN = re.compile(r",|\b(?:and|while|whereas|but)\b", re.IGNORECASE)
MAX_README_STATEMENTS = 5

# Generic Hub ids (families) that agree with any specific member.
_GENERIC_PREFIXES = {
    "bsd": ("bsd-",), "gpl": ("gpl-",), "lgpl": ("lgpl-",), "cc": ("cc-", "cc0"),
    "openrail": ("openrail", "bigscience-openrail", "creativeml-openrail", "bigcode-openrail", "bigscience-bloom"),
}
_SAME_LICENSE = {"open-mdw": "openmdw-1.0"}
# From most to least open: a list of licenses is graded by its least open member, a choice by its most open.
FAMILY_ORDER = [
    "public-domain", "permissive", "weak-copyleft", "copyleft", "creative-commons", "data-license",
    "rail", "community", "other", "unknown", "creative-commons-nc", "research-only",
]


# Families that are open when the license also allows commercial use without use restrictions.
OPEN_FAMILIES = frozenset({"public-domain", "permissive", "weak-copyleft", "copyleft", "creative-commons", "data-license"})


def open_terms(osi_approved: bool | None, family: str, commercial_use: bool | None, use_restrictions: bool | None) -> bool:
    """Open terms: OSI-approved, or an open family that allows commercial use without use restrictions."""
    return bool(osi_approved) or (family in OPEN_FAMILIES and commercial_use is True and use_restrictions is False)


def is_open_license(license_id: str | None) -> bool | None:
    """Open terms: OSI-approved, or an open family that allows commercial use without use restrictions.

    None when the license is not known well enough to tell (`other`, `unknown`, an id not in the table).
    """
    info = REFERENCE.get(license_id or "")
    if info is None or info.family in ("other", "unknown"):
        return None
    return open_terms(info.osi_approved, info.family, info.commercial_use, info.use_restrictions)


_KEY_SEPARATORS = re.compile(r"[\s_]+")
# Declared values and license lines repeat across cards ("license: apache-2.0", "- **License:** [More
# Information Needed]"), and naming licenses runs some fifty patterns: the functions below are pure functions
# of their text, so they are memoised (immutable results only), for texts up to this length.
MEMO_MAX_CHARS = 1000
MEMO_ENTRIES = 8192


def _key(value: str) -> str:
    return _KEY_SEPARATORS.sub("-", value.strip().strip("`'\"").lower())


def _normalise(value: str) -> str | None:
    """A Hub license id (or a reference-table name) for a declared value: `MIT`, `Apache 2.0`, `cc-by-sa-4.0`,
    `Apache-2.0 OR MIT`."""
    return _table_id(value) or _expression_id(value) or _first_name(value)


normalise_license_id = memoised_when_short(_normalise, maxsize=MEMO_ENTRIES, max_chars=MEMO_MAX_CHARS)


def _table_id(value: str) -> str | None:
    key = _key(value)
    return key if key in REFERENCE else ALIASES.get(key)


def _first_name(value: str) -> str | None:
    found = _license_names(value)
    return found[0][0] if found else None


MAX_EXPRESSION_CHARS = 300  # a longer value is prose, not an SPDX expression


@cache
def _spdx_licensing() -> Any:
    return get_spdx_licensing()  # loads the package's license list: some 20 ms, once, when first needed


def _expression_id(value: str) -> str | None:
    """The Hub id an SPDX expression grades to; None when the value does not parse, or names a license that
    neither SPDX nor the table knows."""
    if len(value) > MAX_EXPRESSION_CHARS:
        return None
    try:
        expression = _spdx_licensing().parse(value)
    except ExpressionError:
        return None
    return _graded(expression) if expression is not None else None


def _graded(expression: Any) -> str | None:
    """OR: the licensee may choose, so the most open choice; AND: all apply, so the least open; WITH: the base
    license (an exception only grants more)."""
    if isinstance(expression, LicenseWithExceptionSymbol):
        return _graded(expression.license_symbol)
    if isinstance(expression, LicenseSymbol):  # an SPDX id, or a name such as `llama2` or `Apache 2.0`
        key = expression.key
        return HUB_ID_BY_SPDX_ID.get(key.lower()) or _table_id(key) or _first_name(key)
    ids = [_graded(part) for part in expression.args]
    if None in ids:
        return None
    return most_open(ids) if isinstance(expression, OR) else least_open(ids)


def _find_license_names(text: str) -> tuple[tuple[str, int], ...]:
    """License ids named in a short text, with their offsets, in reading order (each time it is named); overlaps
    go to the most specific. A tuple, which may be shared."""
    found: list[tuple[str, int, int]] = []
    for match in _CREATIVE_COMMONS.finditer(text):
        found.append((_creative_commons_id(match.group(1), match.group(2)), match.start(), match.end()))
    for license_id, pattern in _NAME_PATTERNS:
        for match in pattern.finditer(text):
            if not any(start < match.end() and match.start() < end for _, start, end in found):
                found.append((license_id, match.start(), match.end()))
    found.sort(key=lambda item: item[1])
    return tuple((license_id, start) for license_id, start, _ in found)


_license_names = memoised_when_short(_find_license_names, maxsize=MEMO_ENTRIES, max_chars=MEMO_MAX_CHARS)


def _creative_commons_id(modifiers: str, version: str | None) -> str:
    """`cc-by[-nc][-nd|-sa]-<version>` from the words after "CC BY"; the family id `cc` if that is no Hub id."""
    text = modifiers.lower().replace("-", " ")
    words = set(text.split())
    license_id = "cc-by"
    license_id += "-nc" if "nc" in words or "commercial" in text else ""
    license_id += "-nd" if "nd" in words or "deriv" in text else ""
    license_id += "-sa" if "sa" in words or "share" in text else ""
    license_id += f"-{version}" if version else ""
    return license_id if license_id in REFERENCE else "cc"


@cache
def _reference_texts() -> ReferenceTexts:
    """The SPDX texts of the table's licenses, indexed once per process, when the first LICENSE text is read."""
    return ReferenceTexts.from_spdx_package(list(dict.fromkeys(i.spdx_id for i in REFERENCE.values() if i.spdx_id)))


def identify_license_text(text: str) -> tuple[str, str] | None:
    """(license id, how it was identified) for the text of a LICENSE file, or None when it is not recognised.

    First a full or partial SPDX license text (license_similarity.py); then a title or tell-tale phrase that starts
    on the text's first line, the earliest if several do (Llama, Gemma and RAIL licenses are not in SPDX); then a
    license named on that line. Only the first line can be a title: a community license that cites the Apache
    License further down is not the Apache License.
    """
    match = _reference_texts().best_match(text)
    if match and match.rule:
        return HUB_ID_BY_SPDX_ID[match.spdx_id.lower()], match.describe()
    best = f"; best SPDX similarity {match.similarity:.2f} ({match.spdx_id})" if match and match.shared else ""
    head, title_end = _license_head(text)
    found = []  # (start, license id, rule)
    legalcode = _CC_LEGALCODE.search(head)
    if legalcode and legalcode.start() < title_end:
        noncommercial, variant, version = legalcode.groups()
        found.append((legalcode.start(), _creative_commons_id(f"{noncommercial} {variant}", version),
                      f'title "{legalcode.group()}"'))
    for rule, patterns in (("title", _TITLE_PATTERNS), ("phrase", _PHRASE_PATTERNS)):
        for license_id, pattern in patterns:
            hit = pattern.search(head)
            if hit and hit.start() < title_end:
                found.append((hit.start(), license_id, f'{rule} "{hit.group()[:80]}"'))
    if found:
        _, license_id, rule = min(found, key=lambda item: item[0])
        return license_id, rule + best
    names = _license_names(head[:title_end])
    return (names[0][0], f'name "{head[:title_end][:80]}"' + best) if names else None


def _license_head(text: str) -> tuple[str, int]:
    """The whitespace-collapsed start of a license text from its first line that can be a title (copyright lines
    and a bare "License" heading skipped), and the length of that line."""
    start = 0
    for line in text[:LICENSE_TEXT_HEAD].splitlines(keepends=True):
        if line.strip() and not _NOT_A_TITLE.match(line):
            return " ".join(text[start : start + LICENSE_TEXT_HEAD].split()), len(" ".join(line.split()))
        start += len(line)
    return "", 0


def readme_license_statements(card: Card) -> list[tuple[str, str, int, str]]:
    """(component, license id, body offset, line) for license statements in the README body, outside code blocks:
    lines that say "licen…", the first lines of a License section, and the rows below a table row that says
    "licen…" when they name a component ("| Model weights | CC BY-NC 4.0 |"; not "| C4 | ODC-BY |")."""
    candidates = _lines_containing(card, "licen")
    for heading in card.headings:  # "## License" followed by a bare "Apache 2.0"
        if "licen" in heading.title.lower():
            candidates.extend(_section_lines(card, heading.pos))
    rows = [row for pos, line in candidates if line.lstrip().startswith("|") for row in _rows_below(card, pos)]
    candidates.extend(row for row in rows if _COMPONENT_WORDS.search(row[1]))
    statements: list[tuple[str, str, int, str]] = []
    for pos, line in sorted(set(candidates)):
        if card.in_code(pos):
            continue
        for component, license_id in _statement_components(line):
            statements.append((component, license_id, pos, line))
        if len(statements) >= MAX_README_STATEMENTS:
            break
    return statements


def _find_statement_components(line: str) -> tuple[tuple[str, str], ...]:
    """(component, license id) for each license a README line states.

    The line is cut into statements at `;`, `<br>`, full stops, commas and "and"/"while"/"but". A statement
    that names no license lends its components to the next ("the code and weights | are MIT"); one that names
    no component after a comma or "and" goes on with the one before ("code under MIT | and BSD"); a license
    with no component at all is unspecified.
    """
    names = _license_names(line)
    if not names:
        return ()
    events = [(start, "license", license_id) for license_id, start in names]
    events += [(match.start(), "component", match.lastgroup) for match in _COMPONENT_WORDS.finditer(line)]
    events += [(match.start(), "end", "") for match in _STATEMENT_END.finditer(line)]
    events += [(match.start(), "join", "") for match in _STATEMENT_JOIN.finditer(line)]
    pieces: list[tuple[bool, list[str], list[str]]] = [(False, [], [])]  # (after a join, components, licenses)
    for _, kind, value in sorted(events):
        if kind in ("end", "join"):
            pieces.append((kind == "join", [], []))
        else:
            pieces[-1][1 if kind == "component" else 2].append(value)
    statements: list[tuple[list[str], list[str]]] = []
    waiting: list[str] = []  # components of pieces that named no license yet
    for joined, components, licenses in pieces:
        components = waiting + components
        if not licenses:
            waiting = components
            continue
        waiting = []
        if components or not joined or not statements:
            statements.append((components or ["unspecified"], licenses))
        else:
            statements[-1][1].extend(licenses)
    pairs = [(component, license_id) for components, licenses in statements
             for license_id in licenses for component in components]
    return tuple(dict.fromkeys(pairs))


_statement_components = memoised_when_short(_find_statement_components, maxsize=MEMO_ENTRIES, max_chars=MEMO_MAX_CHARS)


def _lines_containing(card: Card, word: str) -> list[tuple[int, str]]:
    """(line start, line) for each body line containing a lower-case word."""
    lines: dict[int, str] = {}
    found = card.lower.find(word)
    while found >= 0:
        start = card.body.rfind("\n", 0, found) + 1
        end = card.body.find("\n", found)
        end = len(card.body) if end < 0 else end
        lines[start] = card.body[start:end]
        found = card.lower.find(word, end)
    return list(lines.items())


def _rows_below(card: Card, pos: int, max_rows: int = 8) -> list[tuple[int, str]]:
    """(line start, line) for the table rows that follow the line at pos."""
    rows = []
    start = card.body.find("\n", pos) + 1
    while start and len(rows) < max_rows:
        end = card.body.find("\n", start)
        end = len(card.body) if end < 0 else end
        line = card.body[start:end]
        if not line.lstrip().startswith("|"):
            break
        rows.append((start, line))
        start = end + 1
    return rows


def _section_lines(card: Card, heading_pos: int, max_lines: int = 5) -> list[tuple[int, str]]:
    start = card.body.find("\n", heading_pos) + 1
    lines = []
    for offset_line in card.body[start : start + 600].split("\n"):
        if offset_line.lstrip().startswith("#"):
            break
        if offset_line.strip():
            lines.append((start, offset_line))
        start += len(offset_line) + 1
        if len(lines) >= max_lines:
            break
    return lines


def compatible(a: str, b: str) -> bool:
    """Whether two license ids can describe the same license (a family id agrees with its members)."""
    a, b = _SAME_LICENSE.get(a, a), _SAME_LICENSE.get(b, b)
    if a == b:
        return True
    return any(b.startswith(prefix) for prefix in _GENERIC_PREFIXES.get(a, ())) or any(
        a.startswith(prefix) for prefix in _GENERIC_PREFIXES.get(b, ())
    )


def least_open(license_ids: list[str]) -> str:
    """The id whose family is least open (the first one on ties)."""
    return max(license_ids, key=_openness_rank)


def most_open(license_ids: list[str]) -> str:
    """The id whose family is most open (the first one on ties)."""
    return min(license_ids, key=_openness_rank)


def _openness_rank(license_id: str) -> int:
    return FAMILY_ORDER.index(REFERENCE[license_id].family)


def extract_license(
    metadata: dict[str, Any],
    tags: list[str],
    card: Card,
    license_text: str | None,
    license_file: str | None,
) -> tuple[LicenseFacts, list[dict], list[str]]:
    """The license facts, their evidence rows, and parse problems."""
    evidence: list[dict] = []
    problems: list[str] = []
    license_name = _text_value(metadata.get("license_name"))
    license_link = _text_value(metadata.get("license_link"))

    declared_value = metadata.get("license")
    metadata_pairs = _metadata_ids(declared_value, problems)
    unrecognised = [raw for license_id, raw in metadata_pairs if license_id is None]
    license_name = license_name or (unrecognised[0][:300] if unrecognised else None)
    metadata_ids = [license_id or "other" for license_id, _ in metadata_pairs]
    declared_json = _json(declared_value) if metadata_pairs else None  # used twice below
    if metadata_pairs:
        snippet = f"license: {declared_json}"
        snippet += f" license_name: {license_name}" if license_name else ""
        snippet += f" license_link: {license_link}" if license_link else ""
        evidence.append(evidence_row("license", "card_metadata", "license", snippet))

    tag_values = [tag.split(":", 1)[1] for tag in tags if tag.startswith("license:")]
    tag_ids = [normalise_license_id(value) or "other" for value in tag_values]
    if tag_values:
        evidence.append(evidence_row("license", "tags", "tags", " ".join(f"license:{v}" for v in tag_values)))

    file_ids: list[str] = []
    if license_text:
        identified = identify_license_text(license_text)
        file_ids = [identified[0]] if identified else []
        snippet = identified[1] if identified else license_text[:200]
        evidence.append(evidence_row("license", "license_file", license_file or "LICENSE", snippet))

    statements = readme_license_statements(card)
    for pos, line in dict.fromkeys((pos, line) for _, _, pos, line in statements):
        evidence.append(evidence_row("license", "readme", card.location(pos), line))
    model_statements = [statement for statement in statements if statement[0] in MODEL_COMPONENTS]
    weights_statements = [statement for statement in statements if statement[0] == "weights"]
    readme_ids = list(dict.fromkeys(license_id for _, license_id, _, _ in model_statements))
    weights_ids = list(dict.fromkeys(license_id for _, license_id, _, _ in weights_statements))

    # The most authoritative source that says anything is the primary one; the others are checked against it.
    sources = [("card_metadata", metadata_ids), ("tags", tag_ids), ("license_file", file_ids), ("readme", readme_ids)]
    if metadata_ids:
        source, ids, declared = "card_metadata", metadata_ids, declared_json
    elif tag_ids:
        source, ids, declared = "tags", tag_ids, json.dumps(tag_values[0] if len(tag_values) == 1 else tag_values)
    elif file_ids:
        source, ids, declared = "license_file", file_ids, json.dumps(file_ids[0])
    elif readme_ids:
        source, ids = "readme", weights_ids or readme_ids[:1]
        declared = _line_json((weights_statements or model_statements)[0])
    else:
        source, ids, declared = "none", [], None

    name_id = normalise_license_id(license_name) if license_name else None
    primary_ids = _resolved(ids, name_id)
    model_ids = ids  # license_id is the least open of these
    if weights_ids and source != "readme":
        # The README says which license the weights carry: of the declared licenses, the one it names; over a
        # declared license it contradicts, its own (the sources then disagree: a conflict).
        named = [i for i, resolved_id in zip(ids, primary_ids) if any(compatible(resolved_id, w) for w in weights_ids)]
        if named:
            model_ids = named
        elif _disagree(primary_ids, weights_ids):
            source, declared = "readme", _line_json(weights_statements[0])
            primary_ids = model_ids = weights_ids

    license_id = least_open(model_ids) if model_ids else None
    # What `other` really is: its license_name, else the LICENSE text, else the README (its weights first).
    resolved = license_id
    if license_id == "other":
        resolved = name_id or next((i[0] for i in (file_ids, weights_ids, readme_ids) if i), "other")
    info = REFERENCE[resolved] if resolved else NO_LICENSE

    others = [other_ids for other_source, other_ids in sources if other_ids and other_source != source]
    if source == "readme" and weights_ids:  # the README's general statements must agree with its weights statement
        others.append(readme_ids)
    conflict = any(_disagree(primary_ids, other_ids) for other_ids in others)

    components = [
        ("unspecified", component_id, component_source)
        for component_source, component_ids in sources[:3]  # card metadata, tags and the LICENSE file name no part
        for component_id in _resolved(component_ids, name_id)
    ]
    components += [(component, component_id, "readme") for component, component_id, _, _ in statements]
    facts = LicenseFacts(
        declared=declared, license_id=license_id, name=license_name, link=license_link, spdx=info.spdx_id,
        family=info.family, osi_approved=info.osi_approved, commercial_use=info.commercial_use,
        use_restrictions=info.use_restrictions, source=LicenseSource(source), conflict=conflict,
        components=[LicenseComponent(component, component_id, component_source)
                    for component, component_id, component_source in dict.fromkeys(components)],
    )
    return facts, evidence, problems


def _resolved(license_ids: list[str], name_id: str | None) -> list[str]:
    """The ids with `other` read as what license_name names, when it names a known license."""
    return [(name_id or "other") if license_id == "other" else license_id for license_id in license_ids]


def _line_json(statement: tuple[str, str, int, str]) -> str:
    """license_declared for a README statement: its line, as JSON."""
    return json.dumps(" ".join(statement[3].split())[:200])


def _json(value: Any) -> str:
    """json.dumps(value, default=str). A string never needs `default`, and without it json.dumps reuses one
    cached encoder instead of building a new one per call: same text, several times faster."""
    return json.dumps(value) if type(value) is str else json.dumps(value, default=str)


def _metadata_ids(value: Any, problems: list[str]) -> list[tuple[str | None, str]]:
    """(normalised id or None, raw value) for each value of the `license` key; bad types become problems."""
    if value is None or value == "" or value == []:
        return []
    values = value if isinstance(value, list) else [value]
    pairs: list[tuple[str | None, str]] = []
    for item in values:
        if not isinstance(item, str):
            problems.append(f"license_invalid_type: {type(item).__name__}")
            continue
        license_id = normalise_license_id(item)
        if license_id is None or not REFERENCE[license_id].is_hub_id:
            problems.append(f"license_not_hub_id: {item[:80]}")
        pairs.append((license_id if license_id and REFERENCE[license_id].is_hub_id else None, item))
    return pairs


def _disagree(primary: list[str], other: list[str]) -> bool:
    """True when another source names a license that none of the primary ids can be."""
    comparable = [o for o in other if o not in ("other", "unknown")]
    known_primary = [p for p in primary if p not in ("other", "unknown")]
    if not comparable or not known_primary:
        return False
    return any(not any(compatible(o, p) for p in known_primary) for o in comparable)


def _text_value(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text[:300] or None
