"""Measure what an HTML body will cost before any parser sees it, and where to cut it.

WHATWG tree building is superlinear in three things a message controls, each measured on
lexbor (our parser) and html5ever (nh3, the preview's sanitiser):

- the distinct attributes of one element: each new name is looked up in the element's list,
  so 25,000 on one <div> cost lexbor 2.6 s and 200,000 over a minute. <html> and <body> start
  tags add theirs to the one element: 30 <body> tags of 900 attributes cost 4.9 s;
- the depth of open elements: every token checks the stack of open elements (10,000 nested
  <div> cost html5ever 0.9 s);
- formatting elements left open (<b>, <font>, <a>, ...): the tree builder re-creates each of
  them, attributes and all, inside every later block ("reconstruct the active formatting
  elements"): 2,000 unclosed <b> before 3,000 paragraphs, 53 KB, made 6 million elements and
  took 10.8 s.

All three are counted here first, and the HTML is cut before the first element past a limit;
what was cut is a limit note, and the report says it did not read the whole message.

The count must never be lower than what a parser will build, or a message could hide a bomb
from it. Tokenizing start tags is exact (WHATWG §13.2.5: attribute names, quoted and unquoted
values, a `>` inside quotes). What depends on the tree builder (comments are comments only in
the data state; <style>, <script>, <textarea>, <title>, <xmp>, <iframe>, <noembed>, <noframes>
switch the tokenizer to text only in some insertion modes; CDATA sections exist only inside
SVG and MathML) is read both ways: the main reading takes markup as markup, and every place
where another reading resumes markup (the end tag of such an element, the end of a CDATA
section) is read again from there, until the readings meet. So a `<div a0 … a199999>` hidden
behind `<style><!--</style>` is counted like any other. Depth and open formatting elements are
estimated from the main reading, counting up (an end tag closes only its own name). Work is
bounded: past `_MAX_WORK` x the input in scanned characters (three quote-like delimiters allow
a few times the input at most) none of the HTML is parsed.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass, field

_WS = "\t\n\f\r "
# One attribute in the "before attribute name" state and what follows it (WHATWG tokenizer):
# a name (its first character may be "="), optional whitespace, then optionally "=" and a value
# (double- or single-quoted, possibly unterminated; or unquoted up to whitespace or ">").
_ATTR = (
    rf"[{_WS}/]*+[^{_WS}/>][^{_WS}/>=]*+[{_WS}]*+"
    rf"(?:=[{_WS}]*+(?:\"[^\"]*+\"?|'[^']*+'?|[^{_WS}>]*+))?"
)
_ONE_ATTR = re.compile(_ATTR)
# Every markup construct the tokenizer reads in the data state, in one pass in C (a "<" that
# opens nothing is text and not matched): a start tag with its attributes, an end tag (its
# attributes are tokenized, then dropped), a comment, or a doctype or bogus comment.
_CONSTRUCT = re.compile(
    rf"<(?:(?P<start>[A-Za-z][^{_WS}/>]*+)(?P<attrs>(?:{_ATTR})*+)(?P<tail>[{_WS}/]*+)>?"
    rf"|/(?P<end>[A-Za-z][^{_WS}/>]*+)(?:{_ATTR})*+[{_WS}/]*+>?"
    r"|!--(?:-?>|.*?(?:--!?>|\Z))"
    r"|[!?/][^>]*+>?)",
    re.DOTALL,
)
# Where another reading of the tokenizer's state resumes markup: the end tag of an element
# whose content may be text (or script data), and the end of a CDATA section.
_RESUME = re.compile(
    r"</(?i:script|style|xmp|iframe|noembed|noframes|noscript|textarea|title)"
    rf"(?=[{_WS}/>])"
)

# Elements that never have content, and those whose end tag is implied by a sibling (a <p>
# closes an open <p>, a <td> the open <td>): neither adds depth to the tree.
_VOID = frozenset(
    {
        *("area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link"),
        *("meta", "param", "source", "track", "wbr", "basefont", "bgsound", "frame", "image"),
    }
)
_SIBLING_CLOSED = frozenset(
    {
        *("p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rb", "rt", "rp"),
        *("rtc", "tbody", "thead", "tfoot", "colgroup", "caption", "html", "head", "body"),
    }
)
_FORMATTING = frozenset(
    {
        *("a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike"),
        *("strong", "tt", "u"),
    }
)
_MERGED = frozenset({"html", "body"})
"""Start tags whose attributes the tree builder adds to the one element of that name."""
_MAX_WORK = 8
"""Characters scanned, over all readings, per character of input before giving up."""


@dataclass(frozen=True)
class Cut:
    """Where the HTML must be cut, and why (a limit note's id and detail)."""

    at: int
    id: str
    detail: str


@dataclass(frozen=True)
class HtmlLimits:
    attributes: int
    element_attributes: int
    depth: int
    reopened: int


@dataclass
class HtmlCost:
    """What parsing this HTML will cost, counted before parsing it (upper bounds)."""

    tags: int = 0
    attributes: int = 0
    """Attributes of every start tag, over all readings."""
    max_element_attributes: int = 0
    max_depth: int = 0
    reopened: int = 0
    """Element re-creations the tree builder may make for formatting elements left open,
    each weighted by its attributes plus one."""
    cut: Cut | None = None
    """The first place past a limit: parse only what comes before it."""
    merged: dict[str, int] = field(default_factory=dict)


def measure(
    html: str,
    *,
    max_attributes: int,
    max_element_attributes: int,
    max_depth: int,
    max_reopened: int,
) -> HtmlCost:
    """Count tags, attributes, depth and re-opened formatting elements of `html`; `cut` says
    where the first limit is passed. Linear in the input for any input, never raises."""
    limits = HtmlLimits(max_attributes, max_element_attributes, max_depth, max_reopened)
    cost = HtmlCost()
    budget = _MAX_WORK * max(len(html), 1024)
    visited: set[int] = set()
    budget -= _Reading(html, 0, visited, cost, limits, main=True).run()
    starts = [m.start() for m in _RESUME.finditer(html)]
    if "]]>" in html:
        starts += [m.end() for m in re.finditer(r"\]\]>", html)]
    heapq.heapify(starts)
    while starts and budget >= 0:
        position = heapq.heappop(starts)
        budget -= _Reading(html, position, visited, cost, limits, main=False).run()
    if budget < 0:
        cost.cut = Cut(
            0,
            "LIMIT_HTML_ATTRIBUTES",
            "the HTML is too tangled to count its attributes; none of it was parsed",
        )
    return cost


class _Reading:
    """One reading of the markup from `start` in the tokenizer's data state, until it reaches a
    `<` an earlier reading already read (from there on they read alike) or the end. The main
    reading also estimates the tree: depth, and the formatting elements left open."""

    def __init__(
        self,
        html: str,
        start: int,
        visited: set[int],
        cost: HtmlCost,
        limits: HtmlLimits,
        *,
        main: bool,
    ) -> None:
        self.html = html
        self.start = start
        self.visited = visited
        self.cost = cost
        self.limits = limits
        self.main = main
        self.depth = 0
        self.formatting: list[tuple[str, int]] = []
        """Formatting elements left open (name, attributes + 1), as the list of active ones."""
        self.open_weight = 0

    def run(self) -> int:
        """Read; returns the characters scanned. A reading ends at the first cut: nothing after
        it will be parsed."""
        html, visited, cost, limits, main = (
            self.html,
            self.visited,
            self.cost,
            self.limits,
            self.main,
        )
        count_attributes = _ONE_ATTR.findall
        position = self.start
        for match in _CONSTRUCT.finditer(html, self.start):
            at = match.start()
            if at in visited or (cost.cut is not None and at > cost.cut.at):
                return at - self.start
            visited.add(at)
            position = match.end()
            name, attributes, tail, end = match.group(1, 2, 3, 4)
            if name is None:
                if end is not None and main:
                    self._end_tag(end.lower())
                continue
            count = len(count_attributes(attributes)) if attributes else 0
            cost.tags += 1
            cost.attributes += count
            name = name.lower()
            on_element = count
            if name in _MERGED:
                on_element = cost.merged[name] = cost.merged.get(name, 0) + count
            if on_element > cost.max_element_attributes:
                cost.max_element_attributes = on_element
                if on_element > limits.element_attributes:
                    self._cut(
                        at,
                        "LIMIT_HTML_ATTRIBUTES",
                        f"an element with {on_element} attributes (the limit is "
                        f"{limits.element_attributes} per element); the HTML from it on was "
                        "not examined",
                    )
            if cost.attributes > limits.attributes:
                self._cut(
                    at,
                    "LIMIT_HTML_ATTRIBUTES",
                    f"more than {limits.attributes} attributes in all; the HTML from the "
                    "element that passed the limit on was not examined",
                )
            if main:
                self._tree(at, name, count, tail.endswith("/"))
        return max(position, len(html)) - self.start

    def _tree(self, at: int, name: str, attributes: int, self_closed: bool) -> None:
        """The main reading's estimate of the tree at a start tag: formatting elements left
        open (the text before the tag and the tag itself may each re-create all of them) and
        the depth."""
        cost, limits = self.cost, self.limits
        if self.open_weight:
            cost.reopened += 2 * self.open_weight
            if cost.reopened > limits.reopened:
                self._cut(
                    at,
                    "LIMIT_HTML_REOPENED",
                    f"{len(self.formatting)} formatting elements (b, font, a, ...) left open "
                    f"would be re-created more than {limits.reopened} times; the HTML from "
                    "there on was not examined",
                )
        if name in _FORMATTING:
            self.formatting.append((name, attributes + 1))
            self.open_weight += attributes + 1
        # "<x/>" opens x like "<x>" on HTML elements, but counting it would make the many
        # self-closed elements of inline SVG look deep; the node limit bounds the difference.
        if name not in _VOID and name not in _SIBLING_CLOSED and not self_closed:
            self.depth += 1
            if self.depth > cost.max_depth:
                cost.max_depth = self.depth
                if self.depth > limits.depth:
                    self._cut(
                        at,
                        "LIMIT_HTML_DEPTH",
                        f"elements nested deeper than {limits.depth} levels; the HTML from "
                        "there on was not examined",
                    )

    def _end_tag(self, name: str) -> None:
        if name not in _VOID and name not in _SIBLING_CLOSED and self.depth > 0:
            self.depth -= 1
        if name in _FORMATTING:
            for index in range(len(self.formatting) - 1, -1, -1):
                if self.formatting[index][0] == name:
                    self.open_weight -= self.formatting.pop(index)[1]
                    break

    def _cut(self, at: int, limit_id: str, detail: str) -> None:
        cut = self.cost.cut
        if cut is None or at < cut.at:
            self.cost.cut = Cut(at, limit_id, detail)
