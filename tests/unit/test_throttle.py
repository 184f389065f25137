"""The per-person token bucket (issue 13, hole 3)."""

from __future__ import annotations

from bot.telegram.throttle import Throttle, Verdict


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_passes_then_one_warning_then_silence() -> None:
    clock = Clock()
    th = Throttle(capacity=5, per_second=1.0, clock=clock)
    verdicts = [th.admit(1) for _ in range(12)]
    assert verdicts[:5] == [Verdict.PASS] * 5
    assert verdicts[5] == Verdict.WARN
    assert verdicts[6:] == [Verdict.DROP] * 6


def test_the_bucket_refills_and_a_new_burst_warns_again() -> None:
    clock = Clock()
    th = Throttle(capacity=3, per_second=1.0, clock=clock)
    for _ in range(5):
        th.admit(1)
    clock.now += 1.0  # one token back: passes, but the burst is not over
    assert th.admit(1) == Verdict.PASS
    assert th.admit(1) == Verdict.DROP
    clock.now += 10.0  # full again: the burst is over
    assert [th.admit(1) for _ in range(4)] == [Verdict.PASS] * 3 + [Verdict.WARN]


def test_one_person_does_not_use_up_anothers_budget() -> None:
    th = Throttle(capacity=2, per_second=0.0, clock=Clock())
    for _ in range(50):
        th.admit(1)
    assert th.admit(2) == Verdict.PASS


def test_strangers_are_never_warned() -> None:
    th = Throttle(capacity=1, per_second=0.0, clock=Clock())
    th.quiet(7, stranger=True)
    assert [th.admit(7) for _ in range(3)] == [Verdict.PASS, Verdict.DROP, Verdict.DROP]
    th.quiet(7, stranger=False)
    th2 = Throttle(capacity=1, per_second=0.0, clock=Clock())
    assert [th2.admit(7) for _ in range(2)] == [Verdict.PASS, Verdict.WARN]
