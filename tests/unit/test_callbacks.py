"""Callback data stays within 64 bytes and forged or truncated data is refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.telegram.callbacks import MAX_BYTES, MAX_ID, VERBS, Callback, decode, encode


def test_round_trip() -> None:
    assert decode(encode("m", 12, 3, 4)) == Callback("m", (12, 3, 4))
    assert decode(encode("ow")) == Callback("ow", ())


@pytest.mark.parametrize(
    "data", ["", "m", "m:1:2", "m:1:2:x", "zz:1", "m:1:2:3:4", "m:-1:2:3", "m:1:2:٣", None]
)
def test_malformed_is_refused(data: str | None) -> None:
    assert decode(data) is None


def test_wrong_arity_cannot_be_encoded() -> None:
    with pytest.raises(ValueError):
        encode("m", 1)


@given(st.sampled_from(sorted(VERBS)), st.data())
def test_any_ids_fit(verb: str, data: st.DataObject) -> None:
    args = data.draw(st.lists(st.integers(0, MAX_ID), min_size=VERBS[verb], max_size=VERBS[verb]))
    encoded = encode(verb, *args)
    assert len(encoded.encode()) <= MAX_BYTES
    assert decode(encoded) == Callback(verb, tuple(args))


@given(st.text(max_size=80))
def test_decode_never_raises(text: str) -> None:
    decode(text)


@pytest.mark.parametrize("data", ["m:999999999999:1:1", "ok:2147483648", "rvy:100000000000"])
def test_ids_past_the_database_integer_are_refused_before_any_query(data: str) -> None:
    # On PostgreSQL such an id made the query itself fail: a crash, not a refusal (hole 8).
    assert decode(data) is None
    assert decode("ok:2147483647") == Callback("ok", (MAX_ID,))
