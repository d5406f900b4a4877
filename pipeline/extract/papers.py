"""Papers about this model.

A card links many papers; only the ones it presents as its own count ("our paper", "Paper: ...",
"accompanying paper", "technical report"). Papers named as background (someone "et al.", the original
paper of a base model, dataset papers and datasheets) are left out. arXiv ids are normalised to
`arxiv:YYMM.NNNNN` from abs/pdf/html links, huggingface.co/papers links, arXiv DOIs and `arXiv:` mentions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract.card import CONTEXT_CHARS, Card, UrlHit, evidence_row, plain_text
from pipeline.extract.memo import memoised_when_short
from pipeline.vocabulary import CardFamily

_ARXIV_ID = r"(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})"
_ARXIV_URL_PATH = re.compile(r"^/(?:abs|pdf|html)/" + _ARXIV_ID, re.IGNORECASE)
_HF_PAPER_PATH = re.compile(r"^/papers/(\d{4}\.\d{4,5})")
_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(\d{4}\.\d{4,5})")  # these two run on card.lower
_ARXIV_MENTION = re.compile(r"arxiv:\s?(\d{4}\.\d{4,5})")
_VERSION_SUFFIX = re.compile(r"v\d+$")

_OWN_PAPER = re.compile(
    r"\bour\s+(?:paper|technical report|tech report|report|preprint|publication|work)\b"
    r"|\baccompanying\s+(?:paper|report)\b"
    # a "Paper:" / "Publications:" label, but not the "arXiv:2101.00027" of a citation
    r"|\b(?:paper|papers|technical report|tech report|preprint|arxiv|publications?)\s*(?:\*\*|__)?\s*:(?!\s?\d)"
    r"|\btechnical report\b"
    r"|\bcite\s+(?:this|our|the\s+following|it|if\s+you\s+use)\b|\bplease,?\s+cite\b|\bif\s+you\s+use\s+(?:this|our|the)\b"
    r"|\b(?:refer\s+to|see|consult|described\s+in|detailed\s+in|can\s+be\s+found\s+in|more\s+details\s+in)\s+"
    r"(?:the|our|this)\s+(?:\w+\s+)?paper\b"
    # "model weights originally provided by the authors of the paper [X](...)": the paper's own weights
    r"|\b(?:provided|released|published|shared|trained)\s+by\s+the\s+authors\s+of\s+the\s+paper\b",
    re.IGNORECASE,
)
# "introduced in the paper [x]": the model's own paper when it is not a derivative, else its base's.
_INTRODUCED_IN = re.compile(r"\b(?:introduced|presented|proposed|published|released|described)\s+(?:\w+\s+){0,2}?in\b",
                            re.IGNORECASE)
# "T5 was introduced in [this paper]", "The S2T model was proposed in [this paper]": who the paper introduced.
_INTRODUCED_SUBJECT = re.compile(
    r"((?:[\w.-]+\s+){0,3}?[\w.-]+)\s+(?:was|were|is|has\s+been)\s+(?:first\s+|originally\s+)?"
    r"(?:introduced|presented|proposed)\s+in\b", re.IGNORECASE)
_THIS_MODEL_SUBJECTS = frozenset({"it", "this", "this model", "the model", "our model", "we", "this work",
                                  "this checkpoint", "the checkpoint", "these models", "this version"})
_GENERIC_SUBJECT_WORDS = frozenset({"the", "a", "an", "model", "models", "objective", "method", "architecture", "approach"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]")
# Size and version words that end a model's name without making it another model (`t5-base`, `roberta-large-v2`).
_SIZE_WORD = re.compile(r"(?:base|large|small|tiny|mini|medium|xl|xxl|huge|cased|uncased|v\d+|\d+[mbk]?)$")
_OWN_PAPER_LINK_TEXT = re.compile(
    r"^(?:the |our |this )?(?:arxiv |full |original )?(?:paper|technical report|tech report|report|preprint|arxiv"
    r"|publication)$", re.IGNORECASE)
_BACKGROUND_PAPER = re.compile(
    r"\bet al\b|\bdata ?sheet\b|\bdatasets?\b|\bdata sources\b|\bbase model\b|\bbackbone\b"
    r"|\barchitecture\b|\bpile paper\b|\bcompared?\s+(?:to|with)\b|\bthe\s+original\s+(?:\S+\s+)?paper\b|\bteacher\b"
    r"|\breplicates?\b|\bfollowing\b(?<!the following)[^.]{0,40}\bpaper\b",  # (not "cite the following paper")
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z0-9]+")
_FILLER_WORDS = frozenset({"the", "a", "an", "this", "our", "paper", "here", "link", "model"})
# "- [Associated Paper](...)", "- [Research Paper](...)": an item of a card's list of resources (not the same words
# in prose: "the hardware type based on the [associated paper](...)" of a card template)
_ASSOCIATED_PAPER_LINK_TEXT = re.compile(r"^(?:associated|accompanying|research)\s+paper$", re.IGNORECASE)
_LIST_MARKER = re.compile(r"[ \t]*(?:[-*+]|\d+[.)])[ \t]+(?:\*\*[^*\n]{0,40}\*\*:?[ \t]*)?$")
# After "our": the paper's venue or year may come first ("our [NAACL paper](...)", "our [EMNLP 2021 paper](...)").
_OUR_PAPER_LINK_TEXT = re.compile(
    r"^(?:our )?(?:[\w'’-]+ ){0,2}?(?:paper|technical report|tech report|report|preprint|publication)$", re.IGNORECASE)
# "in our EMNLP [paper](url)", "[our paper](url)": the card's own paper, whatever else the sentence mentions.
_OUR_BEFORE_LINK = re.compile(r"\bour\s+(?:[\w-]+\s+){0,3}$", re.IGNORECASE)
_FIRST_DESCRIBED = re.compile(r"\b(?:first|originally)\s+(?:described|introduced|proposed|presented)\s+in\b",
                             re.IGNORECASE)
_MODEL_AFTER = re.compile(r"\)?[*_`]*\s*(?:model|architecture)\b", re.IGNORECASE)  # just after a link
_THESIS = re.compile(r"\b(?:the|my|our)\s+(?:\w+'?s?\s+)?thesis\b", re.IGNORECASE)  # the author's thesis
# The card's own paper, before a link in its sentence ("Our paper about X was published in [...]").
# (looked for first without its word boundaries, on card.lower: a literal-led scan, fast)
_OUR_PAPER_WORDS = re.compile(r"our\s+(?:paper|article|technical\s+report|preprint|publication)")
_OUR_PAPER_BEFORE = re.compile(rf"\b{_OUR_PAPER_WORDS.pattern}\b", re.IGNORECASE)
_PROMISED = re.compile(r"\bcoming\s+soon\b|\bto\s+be\s+(?:released|published)\b|\btodo\b|\bwill\s+be\s+(?:released|published)\b",
                       re.IGNORECASE)
# Other papers and reports: proceedings pages, preprint servers and PDFs.
_REPORT_HOSTS = re.compile(r"(?:^|\.)(?:openreview\.net|aclanthology\.org|aclweb\.org|proceedings\.\w+\.\w+|papers\.nips\.cc"
                           r"|dl\.acm\.org|ieeexplore\.ieee\.org|hal\.[\w-]+\.fr|hal\.science|osf\.io|ceur-ws\.org"
                           r"|jmlr\.org|link\.springer\.com|semanticscholar\.org|biorxiv\.org|medrxiv\.org"
                           r"|researchgate\.net|ojs\.aaai\.org|isca-speech\.org|ssrn\.com)$")
_NOT_PAPER_HOSTS = frozenset({"github.com", "gitlab.com", "huggingface.co", "hf.co", "colab.research.google.com",
                              "raw.githubusercontent.com", "img.shields.io", "zenodo.org", "wandb.ai",
                              "twitter.com", "x.com", "youtube.com", "youtu.be"})  # (a tweet about a paper is none)
# DOI and Handle resolvers: a paper when a citation gives them, else often a dataset's or software's record.
_PERSISTENT_ID_HOSTS = frozenset({"doi.org", "dx.doi.org", "hdl.handle.net"})
_BIBTEX_URL_FIELD = re.compile(r"\burl\s*=\s*[{\"]\s*$", re.IGNORECASE)  # `url = {...}`, not `biburl` / `bibsource`
_CITATION_HEADING = re.compile(r"\bcit(?:e|ation|ing)|\bbibtex\b|\breferenc", re.IGNORECASE)
_BIBTEX = re.compile(r"@(?:article|inproceedings|misc|inbook|incollection|techreport|phdthesis|mastersthesis|"
                     r"proceedings|book|online|software|unpublished)\s*\{", re.IGNORECASE)
_BIBTEX_EPRINT = re.compile(r"eprint\s*=\s*[{\"]\s*(\d{4}\.\d{4,5})", re.IGNORECASE)
# A citation section or request for a toolkit ("Citing SpeechBrain", "please cite ESPnet"): not this model's paper.
_TOOLKIT_CITATION = re.compile(r"\b(?:cit(?:e|ing)|citation\s+(?:of|for))\s+(?:the\s+)?(?:espnet|speechbrain|nemo|"
                               r"fairseq|transformers|diffusers|sentence-?transformers|timm|spacy|flair|stanza|"
                               r"stable-?baselines3?|sample-?factory|ml-agents|cleanrl|rl\s*zoo|pytorch|tensorflow|"
                               r"marian|opennmt|allennlp|adapterhub|asteroid|pyannote|k2|icefall|wenet|paddle\w*)\b",
                               re.IGNORECASE)

_CITED_BACKGROUND = re.compile(r"\b(?:data(?:set)?s?|corpus|corpora|software|toolkit|library)\b", re.IGNORECASE)
_BIBTEX_TITLE = re.compile(r"\btitle\s*=\s*[{\"]+([^}\"]+)", re.IGNORECASE)
_PLEASE_CITE = re.compile(r"\bplease,?\s+cite\b|\bcite\s+(?:this|our|the\s+following)\b", re.IGNORECASE)
_FINE_TUNED = re.compile(r"\b(?:fine-?tun|finetun)", re.IGNORECASE)
# "The model and fine-tuning data presented here were developed as part of:": the model is what the entry is about
_MODEL_PRESENTED = re.compile(r"^\W*the\s+models?\s+(?:and\s+(?:\S+\s+){1,3}?)?(?:presented|described|introduced|released)\s+"
                              r"(?:here|in\s+this\s+(?:card|repository))\b", re.IGNORECASE)
_THIS_MODEL = re.compile(r"\b(?:this|our)\s+(?:model|work|paper|adapter|checkpoint)\b", re.IGNORECASE)
_DATA_WORDS = re.compile(r"\b(?:data(?:set)?s?|corpus|corpora)\b", re.IGNORECASE)
_ORIGINAL_FIELD = frozenset({"original"})
_TIMM_REPOSITORIES = ("pytorch-image-models", "/timm")
# Families whose cards release a known method trained with a toolkit: what they cite is the method or the toolkit.
TOOLKIT_FAMILIES = frozenset({CardFamily.SPEECHBRAIN, CardFamily.ESPNET, CardFamily.NEMO, CardFamily.TIMM})

MAX_PAPERS = 100
_LINE_MARKUP = "#*_>)[]( \t"  # heading, emphasis, quote and link punctuation around a link alone on its line
MAX_ENTRY_CHARS = 3000  # a BibTeX entry whose braces never close ends here


def _is_report_host(host: str) -> bool:
    return _REPORT_HOSTS.search(host) is not None


_report_host = memoised_when_short(_is_report_host, maxsize=4096)  # hosts are mostly the same few across cards


def _is_citation_heading(title: str) -> bool:
    # (a heading that is a sentence, "We will be happy to know ... please cite our work", heads no citations)
    return _CITATION_HEADING.search(title) is not None and len(title.split()) <= 8


_cites = memoised_when_short(_is_citation_heading, maxsize=8192)  # headings repeat across cards


def arxiv_id_from_url(hit: UrlHit) -> str | None:
    if hit.host.endswith("arxiv.org"):
        match = _ARXIV_URL_PATH.match(hit.path)
    elif hit.host in ("huggingface.co", "hf.co"):
        match = _HF_PAPER_PATH.match(hit.path)
    elif hit.host == "doi.org" and hit.path.lower().startswith("/10.48550/arxiv."):
        match = re.match(r"/10\.48550/arxiv\.(\d{4}\.\d{4,5})", hit.path, re.IGNORECASE)
    else:
        match = None
    if not match:
        return None
    return "arxiv:" + _VERSION_SUFFIX.sub("", match.group(1)).removesuffix(".pdf")


def extract_papers(card: Card, tags: list[str], has_base_model: bool = False,
                   family: CardFamily = CardFamily.OTHER, repo_id: str = "") -> tuple[list[str], list[dict]]:
    """Papers about this model, normalised, with evidence naming the rule that kept each. arXiv tags count unless
    the card shows them as background."""
    papers: dict[str, dict] = {}
    seen_in_card: set[str] = set()
    citations = _citation_spans(card, family)

    def consider(paper: str, start: int, end: int, link_text: str, url: str | None) -> None:
        seen_in_card.add(paper)
        if paper in papers:
            return
        rule = _rule_keeping(card, start, end, link_text, citations, has_base_model, repo_id)
        if rule:
            papers[paper] = evidence_row("paper", "readme", card.location(start),
                                         f"[{rule}] {card.sentence_around(start, end)}", url)

    for hit in card.urls:
        paper = arxiv_id_from_url(hit)
        if paper is None:
            if hit.host in _NOT_PAPER_HOSTS or not _names_a_report(card, hit, citations):
                continue
            paper = hit.url.rstrip("/")
        consider(paper, hit.text_start, hit.end, hit.link_text, hit.url)
    if "arxiv" in card.lower:
        for pattern in (_ARXIV_DOI, _ARXIV_MENTION):
            for match in pattern.finditer(card.lower):
                consider("arxiv:" + match.group(1), match.start(), match.end(), "", None)
        for citation in citations:
            for match in _BIBTEX_EPRINT.finditer(card.body, citation.start, citation.end):
                consider("arxiv:" + match.group(1), match.start(), match.end(), "", None)
    # "It is a [Latent Diffusion Model](arxiv...)" and, under "Cite as:", an entry titled "... With Latent Diffusion
    # Models" that gives no link: the link is the paper the card asks to cite.
    cited_titles = [citation.title for citation in citations if citation.entry and not citation.background
                    and citation.title]
    for hit in card.urls if cited_titles else ():
        # (an arXiv link, or one to a proceedings or preprint site: "[How does X affect Y?](https://aclanthology...)")
        paper = arxiv_id_from_url(hit) or (hit.url.rstrip("/") if _report_host(hit.host) else None)
        label = hit.link_text or _label_before(card, hit)  # a bare URL: "- A ConvNet for the 2020s: https://arxiv..."
        if paper and paper not in papers and any(_names_title(label, title) for title in cited_titles):
            papers[paper] = evidence_row("paper", "readme", card.location(hit.start),
                                         f"[the link of a title cited for this model] "
                                         f"{card.sentence_around(hit.text_start, hit.end)}", hit.url)
    for tag in tags:
        if tag.startswith("arxiv:"):
            paper = "arxiv:" + _VERSION_SUFFIX.sub("", tag.split(":", 1)[1])
            if paper not in papers and paper not in seen_in_card:
                papers[paper] = evidence_row("paper", "tags", "tags", tag)
    kept = list(papers)[:MAX_PAPERS]
    return kept, [papers[paper] for paper in kept]


@dataclass(slots=True)
class _Citation:
    start: int
    end: int
    background: bool
    entry: bool  # a BibTeX entry (judged by the request before it), else a citation section's prose
    title: str = ""  # a BibTeX entry's title


def _citation_spans(card: Card, family: CardFamily) -> list[_Citation]:
    """What a card asks to cite: its BibTeX entries, each judged by the request before it ("To cite the X dataset
    used for this model:" is background, "Please cite the following paper when using this model:" is not), and
    the prose of citation sections. Toolkits' citations ("Citing SpeechBrain") are background, and so is all a
    toolkit's release of a known method cites."""
    toolkit_family = family in TOOLKIT_FAMILIES and not (family == CardFamily.TIMM and _weights_of_the_authors(card))
    sections = []
    headings = card.headings
    for index, heading in enumerate(headings):
        if _cites(heading.title):
            end = next((h.pos for h in headings[index + 1:] if h.level <= heading.level), len(card.body))
            sections.append((heading.pos, end, heading.title))
    spans: list[_Citation] = []
    previous_end = 0
    for block_start, block_end, text, offset in _bibtex_blocks(card):
        entries = [m.start() for m in _BIBTEX.finditer(text)]
        if not entries:
            continue
        section = next((sec for sec in sections if sec[0] <= block_start < sec[1]), None)
        request_start = max(previous_end, section[0] if section else 0, block_start - 600)
        request = plain_text(card.body[request_start : block_start])
        previous_end = block_end
        toolkit = toolkit_family or bool(_TOOLKIT_CITATION.search(request)
                                         or (section and _TOOLKIT_CITATION.search(section[2])))
        data_section = _DATA_WORDS.search(card.section_at(block_start).rsplit(" > ", 1)[-1])
        for index, entry_start in enumerate(entries):
            entry_end = entries[index + 1] if index + 1 < len(entries) else len(text)
            entry = text[entry_start:entry_end]
            title = _BIBTEX_TITLE.search(entry)
            title_text = " ".join(re.sub(r"[{}]", "", title.group(1)).split()) if title else ""
            title_words = " ".join(title_text.split()[:4]).lower()
            named_in_request = bool(title_words) and title_words in " ".join(request.lower().split())
            asked = index == 0 and any((_THIS_MODEL.search(line) or _PLEASE_CITE.search(line))
                                       and not _CITED_BACKGROUND.search(line) or _MODEL_PRESENTED.search(line)
                                       for line in request.splitlines())
            if entry.lower().startswith("@software"):
                background = True  # software (a Zenodo DOI of the code), not a paper
            elif named_in_request or asked:
                background = toolkit
            else:
                background = toolkit or bool(data_section or _CITED_BACKGROUND.search(request)
                                             or (title and _DATA_WORDS.search(title.group(1))))
            spans.append(_Citation(offset + entry_start, offset + entry_end, background, True, title_text))
    for start, end, title in sections:
        spans.append(_Citation(start, end, toolkit_family or bool(_TOOLKIT_CITATION.search(title)), False))
    return spans  # entries first: they are looked up before the sections that hold them


def _bibtex_blocks(card: Card) -> list[tuple[int, int, str, int]]:
    """(start, end, text, offset of the text in the body) of what may hold BibTeX entries, in body order: the fenced
    code blocks, and the runs of entries written outside them (in an HTML `<pre>` block, or indented under a
    "Cite as:" item), each run from its first entry to the brace closing its last."""
    blocks = []
    for block in card.code_blocks:
        blocks.append((block.start, block.end, block.text,
                       block.start + (len(card.body[block.start : block.end]) - len(block.text))))
    if "@" in card.body:
        runs: list[list[int]] = []  # [start, end] of each run of entries
        for match in _BIBTEX.finditer(card.body):
            if card.in_code(match.start()):
                continue
            end = _closing_brace(card.body, match.end() - 1)
            if runs and not card.body[runs[-1][1] : match.start()].strip():  # (an entry inside one gives "")
                runs[-1][1] = max(runs[-1][1], end)
            else:
                runs.append([match.start(), end])
        blocks += [(start, end, card.body[start:end], start) for start, end in runs]
        blocks.sort()
    return blocks


def _closing_brace(text: str, opening: int) -> int:
    """The offset just past the brace that closes text[opening] (a "{"), or MAX_ENTRY_CHARS on if none does."""
    depth, end = 0, min(len(text), opening + MAX_ENTRY_CHARS)
    for at in range(opening, end):
        char = text[at]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return at + 1
    return end


def _names_a_report(card: Card, hit: UrlHit, citations: list[_Citation]) -> bool:
    """Whether a link that is no arXiv link points to a paper: a PDF, a proceedings or preprint site, a DOI or
    Handle that a citation gives, and on any other site a link the card calls "our [paper]" or the `url` of a
    cited BibTeX entry."""
    if hit.path.lower().endswith(".pdf") or _report_host(hit.host):
        return True
    citation = _in(citations, hit.start)
    if citation is not None and (hit.host in _PERSISTENT_ID_HOSTS or citation.entry
                                 and _BIBTEX_URL_FIELD.search(card.body, max(0, hit.start - 12), hit.start)):
        return True
    if bool(hit.link_text) and _called_our_paper(card, hit.text_start, hit.link_text):
        return True
    # "Our paper about X has been published in [volume 11 of a journal](...)": the sentence's one link is where it is
    if _OUR_PAPER_WORDS.search(card.lower, max(0, hit.text_start - CONTEXT_CHARS), hit.text_start) is None:
        return False  # (most links: no sentence need be found)
    if not hit.path.strip("/"):
        return False  # a site's front page: the venue ("submitted to the [IEEE SLT workshop](https://...org/)")
    start, end = card.sentence_bounds(hit.text_start, hit.end)
    return (_OUR_PAPER_BEFORE.search(card.body, start, hit.text_start) is not None
            and not _DATA_WORDS.search(hit.link_text) and sum(start <= other.start < end for other in card.urls) == 1)


def _called_our_paper(card: Card, start: int, link_text: str) -> bool:
    """Whether a link's text is "paper" (or "report", ...) and "our" opens it: "[our paper](...)", "in our EMNLP
    [paper](...)"."""
    return _OUR_PAPER_LINK_TEXT.match(link_text.strip()) is not None and not _DATA_WORDS.search(link_text) and (
        link_text.lstrip().lower().startswith("our ") or _OUR_BEFORE_LINK.search(card.body, max(0, start - 60), start)
        is not None)


def _title_words(text: str) -> list[str]:
    return [word.removesuffix("s") for word in _WORD.findall(text.lower())]


def _label_before(card: Card, hit: UrlHit) -> str:
    """The text that labels a bare URL on its line, "- Title: https://...": the line up to the URL, without its list
    marker and the colon (the line's own text when it is short; "" otherwise)."""
    line_start = card.body.rfind("\n", 0, hit.start) + 1
    label = card.body[line_start : hit.start].strip()
    if not label.endswith(":") or len(label) > 200:
        return ""
    return label.lstrip("-*+ \t").rstrip(":").strip()


def _names_title(link_text: str, title: str) -> bool:
    """Whether a link's text is made of words of the title (two at least, plurals aside): "Latent Diffusion Model" of
    "High-Resolution Image Synthesis With Latent Diffusion Models"."""
    words = [word for word in _title_words(link_text) if word not in _FILLER_WORDS]
    return len(words) >= 2 and set(words) <= set(_title_words(title))


def _introduces_another_model(sentence: str, repo_id: str) -> bool:
    """Whether the sentence says a paper introduced a model named otherwise than this one: the name before "was
    introduced in" is not "it" / "this model", and the repository's name, without size and version words, does
    not end with it (`t5-base` ends with "T5"; `t5-small-nl16-finnish` does not, nor `soroberta` with RoBERTa)."""
    match = _INTRODUCED_SUBJECT.search(sentence)
    if match is None:
        return False
    subject = match.group(1).lower()
    if subject in _THIS_MODEL_SUBJECTS:
        return False
    subject_key = "".join(_NOT_ALNUM.sub("", word) for word in subject.split() if word not in _GENERIC_SUBJECT_WORDS)
    words = [word for word in re.split(r"[-_/.\s]+", repo_id.rsplit("/", 1)[-1].lower()) if word]
    while len(words) > 1 and _SIZE_WORD.match(words[-1]):
        words.pop()
    return bool(subject_key) and not "".join(words).endswith(subject_key)


def _weights_of_the_authors(card: Card) -> bool:
    """Whether a timm card's `Original:` field names a repository other than timm's own: the weights are the
    paper authors' ("Original: https://github.com/facebookresearch/ConvNeXt-V2"), so the paper it cites is this
    model's, not the architecture's of a model trained anew in timm."""
    for field in card.fields_with_keys(_ORIGINAL_FIELD):
        value = field.value.lower()
        if "github.com/" in value and not any(name in value for name in _TIMM_REPOSITORIES):
            return True
    return False


def _opens_a_list_item(card: Card, pos: int) -> bool:
    line_start = card.body.rfind("\n", 0, pos) + 1
    return _LIST_MARKER.match(card.body, line_start, pos) is not None


def _in_a_data_table(card: Card, pos: int) -> bool:
    """Whether an offset is on a table row under a heading about data ("#### Training data")."""
    line_start = card.body.rfind("\n", 0, pos) + 1
    if not card.body[line_start:pos].lstrip().startswith("|"):
        return False
    heading = card.heading_index_at(pos)
    return heading >= 0 and _DATA_WORDS.search(card.headings[heading].title) is not None


def _opening_line_of_its_own(card: Card, start: int, end: int) -> bool:
    """Whether a link is a paragraph of its own (markup aside) among the card's opening lines, and the first link
    there: a card that opens with its paper's title, "# [Title](https://arxiv.org/abs/...)", or "*[Title](...)*"
    under a line about it. (Not a link a hard-wrapped sentence puts on a line of its own, nor the second paper of
    the opening, nor one of a list of authors.)"""
    body = card.body
    line_start = body.rfind("\n", 0, start) + 1
    opening = card.opening_lines
    index = next((i for i, (line, _) in enumerate(opening) if line == line_start), None)
    if index is None:
        return False
    line_end = opening[index][1]
    if (body[line_start:start] + body[end:line_end]).strip(_LINE_MARKUP):
        return False
    before = [body[line : line_stop] for line, line_stop in opening[:index]]
    heading = body.startswith("#", line_start)
    paragraph = not before or line_start >= 2 and body.startswith("\n\n", line_start - 2) or before[-1].lstrip().startswith("#")
    if any("](" in line for line in before) or not (heading or paragraph):
        return False
    return heading or body.startswith("\n", line_end + 1) or line_end >= len(body.rstrip())


def _in(spans: list[_Citation], pos: int) -> _Citation | None:
    return next((span for span in spans if span.start <= pos < span.end), None)


def _rule_keeping(card: Card, start: int, end: int, link_text: str, citations: list[_Citation],
                  has_base_model: bool, repo_id: str = "") -> str | None:
    """The rule that makes a paper this model's own, or None when it is background."""
    sentence = plain_text(card.sentence_around(start, end))
    citation = _in(citations, start)
    if citation is not None and citation.entry:
        return None if citation.background else "cited for this model"
    if citation is not None:
        background = (citation.background or _TOOLKIT_CITATION.search(sentence) or _BACKGROUND_PAPER.search(sentence)
                      or _PROMISED.search(sentence))
        return None if background else "cited for this model"
    if _PROMISED.search(sentence):
        return None
    if _called_our_paper(card, start, link_text):
        return "presented as this model's paper"
    if link_text and _opening_line_of_its_own(card, start, end):
        return "the paper a line of the card's opening is made of"
    if _BACKGROUND_PAPER.search(sentence) or _BACKGROUND_PAPER.search(link_text) or _MODEL_AFTER.match(card.body, end):
        return None  # (and "we trained the [BigBird](arxiv...) model": an architecture, named by its paper)
    if _in_a_data_table(card, start):
        return None  # "| [Some corpus](...) | [paper](...) | 1,000 |": the paper of a dataset the row names
    if has_base_model and _FIRST_DESCRIBED.search(sentence):
        return None  # a derivative's "first described in this [paper]": its base's or its objective's paper
    if _OWN_PAPER.search(sentence) or "thesis" in sentence and _THESIS.search(sentence):
        return "presented as this model's paper"
    if _ASSOCIATED_PAPER_LINK_TEXT.match(link_text.strip()) and _opens_a_list_item(card, start):
        return "listed as this model's paper"
    if _OWN_PAPER_LINK_TEXT.match(link_text.strip(" []")):  # (also "[[Paper]](...)", a research repository's badge)
        # "T5 was introduced in [this paper] and first released at [this page]": the architecture card's sentence,
        # copied onto a card of a T5 pretrained on Finnish
        return None if repo_id and _introduces_another_model(sentence, repo_id) else "presented as this model's paper"
    if _INTRODUCED_IN.search(sentence) and not has_base_model and "based on" not in sentence.lower() and not (
            _FINE_TUNED.search(card.body, end, card.sentence_bounds(start, end)[1])):
        # ("X proposed in [paper] that we fine-tune ...": the paper introduced the model this one was tuned from;
        # "a model based on masked language modelling described in [BERT](...)": the architecture's)
        return "the paper that introduced this model"
    return None
