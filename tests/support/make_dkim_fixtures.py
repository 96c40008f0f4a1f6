"""Re-make the DKIM-signed fixture messages and their public keys (tests/data/dns/dkim.yaml).

    python -m tests.support.make_dkim_fixtures

Each run makes new keys and throws the private halves away, so the fixtures are signed by keys
nobody holds. Rule examples (rules/authentication.yaml) read these files.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from scorer.compose import compose_message
from tests.support.dkim_keys import rsa_key, sign

DATA = Path(__file__).resolve().parents[1] / "data"
UNSUB = {
    "List-Unsubscribe": "<https://good.example/unsub?u=42>, <mailto:unsub@good.example>",
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
}
SIGNED = [
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
]


def main() -> None:
    good = rsa_key(2048)
    esp = rsa_key(2048)
    example = rsa_key(2048)
    weak = rsa_key(1024)
    tiny = rsa_key(512)
    zones = {
        "s2048._domainkey.good.example": [{"TXT": good.record}],
        "esp._domainkey.esp.example": [{"TXT": esp.record}],
        "s1._domainkey.example.com": [{"TXT": example.record}],
        "s1024._domainkey.weak.example": [{"TXT": weak.record}],
        "s512._domainkey.weak.example": [{"TXT": tiny.record}],
    }
    messages = DATA / "messages"
    aligned = compose_message(
        from_="Good <news@good.example>", headers=UNSUB, message_id="<fixture-1@good.example>"
    )
    signed = sign(aligned, good, selector="s2048", domain="good.example", headers=SIGNED)
    (messages / "dkim_signed_aligned.eml").write_bytes(signed)
    (messages / "dkim_body_modified.eml").write_bytes(
        signed.replace(b"Best regards", b"Kind regards")
    )
    partial = sign(
        aligned,
        good,
        selector="s2048",
        domain="good.example",
        headers=[h for h in SIGNED if h != "List-Unsubscribe-Post"],
    )
    (messages / "dkim_unsub_not_signed.eml").write_bytes(partial)
    shop = compose_message(
        from_="Example Shop <news@example.com>",
        headers={**UNSUB, "List-Unsubscribe": "<https://example.com/unsub?u=7>"},
        message_id="<fixture-4@example.com>",
    )
    (messages / "dkim_signed_example_com.eml").write_bytes(
        sign(shop, example, selector="s1", domain="example.com", headers=SIGNED)
    )
    brand = compose_message(
        from_="Brand <news@brand.example>", message_id="<fixture-2@brand.example>"
    )
    (messages / "dkim_signed_unaligned.eml").write_bytes(
        sign(brand, esp, selector="esp", domain="esp.example")
    )
    weak_msg = compose_message(
        from_="Weak <news@weak.example>", message_id="<fixture-3@weak.example>"
    )
    (messages / "dkim_weak_key_1024.eml").write_bytes(
        sign(weak_msg, weak, selector="s1024", domain="weak.example")
    )
    (messages / "dkim_weak_key_512.eml").write_bytes(
        sign(weak_msg, tiny, selector="s512", domain="weak.example")
    )
    header = "# DKIM public keys for the signed fixture messages (made by make_dkim_fixtures.py)\n"
    (DATA / "dns" / "dkim.yaml").write_text(
        header + yaml.safe_dump(zones, width=10_000), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
