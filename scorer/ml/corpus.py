"""Read labelled raw messages from folders or .tar.gz archives, clean them, drop duplicates.

The layout is the one of shared/corpus/: a source folder holds `ham.tar.gz` and/or
`spam.tar.gz` (one message per member), but a plain folder of message files or a single archive
works too. Every message is normalised the same way before anything learns from it:

- line endings become LF, and an mbox `From ` line at the top is dropped, so neither the
  line-ending style of a corpus nor its storage format becomes a label;
- only headers an author writes before sending are kept (From, To, Subject, Content-*, ...):
  Received chains, X-Spam-*/X-Microsoft-Antispam*/Authentication-Results and every other transit
  or verdict-bearing header, and the List-*/Precedence headers that list servers add, are dropped.

Mailing-list delivery leaves artefacts inside the message too: a Mailman 3 footer ("X mailing
list -- ... To unsubscribe send an email to ...") appended to the text or as its own part, and a
verdict tag such as `[spam]` in front of the subject. Neither was written by the author, so both
are removed (`strip_list_artifacts`).

A source's MANIFEST.tsv may say more about its members: a `note` that marks a file as hand-made
(not received mail: dropped with `drop_hand_made`), and a `source` column naming the upstream
repository, in which case each repository (the first path component of the member) is its own
evaluation unit (`Sample.unit`).

Near-duplicates (one spam campaign, one list thread, one sender) share a group, so
cross-validation never puts copies of the same text on both sides of a split.
"""

from __future__ import annotations

import csv
import email
import email.header
import email.message
import email.policy
import fnmatch
import hashlib
import os
import re
import tarfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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

TRANSIT_HEADER = re.compile(
    rb"(?:received|x-received|received-spf|return-path|delivered-to|x-original-to|envelope-to"
    rb"|authentication-results|arc-[a-z-]+|x-spam[a-z-]*|x-microsoft-antispam[a-z-]*"
    rb"|x-ms-[a-z0-9-]+|x-forefront-[a-z-]+|x-virus-[a-z-]+|x-greylist|dkim-filter"
    rb"|x-foff-[a-z-]+|x-originating-ip|x-google-smtp-source|x-gm-message-state"
    rb"|x-rspamd-[a-z-]+|x-proofpoint-[a-z-]+|x-mimecast-[a-z-]+|x-barracuda-[a-z-]+)",
    re.IGNORECASE,
)
"""Headers the wire and the receiving filters add (transit and verdicts): what a draft lacks.
`strip_transit_headers` removes them; the score must not change when it does
(tests/scorer/test_transit_headers.py)."""
_MBOX_FROM = re.compile(rb"\AFrom [^\n]*\n")
_HEADER_NAME = re.compile(rb"^([!-9;-~]+)[ \t]*:")
_SKELETON_DROP = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[\d_]+|[^\w\s]+")
_SPACES = re.compile(r"\s+")


class CorpusError(SpamscoreError):
    """A corpus path that cannot be read, or holds no messages."""


@dataclass(frozen=True)
class MessageKeys:
    """What de-duplication and grouping compare, computed once per message (and cacheable)."""

    subject: str
    """Normalised subject (no prefixes, tags, digits or punctuation; lower case)."""
    body: str
    """sha1 of the body skeleton ("" when the body has no words)."""
    body_simhash: int
    text: str
    """sha1 of subject + body skeleton: equal for exact duplicates."""
    text_simhash: int
    sender: str
    """Registrable domain of the From address, "" for freemail, placeholders and none."""


@dataclass
class Sample:
    """One cleaned message with its label (1 spam, 0 ham) and where it came from."""

    source: str
    name: str
    label: int
    raw: bytes
    group: str = ""
    """Near-duplicate group key (set by `assign_groups`)."""
    unit: str = ""
    """Evaluation unit: the source, or `source/repo` for a source whose MANIFEST names
    upstream repositories (each template repo of legit-templates is its own unit)."""
    note: str = ""
    """The MANIFEST's note on this member, if any."""
    _msg: Message | None = field(default=None, repr=False)
    _keys: MessageKeys | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not self.unit:
            self.unit = self.source

    @property
    def member(self) -> str:
        """The path inside its archive or folder (no archive name)."""
        return self.name.split(":", 1)[1] if ":" in self.name else self.name

    @property
    def origin(self) -> str:
        """`source/member`: what --exclude and --weight patterns match."""
        return f"{self.source}/{self.member}"

    @property
    def message(self) -> Message:
        """The parsed message (parsed once, on first use)."""
        if self._msg is None:
            self._msg = parse(self.raw)
        return self._msg

    @property
    def keys(self) -> MessageKeys:
        if self._keys is None:
            self._keys = message_keys(self.message)
        return self._keys

    def release(self) -> None:
        """Forget the parsed message (its keys stay): corpora of thousands of parsed
        messages would hold gigabytes."""
        self._msg = None


def normalise(raw: bytes) -> bytes:
    """LF line endings, no mbox `From ` line, no list artefacts, only author headers (see
    AUTHOR_HEADERS)."""
    data = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    data = _MBOX_FROM.sub(b"", data, count=1)
    data = strip_list_artifacts(data)
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


# Mailman 3 appends "____ / <List> mailing list -- <address> / To unsubscribe send an email to
# <address>" to the text part, or as a part of its own when the message is multipart.
_MAILMAN3_FOOTER = re.compile(
    r"\n*_{20,}\n[^\n]* mailing list -- [^\n]+\nTo unsubscribe send an email to [^\n]+\s*\Z"
)
# A verdict tag a filter on the way put in front of the subject ("[spam] ...", "***SPAM***").
_VERDICT_TAG = re.compile(r"^\s*(?:\[\s*spam\s*\]|\*{2,3}\s*spam\s*\*{2,3}|\{spam\??\})\s*", re.I)
_LIST_HEADER = re.compile(rb"^(?:list-id|list-unsubscribe|x-mailman-version)\s*:", re.I | re.M)


def strip_list_artifacts(data: bytes) -> bytes:
    """`data` (LF line endings) without a list server's footer and a filter's subject tag.

    Only mail that came through a list (List-Id or Mailman headers) is rewritten, and only
    when the footer or tag is there; everything else is returned unchanged, byte for byte.
    """
    head = data.partition(b"\n\n")[0]
    if not _LIST_HEADER.search(head):
        return data
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    changed = False
    subject = msg.get("Subject")
    if subject is not None:
        decoded = _decode_header(str(subject))
        untagged = _VERDICT_TAG.sub("", decoded, count=1)
        if untagged != decoded:
            del msg["Subject"]
            msg["Subject"] = email.header.Header(untagged, "utf-8").encode()
            changed = True
    for part in list(msg.walk()):
        if part.is_multipart() or part.get_content_type() != "text/plain":
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        charset = part.get_content_charset() or "us-ascii"
        try:
            text = payload.decode(charset, "replace").replace("\r\n", "\n")
        except LookupError:
            continue
        stripped = _MAILMAN3_FOOTER.sub("", text)
        if stripped == text:
            continue
        changed = True
        parent = _parent_of(msg, part)
        if not stripped.strip() and parent is not None:
            parent.get_payload().remove(part)
            continue
        del part["Content-Transfer-Encoding"]
        part.set_payload(stripped + "\n", "utf-8")
    if not changed:
        return data
    out = msg.as_bytes(policy=email.policy.compat32.clone(linesep="\n"))
    return out.replace(b"\r\n", b"\n")


def _decode_header(value: str) -> str:
    """An encoded-word header value as text; undecodable bytes become U+FFFD."""
    parts = []
    try:
        chunks = email.header.decode_header(value)
    except (ValueError, LookupError):
        return value
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            parts.append(chunk)
            continue
        try:
            parts.append(chunk.decode(charset or "ascii", "replace"))
        except LookupError:
            parts.append(chunk.decode("latin-1"))
    return "".join(parts)


def _parent_of(root: email.message.Message, child: email.message.Message) -> Any:
    for part in root.walk():
        if part.is_multipart() and any(p is child for p in part.get_payload()):
            return part
    return None


def strip_transit_headers(raw: bytes) -> bytes:
    """`raw` without its transit and verdict headers (TRANSIT_HEADER), the rest unchanged."""
    newline = b"\r\n" if b"\r\n" in raw[:4096] else b"\n"
    head, sep, body = raw.partition(newline + newline)
    if not sep:
        return raw
    kept: list[bytes] = []
    keep = True
    for line in head.split(newline):
        if line[:1] in (b" ", b"\t"):
            if keep:
                kept.append(line)
            continue
        match = _HEADER_NAME.match(line)
        keep = not (match and TRANSIT_HEADER.fullmatch(match.group(1)))
        if keep:
            kept.append(line)
    return newline.join(kept) + sep + body


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


HAND_MADE = re.compile(r"hand-?made", re.I)
"""A MANIFEST note matching this marks a file that is not received mail."""


def read_manifest(root: Path) -> tuple[dict[str, str], bool]:
    """(member path -> note, whether the MANIFEST names upstream repositories) of a source
    folder; empty when it has no MANIFEST.tsv."""
    path = root / "MANIFEST.tsv"
    if not root.is_dir() or not path.is_file():
        return {}, False
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    notes = {row["path"]: (row.get("note") or "").strip() for row in rows if row.get("path")}
    return notes, bool(rows) and "source" in rows[0]


def read_messages(
    path: str | os.PathLike[str], label: int, *, drop_hand_made: bool = True
) -> list[Sample]:
    """Messages under `path` (a folder, a .tar.gz, or a source folder with ham/spam archives).

    Members the MANIFEST notes as hand-made are left out unless `drop_hand_made` is False."""
    root = Path(path)
    if not root.exists():
        raise CorpusError(f"no such corpus path: {root}")
    source = root.name if root.is_dir() else root.parent.name or root.name
    notes, by_repo = read_manifest(root)
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
    samples = []
    for name, raw in items:
        member = name.split(":", 1)[1] if ":" in name else name
        note = notes.get(member, "")
        if drop_hand_made and HAND_MADE.search(note):
            continue
        unit = f"{source}/{member.split('/')[0]}" if by_repo and "/" in member else source
        samples.append(Sample(source, name, label, normalise(raw), unit=unit, note=note))
    if not samples:
        raise CorpusError(f"no messages found in {root}")
    return samples


def load(
    ham: Iterable[str],
    spam: Iterable[str],
    *,
    exclude: Sequence[str] = (),
    drop_hand_made: bool = True,
) -> list[Sample]:
    """Every message of the ham and spam paths, in a stable order, minus those whose
    `source/member` matches an `exclude` glob."""
    samples: list[Sample] = []
    for path in ham:
        samples.extend(read_messages(path, 0, drop_hand_made=drop_hand_made))
    for path in spam:
        samples.extend(read_messages(path, 1, drop_hand_made=drop_hand_made))
    return excluding(samples, exclude)


def excluding(samples: list[Sample], patterns: Sequence[str]) -> list[Sample]:
    """`samples` without those whose `origin` (source/member) matches one of the globs."""
    if not patterns:
        return samples
    return [s for s in samples if not any(fnmatch.fnmatchcase(s.origin, p) for p in patterns)]


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


# Senders that say nothing about who wrote a message: freemail, the reserved example domains
# and the corpora's anonymised placeholders.
_SHARED_SENDERS = frozenset(
    {"example.com", "example.org", "example.net", "baddomain.com", "taint.org", "pot"}
)


def _sender_domain(msg: Message) -> str:
    from scorer.rules import load_rules
    from scorer.urls import registrable_domain

    domain = (msg.from_domain or "").lower().strip(".")
    if not domain or "." not in domain:
        return ""
    org = registrable_domain(domain) or domain
    if org in _SHARED_SENDERS or org in load_rules().lists.domains["freemail"]:
        return ""
    return org


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def message_keys(msg: Message) -> MessageKeys:
    """The de-duplication and grouping keys of one parsed message."""
    subject = _norm_subject(msg)
    skeleton = _skeleton(msg)
    text = subject + "\n" + skeleton
    return MessageKeys(
        subject=subject,
        body=_sha1(skeleton) if skeleton else "",
        body_simhash=_simhash(skeleton.split()),
        text=_sha1(text),
        text_simhash=_simhash(text.split()),
        sender=_sender_domain(msg),
    )


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
    keys = [s.keys for s in samples]
    first: dict[str, int] = {}
    keep: list[int] = []
    labels_of: dict[str, set[int]] = {}
    for index, key in enumerate(keys):
        labels_of.setdefault(key.text, set()).add(samples[index].label)
        if key.text in first:
            stats.exact += 1
            continue
        first[key.text] = index
        keep.append(index)
    keep_set = set()
    for index in keep:
        if len(labels_of[keys[index].text]) > 1:
            stats.conflicting += 1
            continue
        keep_set.add(index)
    ordered = sorted(keep_set)
    hashes = [keys[i].text_simhash for i in ordered]
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
    """Give near-duplicate campaigns and senders one group: the same normalised subject, body
    skeleton, sender domain (freemail and placeholders aside), or a SimHash within NEAR_BITS
    bits. Sets `Sample.group`."""
    finder = _UnionFind(len(samples))
    by_key: dict[str, int] = {}
    hashes = []
    for index, sample in enumerate(samples):
        key = sample.keys
        found = [f"b:{key.body}"] if key.body else []
        if len(key.subject) >= 4:
            found.append(f"s:{key.subject}")
        if key.sender:
            found.append(f"d:{key.sender}")
        for item in found:
            if item in by_key:
                finder.union(by_key[item], index)
            else:
                by_key[item] = index
        hashes.append(key.body_simhash)
    for a, b in _near_pairs(hashes):
        finder.union(a, b)
    for index, sample in enumerate(samples):
        sample.group = f"g{finder.find(index)}"
