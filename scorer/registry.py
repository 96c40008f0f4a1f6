"""The registry of code-backed checks: small functions registered by the finding ids they emit.

A check reads the parsed `Message` and the `Context` and returns hits: `None`, one `Hit`, or an
iterable of them. It never holds a score (scores live in rules/). It says it could not run by
raising `Skip`, which the pipeline records in the report's `skipped` list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scorer.context import Context
    from scorer.message import Message
    from scorer.report import Finding, Requirement


@dataclass
class Hit:
    """One thing a check observed. `id` defaults to the check's only emitted id."""

    id: str | None = None
    evidence: Iterable[str] = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    value: float | None = None
    """The measured quantity for graded rules (count, ratio, ...); the rule maps it to a score."""
    level: str | None = None
    """What was observed, by name, for rules with `levels` (`+all`, `no_text`); the rule's data
    gives each level its score."""


class Skip(Exception):
    """Raised by a check that cannot run for this message (no IP given, offline, ...).

    `reason` is short English for programs (the report's `skipped[].reason`); `code` and
    `params` name the reader's text, `skip.<code>` in scorer/i18n (default: `reason` itself,
    when the catalogue has it)."""

    def __init__(self, reason: str, *, code: str | None = None, **params: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code if code is not None else reason
        self.params = params


CheckResult = Hit | Iterable[Hit] | None
CheckFunc = Callable[["Message", "Context"], CheckResult]
RequirementsFunc = Callable[["Message", "Context", list["Finding"]], list["Requirement"]]


@dataclass(frozen=True)
class CheckSpec:
    name: str
    func: CheckFunc
    emits: tuple[str, ...]
    network: bool
    module: str
    late: bool = False
    dns: bool = True
    """A network check that asks DNS (false for other engines, which resolve for themselves):
    skipped when the resolver fails its sanity check."""


_CHECKS: dict[str, CheckSpec] = {}
_REQUIREMENTS: list[RequirementsFunc] = []
_REQUIREMENT_TESTS: dict[str, Callable[..., Any]] = {}


def check(
    name: str,
    *,
    emits: Iterable[str] | None = None,
    network: bool = False,
    late: bool = False,
    dns: bool = True,
) -> Callable[[CheckFunc], CheckFunc]:
    """Register a check. `name` is the finding id when the check emits only that id.

    `network=True` marks a check that talks to the network (DNS, another engine): it is skipped
    offline and runs concurrently with the other network checks. It must raise `Skip` itself
    when what it needs is missing (`ctx.dns is None`: no resolver could be built).
    `emits=()` declares a check that adds only a report section (ctx.sections), no findings.
    `late=True` runs an offline check after every other offline check and pattern rule, so it
    can read their hits in `ctx.offline_hits` (the classifier may use them as features).
    """

    def decorate(func: CheckFunc) -> CheckFunc:
        ids = tuple(emits) if emits is not None else (name,)
        existing = _CHECKS.get(name)
        if existing is not None and existing.func.__qualname__ != func.__qualname__:
            raise ValueError(f"check {name!r} registered twice")
        _CHECKS[name] = CheckSpec(name, func, ids, network, func.__module__, late, network and dns)
        return func

    return decorate


def requirements(func: RequirementsFunc) -> RequirementsFunc:
    """Register a builder of provider requirement entries (run after every check)."""
    if func not in _REQUIREMENTS:
        _REQUIREMENTS.append(func)
    return func


def requirement_test(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the test a provider requirement names with `test: <name>` in its data."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        existing = _REQUIREMENT_TESTS.get(name)
        if existing is not None and existing is not func:
            raise ValueError(f"requirement test {name!r} registered twice")
        _REQUIREMENT_TESTS[name] = func
        return func

    return decorate


def registered_checks() -> list[CheckSpec]:
    """Every registered check, in module order then definition order."""
    load_check_modules()
    return list(_CHECKS.values())


def requirement_builders() -> list[RequirementsFunc]:
    load_check_modules()
    return list(_REQUIREMENTS)


def requirement_tests() -> dict[str, Callable[..., Any]]:
    """Every registered requirement test by name."""
    load_check_modules()
    return dict(_REQUIREMENT_TESTS)


_LOADED = False


def load_check_modules() -> None:
    """Import every module of scorer.checks once, in the order the categories run."""
    global _LOADED
    if _LOADED:
        return
    import importlib
    import pkgutil

    import scorer.checks as package

    order = (
        "headers",
        "mime",
        "content",
        "html",
        "links",
        "compliance",
        "auth",
        "blocklists",
        "classifier",
        "opinions",
    )
    found = sorted(
        (
            info.name
            for info in pkgutil.iter_modules(package.__path__)
            if not info.name.startswith("_")
        ),
        key=lambda name: (order.index(name) if name in order else len(order), name),
    )
    for name in found:
        importlib.import_module(f"scorer.checks.{name}")
    _LOADED = True
