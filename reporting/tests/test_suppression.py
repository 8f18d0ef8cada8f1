"""The suppression rule (CP-02): primary cells below the threshold, and secondary cells so that no
hidden count can be worked out by subtraction. Random tables are checked by brute force."""

import itertools
import random

import pytest

from reporting.suppression import PRIMARY, SECONDARY, Relation, display, partition, suppress

K = 3


def test_counts_below_the_threshold_are_hidden_zero_included():
    hidden = suppress({"a": 0, "b": 2, "c": 3, "d": 10}, [], threshold=K)
    assert hidden == {"a": PRIMARY, "b": PRIMARY}
    assert display(2, PRIMARY, K) == display(0, PRIMARY, K) == "fewer than 3"
    assert display(7, SECONDARY, K) == "not shown"
    assert display(7, None, K) == 7


def test_a_total_never_gives_away_a_single_hidden_row_the_subtraction_case():
    # Total 12 = 9 + 1 + 2 + 0: hiding only 1, 2 and 0 leaves 12 − 9 = 3 for the three of them,
    # which with 0..2 each still allows several answers; but total 10 = 9 + 1 gives the 1 away.
    values = {"total": 10, "a": 9, "b": 1}
    hidden = suppress(values, [partition("total", ["a", "b"])], threshold=K)
    assert hidden["b"] == PRIMARY
    assert hidden["a"] == SECONDARY  # the next-smallest row goes too, not the total
    assert "total" not in hidden


def test_when_no_row_is_left_to_hide_the_total_goes():
    # 4 = 2 + 2: both rows are hidden, but knowing the total is 4 they must both be 2.
    values = {"total": 4, "a": 2, "b": 2}
    hidden = suppress(values, [partition("total", ["a", "b"])], threshold=K)
    assert hidden == {"a": PRIMARY, "b": PRIMARY, "total": SECONDARY}


def test_linked_cells_are_hidden_together():
    values = {"staff": 2, "due": 6}
    assert suppress(values, [], threshold=K, linked=[("staff", "due")]) == {"staff": PRIMARY, "due": SECONDARY}


def _feasible(values, hidden, relation, cell, cap):
    """Every value of `cell` consistent with what is published and the relation (brute force)."""
    names = [n for n in (*relation.left, *relation.right) if n in hidden]
    ranges = [range(0, K) if hidden[n] == PRIMARY else range(0, cap + 1) for n in names]
    found = set()
    for combo in itertools.product(*ranges):
        guess = dict(values)
        guess.update(zip(names, combo, strict=True))
        if sum(guess[n] for n in relation.left) == sum(guess[n] for n in relation.right):
            found.add(guess[cell])
    return found


@pytest.mark.parametrize("seed", range(150))
def test_random_tables_never_let_a_hidden_count_be_worked_out(seed):
    rng = random.Random(seed)
    parts = [rng.choice([0, 0, 1, 2, 3, 4, 5, 8]) for _ in range(rng.randint(1, 4))]
    values = {f"p{i}": v for i, v in enumerate(parts)}
    values["total"] = sum(parts)
    relation = partition("total", [f"p{i}" for i in range(len(parts))])
    hidden = suppress(values, [relation], threshold=K)
    assert all(values[n] >= K for n in values if n not in hidden)  # nothing below K is shown
    cap = values["total"] + K
    for name, kind in hidden.items():
        if kind == PRIMARY:
            assert len(_feasible(values, hidden, relation, name, cap)) >= 2, (values, hidden, name)


@pytest.mark.parametrize("seed", range(100))
def test_the_quarter_flow_never_gives_a_hidden_count_away(seed):
    """Open at the start + opened = closed + open at the end."""
    rng = random.Random(1000 + seed)
    start, opened = rng.randint(0, 6), rng.randint(0, 6)
    closed = rng.randint(0, start + opened)
    values = {"start": start, "opened": opened, "closed": closed, "end": start + opened - closed}
    relation = Relation(("start", "opened"), ("closed", "end"))
    hidden = suppress(values, [relation], threshold=K)
    for name, kind in hidden.items():
        if kind == PRIMARY:
            assert len(_feasible(values, hidden, relation, name, 20)) >= 2, (values, hidden, name)
