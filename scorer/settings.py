"""Immutable engine settings and limits, read from the environment with documented defaults.

Every limit is a field here, so one place documents it (README "Limits") and tests can hand the
pipeline a tighter copy with `dataclasses.replace`.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from scorer.errors import SettingsError


@dataclass(frozen=True)
class Limits:
    """What the engine examines per message; past a limit the report says what it skipped."""

    max_message_bytes: int = 10 * 1024 * 1024
    """Larger input is refused unread (CLI exit 2, API 413)."""
    max_mime_depth: int = 20
    """Nesting of multipart/message parts walked; deeper parts are not examined."""
    max_parts: int = 250
    """MIME parts examined, in document order."""
    max_header_bytes: int = 256 * 1024
    """Header block bytes decoded; a giant header block is cut here."""
    max_html_bytes: int = 2 * 1024 * 1024
    """HTML bytes handed to the HTML parser, over all HTML parts."""
    max_html_nodes: int = 10_000
    """HTML tags parsed and walked. Bounded before parsing: WHATWG tree building is quadratic on
    deep nesting (lexbor: 0.11 s for 10,000 nested <div>, 0.52 s for 20,000); the corpora's
    p99 is 2,100 tags."""
    max_html_element_attributes: int = 1_000
    """Attributes on one HTML element, counted before parsing (scorer.htmlscan): parsers look up
    each new attribute name in the element's list, so one <div> with 25,000 attributes cost
    lexbor 2.6 s and 200,000 over a minute. The corpora's most is 1,038 (phishing); legitimate
    mail has at most 16."""
    max_html_attributes: int = 20_000
    """Attributes of all HTML elements together, counted before parsing (the corpora's most:
    9,993 in one phishing message, 2,988 in legitimate mail)."""
    max_html_depth: int = 512
    """Elements open inside one another, counted before parsing: every tag checks the stack of
    open elements (html5ever: 0.9 s for 10,000 nested <div>). Browsers' own parsers stop
    nesting at 512 (Blink); legitimate mail in the corpora nests at most 39 deep."""
    max_html_reopened: int = 100_000
    """Element re-creations a formatting element left open may cause, counted before parsing:
    the tree builder re-creates every open <b>, <font>, <a>... inside each later block, so 2,000
    unclosed <b> before 3,000 paragraphs (53 KB) made 6 million elements in 10.8 s. Each one
    counts its attributes plus one."""
    max_lines: int = 250_000
    """Lines of the message the MIME parser reads: the stdlib parser costs 1-2 µs a line, so
    10 MB of blank lines (5 million of them) took 8 s. A 10 MB message of base64 has 138,000;
    the corpora's longest has 37,436."""
    max_text_chars: int = 1_000_000
    """Characters of decoded text that content rules read."""
    max_urls: int = 500
    """Distinct URLs examined by link checks and blocklists."""
    time_budget_ms: int = 5_000
    """Wall-clock budget per message, parsing included; checks not started in time are listed
    in `skipped`, and the report is inconclusive."""
    dns_timeout_ms: int = 1_500
    """Timeout for one DNS query."""
    dns_deadline_ms: int = 4_000
    """All DNS work for one message ends by this deadline."""
    max_dns_queries: int = 200
    """DNS queries per message (SPF, DKIM, DMARC, MX, PTR, blocklists together)."""

    def replace(self, **changes: int) -> Limits:
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class Settings:
    """Engine settings; build with `Settings.from_env()` or the presets below."""

    threshold: float = 5.0
    reject_threshold: float = 10.0
    """Score at which an MTA should refuse the message (rspamd's `reject` action)."""
    lang: str = "en"
    offline: bool = False
    limits: Limits = field(default_factory=Limits)
    nameservers: tuple[str, ...] = ()
    """`host[:port]` entries; empty means the system resolver configuration."""
    use_classifier: bool = True
    model_path: str | None = None
    """Directory of the classifier model; None means the shipped one in models/."""
    spamd_host: str | None = None
    """`host[:port]` of a SpamAssassin spamd whose opinion is shown beside ours (SPAMD_HOST)."""
    rspamd_url: str | None = None
    """`http://host:port` of an rspamd whose opinion is shown beside ours (RSPAMD_URL)."""
    opinions_timeout_ms: int = 3_000
    """How long spamd or rspamd may take to give its opinion before it is listed as skipped."""
    dns_check_name: str = "example.com"
    """A name that must exist (RFC 2606 reserves it and IANA serves it): a resolver that says
    NXDOMAIN for it is lying or cut off. Empty switches this half of the sanity check off."""
    dns_check_absent_name: str = "spamscore-check.invalid"
    """A name that must not exist (RFC 6761 §6.4: `.invalid` never resolves): a resolver that
    answers for it rewrites NXDOMAIN (captive portals, ISP search pages). Empty: off."""
    dns_check_seconds: int = 300
    """How long a resolver that passed the sanity check is trusted before it is asked again (a
    failing one is asked again after a tenth of this, so a fixed resolver is noticed soon)."""

    def replace(self, **changes: object) -> Settings:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def offline_preset(cls) -> Settings:
        return cls(offline=True)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from `SPAMSCORE_*` variables; unknown values raise SettingsError."""
        env = os.environ if env is None else env
        defaults = Limits()
        limits = Limits(
            **{
                f.name: env_int(env, "SPAMSCORE_" + f.name.upper(), getattr(defaults, f.name))
                for f in dataclasses.fields(Limits)
            }
        )
        lang = env.get("SPAMSCORE_LANG", "en")
        if lang not in ("en", "ja"):
            raise SettingsError(f"SPAMSCORE_LANG must be en or ja, not {lang!r}")
        nameservers = tuple(
            s.strip() for s in env.get("SPAMSCORE_NAMESERVERS", "").split(",") if s.strip()
        )
        return cls(
            threshold=env_float(env, "SPAMSCORE_THRESHOLD", 5.0, minimum=None),
            reject_threshold=env_float(env, "SPAMSCORE_REJECT_THRESHOLD", 10.0, minimum=None),
            lang=lang,
            offline=env_bool(env, "SPAMSCORE_OFFLINE", False),
            limits=limits,
            nameservers=nameservers,
            use_classifier=env_bool(env, "SPAMSCORE_CLASSIFIER", True),
            model_path=env.get("SPAMSCORE_MODEL") or None,
            spamd_host=env.get("SPAMD_HOST") or None,
            rspamd_url=env.get("RSPAMD_URL") or None,
            opinions_timeout_ms=env_int(
                env,
                "SPAMSCORE_OPINIONS_TIMEOUT_MS",
                env_int(env, "SPAMSCORE_ENGINES_TIMEOUT_MS", 3000),  # its old name still works
            ),
            dns_check_name=_dns_name(env, "SPAMSCORE_DNS_CHECK_NAME", "example.com"),
            dns_check_absent_name=_dns_name(
                env, "SPAMSCORE_DNS_CHECK_ABSENT_NAME", "spamscore-check.invalid"
            ),
            dns_check_seconds=env_int(env, "SPAMSCORE_DNS_CHECK_SECONDS", 300),
        )


def _dns_name(env: Mapping[str, str], key: str, default: str) -> str:
    """A DNS name setting; set to an empty value it switches its check off."""
    if key not in env:
        return default
    value = env[key].strip().rstrip(".").lower()
    if value and (len(value) > 253 or any(not 0 < len(p) < 64 for p in value.split("."))):
        raise SettingsError(f"{key} is not a DNS name: {env[key]!r}")
    return value


# Environment parsing shared by every face (engine, web service, inbox): one message style.


def env_int(env: Mapping[str, str], key: str, default: int, *, minimum: int = 1) -> int:
    """An integer setting; unset or blank gives `default`; below `minimum` is an error."""
    value = (env.get(key) or "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise SettingsError(f"{key} must be an integer, not {value!r}") from None
    if number < minimum:
        word = "positive" if minimum == 1 else f"at least {minimum}"
        raise SettingsError(f"{key} must be {word}, not {number}")
    return number


def env_float(
    env: Mapping[str, str],
    key: str,
    default: float,
    *,
    minimum: float | None = 0.0,
    positive: bool = False,
) -> float:
    """A number setting; `positive` requires > 0, else `minimum` (None: any value)."""
    value = (env.get(key) or "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        raise SettingsError(f"{key} must be a number, not {value!r}") from None
    if positive and not number > 0:
        raise SettingsError(f"{key} must be positive, not {value!r}")
    if minimum is not None and number < minimum:
        raise SettingsError(f"{key} must not be negative, not {value!r}")
    return number


def env_bool(env: Mapping[str, str], key: str, default: bool) -> bool:
    """A 0/1 switch (also true/false, yes/no, on/off); blank gives `default`."""
    lowered = (env.get(key) or "").strip().lower()
    if not lowered:
        return default
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{key} must be 0 or 1, not {env.get(key)!r}")
