"""Test addresses: `test-<id>@<domain>`, where the id is the test's unguessable id.

Like mail-tester's, the address is the key to its result: whoever can send to it may read the
report. The id is lower-case base32 (web.store.new_test_id), so an address survives mail systems
that lower-case local parts.
"""

from __future__ import annotations

import re

from web.store import valid_test_id

PREFIX = "test-"
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_DOMAIN = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*$")


def valid_domain(domain: str) -> bool:
    """A host name we can issue addresses in (letters, digits, hyphens; no trailing dot)."""
    return len(domain) <= 253 and bool(_DOMAIN.match(domain.lower()))


def address_for(test_id: str, domain: str) -> str:
    return f"{PREFIX}{test_id}@{domain.lower()}"


def parse_address(address: str) -> tuple[str, str] | None:
    """(test id, domain) of a test address (angle brackets allowed), or None if it is not one."""
    value = address.strip().removeprefix("<").removesuffix(">").strip()
    local, sep, domain = value.rpartition("@")
    if not sep:
        return None
    local = local.lower()
    domain = domain.lower().rstrip(".")
    if not local.startswith(PREFIX) or not valid_domain(domain):
        return None
    test_id = local[len(PREFIX) :]
    return (test_id, domain) if valid_test_id(test_id) else None
