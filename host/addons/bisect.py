"""Add-on bisect: find the add-on (or the set of add-ons) behind a problem.

The design follows VS Code's extension bisect (PEERS.md §3.2, MODELS.md §9) and fixes what
its users complain about (PEERS.md §3.7):

- **An overlay, never the user's state.** The bisect's state lives in
  `<profile>/addons/.bisect.json` (`bisect_state`); while it exists the loader leaves out
  the add-ons it lists for this round. `meta.json` is never written, so `reset` (or a
  bisect that dies) restores exactly the user's set-up. Only at the end, and only if the
  user agrees, are culprits disabled, through `AddonManager` like any other disable.
- **Who takes part.** Third-party add-ons the user has enabled and that could load (not
  quarantined, not API-incompatible, manifest valid); never built-ins, never what the user
  disabled. Pinned add-ons (`--pin`: what the reproduction needs, e.g. the add-on whose
  screen shows the bug) and everything they require stay enabled throughout.
- **`requires` kept together.** Participants are ordered so requirements come before the
  add-ons needing them, and each round enables a *prefix* of that order (plus a requirement
  closure when testing one add-on on its own), so an add-on is never enabled without what
  it requires.
- **Eliminated add-ons stay disabled.** When a round fails, the add-ons it had disabled are
  not needed for the failure and stay off for the rest of the search; when a round passes,
  the add-ons it enabled are innocent and stay on as context. (VS Code re-enables the
  eliminated half, which is why it ends with "no extension identified" when two
  extensions are bad, microsoft/vscode#111669 and #237092.)

The search (`search`) is one deterministic generator shared by both front ends: it yields
the set of add-ons to enable for a round and receives the answer ("good", "bad", "skip").

1. Every add-on enabled must fail ("all"; the interactive bisect takes it as given, since
   the user starts it because they see the problem, and asks for it only if every later
   round passes). If it passes, the verdict is `flaky`: there is nothing to bisect, or the
   reproduction does not fail every time.
2. Every participant disabled ("none"). If that fails too, the verdict is `not-an-addon`
   (after one repeat that must fail again; if the repeat passes, `flaky`).
3. Binary search for the first prefix of the order that fails: ⌈log2 N⌉ rounds. A round that
   cannot be tested (skip) is retried with the nearest other split, as `git bisect skip`.
   The result is an add-on `c` with "context + c" failing and "context" passing.
4. Confirm: `c` on its own (with its requirements and the pins). Failing → `addon`. If the
   search had already run that very configuration, it is run once more and must fail again
   (else `flaky`): the cheap flakiness check, which keeps one culprit among N within
   ⌈log2 N⌉ + 3 runs (all, none, the search, the confirmation).
5. Passing → no single add-on is to blame: delta debugging (Zeller's ddmin) over the
   context, with `c` kept enabled, finds a 1-minimal set that fails together (removing any
   one of them passes): verdict `interaction`. Its configuration is then run once more
   and must fail again (else `flaky`).

Two independent culprits: the search stops at the first one in the order, which does fail
on its own, and says that another may remain; disabling it and running the bisect again
finds the next one. A flaky check is caught only when the repeats disagree (or "all"
passes); the checks are cheap and cannot prove a check deterministic (with a check failing
at random half the time, about two bisects in three end `flaky`).

`bisect run` marks the overlay with its process id; if that process is killed, the loader
ignores the overlay (the user gets their add-ons back) until `reset` removes the file.
"""

from __future__ import annotations

import heapq
import math
import os
import subprocess
import time
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from repetend.core.errors import InvalidInput, NotFoundError
from repetend.host.addons.bisect_state import (
    STATE_FILE,
    clear_state,
    read_state,
    run_alive,
    write_state,
)
from repetend.host.addons.catalog import scan
from repetend.host.addons.crash import NO_QUARANTINE_ENV
from repetend.host.addons.meta import read_meta

Answer = Literal["good", "bad", "skip"]
GOOD: Answer = "good"
BAD: Answer = "bad"
SKIP: Answer = "skip"
ANSWERS: tuple[Answer, ...] = (GOOD, BAD, SKIP)

VerdictKind = Literal["addon", "interaction", "not-an-addon", "flaky"]
Phase = Literal["all", "none", "bisect", "confirm", "ddmin"]

#: `git bisect run`'s convention for "this configuration cannot be tested".
SKIP_EXIT = 125
#: Set for the check's process: the round it runs in (1-based).
ROUND_ENV = "REPETEND_BISECT_ROUND"

PHASES: dict[str, str] = {
    "all": "every add-on enabled",
    "none": "every add-on disabled",
    "bisect": "halving the suspects",
    "confirm": "the suspect on its own",
    "ddmin": "looking for add-ons that fail only together",
}


class BisectError(InvalidInput):
    """The bisect cannot start or go on; the message says why and what to do."""


def answer_for_exit(code: int) -> Answer:
    """A check's exit status as a round's answer, as `git bisect run` reads it.

    0 is good and 125 is "cannot test" (skip). Everything else is bad: 1–127, and also
    what `git bisect run` treats as an error — a status above 127 (a shell reporting a
    signal as 128 + n) and a process killed by a signal (a negative returncode) — because
    an add-on crashing the check is exactly the kind of problem a bisect looks for.
    """
    if code == 0:
        return GOOD
    if code == SKIP_EXIT:
        return SKIP
    return BAD


# ---- What takes part


@dataclass(frozen=True, eq=False)
class Plan:
    """The add-ons a bisect works over, in the order it enables them."""

    #: Participants, each after everything it requires (ties by package name).
    order: tuple[str, ...]
    requires: Mapping[str, tuple[str, ...]]
    #: What the user pinned, and the pins with their requirements (always enabled).
    pins: tuple[str, ...] = ()
    pinned: tuple[str, ...] = ()
    #: Enabled add-ons left out because they cannot load anyway, with the reason.
    left_out: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, candidates: Mapping[str, Iterable[str]], pins: Iterable[str] = ()) -> Plan:
        """A plan over `candidates` {package: the packages it requires}."""
        requires = {p: tuple(dict.fromkeys(r)) for p, r in candidates.items()}
        left_out: dict[str, str] = {}
        viable = set(requires)
        changed = True
        while changed:  # a requirement that will not load blocks its dependents (loader)
            changed = False
            for package in sorted(viable):
                missing = [r for r in requires[package] if r not in viable]
                if missing:
                    viable.discard(package)
                    left_out[package] = (f"it requires {missing[0]}, which is not enabled "
                                         "or cannot load")
                    changed = True
        dependents: dict[str, list[str]] = {p: [] for p in viable}
        waiting = {p: len(requires[p]) for p in viable}
        for package in viable:
            for required in requires[package]:
                dependents[required].append(package)
        ready = [p for p, n in waiting.items() if n == 0]
        heapq.heapify(ready)
        order: list[str] = []
        while ready:
            package = heapq.heappop(ready)
            order.append(package)
            for dependent in dependents[package]:
                waiting[dependent] -= 1
                if waiting[dependent] == 0:
                    heapq.heappush(ready, dependent)
        for package in sorted(viable - set(order)):
            left_out[package] = "its requirements form a cycle, so it cannot load"
        pins = tuple(dict.fromkeys(pins))
        for pin in pins:
            if pin not in requires:
                raise BisectError(f"cannot pin {pin!r}: it is not an enabled add-on")
            if pin in left_out:
                raise BisectError(f"cannot pin {pin!r}: {left_out[pin]}")
        pinned = _closure(pins, requires, set(order))
        return cls(order=tuple(p for p in order if p not in pinned), requires=requires,
                   pins=pins, pinned=tuple(p for p in order if p in pinned),
                   left_out=left_out)

    def closure(self, packages: Iterable[str]) -> frozenset[str]:
        """`packages` with everything they require, among the participants."""
        return frozenset(_closure(packages, self.requires, set(self.order)))

    def to_json(self) -> dict[str, Any]:
        return {"order": list(self.order),
                "requires": {p: list(r) for p, r in self.requires.items() if r},
                "pins": list(self.pins), "pinned": list(self.pinned),
                "left_out": dict(self.left_out)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Plan:
        order = tuple(data["order"])
        requires = {p: tuple(data.get("requires", {}).get(p, ())) for p in order}
        for package, reqs in data.get("requires", {}).items():
            requires.setdefault(package, tuple(reqs))
        return cls(order=order, requires=requires, pins=tuple(data.get("pins", ())),
                   pinned=tuple(data.get("pinned", ())),
                   left_out=dict(data.get("left_out", {})))


def _closure(packages: Iterable[str], requires: Mapping[str, tuple[str, ...]],
             among: set[str]) -> set[str]:
    found: set[str] = set()
    stack = [p for p in packages if p in among]
    while stack:
        package = stack.pop()
        if package not in found:
            found.add(package)
            stack.extend(r for r in requires.get(package, ()) if r in among)
    return found


def plan_for(addons_folder: Path, pins: Iterable[str] = ()) -> Plan:
    """The plan for a profile's add-ons: the enabled ones that could load take part."""
    installed = scan(addons_folder)
    candidates: dict[str, tuple[str, ...]] = {}
    why_not: dict[str, str] = {}
    for package, addon in installed.items():
        meta = read_meta(addon.meta_path)
        if addon.problem is not None or addon.manifest is None:
            why_not[package] = f"it cannot load ({addon.problem})"
        elif meta.get("disabled") is True:
            why_not[package] = "you disabled it"
        elif meta.get("quarantined"):
            why_not[package] = "it is quarantined"
        elif problem := addon.manifest.api_problem():
            why_not[package] = f"it is incompatible ({problem})"
        else:
            candidates[package] = addon.manifest.requires
    for pin in pins:
        if pin not in installed:
            known = ", ".join(sorted(installed)) or "none"
            raise NotFoundError(f"cannot pin {pin!r}: no add-on of that name is installed "
                                f"(installed: {known})")
        if pin in why_not:
            raise BisectError(f"cannot pin {pin!r}: {why_not[pin]}")
    return Plan.of(candidates, pins)


# ---- The search


@dataclass(frozen=True)
class Step:
    """One round: the participants to enable (pins are enabled too, always)."""

    enabled: frozenset[str]
    phase: Phase
    #: Estimated rounds left, this one included.
    remaining: int
    #: The same configuration as an earlier round, run again to catch a flaky check.
    repeat: bool = False


@dataclass(frozen=True)
class Verdict:
    verdict: VerdictKind
    culprits: tuple[str, ...]
    runs: int
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "culprits": list(self.culprits), "runs": self.runs,
                "message": self.message}


Search = Generator[Step, Answer, Verdict]


def search(plan: Plan, *, assume_all_bad: bool = False, repeat: bool = True) -> Search:
    """The bisect as a generator: yields each round's Step, is sent the answer, returns
    the Verdict. Deterministic, so a saved list of answers replays it exactly.

    :param assume_all_bad: skip the "every add-on enabled" round (the interactive bisect:
        the user starts it because they see the problem).
    :param repeat: run the configuration a verdict rests on once more when the search has
        already run it (the flakiness check); the interactive bisect reuses the answer.
    """
    order = plan.order
    n = len(order)
    if n == 0:
        raise BisectError("there are no enabled add-ons to bisect"
                          + (" besides the pinned ones" if plan.pinned else ""))
    known: dict[frozenset[str], Answer] = {}
    runs = 0

    def test(packages: Iterable[str], phase: Phase, remaining: int,
             again: bool = False) -> Generator[Step, Answer, Answer]:
        nonlocal runs
        config = plan.closure(packages)
        if config in known and not again:
            return known[config]
        answer = yield Step(config, phase, max(remaining, 1), repeat=config in known)
        if answer not in ANSWERS:
            raise BisectError(f"the answer must be good, bad or skip, not {answer!r}")
        runs += 1
        if answer != SKIP and known.get(config, SKIP) == SKIP:
            known[config] = answer
        return answer

    def verdict(kind: VerdictKind, culprits: Iterable[str], message: str) -> Verdict:
        return Verdict(kind, tuple(p for p in order if p in set(culprits)), runs, message)

    def flaky(config: Iterable[str]) -> Verdict:
        names = ", ".join(p for p in order if p in set(config)) or "no add-on"
        return verdict("flaky", (), (
            f"The check failed and then passed with the same add-ons enabled ({names}): it "
            "is flaky, so no verdict can be trusted. Make it fail every time (repeat the "
            "action, wait for what it waits for) and run the bisect again."))

    def did_not_show() -> Verdict:
        return verdict("flaky", (), (
            "The check passed with every add-on enabled: the problem did not show up, "
            "so there is nothing to bisect. If it happens only sometimes, the check is "
            "flaky: make it fail every time and run the bisect again."))

    log_n = _log2(n)
    # An assumed "every add-on enabled fails" is never put in `known`: a verdict resting
    # on it alone (a user who answered good every time) is asked for, not concluded
    # (VS Code blamed an innocent extension that way, microsoft/vscode#111672).
    if not assume_all_bad:
        answer = yield from test(order, "all", log_n + 3)
        if answer == SKIP:
            raise BisectError("the check could not test (exit 125) with every add-on "
                              "enabled, so there is nothing to compare with")
        if answer == GOOD:
            return did_not_show()

    answer = yield from test((), "none", log_n + 2)
    if answer == SKIP:
        raise BisectError("the first round, with every add-on disabled, must be answered "
                          "good or bad: it tells whether an add-on is to blame at all")
    if answer == BAD:
        if repeat:
            again = yield from test((), "none", 1, again=True)
            if again == GOOD:
                return flaky(())
        pinned = (f" (except the pinned {', '.join(plan.pinned)}, which may be to blame)"
                  if plan.pinned else "")
        return verdict("not-an-addon", (), (
            f"The problem shows with every add-on disabled{pinned}: it is not caused by an "
            "add-on. Check that it also happens with --safe-mode, and report it to Repetend."))

    # Invariant: the first `lo` add-ons pass (with the pins), the first `hi` fail.
    lo, hi = 0, n
    while hi - lo > 1:
        for mid in _splits(lo, hi):
            answer = yield from test(order[:mid], "bisect", _log2(hi - lo) + 1)
            if answer == BAD:
                hi = mid
                break
            if answer == GOOD:
                lo = mid
                break
        else:
            suspects = order[lo:hi]
            return verdict("addon", suspects, (
                f"One of {', '.join(suspects)} causes the problem, but the check could not "
                "test (exit 125) any way of telling them apart."))
    culprit = order[lo]
    if hi == n and frozenset(order) not in known:
        # Every round passed, and "every add-on enabled fails" was only assumed: ask.
        answer = yield from test(order, "all", 2)
        if answer == GOOD:
            return did_not_show()

    alone = plan.closure([culprit])
    before = known.get(alone)
    answer = yield from test([culprit], "confirm", 1, again=repeat and before is not None)
    if before is not None and answer != SKIP and answer != before:
        return flaky(alone)
    if answer in (BAD, SKIP):
        untested = (" (it could not be tested on its own: exit 125)" if answer == SKIP
                    else "")
        with_reqs = sorted(alone - {culprit})
        needs = f" (with {', '.join(with_reqs)}, which it requires)" if with_reqs else ""
        if plan.pinned:
            needs += f" except the pinned {', '.join(plan.pinned)}"
        return verdict("addon", [culprit], (
            f"{culprit} causes the problem: it fails with every other add-on disabled"
            f"{needs}{untested}. The search stops at the first add-on to blame: if the "
            f"problem remains with {culprit} disabled, another add-on causes it too; run "
            "the bisect again to find it."))

    # `culprit` fails only with some of the add-ons before it (the context) enabled.
    def fails(subset: Sequence[str]) -> Generator[Step, Answer, bool]:
        answer = yield from test([*subset, culprit], "ddmin", 2 * _log2(len(subset) + 1) + 1)
        return answer == BAD

    partners = yield from _ddmin(list(order[:lo]), fails)
    culprits = [*partners, culprit]
    config = plan.closure(culprits)
    before = known.get(config)
    if repeat or before is None:
        answer = yield from test(culprits, "ddmin", 1, again=True)
        if answer == GOOD:
            return flaky(config) if before is not None else verdict("flaky", (), (
                "The problem did not show up in the rounds that should have shown it "
                "(the last one had all the suspects enabled together): it does not happen "
                "every time, so no add-on can be blamed. Make it fail every time and run "
                "the bisect again."))
    return verdict("interaction", culprits, (
        f"No single add-on causes the problem: it shows only when "
        f"{_and([p for p in order if p in set(culprits)])} are enabled together "
        "(leaving out any one of them, it does not). Disabling one of them avoids it; "
        "tell their authors."))


def _answer(value: object) -> Answer:
    if value not in ANSWERS:
        raise ValueError(f"the answer must be good, bad or skip, not {value!r}")
    return value  # type: ignore[return-value]


def _splits(lo: int, hi: int) -> list[int]:
    """Prefix lengths to try between lo and hi (exclusive): the middle first, then the
    nearest others, for when a round cannot be tested."""
    middle = (lo + hi) // 2
    return sorted(range(lo + 1, hi), key=lambda mid: (abs(mid - middle), mid))


def _ddmin(items: list[str], fails: Callable[[Sequence[str]], Generator[Step, Answer, bool]],
           ) -> Generator[Step, Answer, list[str]]:
    """Zeller's ddmin: a 1-minimal subset of `items` that still fails (`items` fails).

    A round that cannot be tested counts as passing, as in ddmin with unresolved tests.
    """
    n = 2
    while len(items) >= 2:
        chunks = _chunks(items, n)
        reduced = False
        for chunk in chunks:
            if (yield from fails(chunk)):
                items, n, reduced = chunk, 2, True
                break
        if not reduced and n > 2:  # with two chunks the complements are the chunks
            for i in range(len(chunks)):
                complement = [p for j, chunk in enumerate(chunks) if j != i for p in chunk]
                if (yield from fails(complement)):
                    items, n, reduced = complement, max(n - 1, 2), True
                    break
        if not reduced:
            if n >= len(items):
                break
            n = min(2 * n, len(items))
    return items


def _chunks(items: list[str], n: int) -> list[list[str]]:
    size, extra = divmod(len(items), n)
    chunks, start = [], 0
    for i in range(n):
        end = start + size + (1 if i < extra else 0)
        chunks.append(items[start:end])
        start = end
    return [c for c in chunks if c]


def _log2(n: int) -> int:
    return math.ceil(math.log2(n)) if n > 1 else 0


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def bisect(plan: Plan, check: Callable[[frozenset[str]], Answer], *,
           assume_all_bad: bool = False, repeat: bool = True,
           on_round: Callable[[int, Step, Answer], None] | None = None) -> Verdict:
    """Run the search with `check`, which gets the enabled add-ons (pins included) and
    answers "good", "bad" or "skip". The fast path for tests and tools."""
    steps = search(plan, assume_all_bad=assume_all_bad, repeat=repeat)
    pinned = frozenset(plan.pinned)
    try:
        step = next(steps)
        number = 1
        while True:
            answer = check(step.enabled | pinned)
            if on_round is not None:
                on_round(number, step, answer)
            step = steps.send(answer)
            number += 1
    except StopIteration as done:
        return done.value


def replay(plan: Plan, answers: Sequence[Answer], *, assume_all_bad: bool = True,
           repeat: bool = False) -> Step | Verdict:
    """Where a search stands after `answers`: the next Step, or the Verdict."""
    steps = search(plan, assume_all_bad=assume_all_bad, repeat=repeat)
    try:
        step = next(steps)
        for answer in answers:
            step = steps.send(answer)
    except StopIteration as done:
        return done.value
    return step


# ---- One profile's bisect: the interactive state machine and the automatic run


@dataclass(frozen=True)
class Progress:
    """Where an active bisect stands, for `status` and after each answer."""

    mode: str  # "interactive" or "run"
    round: int
    phase: Phase
    remaining: int
    disabled: tuple[str, ...]  # by the bisect, this round
    enabled: tuple[str, ...]  # participants enabled this round (pins not included)
    pins: tuple[str, ...]
    participants: int
    left_out: Mapping[str, str]
    stale: bool = False  # an automatic run whose process is gone

    def to_json(self) -> dict[str, Any]:
        return {"active": True, "mode": self.mode, "round": self.round, "phase": self.phase,
                "remaining": self.remaining, "disabled": list(self.disabled),
                "enabled": list(self.enabled), "pins": list(self.pins),
                "participants": self.participants, "left_out": dict(self.left_out),
                "interrupted": self.stale}

    def text(self) -> str:
        lines = []
        if self.stale:
            lines.append("An automatic add-on bisect was interrupted; its overlay is "
                         "ignored, and `repetend addons bisect reset` removes it.")
        lines.append(f"Add-on bisect, round {self.round} ({PHASES[self.phase]}); about "
                     f"{self.remaining} round(s) left, this one included.")
        lines.append(f"Disabled by the bisect this round ({len(self.disabled)} of "
                     f"{self.participants}): {', '.join(self.disabled) or 'none'}")
        if self.pins:
            lines.append(f"Pinned (always enabled): {', '.join(self.pins)}")
        if self.mode == "interactive":
            lines.append("Start Repetend and try to reproduce the problem, then run "
                         "`repetend addons bisect good` if it did not happen, `bad` if it "
                         "did, `skip` if you cannot tell; `reset` stops and changes nothing.")
        return "\n".join(lines)


@dataclass
class Round:
    """One run of the check in `bisect run`."""

    number: int
    phase: Phase
    disabled: list[str]
    exit: int | None  # None: it timed out
    answer: Answer
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return {"round": self.number, "phase": self.phase, "disabled": self.disabled,
                "exit": self.exit, "answer": self.answer, "seconds": round(self.seconds, 3)}


class AddonBisect:
    """The bisect of one profile's add-ons (`Profile.addons_folder`)."""

    def __init__(self, addons_folder: Path) -> None:
        self.folder = addons_folder

    # -- state

    def _state(self) -> dict[str, Any] | None:
        try:
            state = read_state(self.folder)
            if state is not None:  # everything the commands read, checked once here
                Plan.from_json(state)
                if not isinstance(state["disabled"], list):
                    raise TypeError("\"disabled\" is not a list")
                for answer in state.get("answers", []):
                    _answer(answer)
            return state
        except (ValueError, KeyError, TypeError) as exc:
            raise BisectError(f"the bisect state is unreadable ({exc}); "
                              "`repetend addons bisect reset` removes it") from None

    def _save(self, state: dict[str, Any], plan: Plan, step: Step, round_: int) -> None:
        state.update(round=round_, phase=step.phase, remaining=step.remaining,
                     disabled=[p for p in plan.order if p not in step.enabled])
        write_state(self.folder, state)

    def _progress(self, state: dict[str, Any], plan: Plan, step: Step) -> Progress:
        mode = "run" if state.get("mode") == "run" else "interactive"
        stale = mode == "run" and not run_alive(state)
        return Progress(mode=mode, round=int(state.get("round", 1)), phase=step.phase,
                        remaining=step.remaining,
                        disabled=tuple(p for p in plan.order if p not in step.enabled),
                        enabled=tuple(p for p in plan.order if p in step.enabled),
                        pins=plan.pins, participants=len(plan.order),
                        left_out=plan.left_out, stale=stale)

    def active(self) -> bool:
        return self._state() is not None

    def status(self) -> Progress | None:
        state = self._state()
        if state is None:
            return None
        plan = Plan.from_json(state)
        step = Step(frozenset(p for p in plan.order if p not in set(state["disabled"])),
                    state.get("phase", "bisect"), int(state.get("remaining", 1)))
        return self._progress(state, plan, step)

    def reset(self) -> bool:
        """Stop the bisect: the overlay goes, nothing else changes. True if one was active."""
        return clear_state(self.folder)

    def _refuse_if_active(self) -> None:
        state = self._state()
        if state is not None:
            kind = ("An automatic bisect" if state.get("mode") == "run"
                    else "A bisect")
            raise BisectError(f"{kind} is already in progress in this profile "
                              f"(round {state.get('round', '?')}); "
                              "`repetend addons bisect status` shows it, `reset` stops it")

    # -- interactive

    def start(self, pins: Iterable[str] = ()) -> Progress:
        self._refuse_if_active()
        plan = plan_for(self.folder, pins)
        first = replay(plan, [])
        assert isinstance(first, Step)
        state = {"version": 1, "mode": "interactive", "started_at": time.time(),
                 **plan.to_json(), "answers": []}
        self._save(state, plan, first, 1)
        return self._progress(state, plan, first)

    def answer(self, answer: Answer) -> Progress | Verdict:
        """Record the answer for this round; the next round, or the verdict (the overlay is
        then removed)."""
        state = self._state()
        if state is None:
            raise BisectError("no add-on bisect is in progress; "
                              "`repetend addons bisect start` begins one")
        if state.get("mode") == "run":
            alive = run_alive(state)
            raise BisectError("an automatic bisect " + (
                "is running in this profile; its rounds are answered by its check" if alive
                else "was interrupted; `repetend addons bisect reset` removes its overlay"))
        plan = Plan.from_json(state)
        answers = [*state.get("answers", []), answer]
        outcome = replay(plan, answers)  # BisectError (e.g. skip on round 1): not recorded
        if isinstance(outcome, Verdict):
            clear_state(self.folder)
            return outcome
        state["answers"] = answers
        self._save(state, plan, outcome, len(answers) + 1)
        return self._progress(state, plan, outcome)

    # -- automatic

    def run(self, command: Sequence[str], *, pins: Iterable[str] = (),
            env: Mapping[str, str] | None = None, timeout: float | None = None,
            output: int | None = subprocess.DEVNULL,
            on_round: Callable[[Round], None] | None = None,
            ) -> tuple[Verdict, list[Round]]:
        """Run `command` once per round with that round's overlay, until a verdict.

        The command runs in a new process that reads the overlay from the profile, with
        crash quarantine off (REPETEND_NO_QUARANTINE=1), so a check that kills Repetend
        does not change the user's saved state, and REPETEND_BISECT_ROUND set. The overlay
        is removed at the end, on an error and on Ctrl-C.
        """
        if not command:
            raise BisectError("give the check to run after `--`, e.g. "
                              "`repetend addons bisect run -- repetend decks`")
        self._refuse_if_active()
        plan = plan_for(self.folder, pins)
        steps = search(plan)
        state = {"version": 1, "mode": "run", "pid": os.getpid(), "started_at": time.time(),
                 "command": list(command), **plan.to_json()}
        rounds: list[Round] = []
        base_env = {**(env if env is not None else os.environ), NO_QUARANTINE_ENV: "1"}
        try:
            step = next(steps)
            while True:
                number = len(rounds) + 1
                self._save(state, plan, step, number)
                exit_code, seconds = _run_check(command, {**base_env, ROUND_ENV: str(number)},
                                                timeout, output)
                answer = BAD if exit_code is None else answer_for_exit(exit_code)
                done = Round(number, step.phase, list(state["disabled"]), exit_code, answer,
                             seconds)
                rounds.append(done)
                if on_round is not None:
                    on_round(done)
                step = steps.send(answer)
        except StopIteration as finished:
            return finished.value, rounds
        finally:
            clear_state(self.folder)


def _run_check(command: Sequence[str], env: Mapping[str, str], timeout: float | None,
               output: int | None) -> tuple[int | None, float]:
    """The check's exit status (None if it timed out) and how long it took."""
    start = time.perf_counter()
    try:
        proc = subprocess.run(list(command), env=dict(env), stdin=subprocess.DEVNULL,
                              stdout=output, stderr=output, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return None, time.perf_counter() - start
    except OSError as exc:
        raise BisectError(f"cannot run {command[0]!r}: {exc}") from None
    return proc.returncode, time.perf_counter() - start


__all__ = ["ANSWERS", "BAD", "GOOD", "SKIP", "STATE_FILE", "AddonBisect", "BisectError",
           "Plan", "Progress", "Round", "Step", "Verdict", "answer_for_exit", "bisect",
           "plan_for", "replay", "search"]
