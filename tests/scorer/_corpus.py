"""Read single messages from the shared corpora at test time (never copied into the repo)."""

from __future__ import annotations

import tarfile
from functools import lru_cache

from tests.conftest import SHARED


@lru_cache(maxsize=4)
def _members(source: str, label: str) -> dict[str, bytes]:
    path = SHARED / "corpus" / source / f"{label}.tar.gz"
    if not path.exists():
        return {}
    with tarfile.open(path) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}  # type: ignore[union-attr]


def corpus_message(source: str, label: str, prefix: str) -> bytes | None:
    """The first member of `<source>/<label>.tar.gz` whose name starts with `prefix`."""
    for name, data in sorted(_members(source, label).items()):
        if name.startswith(prefix):
            return data
    return None
