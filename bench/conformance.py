"""Run the third-party SPF, DKIM and DMARC conformance data through our code and count passes.

    python -m bench.conformance            # table of pass counts per suite
    python -m bench.conformance --failures # and what failed

Data comes from ../shared/conformance (never copied into the repository). Every DNS answer comes
from the real DNS server in tests/support/dns_server.py on 127.0.0.1, through scorer.dns; the
suites' zone data is served as it is (TIMEOUT entries really time out).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dkim
import yaml

from scorer.auth import dkim as dkim_auth
from scorer.auth import dmarc as dmarc_auth
from scorer.auth import spf as spf_auth
from scorer.dns import Resolver
from scorer.message import parse
from tests.support.dns_server import DNSTestServer

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "conformance"
TIMEOUT_MS = 250


@dataclass
class Suite:
    name: str
    passed: int = 0
    total: int = 0
    skipped: int = 0
    failures: list[str] = field(default_factory=list)
    note: str = ""

    def record(self, ok: bool, label: str) -> None:
        self.total += 1
        if ok:
            self.passed += 1
        else:
            self.failures.append(label)

    def as_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "total": self.total, "skipped": self.skipped}


class Harness:
    """One DNS server and resolver; each case swaps the zone data it needs."""

    def __init__(self) -> None:
        self.server = DNSTestServer().start()
        self.resolver = Resolver([self.server.address], timeout_ms=TIMEOUT_MS)

    def zones(self, data: dict[str, Any]) -> None:
        self.server.zones.replace(data)
        self.resolver.clear_cache()

    def session(self):  # type: ignore[no-untyped-def]
        return self.resolver.session(deadline=time.monotonic() + 30, max_queries=1000)

    def close(self) -> None:
        self.resolver.close()
        self.server.stop()


# --- SPF -------------------------------------------------------------------------------------


def spf_suite(harness: Harness, file: str, name: str) -> Suite:
    suite = Suite(name)
    for scenario in yaml.safe_load_all((SHARED / "spf" / file).read_text(encoding="utf-8")):
        if not scenario:
            continue
        harness.zones(scenario.get("zonedata") or {})
        for test_id, test in sorted((scenario.get("tests") or {}).items()):
            expected = test["result"]
            expected = expected if isinstance(expected, list) else [expected]
            result = spf_auth.check_host(
                harness.session(),
                str(test["host"]),
                test.get("mailfrom") or "",
                test.get("helo"),
                default_explanation="DEFAULT",
                strict=test.get("strict", True),
            )
            ok = result.result in expected
            if ok and test.get("explanation") is not None:
                ok = result.explanation == test["explanation"]
            suite.record(
                ok,
                f"{test_id}: got {result.result} ({result.explanation!r}), "
                f"want {expected} {test.get('explanation', '')!r}",
            )
    return suite


# --- DKIM ------------------------------------------------------------------------------------


def key_zones(path: Path) -> dict[str, Any]:
    """FAKE_DNS.dat / dns.txt lines as zone data (NXDOMAIN, timeouts and SERVFAIL included)."""
    zones: dict[str, Any] = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, value = line.strip().partition(" ")
        value = value.strip()
        if value == "NXDOMAIN":
            continue
        if "Query timed out" in value:
            zones[name] = ["TIMEOUT"]
        elif "SERVFAIL" in value:
            zones[name] = ["SERVFAIL"]
        else:
            zones[name] = [{"TXT": "" if value == '""' else value}]
    return zones


def crypto_results(harness: Harness, raw: bytes) -> list[str]:
    """pass/fail per signature, as a verifier that accepts 512-bit keys would say."""
    out = []
    for sig in dkim_auth.verify_all(harness.session(), raw):
        out.append("pass" if sig.passed or sig.crypto_ok else "fail")
    return out


def dkim_rfc(harness: Harness) -> Suite:
    suite = Suite("dkim-rfc")
    folder = SHARED / "dkim" / "rfc"
    harness.zones(key_zones(folder / "dns.txt"))
    expected = {
        "rfc6376-appendix-a.eml": ["pass"],
        "rfc8463-appendix-a3.eml": ["pass", "pass"],
        "go-msgauth-raw-rsa-pubkey.eml": ["pass"],
        "rfc6376-appendix-a1-unsigned.eml": [],
    }
    for name, want in expected.items():
        got = [
            s.result for s in dkim_auth.verify_all(harness.session(), (folder / name).read_bytes())
        ]
        if not want:
            suite.record(got == [], f"{name}: got {got}, want none")
        for index, result in enumerate(want):
            have = got[index] if index < len(got) else "missing"
            suite.record(have == result, f"{name}#{index}: got {have}, want {result}")
    return suite


def _sign(raw: bytes, key: bytes, selector: str, domain: str, ed25519: bool) -> bytes:
    algorithm = b"ed25519-sha256" if ed25519 else b"rsa-sha256"
    signature = dkim.sign(
        raw, selector.encode(), domain.encode(), key, signature_algorithm=algorithm
    )
    return signature + raw


def dkim_dkimpy(harness: Harness) -> Suite:
    suite = Suite("dkim-dkimpy")
    folder = SHARED / "dkim" / "dkimpy"
    zones = key_zones(folder / "dns.txt")
    harness.zones(zones)
    presigned = {
        "rfc6376.signed.msg": ["pass", "pass"],
        "ed25519test2.msg": ["pass"],
        "test2.message": ["pass"],
    }
    for name, want in presigned.items():
        got = [
            s.result for s in dkim_auth.verify_all(harness.session(), (folder / name).read_bytes())
        ]
        suite.record(got == want, f"{name}: got {got}, want {want}")
    got = [
        s.result
        for s in dkim_auth.verify_all(harness.session(), (folder / "message.mbox").read_bytes())
    ]
    suite.record(bool(got) and "pass" not in got, f"message.mbox (no key): got {got}")
    rsa_key = (folder / "test.private").read_bytes()
    signing = [
        ("test.message", rsa_key, "test", "example.com", False),
        ("test_extra.message", rsa_key, "test", "example.com", False),
        (
            "rfc6376.msg",
            (folder / "rfc8032_7_1.key").read_bytes(),
            "brisbane",
            "football.example.com",
            True,
        ),
        ("ed25519test.msg", (folder / "ed25519test.key").read_bytes(), "test", "example.net", True),
    ]
    for name, key, selector, domain, ed in signing:
        signed = _sign((folder / name).read_bytes(), key.strip(), selector, domain, ed)
        got = [s.result for s in dkim_auth.verify_all(harness.session(), signed)]
        suite.record(got == ["pass"], f"{name} signed: got {got}")
        tampered = signed + b"foo"
        got = [s.result for s in dkim_auth.verify_all(harness.session(), tampered)]
        suite.record(got == ["fail"], f"{name} tampered: got {got}")
    key_cases = {
        "test2.txt": "pass",
        "badversion.txt": "bad",
        "badk.txt": "bad",
        "test_bad.txt": "bad",
        "test_tlsrpt.txt": "bad",
    }
    message = (folder / "test.message").read_bytes()
    signed = _sign(message, rsa_key.strip(), "test", "example.com", False)
    for name, want in key_cases.items():
        record = (folder / name).read_text(encoding="utf-8").strip()
        harness.zones({**zones, "test._domainkey.example.com": [{"TXT": record}]})
        got = [s.result for s in dkim_auth.verify_all(harness.session(), signed)]
        ok = got == ["pass"] if want == "pass" else bool(got) and got[0] != "pass"
        suite.record(ok, f"key {name}: got {got}, want {want}")
    return suite


def dkim_mail_dkim(harness: Harness) -> tuple[Suite, Suite]:
    """Standard (RFC 6376) signatures vs dkimpy's recorded results, and vs Mail::DKIM's."""
    folder = SHARED / "dkim" / "mail-dkim"
    harness.zones(key_zones(folder / "FAKE_DNS.dat"))
    vs_dkimpy = Suite("dkim-mail-dkim (RFC 6376 signatures, per signature, vs dkimpy 1.1.8)")
    vs_perl = Suite("dkim-mail-dkim (RFC 6376 signatures, per message, vs Mail::DKIM)")
    with (folder / "expected.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    for row in rows:
        raw = (folder / "corpus" / row["file"]).read_bytes()
        if row["signature_kind"] != "DKIM":
            vs_dkimpy.skipped += 1
            vs_perl.skipped += 1
            continue
        results = dkim_auth.verify_all(harness.session(), raw)
        got = ["pass" if s.passed or s.crypto_ok else "fail" for s in results]
        want = [
            "pass" if w.strip() == "pass" else "fail"
            for w in row["dkimpy_1.1.8_observed_per_signature"].split(";")
        ]
        vs_dkimpy.record(got == want, f"{row['file']}: got {got}, dkimpy {want}")
        perl = row["mail_dkim_expected"].split(" ")[0]
        if any(s.passed or s.crypto_ok for s in results):
            overall = "pass"
        elif any(s.result == "fail" for s in results):
            overall = "fail"
        else:
            overall = "invalid"
        vs_perl.record(overall == perl, f"{row['file']}: got {overall}, Mail::DKIM {perl}")
    return vs_dkimpy, vs_perl


# --- DMARC -----------------------------------------------------------------------------------


def _valid(record: str, spec: str = dmarc_auth.RFC9989) -> bool:
    try:
        dmarc_auth.parse_record(record, spec=spec)
    except dmarc_auth.DmarcRecordError:
        return False
    return True


def _tags_match(record: str, expect: dict[str, str]) -> str:
    """The first expected tag value (checkdmarc's defaults: p, np, psd, t) we read otherwise."""
    parsed = dmarc_auth.parse_record(record)
    values = {"p": parsed.p, "np": parsed.np, "psd": parsed.psd, "t": parsed.t}
    for tag, want in expect.items():
        if values.get(tag, parsed.tags.get(tag, "")).lower() != str(want).lower():
            return f"{tag}={values.get(tag)} (want {want})"
    return ""


def dmarc_records() -> Iterator[Suite]:
    data = yaml.safe_load((SHARED / "dmarc" / "record-cases.yaml").read_text(encoding="utf-8"))
    for group, label, spec in (
        ("opendmarc_parse", "dmarc-records-opendmarc (RFC 7489)", dmarc_auth.RFC7489),
        ("checkdmarc_parse", "dmarc-records-checkdmarc (RFC 9989)", dmarc_auth.RFC9989),
    ):
        suite = Suite(label)
        for case in data[group]:
            got = _valid(case["record"], spec)
            wrong_tag = (
                _tags_match(case["record"], case["expect_tags"])
                if (got and case.get("expect_tags"))
                else ""
            )
            suite.record(
                got == case["valid"] and not wrong_tag,
                f"{case['record']!r}: valid={got}, want {case['valid']} {wrong_tag}"
                f"({case.get('note', '')})",
            )
        yield suite
    suite = Suite("dmarc-records-mail-dmarc (tag values and records)")
    tags = data["mail_dmarc_tag_values"]
    for verdict in ("good", "bad"):
        for tag, values in tags[verdict].items():
            for value in values:
                error = dmarc_auth.validate_tag(tag, str(value))
                ok = (error is None) if verdict == "good" else (error is not None)
                suite.record(ok, f"{tag}={value}: {error or 'ok'}, want {verdict}")
    for case in tags["records"]:
        got = _valid(case["record"])
        suite.record(got == case["valid"], f"{case['record']!r}: valid={got}")
    yield suite
    suite = Suite("dmarc-records-authheaders (tag dicts and From domains)")
    for case in data["authheaders_answer_to_dict"]:
        try:
            tags_got = {
                k: v.lower() for k, v in dmarc_auth.parse_record(case["record"]).tags.items()
            }
            want = (
                {k: str(v).lower() for k, v in case["expect"].items()}
                if isinstance(case["expect"], dict)
                else "error"
            )
            ok = tags_got == want
        except dmarc_auth.DmarcRecordError as exc:
            ok = case["expect"] == "error"
            tags_got = {"error": str(exc)}
        suite.record(ok, f"{case['record'][:40]!r}: {tags_got}")
    cases = yaml.safe_load(
        (SHARED / "dmarc" / "authheaders" / "cases.yaml").read_text(encoding="utf-8")
    )
    for header, domain in cases["from_domain_extraction"]:
        msg = parse(f"From: {header}\r\nSubject: x\r\n\r\nbody\r\n".encode())
        got = msg.from_addresses[0].domain if msg.from_addresses else ""
        suite.record(got == domain, f"From {header!r}: got {got!r}")
    for case in data["checkdmarc_report_uri"]:
        error = dmarc_auth.validate_tag("rua", case["uri"])
        suite.record((error is None) == (case["outcome"] == "ok"), f"rua={case['uri']}: {error}")
    yield suite


def dmarc_discovery(harness: Harness) -> Suite:
    data = yaml.safe_load((SHARED / "dmarc" / "record-cases.yaml").read_text(encoding="utf-8"))
    suite = Suite("dmarc-discovery (checkdmarc; RFC 9989 §4.10)")
    expected = {
        "DMARCRecordStartsWithWhitespace": ("permerror",),
        "MultipleDMARCRecords": ("permerror",),
        "UnrelatedTXTRecordFoundAtDMARC": ("found",),  # RFC: unrelated records are discarded
        "DMARCRecordNotFound": ("none",),
    }
    for case in data["checkdmarc_discovery"]:
        zones = {"_dmarc.example.com": [{"TXT": t} for t in case["txt"]]} if case["txt"] else {}
        harness.zones(zones)
        lookup = dmarc_auth.discover(harness.session(), "example.com")
        want = expected[case["outcome"]]
        suite.record(lookup.status in want, f"{case['outcome']}: got {lookup.status}")
    return suite


def dmarc_alignment() -> Suite:
    suite = Suite("dmarc-alignment (OpenDMARC; public-suffix list, RFC 7489)")
    cases = yaml.safe_load((SHARED / "dmarc" / "alignment-cases.yaml").read_text(encoding="utf-8"))
    for case in cases:
        got = dmarc_auth.aligned(case["domain_a"], case["domain_b"], case["mode"])
        suite.record(
            got == case["aligned"],
            f"#{case['n']} {case['domain_a']} ~ {case['domain_b']} ({case['mode']}): {got}",
        )
    return suite


_AR_DKIM = re.compile(r"dkim=(\w+)[^;]*?header\.d=([\w.\-]+)")


def dmarc_authheaders(harness: Harness) -> Suite:
    folder = SHARED / "dmarc" / "authheaders"
    data = yaml.safe_load((folder / "cases.yaml").read_text(encoding="utf-8"))
    suite = Suite("dmarc-authheaders (whole messages, RFC 9989 tree walk)")
    zones: dict[str, Any] = {}
    for name, value in data["dns"].items():
        if value is None:
            continue
        zones[name] = [{"TXT": value}] if value else [{"A": "192.0.2.1"}]
    harness.zones(zones)
    for case in data["cases"]:
        raw = (folder / case["message"]).read_bytes()
        passing: list[str] = []
        if case["check"].get("dkim"):
            passing = [s.domain for s in dkim_auth.verify_all(harness.session(), raw) if s.passed]
        elif case.get("prev"):
            passing = [d for r, d in _AR_DKIM.findall(case["prev"]) if r == "pass"]
        if case["dmarc"] is None:
            want_dkim = "dkim=pass" in case["expect"]
            suite.record(bool(passing) == want_dkim, f"{case['id']}: dkim passes {passing}")
            continue
        msg = parse(raw)
        domains = list(dict.fromkeys(a.domain for a in msg.from_addresses if a.domain))
        if not domains:
            verdict = "permerror"
        else:
            verdicts = []
            for domain in domains:
                session = harness.session()
                lookup = dmarc_auth.discover(session, domain)
                verdicts.append(
                    dmarc_auth.evaluate(
                        lookup,
                        spf_result="none",
                        spf_domain=None,
                        dkim_pass_domains=passing,
                        org_of=lambda name, s=session: dmarc_auth.organizational_domain(s, name),
                    ).result
                )
            order = ["temperror", "permerror", "fail", "none", "pass"]
            verdict = min(verdicts, key=order.index)
        suite.record(verdict == case["dmarc"], f"{case['id']}: got {verdict}, want {case['dmarc']}")
    return suite


# --- driver ----------------------------------------------------------------------------------


def run_all(progress: Callable[[str], None] | None = None) -> list[Suite]:
    harness = Harness()
    suites: list[Suite] = []
    try:
        steps: list[Callable[[], Any]] = [
            lambda: spf_suite(harness, "rfc7208-tests.yml", "spf-rfc7208"),
            lambda: spf_suite(harness, "rfc4408-tests.yml", "spf-rfc4408"),
            lambda: spf_suite(harness, "pyspf-tests.yml", "spf-pyspf"),
            lambda: spf_suite(harness, "blitirispf-tests.yml", "spf-blitirispf"),
            lambda: dkim_rfc(harness),
            lambda: dkim_dkimpy(harness),
            lambda: dkim_mail_dkim(harness),
            lambda: list(dmarc_records()),
            dmarc_alignment,
            lambda: dmarc_discovery(harness),
            lambda: dmarc_authheaders(harness),
        ]
        for step in steps:
            result = step()
            items = list(result) if isinstance(result, list | tuple) else [result]
            for suite in items:
                suites.append(suite)
                if progress:
                    progress(suite.name)
    finally:
        harness.close()
    return suites


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--failures", action="store_true", help="list every failing case")
    args = parser.parse_args(argv)
    if not SHARED.is_dir():
        print(f"conformance data not found at {SHARED}", file=sys.stderr)
        return 2
    started = time.monotonic()
    suites = run_all()
    width = max(len(s.name) for s in suites)
    for suite in suites:
        extra = f"  ({suite.skipped} not applicable)" if suite.skipped else ""
        print(f"{suite.name:<{width}}  {suite.passed:>4} / {suite.total:<4}{extra}")
        if args.failures:
            for failure in suite.failures:
                print(f"    FAIL {failure}")
    print(f"({time.monotonic() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
