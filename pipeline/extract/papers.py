"""Papers about this model.

A card links many papers; only the ones it presents as its own count ("our paper", "Paper: ...",
"accompanying paper", "technical report"). Papers named as background (someone "et al.", the original
paper of a base model, dataset papers and datasheets) are left out. arXiv ids are normalised to
`arxiv:YYMM.NNNNN` from abs/pdf/html links, huggingface.co/papers links, arXiv DOIs and `arXiv:` mentions.
"""

from __future__ import annotations

import re

from pipeline.extract.card import Card, UrlHit, evidence_row, plain_text
from pipeline.extract.memo import memoised_when_short

_ARXIV_ID = r"(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})"
_ARXIV_URL_PATH = re.compile(r"^/(?:abs|pdf|html)/" + _ARXIV_ID, re.IGNORECASE)
_HF_PAPER_PATH = re.compile(r"^/papers/(\d{4}\.\d{4,5})")
_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(\d{4}\.\d{4,5})")  # these two run on card.lower
_ARXIV_MENTION = re.compile(r"arxiv:\s?(\d{4}\.\d{4,5})")
_VERSION_SUFFIX = re.compile(r"v\d+$")

_OWN_PAPER = re.compile(
    r"\bour\s+(?:paper|technical report|tech report|report|preprint|publication)\b"
    r"|\baccompanying\s+(?:paper|report)\b"
    # a "Paper:" label, but not the "arXiv:2101.00027" of a citation
    r"|\b(?:paper|technical report|tech report|preprint|arxiv)\s*(?:\*\*|__)?\s*:(?!\s?\d)"
    r"|\btechnical report\b"
    r"|\bcite\s+(?:this|our)\b",
    re.IGNORECASE,
)
_OWN_PAPER_LINK_TEXT = re.compile(r"^(?:the |our |this )?(?:paper|technical report|tech report|report|preprint|arxiv)$",
                                  re.IGNORECASE)
_BACKGROUND_PAPER = re.compile(
    r"\bet al\b|\boriginal paper\b|\bdata ?sheet\b|\bdatasets?\b|\bdata sources\b|\bbase model\b|\bbackbone\b"
    r"|\bintroduced (?:in|by)\b|\bpile paper\b",
    re.IGNORECASE,
)
# Other technical reports: PDFs and proceedings pages presented as the model's own paper.
_REPORT_HOSTS = re.compile(r"(?:^|\.)(?:openreview\.net|aclanthology\.org|proceedings\.\w+\.\w+|papers\.nips\.cc"
                           r"|dl\.acm\.org|ieeexplore\.ieee\.org)$")

MAX_PAPERS = 100
_PROSE_WINDOW = 60


def _is_report_host(host: str) -> bool:
    return _REPORT_HOSTS.search(host) is not None


_report_host = memoised_when_short(_is_report_host, maxsize=4096)  # hosts are mostly the same few across cards


def arxiv_id_from_url(hit: UrlHit) -> str | None:
    if hit.host.endswith("arxiv.org"):
        match = _ARXIV_URL_PATH.match(hit.path)
    elif hit.host in ("huggingface.co", "hf.co"):
        match = _HF_PAPER_PATH.match(hit.path)
    else:
        match = None
    if not match:
        return None
    return "arxiv:" + _VERSION_SUFFIX.sub("", match.group(1)).removesuffix(".pdf")


def extract_papers(card: Card, tags: list[str]) -> tuple[list[str], list[dict]]:
    """Papers about this model, normalised, with evidence. arXiv tags count unless the card shows them as background."""
    papers: dict[str, dict] = {}
    seen_in_card: set[str] = set()
    for hit in card.urls:
        paper = arxiv_id_from_url(hit)
        is_report = paper is None and (hit.path.lower().endswith(".pdf") or _report_host(hit.host))
        if paper is None and not is_report:
            continue
        paper = paper or hit.url
        seen_in_card.add(paper)
        if paper not in papers and _presented_as_own(card, hit.text_start, hit.end, hit.link_text):
            papers[paper] = evidence_row("paper", "readme", card.location(hit.start),
                                         card.sentence_around(hit.text_start, hit.end), hit.url)
    for pattern in (_ARXIV_DOI, _ARXIV_MENTION) if "arxiv" in card.lower else ():
        for match in pattern.finditer(card.lower):
            paper = "arxiv:" + match.group(1)
            seen_in_card.add(paper)
            if paper not in papers and _presented_as_own(card, match.start(), match.end(), ""):
                papers[paper] = evidence_row("paper", "readme", card.location(match.start()),
                                             card.sentence_around(match.start(), match.end()))
    for tag in tags:
        if tag.startswith("arxiv:"):
            paper = "arxiv:" + _VERSION_SUFFIX.sub("", tag.split(":", 1)[1])
            if paper not in papers and paper not in seen_in_card:
                papers[paper] = evidence_row("paper", "tags", "tags", tag)
    kept = list(papers)[:MAX_PAPERS]
    return kept, [papers[paper] for paper in kept]


def _presented_as_own(card: Card, start: int, end: int, link_text: str) -> bool:
    sentence = plain_text(card.sentence_around(start, end))
    if _BACKGROUND_PAPER.search(sentence) or _BACKGROUND_PAPER.search(link_text):
        return False
    return bool(_OWN_PAPER.search(sentence) or _OWN_PAPER_LINK_TEXT.match(link_text.strip()))
