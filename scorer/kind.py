"""What a message is: `marketing`, `transactional` or `personal`. The one decider for that fact.

The kind decides which obligations apply to a message: one-click unsubscribe, the visible
unsubscribe link and the 特定電子メール法 display items bind marketing (advertising, subscribed)
mail, not a receipt or a note to a colleague. A rule or provider requirement says which kinds it
binds with `applies_to` in its data; `applies()` is the one test of that, and the pipeline and
the requirements builder both call it.

The caller may state the kind (API `kind=`, the form, CLI `--kind`); otherwise it is decided from
what a pre-send draft has: author headers, subject and body wording in English and Japanese, and
layout. The signals and their weights are data (rules/lists/kinds.yaml); the few that measure
layout are small functions registered here by id. A kind never lowers a content score: spam may
claim any kind, and all it changes is which bulk-mail obligations are judged.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from email.utils import getaddresses
from functools import cached_property
from typing import Any

from scorer.errors import RuleError, SpamscoreError
from scorer.message import Message
from scorer.phrases import PhraseMatcher, normalize
from scorer.ruledata import bilingual, known_keys
from scorer.unsubscribe import has_visible_unsubscribe

log = logging.getLogger(__name__)

KINDS = ("marketing", "transactional", "personal")
AUTO = "auto"
CHOICES = (AUTO, *KINDS)
"""What a caller may state: `auto` (the default: decide from the message) or a kind."""
LANGS = ("en", "ja")
_MAX_TEXT = 20_000
_MAX_WORDING_TEXT = 6_000
"""What a message is for is said at its top: wording is looked for in the first 6,000
characters of the visible text (a receipt's order number, a newsletter's opening)."""
_MAX_EVIDENCE_TEXT = 80
_HEAD_LINES = 3
_TAIL_LINES = 40
_EDGE_CHARS = 4000
"""A greeting is looked for in the first lines of the text, a sign-off or "Sent from my iPhone"
in the last ones only: a personal note puts them there, and the cost stays flat."""


class KindError(SpamscoreError):
    """A stated kind that is not one of auto, marketing, transactional, personal."""


def stated_kind(value: object) -> str | None:
    """The kind a caller stated, or None for `auto` / nothing stated. Raises KindError."""
    if value is None:
        return None
    if isinstance(value, str) and value.strip().lower() in CHOICES:
        chosen = value.strip().lower()
        return None if chosen == AUTO else chosen
    raise KindError(f"kind must be one of {', '.join(CHOICES)} (got {str(value)[:40]!r})")


def parse_applies_to(value: object, where: str) -> tuple[str, ...]:
    """Validate an `applies_to` list from rule or requirement data (absent: every kind)."""
    if value is None:
        return ()
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, str) and v in KINDS for v in value)
        or len(set(value)) != len(value)
    ):
        raise RuleError(f"{where}: applies_to must be a non-empty list of distinct {KINDS}")
    if set(value) == set(KINDS):
        raise RuleError(f"{where}: applies_to lists every kind; leave it out instead")
    return tuple(value)


def applies(applies_to: Iterable[str], kind: str) -> bool:
    """Whether a rule or requirement that binds `applies_to` (empty: all) binds `kind`."""
    kinds = tuple(applies_to)
    return not kinds or kind in kinds


# --- the data ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Signal:
    id: str
    kind: str
    weight: float
    label: Mapping[str, str]
    names: tuple[str, ...] = ()
    pattern: Any = None
    params: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class _Wording:
    id: str
    kind: str
    subject: float
    body: float
    label: Mapping[str, str]
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class KindSpec:
    labels: Mapping[str, Mapping[str, str]]
    not_required: Mapping[str, Mapping[str, str]]
    default: str
    minimum: float
    notes: Mapping[str, Mapping[str, str]]
    where: Mapping[str, Mapping[str, str]]
    headers: tuple[_Signal, ...]
    wording: tuple[_Wording, ...]
    shapes: tuple[_Signal, ...]
    matcher: PhraseMatcher
    """Every wording phrase, in one automaton; a hit's `group` is its wording id."""
    header_names: frozenset[str] = frozenset()
    """The lower-cased names of every header a signal reads."""

    def label(self, signal: str, lang: str) -> str:
        """The reader's words for an evidence signal id (`header.list_id`, `subject.order`)."""
        where, _, name = signal.partition(".")
        if where in self.where:
            group = next((w for w in self.wording if w.id == name), None)
            if group is not None:
                return f"{_pick(group.label, lang)} ({_pick(self.where[where], lang)})"
        for item in (*self.headers, *self.shapes):
            if item.id == signal:
                return _pick(item.label, lang)
        return signal


def _pick(texts: Mapping[str, str], lang: str) -> str:
    return texts.get(lang) or texts.get("en") or ""


def _kind_of(value: Any, where: str) -> str:
    if value not in KINDS:
        raise RuleError(f"{where}: kind must be one of {KINDS}")
    return str(value)


def _weight(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise RuleError(f"{where}: weights are numbers >= 0")
    return float(value)


def _compile(pattern: Any, where: str) -> re.Pattern[str]:
    """A header or line pattern. They read one header value or one line of text, never the
    whole body, so the standard library's engine is safe and fast here."""
    if not isinstance(pattern, str) or not pattern:
        raise RuleError(f"{where}: a pattern must be a non-empty string")
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise RuleError(f"{where}: bad regex {pattern!r}: {exc}") from None


def _signal(raw: Any, where: str, seen: set[str], *, shape: bool) -> _Signal:
    allowed = {"id", "kind", "weight", "label"} | ({"params"} if shape else {"names", "pattern"})
    required = {"id", "kind", "weight", "label"} | (set() if shape else {"names"})
    raw = known_keys(raw, where, allowed, required)
    sid = raw["id"]
    where = f"{where} {sid}"
    if not isinstance(sid, str) or sid in seen:
        raise RuleError(f"{where}: ids are unique strings")
    seen.add(sid)
    if shape:
        if sid not in _SHAPES:
            raise RuleError(f"{where}: no shape function is registered for this id")
        params = raw.get("params") or {}
        if not isinstance(params, dict):
            raise RuleError(f"{where}: params must be a mapping")
        params = {k: _shape_param(k, v, where) for k, v in params.items()}
        return _Signal(
            sid, _kind_of(raw["kind"], where), _weight(raw["weight"], where),
            bilingual(raw["label"], f"{where}.label"), params=params,
        )  # fmt: skip
    names = raw["names"]
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise RuleError(f"{where}: names must be a non-empty list of header names")
    lowered = {n.lower() for n in names}
    if lowered & _TRANSIT_HEADERS or any(n.startswith(("arc-", "x-spam")) for n in lowered):
        raise RuleError(f"{where}: transit and verdict headers are never read")
    pattern = _compile(raw["pattern"], where) if "pattern" in raw else None
    return _Signal(
        sid, _kind_of(raw["kind"], where), _weight(raw["weight"], where),
        bilingual(raw["label"], f"{where}.label"), names=tuple(names), pattern=pattern,
    )  # fmt: skip


_TRANSIT_HEADERS = {
    "received",
    "authentication-results",
    "received-spf",
    "return-path",
    "delivered-to",
    "x-received",
    "x-original-to",
}


def _shape_param(name: str, value: Any, where: str) -> Any:
    """Shape parameters: numbers, or regexes (`pattern(s)`, `signoff`, `name`, `not_name`)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        return _compile(value, f"{where}.{name}")
    if isinstance(value, list) and value:
        return tuple(_compile(v, f"{where}.{name}") for v in value)
    raise RuleError(f"{where}: param {name} must be a number, a regex or a list of regexes")


def _wording(raw: Any, where: str, seen: set[str]) -> _Wording:
    keys = {"id", "kind", "subject", "body", "label", "phrases"}
    raw = known_keys(raw, where, keys, keys)
    wid = raw["id"]
    where = f"{where} {wid}"
    if not isinstance(wid, str) or not wid.isidentifier() or wid in seen:
        raise RuleError(f"{where}: ids are unique identifiers")
    seen.add(wid)
    phrases = raw["phrases"]
    if (
        not isinstance(phrases, list)
        or not phrases
        or not all(isinstance(p, str) and normalize(p).strip() for p in phrases)
    ):
        raise RuleError(f"{where}: phrases must be a non-empty list of non-empty strings")
    return _Wording(
        wid,
        _kind_of(raw["kind"], where),
        _weight(raw["subject"], where),
        _weight(raw["body"], where),
        bilingual(raw["label"], f"{where}.label"),
        tuple(phrases),
    )


def _matcher(wording: tuple[_Wording, ...], where: str) -> PhraseMatcher:
    owner: dict[str, str] = {}
    for group in wording:
        for phrase in group.phrases:
            key = normalize(phrase).strip()
            if owner.setdefault(key, group.id) != group.id:
                raise RuleError(f"{where}: {phrase!r} is in both {owner[key]} and {group.id}")
    return PhraseMatcher([(p, 0.0, g.id) for g in wording for p in g.phrases])


_SPEC_KEYS = ("kinds", "default", "minimum", "notes", "where", "headers", "wording", "shapes")


def parse_spec(data: Any, source: str = "kinds.yaml") -> KindSpec:
    """Validate the kinds data strictly (unknown keys, kinds and bad regexes are errors)."""
    data = known_keys(data, source, _SPEC_KEYS, _SPEC_KEYS)
    kinds = data["kinds"]
    if not isinstance(kinds, dict) or set(kinds) != set(KINDS):
        raise RuleError(f"{source}: kinds must describe exactly {KINDS}")
    labels, not_required = {}, {}
    for name, entry in kinds.items():
        entry = known_keys(entry, name, {"label", "not_required"}, {"label", "not_required"})
        labels[name] = bilingual(entry["label"], f"{source}: {name}.label")
        not_required[name] = bilingual(entry["not_required"], f"{source}: {name}.not_required")
    notes = data["notes"]
    if not isinstance(notes, dict) or set(notes) != {"default", "stated"}:
        raise RuleError(f"{source}: notes needs default and stated texts")
    where = data["where"]
    if not isinstance(where, dict) or set(where) != {"subject", "body"}:
        raise RuleError(f"{source}: where needs subject and body labels")
    seen: set[str] = set()
    lists = {}
    for key in ("headers", "wording", "shapes"):
        if not isinstance(data[key], list) or not data[key]:
            raise RuleError(f"{source}: {key} must be a non-empty list")
        lists[key] = data[key]
    wording = tuple(_wording(r, f"{source}: wording", seen) for r in lists["wording"])
    return KindSpec(
        labels=labels,
        not_required=not_required,
        default=_kind_of(data["default"], f"{source}: default"),
        minimum=_weight(data["minimum"], f"{source}: minimum"),
        notes={k: bilingual(v, f"{source}: notes.{k}") for k, v in notes.items()},
        where={k: bilingual(v, f"{source}: where.{k}") for k, v in where.items()},
        headers=tuple(
            _signal(r, f"{source}: headers", seen, shape=False) for r in lists["headers"]
        ),
        wording=wording,
        shapes=tuple(_signal(r, f"{source}: shapes", seen, shape=True) for r in lists["shapes"]),
        matcher=_matcher(wording, source),
        header_names=frozenset(n.lower() for r in lists["headers"] for n in r["names"]),
    )


def load_spec() -> KindSpec:
    """The kinds data of the shipped rule set (rules/lists/kinds.yaml); an engine reads its own
    rule set's (`engine.rules.lists.kinds`)."""
    from scorer.rules import load_rules

    return load_rules().lists.kinds


# --- layout and shape signals (one small function per id; parameters from the data) ------------


class _View:
    """The message as the shape measures read it: the first and last lines of its text."""

    def __init__(self, msg: Message) -> None:
        self.msg = msg
        text = msg.plain_text if _has_text(msg.plain_text) else msg.visible_text
        self._text = text[:_MAX_TEXT]

    @cached_property
    def head(self) -> list[str]:
        """The first non-empty stripped lines (where a greeting is)."""
        return _nonempty(self._text[:_EDGE_CHARS].splitlines()[: _HEAD_LINES * 4])[:_HEAD_LINES]

    @cached_property
    def tail(self) -> list[str]:
        """The last non-empty stripped lines (where a sign-off or "Sent from my" is)."""
        return _nonempty(self._text[-_EDGE_CHARS:].splitlines()[-_TAIL_LINES * 2 :])[-_TAIL_LINES:]


def _has_text(text: str) -> bool:
    return bool(text) and not text.isspace()  # no copy of a long text, unlike strip()


def _nonempty(lines: list[str]) -> list[str]:
    # greetings, sign-offs and names are short lines: only those need NFKC (full-width ！ → !)
    stripped = (
        (unicodedata.normalize("NFKC", line) if len(line) < 120 else line).strip() for line in lines
    )
    return [line for line in stripped if line]


ShapeFunc = Callable[[_View, Mapping[str, Any]], str | None]
"""A layout measure: None when the signal does not fire, else the evidence text (what it saw;
empty when the signal's label says it all)."""
_SHAPES: dict[str, ShapeFunc] = {}


def shape(signal_id: str) -> Callable[[ShapeFunc], ShapeFunc]:
    """Register a layout measure: it returns the evidence text when the signal fires."""

    def decorate(func: ShapeFunc) -> ShapeFunc:
        _SHAPES[signal_id] = func
        return func

    return decorate


@shape("shape.unsubscribe_footer")
def _unsubscribe_footer(view: _View, params: Mapping[str, Any]) -> str | None:
    return "" if has_visible_unsubscribe(view.msg) else None


@shape("shape.newsletter_layout")
def _newsletter_layout(view: _View, params: Mapping[str, Any]) -> str | None:
    doc = view.msg.html_doc
    if doc is None:
        return None
    links = {link.href for link in doc.links if link.href.lower().startswith(("http:", "https:"))}
    images = [i for i in doc.images if not i.is_tracking_pixel]
    if len(links) >= params["min_links"] and len(images) >= params["min_images"]:
        return f"{len(links)} links, {len(images)} images"
    return None


@shape("shape.undisclosed_recipients")
def _undisclosed(view: _View, params: Mapping[str, Any]) -> str | None:
    to = view.msg.header("To")
    if to is not None and "undisclosed" in to.lower():
        return f"To: {to[:60]}"
    return None


@shape("shape.plain_text")
def _plain_text(view: _View, params: Mapping[str, Any]) -> str | None:
    msg = view.msg
    if msg.html_parts or not _has_text(msg.plain_text):
        return None
    return ""


@shape("shape.no_links")
def _no_links(view: _View, params: Mapping[str, Any]) -> str | None:
    return None if view.msg.http_urls else ""


@shape("shape.group_recipients")
def _group_recipients(view: _View, params: Mapping[str, Any]) -> str | None:
    msg = view.msg
    addresses = {a.addr_spec.lower() for a in msg.to if "@" in a.addr_spec}
    cc = msg.header_all("Cc")
    if cc:
        addresses |= {addr.lower() for _name, addr in getaddresses(cc) if "@" in addr}
    if params["min_recipients"] <= len(addresses) <= params["max_recipients"]:
        return f"{len(addresses)} recipients in To/Cc"
    return None


@shape("shape.greeting_name")
def _greeting_name(view: _View, params: Mapping[str, Any]) -> str | None:
    for line in view.head:
        for pattern in params["patterns"]:
            if pattern.search(line):
                return line[:_MAX_EVIDENCE_TEXT]
    return None


@shape("shape.signoff_name")
def _signoff_name(view: _View, params: Mapping[str, Any]) -> str | None:
    lines = view.tail
    for index, line in enumerate(lines[:-1]):
        if len(line) > 30 or not params["signoff"].search(line):
            continue
        name = lines[index + 1]
        if params["name"].search(name) and not params["not_name"].search(name):
            return f"{line} {name}"[:_MAX_EVIDENCE_TEXT]
    return None


@shape("shape.name_last")
def _name_last(view: _View, params: Mapping[str, Any]) -> str | None:
    if len(view.msg.visible_text) > params["max_chars"] or not view.tail:
        return None
    last = view.tail[-1]
    if params["name"].search(last) and not params["not_name"].search(last):
        return last
    return None


@shape("shape.sent_from_mobile")
def _sent_from_mobile(view: _View, params: Mapping[str, Any]) -> str | None:
    for line in view.tail:
        found = params["pattern"].search(line)
        if found:
            return found.group(0)[:_MAX_EVIDENCE_TEXT]
    return None


# --- the decision -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """One signal that fired: which, for which kind, how much, and what it saw."""

    signal: str
    kind: str
    weight: float
    text: str = ""

    def to_dict(self, lang: str, spec: KindSpec) -> dict[str, Any]:
        return {
            "signal": self.signal,
            "kind": self.kind,
            "weight": self.weight,
            "label": spec.label(self.signal, lang),
            "text": self.text,
        }


@dataclass(frozen=True)
class Kind:
    """The kind a report is judged as, how it was decided, and the evidence."""

    value: str
    source: str
    """`auto` (decided from the message) or `caller` (stated by the caller)."""
    detected: str
    """What the message itself reads as (the auto decision, also when the caller stated one)."""
    scores: Mapping[str, float]
    evidence: tuple[Evidence, ...] = ()
    defaulted: bool = False
    """No kind had enough evidence, so `detected` is the default (marketing)."""
    spec: KindSpec | None = field(default=None, repr=False, compare=False)
    """The data its texts come from (loaded on first use when absent)."""

    @property
    def _spec(self) -> KindSpec:
        return self.spec or load_spec()

    def label(self, lang: str) -> str:
        return _pick(self._spec.labels.get(self.value, {}), lang) or self.value

    def not_required(self, lang: str) -> str:
        """The reason a rule for other kinds is not judged: "Not required for ... mail."."""
        return _pick(self._spec.not_required.get(self.value, {}), lang)

    def note(self, lang: str) -> str | None:
        """Said when the kind is a default, or when the caller's differs from the message's."""
        spec = self._spec
        if self.source == "caller" and self.detected != self.value:
            detected = _pick(spec.labels.get(self.detected, {}), lang) or self.detected
            return _pick(spec.notes["stated"], lang).format(detected=detected)
        if self.defaulted and self.source == "auto":
            return _pick(spec.notes["default"], lang)
        return None

    def to_dict(self, lang: str) -> dict[str, Any]:
        spec = self._spec
        return {
            "value": self.value,
            "label": self.label(lang),
            "source": self.source,
            "detected": self.detected,
            "note": self.note(lang),
            "scores": dict(self.scores),
            "evidence": [e.to_dict(lang, spec) for e in self.evidence],
        }

    def to_storage(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "source": self.source,
            "detected": self.detected,
            "defaulted": self.defaulted,
            "scores": dict(self.scores),
            "evidence": [
                {"signal": e.signal, "kind": e.kind, "weight": e.weight, "text": e.text}
                for e in self.evidence
            ],
        }

    @classmethod
    def from_storage(cls, data: Mapping[str, Any], spec: KindSpec | None = None) -> Kind:
        """A stored kind; its texts come from `spec` (default: the shipped rule set's)."""
        return cls(
            value=str(data["value"]),
            source=str(data.get("source", "auto")),
            detected=str(data.get("detected", data["value"])),
            scores={str(k): float(v) for k, v in (data.get("scores") or {}).items()},
            evidence=tuple(
                Evidence(str(e["signal"]), str(e["kind"]), float(e["weight"]), str(e["text"]))
                for e in data.get("evidence") or ()
            ),
            defaulted=bool(data.get("defaulted", False)),
            spec=spec,
        )


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_EVIDENCE_TEXT else text[: _MAX_EVIDENCE_TEXT - 1] + "…"


def _header_evidence(msg: Message, spec: KindSpec) -> list[Evidence]:
    wanted = spec.header_names
    values: dict[str, list[str]] = {}
    for name, value in msg.headers:
        lname = name.lower()
        if lname in wanted:
            values.setdefault(lname, []).append(value)
    found = []
    for signal in spec.headers:
        for name in signal.names:
            hit = next(
                (
                    v
                    for v in values.get(name.lower(), ())
                    if signal.pattern is None or signal.pattern.search(v)
                ),
                None,
            )
            if hit is not None:
                text = _clip(f"{name}: {hit}")
                found.append(Evidence(signal.id, signal.kind, signal.weight, text))
                break
    return found


def _normalize(text: str) -> str:
    """The form phrases are matched in (scorer.phrases.normalize: NFKC, case-folded, one
    space for each whitespace run), by str.split, which is several times faster on long text."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _wording_evidence(msg: Message, spec: KindSpec) -> list[Evidence]:
    groups = {group.id: group for group in spec.wording}
    found = []
    texts = (("subject", msg.subject or ""), ("body", msg.visible_text[:_MAX_WORDING_TEXT]))
    for where, text in texts:
        seen: set[str] = set()
        for hit in spec.matcher.find(_normalize(text)).values():
            group = groups[hit.group]
            weight = group.subject if where == "subject" else group.body
            if hit.group in seen or not weight:
                continue
            seen.add(hit.group)
            found.append(Evidence(f"{where}.{group.id}", group.kind, weight, _clip(hit.phrase)))
    return found


def _shape_evidence(msg: Message, spec: KindSpec) -> list[Evidence]:
    found = []
    view = _View(msg)
    for signal in spec.shapes:
        text = _SHAPES[signal.id](view, signal.params or {})
        if text is not None:
            found.append(Evidence(signal.id, signal.kind, signal.weight, _clip(text)))
    return found


def decide(msg: Message, stated: str | None = None, spec: KindSpec | None = None) -> Kind:
    """The message's kind: the caller's when stated (validate with `stated_kind`), else the
    kind with the most evidence, if it reaches the minimum; otherwise the default."""
    spec = spec or load_spec()
    evidence = [
        *_header_evidence(msg, spec),
        *_wording_evidence(msg, spec),
        *_shape_evidence(msg, spec),
    ]
    scores = {kind: 0.0 for kind in KINDS}
    for item in evidence:
        scores[item.kind] += item.weight
    scores = {k: round(v, 2) for k, v in scores.items()}
    # ties go to the default, then to the kind listed first
    best = max(KINDS, key=lambda k: (scores[k], k == spec.default, -KINDS.index(k)))
    defaulted = scores[best] < spec.minimum
    detected = spec.default if defaulted else best
    evidence.sort(key=lambda e: (e.kind != detected, -e.weight, e.signal))
    return Kind(
        value=stated or detected,
        source="caller" if stated else "auto",
        detected=detected,
        scores=scores,
        evidence=tuple(evidence),
        defaulted=defaulted,
        spec=spec,
    )
