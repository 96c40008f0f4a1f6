"""BIMI readiness: the assertion record, the DMARC it needs, the logo and the mark certificate.

`Assessment` puts the parts together for one From domain and says, provider by provider
(rules/lists/bimi/providers.yaml, `RuleSet.lists.bimi_providers`), whether the logo would show
and why not. The logo and the
certificate are checked when the caller uploads them or, opt-in, when they are fetched through
the guarded fetcher (scorer.fetch); never otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from scorer.bimi.record import BimiLookup
from scorer.bimi.svg import SvgReport
from scorer.bimi.vmc import MarkReport
from scorer.errors import RuleError
from scorer.i18n import T
from scorer.ruledata import bilingual, date, known_keys, sources

CERTIFICATE_KINDS = ("VMC", "CMC")
_PROVIDER_KEYS = (
    "id",
    "name",
    "certificates",
    "certificate_required",
    "distrust",
    "note",
    "source",
)


@dataclass(frozen=True)
class DisplayProviders:
    """rules/lists/bimi/providers.yaml: which providers show logos, with what certificates."""

    as_of: str
    providers: tuple[dict[str, Any], ...]
    """Each: id, name {en, ja}, certificates, certificate_required, distrust [{issuer_org,
    issued_after}], note {en, ja}, sources."""


def parse_providers(data: Any, where: str = "bimi/providers.yaml") -> DisplayProviders:
    """Validate the BIMI providers data strictly (keys, texts, certificate kinds, dates)."""
    known_keys(data, where, ("as_of", "providers"), ("as_of", "providers"))
    if not isinstance(data["providers"], list) or not data["providers"]:
        raise RuleError(f"{where}: providers must be a non-empty list")
    out = []
    for index, raw in enumerate(data["providers"]):
        here = f"{where}: providers[{index}]"
        known_keys(raw, here, _PROVIDER_KEYS, ("id", "name", "certificates", "source"))
        kinds = raw["certificates"]
        if not isinstance(kinds, list) or not set(kinds) <= set(CERTIFICATE_KINDS):
            raise RuleError(f"{here}: certificates must be a list of {CERTIFICATE_KINDS}")
        if not isinstance(raw.get("certificate_required", False), bool):
            raise RuleError(f"{here}: certificate_required must be true or false")
        distrust = []
        for rule in raw.get("distrust") or []:
            known_keys(
                rule,
                f"{here}.distrust",
                ("issuer_org", "issued_after"),
                ("issuer_org", "issued_after"),
            )
            distrust.append(
                {
                    "issuer_org": str(rule["issuer_org"]),
                    "issued_after": date(rule["issued_after"], f"{here}.distrust.issued_after"),
                }
            )
        provider = {
            "id": str(raw["id"]),
            "name": bilingual(raw["name"], f"{here}.name"),
            "certificates": list(kinds),
            "certificate_required": bool(raw.get("certificate_required", False)),
            "distrust": distrust,
            "sources": sources(raw["source"], f"{here}.source"),
        }
        if raw.get("note") is not None:
            provider["note"] = bilingual(raw["note"], f"{here}.note")
        out.append(provider)
    return DisplayProviders(date(data["as_of"], f"{where}: as_of"), tuple(out))


@dataclass
class DmarcGate:
    """BIMI's DMARC prerequisite (draft-brand-indicators-...-10 §7.1 steps 7–9, and RFC 9989 t=)."""

    ok: bool
    reasons: list[Any] = field(default_factory=list)


@dataclass
class Assessment:
    lookup: BimiLookup
    dmarc: DmarcGate
    logo: SvgReport | None = None
    certificate: MarkReport | None = None
    logo_source: str = ""
    certificate_source: str = ""
    problems: list[str] = field(default_factory=list)
    """Fetch refusals and failures (never fatal)."""

    def providers(self, display: DisplayProviders, lang: str, at: datetime) -> list[dict[str, Any]]:
        """Provider by provider: would the logo show ("yes", "no", "unknown") and why."""
        out = []
        for provider in display.providers:
            reasons: list[Any] = []
            unknown: list[Any] = []
            if self.lookup.record is None or self.lookup.record.declined:
                reasons.append(T("bimi.why.no_record"))
            if not self.dmarc.ok:
                reasons.append(T("bimi.why.dmarc"))
            if self.logo is None:
                unknown.append(T("bimi.why.logo_unchecked"))
            elif not self.logo.ok:
                reasons.append(T("bimi.why.logo_invalid"))
            reasons += self._certificate_reasons(provider, lang, at, unknown)
            verdict = "no" if reasons else ("unknown" if unknown else "yes")
            name = provider["name"].get(lang) or provider["name"]["en"]
            out.append(
                {
                    "provider": provider["id"],
                    "name": name,
                    "shows": verdict,
                    "why": reasons + unknown,
                }
            )
        return out

    def _certificate_reasons(
        self, provider: dict[str, Any], lang: str, at: datetime, unknown: list[Any]
    ) -> list[Any]:
        cert = self.certificate
        required = provider.get("certificate_required", False)
        if cert is None:
            if required:
                unknown.append(T("bimi.why.cert_unchecked"))
            return []
        reasons: list[Any] = []
        if not cert.ok:
            reasons.append(T("bimi.why.cert_invalid"))
        if cert.kind and cert.kind not in provider.get("certificates", []):
            reasons.append(T("bimi.why.kind_not_accepted", kind=cert.kind))
        for rule in provider.get("distrust", []):
            issued = cert.not_before
            orgs = " ".join(cert.chain_orgs).lower()
            after = rule["issued_after"]
            who = rule["issuer_org"]
            if who.lower() in orgs and issued is not None and issued.date().isoformat() > after:
                reasons.append(T("bimi.why.distrusted", issuer=who, after=after))
        del at
        return reasons
