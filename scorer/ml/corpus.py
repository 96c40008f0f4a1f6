"""Read labelled raw messages from folders or .tar.gz archives, clean them, drop duplicates.

The layout is the one of shared/corpus/: a source folder holds `ham.tar.gz` and/or
`spam.tar.gz` (one message per member), but a plain folder of message files or a single archive
works too. Every message is normalised the same way before anything learns from it:

- line endings become LF, and an mbox `From ` line at the top is dropped, so neither the
  line-ending style of a corpus nor its storage format becomes a label;
- only headers an author writes before sending are kept (From, To, Subject, Content-*, ...):
  Received chains, X-Spam-*/X-Microsoft-Antispam*/Authentication-Results and every other transit
  or verdict-bearing header, and the List-*/Precedence headers that list servers add, are dropped.

Near-duplicates (one spam campaign, one list thread) share a group, so cross-validation never
puts copies of the same text on both sides of a split.
"""

from __future__ import annotations

import hashlib
import os
import re
import tarfile
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from scorer.errors import SpamscoreError
from scorer.message import Message, parse
from scorer.ml.features import clean_subject, clean_text

MAX_MESSAGE_BYTES = 4 * 1024 * 1024
"""Larger corpus members are skipped (the engine's own limit is applied at analysis time)."""

AUTHOR_HEADERS = frozenset(
    {
        "from",
        "to",
        "cc",
        "subject",
        "date",
        "message-id",
        "mime-version",
        "reply-to",
        "in-reply-to",
        "references",
        "thread-index",
        "content-type",
        "content-transfer-encoding",
        "content-disposition",
        "content-id",
        "content-language",
        "x-mailer",
        "user-agent",
    }
)
"""Headers a draft has before it is sent; everything else is transit, verdict or list data.
In-Reply-To, References and Thread-Index are written by the author's mail client when replying:
without them every genuine reply in the list ham would look like a fake `Re:` (SUBJ_FAKE_REPLY)."""

_MBOX_FROM = re.compile(rb"\AFrom [^\n]*\n")
_HEADER_NAME = re.compile(rb"^([!-9;-~]+)[ \t]*:")
_SKELETON_DROP = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[\d_]+|[^\w\s]+")
_SPACES = re.compile(r"\s+")


class CorpusError(SpamscoreError):
    """A corpus path that cannot be read, or holds no messages."""


@dataclass
class Sample:
    """One cleaned message with its label (1 spam, 0 ham) and where it came from."""

    source: str
    name: str
    label: int
    raw: bytes
    group: str = ""
    """Near-duplicate group key (set by `assign_groups`)."""
    _msg: Message | None = field(default=None, repr=False)

    @property
    def message(self) -> Message:
        """The parsed message (parsed once, on first use)."""
        if self._msg is None:
            self._msg = parse(self.raw)
        return self._msg


def normalise(raw: bytes) -> bytes:
    """LF line endings, no mbox `From ` line, only author headers (see AUTHOR_HEADERS)."""
    data = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    data = _MBOX_FROM.sub(b"", data, count=1)
    head, sep, body = data.partition(b"\n\n")
    if not sep:
        head, body = data, b""
    kept: list[bytes] = []
    keep = False
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t"):
            if keep:
                kept.append(line)
            continue
        match = _HEADER_NAME.match(line)
        keep = bool(match) and match.group(1).decode("ascii").lower() in AUTHOR_HEADERS
        if keep:
            kept.append(line)
    return b"\n".join(kept) + b"\n\n" + body


# --- reading -----------------------------------------------------------------------------------


def _read_tar(path: Path) -> Iterator[tuple[str, bytes]]:
    try:
        with tarfile.open(path, "r:*") as archive:
            members = sorted((m for m in archive.getmembers() if m.isfile()), key=lambda m: m.name)
            for member in members:
                if member.size > MAX_MESSAGE_BYTES or member.size == 0:
                    continue
                handle = archive.extractfile(member)
                if handle is not None:
                    yield f"{path.name}:{member.name}", handle.read()
    except (OSError, tarfile.TarError) as exc:
        raise CorpusError(f"cannot read archive {path}: {exc}") from None


def _read_folder(path: Path) -> Iterator[tuple[str, bytes]]:
    files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
    for file in files:
        if file.name in ("MANIFEST.tsv", "README.md", "LICENSES.txt") or file.suffix in (
            ".md",
            ".tsv",
            ".txt",
        ):
            continue
        if _is_archive(file):
            yield from _read_tar(file)
            continue
        size = file.stat().st_size
        if 0 < size <= MAX_MESSAGE_BYTES:
            yield str(file.relative_to(path)), file.read_bytes()


def _is_archive(path: Path) -> bool:
    return path.name.endswith((".tar.gz", ".tgz", ".tar"))


def read_messages(path: str | os.PathLike[str], label: int) -> list[Sample]:
    """Messages under `path` (a folder, a .tar.gz, or a source folder with ham/spam archives)."""
    root = Path(path)
    if not root.exists():
        raise CorpusError(f"no such corpus path: {root}")
    source = root.name if root.is_dir() else root.parent.name or root.name
    if root.is_dir():
        archive = root / ("spam.tar.gz" if label else "ham.tar.gz")
        other = root / ("ham.tar.gz" if label else "spam.tar.gz")
        if archive.exists():
            items: Iterable[tuple[str, bytes]] = _read_tar(archive)
        elif other.exists():
            raise CorpusError(f"{root} has {other.name} but no {archive.name}")
        else:
            items = _read_folder(root)
    elif _is_archive(root):
        items = _read_tar(root)
    else:
        items = [(root.name, root.read_bytes())]
    samples = [Sample(source, name, label, normalise(raw)) for name, raw in items]
    if not samples:
        raise CorpusError(f"no messages found in {root}")
    return samples


def load(ham: Iterable[str], spam: Iterable[str]) -> list[Sample]:
    """Every message of the ham and spam paths, in a stable order."""
    samples: list[Sample] = []
    for path in ham:
        samples.extend(read_messages(path, 0))
    for path in spam:
        samples.extend(read_messages(path, 1))
    return samples


# --- duplicates and groups ---------------------------------------------------------------------


def _norm_subject(msg: Message) -> str:
    subject = clean_subject(msg.subject).lower()
    subject = re.sub(r"[\d_]+", " ", subject)
    return _SPACES.sub(" ", re.sub(r"[^\w\s]+", " ", subject)).strip()


def _skeleton(msg: Message) -> str:
    """The body's words without numbers, links and addresses: equal across a campaign's copies."""
    text = unicodedata.normalize("NFKC", clean_text(msg.visible_text)).lower()
    return _SPACES.sub(" ", _SKELETON_DROP.sub(" ", text)).strip()


def _simhash(words: list[str]) -> int:
    """64-bit SimHash of word 3-shingles: near-identical texts differ in few bits."""
    if len(words) < 3:
        words = [*words, "", ""]
    shingles = sorted({" ".join(words[i : i + 3]) for i in range(len(words) - 2)})
    digest = b"".join(hashlib.blake2b(s.encode(), digest_size=8).digest() for s in shingles)
    bits = np.unpackbits(np.frombuffer(digest, dtype=np.uint8).reshape(len(shingles), 8), axis=1)
    votes = bits.sum(axis=0, dtype=np.int64) * 2 > len(shingles)
    return int.from_bytes(np.packbits(votes).tobytes(), "big")


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass
class Dedup:
    """What `deduplicate` removed, for the training log and the model card."""

    exact: int = 0
    near: int = 0
    conflicting: int = 0


NEAR_BITS = 3
"""SimHash bit difference at or under which two texts count as near-duplicates."""


def _near_pairs(hashes: list[int]) -> Iterator[tuple[int, int]]:
    """Index pairs whose SimHashes differ in at most NEAR_BITS bits (4-band LSH, exact check)."""
    for band in range(4):
        buckets: dict[int, list[int]] = {}
        for index, value in enumerate(hashes):
            buckets.setdefault(value >> (16 * band) & 0xFFFF, []).append(index)
        for members in buckets.values():
            if len(members) < 2 or len(members) > 500:
                continue
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    if bin(hashes[a] ^ hashes[b]).count("1") <= NEAR_BITS:
                        yield a, b


def deduplicate(samples: list[Sample]) -> tuple[list[Sample], Dedup]:
    """Drop exact and near duplicates (same skeleton, or SimHash within NEAR_BITS).

    The first copy in input order is kept. A text that appears as both ham and spam is dropped
    from both sides: its label is noise.
    """
    stats = Dedup()
    skeletons = [_norm_subject(s.message) + "\n" + _skeleton(s.message) for s in samples]
    first: dict[str, int] = {}
    keep: list[int] = []
    labels_of: dict[str, set[int]] = {}
    for index, skeleton in enumerate(skeletons):
        labels_of.setdefault(skeleton, set()).add(samples[index].label)
        if skeleton in first:
            stats.exact += 1
            continue
        first[skeleton] = index
        keep.append(index)
    keep_set = set()
    for index in keep:
        if len(labels_of[skeletons[index]]) > 1:
            stats.conflicting += 1
            continue
        keep_set.add(index)
    ordered = sorted(keep_set)
    hashes = [_simhash(skeletons[i].split()) for i in ordered]
    drop: set[int] = set()
    for a, b in _near_pairs(hashes):
        if ordered[a] in drop or ordered[b] in drop:
            continue
        if samples[ordered[a]].label != samples[ordered[b]].label:
            continue
        drop.add(ordered[b])
    stats.near = len(drop)
    return [samples[i] for i in ordered if i not in drop], stats


def assign_groups(samples: list[Sample]) -> None:
    """Give near-duplicate campaigns one group: same normalised subject, or body skeleton hash,
    or SimHash within NEAR_BITS bits. Sets `Sample.group`."""
    finder = _UnionFind(len(samples))
    by_key: dict[str, int] = {}
    hashes = []
    for index, sample in enumerate(samples):
        subject = _norm_subject(sample.message)
        skeleton = _skeleton(sample.message)
        keys = [f"b:{hashlib.sha1(skeleton.encode()).hexdigest()}"] if skeleton else []
        if len(subject) >= 4:
            keys.append(f"s:{subject}")
        for key in keys:
            if key in by_key:
                finder.union(by_key[key], index)
            else:
                by_key[key] = index
        hashes.append(_simhash(skeleton.split()))
    for a, b in _near_pairs(hashes):
        finder.union(a, b)
    for index, sample in enumerate(samples):
        sample.group = f"g{finder.find(index)}"
