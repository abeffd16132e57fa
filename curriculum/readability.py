"""Plain-language measures for lessons: the prose of a Markdown body, its word count and
its Flesch-Kincaid grade (CURRICULUM.md, rule 7).

Flesch-Kincaid grade = 0.39 * words per sentence + 11.8 * syllables per word - 15.59
(Kincaid et al., 1975). Syllables are counted with the usual vowel-group rule (groups of
a, e, i, o, u, y; a silent final "e" dropped, "-le" after a consonant kept; at least one
per word), which is what most readability tools do without a pronouncing dictionary.
The figure is a guide for writers and reviewers, not a verdict.
"""

import re
from dataclasses import dataclass

_FENCE_RE = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1[^\n]*$", re.M | re.S)
_COMMENT_RE = re.compile(r"<!--.*?-->", re.S)
_IMAGE_RE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_CITATION_RE = re.compile(r"\[\^[^\]]*\]")
_LABEL_RE = re.compile(r"^ {0,3}\[\[[^\]]*\]\]\s*$", re.M)
_HTML_TAG_RE = re.compile(r"<[^>]+>")
_BLOCK_PREFIX_RE = re.compile(r"^\s*(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+|\|)")
_MARKUP_RE = re.compile(r"[*_`|]")
_WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\u2019\-]*")
_SENTENCE_END_RE = re.compile(r"[.!?]+(?=\s|$)")
_VOWEL_GROUPS_RE = re.compile(r"[aeiouy]+")
# Abbreviations whose full stop does not end a sentence.
_ABBREVIATIONS_RE = re.compile(r"\b(?:e\.g|i\.e|etc|vs|v|No|Pub|L|U\.S|St|Dr|Mr|Ms|al)\.", re.I)


@dataclass(frozen=True)
class Readability:
    words: int
    sentences: int
    syllables: int

    @property
    def grade(self) -> float:
        if not self.words or not self.sentences:
            return 0.0
        return 0.39 * self.words / self.sentences + 11.8 * self.syllables / self.words - 15.59


def syllables(word: str) -> int:
    word = word.lower().strip("'\u2019-")
    if not word:
        return 0
    if any(ch.isdigit() for ch in word):
        return 1
    count = 0
    for part in re.split(r"[-\u2019']", word):
        if not part:
            continue
        groups = len(_VOWEL_GROUPS_RE.findall(part))
        silent_e = part.endswith("e") and not part.endswith(("le", "ee", "ye"))
        vowel_le = part.endswith("le") and len(part) > 2 and part[-3] in "aeiouy"
        if (silent_e or vowel_le) and groups > 1:
            groups -= 1
        if (
            part.endswith(("es", "ed"))
            and groups > 1
            and not part.endswith(("ted", "ded", "ses", "ces", "ges", "zes", "xes", "shes", "ches"))
        ):
            groups -= 1
        count += groups  # a part without vowels ("s" of "survivor's") adds none
    return max(count, 1)


def prose_blocks(body: str) -> list[str]:
    """The lesson's prose as plain text, one string per paragraph, list item or heading;
    code, comments, images, citations and jurisdiction labels removed."""
    text = _FENCE_RE.sub("", body)
    text = _COMMENT_RE.sub("", text)
    text = _LABEL_RE.sub("", text)
    text = _IMAGE_RE.sub("", text)
    text = _LINK_RE.sub(r"\1", text)
    text = _CITATION_RE.sub("", text)
    text = _HTML_TAG_RE.sub("", text)
    blocks: list[str] = []
    current: list[str] = []
    for line in text.split("\n"):
        starts_block = bool(_BLOCK_PREFIX_RE.match(line)) and not line.lstrip().startswith(">")
        if not line.strip() or starts_block:
            if current:
                blocks.append(" ".join(current))
            current = []
        stripped = _BLOCK_PREFIX_RE.sub("", line)
        stripped = _MARKUP_RE.sub("", stripped).strip()
        if stripped and not set(stripped) <= set("-:| "):
            current.append(stripped)
    if current:
        blocks.append(" ".join(current))
    return blocks


def measure(body: str, *, headings: bool = False) -> Readability:
    """Words, sentences and syllables of a Markdown body (headings left out unless asked:
    they are labels, not sentences)."""
    words = sentences = syllable_count = 0
    for block in prose_blocks(body if headings else _strip_headings(body)):
        block_words = _WORD_RE.findall(block)
        if not block_words:
            continue
        words += len(block_words)
        syllable_count += sum(syllables(word) for word in block_words)
        # A list item or heading without a full stop still ends where it ends.
        sentences += max(1, len(_SENTENCE_END_RE.findall(_ABBREVIATIONS_RE.sub("", block))))
    return Readability(words=words, sentences=sentences, syllables=syllable_count)


def _strip_headings(body: str) -> str:
    return re.sub(r"^ {0,3}#{1,6}\s.*$", "", body, flags=re.M)
