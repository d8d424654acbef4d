"""Merge tags in business-written text: substituted by a regular expression over the known
names, never evaluated as a template.

The result keeps business text and Portico's values apart (`Segment`), so the HTML part can
escape the one and turn link values into anchors, and the text part can join them as they are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from markupsafe import Markup, escape

from portico.domain.invitations import LINK_TAGS, TAG_PATTERN


class UnknownMergeTag(ValueError):
    """A tag with no value: the template was not validated, or the email cannot fill it."""


@dataclass(frozen=True)
class Segment:
    text: str
    link: bool = False  # a link tag's value: an anchor in HTML


_PARAGRAPH_BREAK = re.compile(r"\r?\n[ \t]*\r?\n\s*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


def one_line(text: str) -> str:
    """`text` with line breaks and control characters turned into single spaces."""
    return re.sub(r" {2,}", " ", _CONTROL.sub(" ", text)).strip()


def substitute(text: str, values: Mapping[str, str]) -> list[Segment]:
    """Split `text` into literal text and tag values. Values are flattened to one line so a
    customer's name cannot add paragraphs (or headers, in a subject)."""
    segments: list[Segment] = []
    position = 0
    for match in TAG_PATTERN.finditer(text):
        name = match.group(1).strip()
        if name not in values:
            raise UnknownMergeTag(f"no value for merge tag {name[:60]!r}")
        if match.start() > position:
            segments.append(Segment(text[position : match.start()]))
        segments.append(Segment(one_line(values[name]), link=name in LINK_TAGS))
        position = match.end()
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments


def merge_text(text: str, values: Mapping[str, str]) -> str:
    """The plain-text result of substituting the tags in `text`."""
    return "".join(segment.text for segment in substitute(text, values))


def merge_subject(text: str, values: Mapping[str, str]) -> str:
    """A subject: substituted, then forced onto one line (header injection)."""
    return one_line(merge_text(text, values))


def paragraphs(text: str) -> list[str]:
    """Business text split at blank lines, without empty paragraphs."""
    return [part.strip("\r\n") for part in _PARAGRAPH_BREAK.split(text.strip()) if part.strip()]


def merge_html(text: str, values: Mapping[str, str]) -> Markup:
    """The HTML of business text: each paragraph a `<p>`, line breaks `<br>`, every piece of
    business text and every value escaped, link values as anchors."""
    html = []
    for paragraph in paragraphs(text):
        parts = []
        for segment in substitute(paragraph, values):
            if segment.link:
                url = escape(segment.text)
                parts.append(Markup('<a href="{0}" style="color:inherit">{0}</a>').format(url))
            else:
                lines = segment.text.replace("\r\n", "\n").split("\n")
                parts.append(Markup("<br>\n").join(escape(line) for line in lines))
        html.append(Markup('<p style="margin:0 0 16px">{}</p>').format(Markup("").join(parts)))
    return Markup("\n").join(html)
