"""Jurisdiction labels: the codes a module lists in `jurisdictions:` and a lesson writes
as `[[jurisdiction: us, england-wales]]` under a heading, and the names readers see.

The curriculum is international, so law and procedure are always shown with where they
apply (CURRICULUM.md, rule 8). Add a code here before content uses it.
"""

import re

JURISDICTIONS: dict[str, str] = {
    "intl": "International",
    "council-of-europe": "Council of Europe",
    "eu": "European Union",
    "us": "United States (federal)",
    "england": "England",
    "england-wales": "England and Wales",
    "scotland": "Scotland",
    "northern-ireland": "Northern Ireland",
    "uk": "United Kingdom",
    "ireland": "Ireland",
    "canada": "Canada",
    "australia": "Australia",
    "new-zealand": "New Zealand",
    "nordic": "Nordic countries",
}

# A label is a line of its own: `[[jurisdiction: us]]` or `[[jurisdiction: us, eu]]`.
LABEL_RE = re.compile(r"^ {0,3}\[\[\s*jurisdiction\s*:\s*(?P<codes>[^\]]*?)\s*\]\]\s*$", re.I)


def label_codes(line: str) -> list[str] | None:
    """The codes of a label line, or None when the line is not a label."""
    match = LABEL_RE.match(line)
    if match is None:
        return None
    return [code.strip().lower() for code in match["codes"].split(",") if code.strip()]


def label_text(codes: list[str]) -> str:
    return "; ".join(JURISDICTIONS.get(code, code) for code in codes)
