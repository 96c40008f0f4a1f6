"""Hostile input: thousands of mutated and random messages must each get a report, in budget.

A seeded generator (SPAMSCORE_FUZZ_SEED to vary it; the seed is in every failure message) mutates
real messages and builds pathological ones: truncated MIME, random bytes, NULs, deep nesting,
giant headers, broken base64, unknown charsets, junk HTML, broken URLs. Hypothesis adds its own
random messages on top.
"""

from __future__ import annotations

import base64
import os
import random
import tarfile

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from scorer.compose import compose_message
from scorer.errors import MessageTooLargeError
from scorer.report import Report

from ..conftest import MESSAGES, SHARED

SEED = int(os.environ.get("SPAMSCORE_FUZZ_SEED", "20261129"))
COUNT = int(os.environ.get("SPAMSCORE_FUZZ_COUNT", "2400"))


def _seed_messages() -> list[bytes]:
    seeds = [p.read_bytes() for p in sorted(MESSAGES.glob("*.eml"))]
    seeds.append(
        compose_message(
            subject="Sale", text="Hi", html="<p>Hi <a href='https://x.example'>x</a></p>"
        )
    )
    seeds.append(compose_message(subject="=?ISO-2022-JP?B?GyRCJEckOSRrGyhC?=", text="日本語の本文"))
    corpus = SHARED / "corpus" / "spamassassin-2003" / "spam.tar.gz"
    if corpus.exists():
        with tarfile.open(corpus) as tar:
            members = [m for m in tar if m.isfile()]
            for member in random.Random(SEED).sample(members, 40):
                seeds.append(tar.extractfile(member).read())
    return seeds


def _deep(rng: random.Random) -> bytes:
    depth = rng.choice([30, 120, 600, 3000])
    lines = [b"From: a@example.com", b"Content-Type: multipart/mixed; boundary=b0", b""]
    for level in range(depth):
        lines += [
            b"--b%d" % level,
            b"Content-Type: multipart/mixed; boundary=b%d" % (level + 1),
            b"",
        ]
    lines += [b"--b%d" % depth, b"Content-Type: text/plain", b"", b"bottom"]
    return b"\r\n".join(lines)


def _giant_header(rng: random.Random) -> bytes:
    value = rng.choice(
        [
            b"a" * 300_000,
            b"; " * 20_000,
            b"=?utf-8?b?" + b"QUFB" * 30_000 + b"?=",
            b"<" * 50_000,
            b'"' * 40_000 + b"@x",
        ]
    )
    name = rng.choice([b"Subject", b"From", b"To", b"Content-Type", b"X-Junk", b"Reply-To"])
    return name + b": " + value + b"\r\n\r\nbody\r\n"


def _junk_html(rng: random.Random) -> bytes:
    kind = rng.randrange(5)
    if kind == 0:
        html = "<div>" * 20_000 + "x"
    elif kind == 1:
        html = "<a href='http://[::1'>x</a>" * 200 + "<a href='http://%%%%/'>y</a><a href=>z</a>"
    elif kind == 2:
        html = (
            "<style>"
            + "{" * 5000
            + "@media{" * 3000
            + "</style><p style='"
            + "color:" * 3000
            + "'>t"
        )
    elif kind == 3:
        html = "<img src=data:image/png;base64," + "A" * 200_000 + ">" + "<table><b>" * 3000
    else:
        html = "".join(
            rng.choice(["<", ">", "&", "#", "a", "=", '"', "/", "<!--", "]]>", "\x00"])
            for _ in range(20_000)
        )
    return compose_message(subject="html", html=html)


def _mutate(rng: random.Random, data: bytes) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(9)
        if not data:
            data = bytearray(b"x")
        pos = rng.randrange(len(data))
        if op == 0:
            del data[pos:]
        elif op == 1:
            data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
        elif op == 2:
            data[pos] = rng.randrange(256)
        elif op == 3:
            data[pos:pos] = b"\x00" * rng.randint(1, 16)
        elif op == 4:
            data[pos:pos] = rng.choice(
                [
                    b"\r\n--",
                    b"\n\n",
                    b"boundary=",
                    b"=?",
                    b"?=",
                    b"\x1b$B",
                    b"charset=x-unknown-42",
                    b"Content-Transfer-Encoding: base64\n",
                    b"=\n",
                    b"http://",
                    b"<a href=",
                    b"\xff\xfe",
                ]
            )
        elif op == 5:
            end = min(len(data), pos + rng.randint(1, 4000))
            data[pos:pos] = data[pos:end] * rng.randint(2, 5)
        elif op == 6:
            data = (
                data.replace(b"\n", b"\r\n") if rng.random() < 0.5 else data.replace(b"\r\n", b"\n")
            )
        elif op == 7:
            data[pos:pos] = b"Content-Type: multipart/mixed; boundary=zz\n\n--zz\n" * rng.randint(
                1, 40
            )
        else:
            chunk = base64.b64encode(bytes(rng.randrange(256) for _ in range(120)))
            data[pos:pos] = b"\n" + chunk[: rng.randint(1, len(chunk))] + b"===\n"
    return bytes(data)


def generate(count: int, seed: int):
    rng = random.Random(seed)
    seeds = _seed_messages()
    makers = [_deep, _giant_header, _junk_html]
    for index in range(count):
        roll = rng.random()
        if roll < 0.70:
            yield index, _mutate(rng, rng.choice(seeds))
        elif roll < 0.80:
            yield index, bytes(rng.randrange(256) for _ in range(rng.randint(0, 3000)))
        else:
            yield index, rng.choice(makers)(rng)


def _check(engine, data: bytes, label: str) -> None:
    budget = engine.settings.limits.time_budget_ms
    try:
        report = engine.analyze(data)
    except MessageTooLargeError:
        assert len(data) > engine.settings.limits.max_message_bytes, label
        return
    assert isinstance(report, Report), label
    # the whole analysis, parse included, ends within the budget (plus scheduling slack)
    assert report.elapsed_ms <= budget + 250, f"{label}: {report.elapsed_ms} ms > {budget} ms"
    report.to_json()  # serialisable, texts render


def test_generated_messages_never_break_analyze(offline_engine):
    count = 0
    for index, data in generate(COUNT, SEED):
        _check(offline_engine, data, f"seed={SEED} message #{index}")
        count += 1
    assert count >= 2000


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4000))
def test_random_bytes_get_a_report(offline_engine, data):
    _check(offline_engine, data, f"hypothesis input {data[:60]!r}")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    subject=st.text(max_size=300),
    body=st.text(max_size=2000),
    html=st.text(alphabet=st.sampled_from(list("<>/=\"' abcdiv&#;:\n")), max_size=2000),
)
def test_composed_garbage_gets_a_report(offline_engine, subject, body, html):
    try:
        raw = compose_message(
            subject=subject.replace("\r", " ").replace("\n", " "), text=body, html=html
        )
    except (ValueError, TypeError):
        assume(False)  # the stdlib refuses to build this message; nothing to analyse
    _check(offline_engine, raw, "hypothesis composed message")
