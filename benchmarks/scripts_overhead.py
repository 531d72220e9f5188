"""Custom scheduling scripts: what one costs per answer.

Not a test. Run with `.venv/bin/python benchmarks/scripts_overhead.py`. For each script it
measures the step a script adds to an answer — the scheduler's states for a card are handed
to the script runner, which creates a fresh quickjs context, runs the script, and checks and
converts its result back into states (`ScriptRunner.run` without the remembered results, so
every call does all of it) — as p50 and p99 over many runs, on a review card and a new card
of a real collection, as wall-clock time and as the thread's CPU time. Targets (issue 5):
p99 < 1 ms for the small script, < 5 ms for a heavy one, context creation included.

Scripts measured:

- `manual`: the example from Anki's manual (tests/plugins/scripts/test_manual_example.py),
  without its `console.log` of the whole states (pass `--with-log` to keep it);
- `heavy`: benchmarks/data/heavy_scheduler.js, a synthetic script of FSRS4Anki's size and
  kind of work (15 KB, seeded PRNG, parameter tables, power/exp maths per button, custom
  data), written for this benchmark;
- any file given with `--script FILE` (e.g. a local copy of FSRS4Anki's scheduler; do not
  add third-party scripts to the repository).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from repetend.core.collection import Collection
from repetend.host.plugins import PluginHost
from repetend.plugins.scripts.runner import runner_for
from repetend.plugins.scripts.store import Script

HERE = Path(__file__).resolve().parent

MANUAL = """\
if (states.hard.normal?.learning) {
  states.hard.normal.learning.scheduledSecs = 123 * 60;
}
if (states.hard.filtered?.rescheduling?.originalState?.learning) {
  states.hard.filtered.rescheduling.originalState.learning.scheduledSecs = 123 * 60;
}
if (states.good.normal?.review) {
  states.easy.normal.review.easeFactor = states.good.normal.review.easeFactor + 0.2;
}
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def setup(folder: Path) -> tuple[Collection, list]:
    col = Collection(folder / "collection.db")
    PluginHost().attach(col)
    col.sched.fuzz = False
    did = col.decks.id("Languages::Spanish::Verbs")
    cards = []
    for kind in ("review", "new"):
        note = col.new_note("Basic")
        note.fields = [f"{kind} question", "answer"]
        [card] = col.add_note(note, deck_id=did)
        if kind == "review":
            card.type, card.queue, card.ivl, card.factor = 2, 2, 10, 2500
            card.due = col.sched.timing().today
            card.data = {"cd": '{"s":12.5,"d":5.1,"v":"x"}'}
            col.update_card(card)
        cards.append(col.get_card(card.id))
    return col, cards


def measure(col: Collection, cards: list, script: Script, runs: int) -> dict[str, float]:
    runner = runner_for(col)
    wall: list[float] = []
    cpu: list[float] = []
    for card in cards:
        states = col.sched.states_for(card)
        ctx = runner.context_for(card)
        for i in range(runs + 20):
            start, start_cpu = time.perf_counter(), time.thread_time()
            outcome = runner.run(states, card, [script], record=False, ctx=ctx)
            took, took_cpu = time.perf_counter() - start, time.thread_time() - start_cpu
            if outcome.errors:
                raise SystemExit(f"{script.name} failed: {outcome.errors[0]}")
            if i >= 20:  # after a warm-up
                wall.append(took * 1000)
                cpu.append(took_cpu * 1000)
    return {"p50": percentile(wall, 0.5), "p99": percentile(wall, 0.99),
            "mean": statistics.fmean(wall), "cpu_p50": percentile(cpu, 0.5),
            "cpu_p99": percentile(cpu, 0.99), "runs": len(wall)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2000, help="runs per card (default 2000)")
    parser.add_argument("--script", action="append", default=[], type=Path,
                        help="also measure this script file")
    parser.add_argument("--with-log", action="store_true",
                        help="keep the manual example's console.log(JSON.stringify(states))")
    args = parser.parse_args(argv)

    manual = MANUAL
    if args.with_log:
        manual = "console.log(JSON.stringify(states));\n" + MANUAL
    scripts = [(Script("manual", manual), 1.0),
               (Script("heavy", (HERE / "data" / "heavy_scheduler.js").read_text()), 5.0)]
    scripts += [(Script(path.name, path.read_text()), 5.0) for path in args.script]

    with tempfile.TemporaryDirectory() as tmp:
        col, cards = setup(Path(tmp))
        try:
            print(f"{'script':<22} {'size':>7} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8} "
                  f"{'cpu p50':>8} {'cpu p99':>8} {'target':>8}")
            failed = False
            for script, target in scripts:
                result = measure(col, cards, script, args.runs)
                ok = result["p99"] < target
                failed |= not ok
                print(f"{script.name:<22} {len(script.code.encode()):>6}B "
                      f"{result['p50']:>8.3f} {result['p99']:>8.3f} {result['mean']:>8.3f} "
                      f"{result['cpu_p50']:>8.3f} {result['cpu_p99']:>8.3f} "
                      f"{'<' + format(target, 'g'):>7}{'' if ok else ' MISSED'}")
        finally:
            col.close()
    print(f"({args.runs} runs per card on a review and a new card; Python "
          f"{sys.version.split()[0]}; the target is checked on wall-clock p99; the cpu columns "
          "are this thread's CPU time, which a busy machine does not inflate)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
