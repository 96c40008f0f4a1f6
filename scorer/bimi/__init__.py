"""BIMI readiness: the assertion record, the DMARC it needs, the logo and the mark certificate.

`assess()` puts the parts together for one From domain and says, provider by provider
(rules/lists/bimi/providers.yaml), whether the logo would show and why not. The logo and the
certificate are checked when the caller uploads them or, opt-in, when they are fetched through
the guarded fetcher (scorer.fetch); never otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

import yaml

from scorer.bimi.record import BimiLookup
from scorer.bimi.svg import SvgReport
from scorer.bimi.vmc import MarkReport
from scorer.i18n import T
from scorer.paths import rules_dir


@lru_cache(maxsize=1)
def display_providers() -> dict[str, Any]:
    """rules/lists/bimi/providers.yaml: which providers show logos, with what certificates."""
    path = rules_dir() / "lists" / "bimi" / "providers.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


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

    def providers(self, lang: str, at: datetime) -> list[dict[str, Any]]:
        """Provider by provider: would the logo show ("yes", "no", "unknown") and why."""
        out = []
        for provider in display_providers()["providers"]:
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
