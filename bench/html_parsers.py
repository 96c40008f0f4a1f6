#!/usr/bin/env python3
"""Why lexbor: time HTML parsers on the HTML bodies of the shared corpora.

    pip install -e '.[bench]' && python bench/html_parsers.py [--per-corpus 150]

Each parser builds its tree and extracts the text (the least any check needs). lexbor
(selectolax) and html5lib follow the WHATWG parsing algorithm; lxml's libxml2 parser does not
(see tests/scorer/test_htmldoc.py for the behaviours that differ). Medians and p99 in ms.
"""

from __future__ import annotations

import argparse
import email
import random
import statistics
import tarfile
import time
from email import policy
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPORA = [
    SHARED / "corpus" / "spamassassin-2003" / "spam.tar.gz",
    SHARED / "corpus" / "legit-templates" / "ham.tar.gz",
    SHARED / "corpus" / "phishing-pot-2020s" / "spam.tar.gz",
]


def html_bodies(per_corpus: int) -> list[str]:
    bodies = []
    for path in CORPORA:
        with tarfile.open(path) as tar:
            members = [m for m in tar if m.isfile()]
            random.Random(1).shuffle(members)
            taken = 0
            for member in members:
                if taken >= per_corpus:
                    break
                msg = email.message_from_bytes(
                    tar.extractfile(member).read(), policy=policy.compat32
                )
                for part in msg.walk():
                    if part.get_content_type() == "text/html":
                        payload = part.get_payload(decode=True) or b""
                        bodies.append(payload.decode("utf-8", "replace"))
                        taken += 1
                        break
    return bodies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-corpus", type=int, default=150)
    args = parser.parse_args()
    from bs4 import BeautifulSoup
    from selectolax.lexbor import LexborHTMLParser

    from scorer.htmldoc import parse_html

    bodies = html_bodies(args.per_corpus)
    print(
        f"{len(bodies)} HTML bodies, {sum(map(len, bodies)) // len(bodies)} characters on average"
    )
    candidates = {
        "lexbor (selectolax) + text": lambda h: LexborHTMLParser(h).text(separator=" "),
        "spamscore parse_html (all facts)": lambda h: parse_html(h, max_nodes=60_000),
        "BeautifulSoup + lxml": lambda h: BeautifulSoup(h, "lxml").get_text(" "),
        "BeautifulSoup + html.parser": lambda h: BeautifulSoup(h, "html.parser").get_text(" "),
        "BeautifulSoup + html5lib": lambda h: BeautifulSoup(h, "html5lib").get_text(" "),
    }
    for name, parse in candidates.items():
        times = []
        for body in bodies:
            started = time.perf_counter()
            parse(body)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        print(
            f"{name:34s} median {statistics.median(times):7.3f} ms   "
            f"p99 {times[int(len(times) * 0.99)]:8.3f} ms   total {sum(times):8.1f} ms"
        )


if __name__ == "__main__":
    main()
