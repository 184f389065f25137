"""The secrets filter: tokens, invitation tokens and passwords never reach a log (hole 4)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot import secrets_filter as sf

TOKEN = "7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"
INVITE = "Zx3_kP9-qLm2Wn8vRt5YbC1dEf6GhJ0a"
PASSWORD = "pa55-w0rd!"
URL = f"postgresql+asyncpg://ita:{PASSWORD}@db.example:5432/ita"


@pytest.fixture
def installed() -> Iterator[None]:
    sf.install()
    yield
    sf.uninstall()


@pytest.mark.parametrize(
    "text",
    [
        f"POST https://api.telegram.org/bot{TOKEN}/sendMessage",
        f"params {{'text': 'https://t.me/ita_bot?start={INVITE}'}}",
        f"update text '/start {INVITE}'",
        f"could not connect to {URL}",
        f"url-encoded https://t.me/ita_bot?start%3D{INVITE}",
    ],
)
def test_secret_shapes_are_masked_without_being_told(text: str) -> None:
    out = sf.redact(text)
    assert TOKEN not in out and INVITE not in out and PASSWORD not in out
    assert sf.MASK in out


def test_remembered_values_are_masked_anywhere() -> None:
    try:
        sf.remember("123456:TEST", sf.database_password("postgresql://u:p%40ss-word@h/db"))
        assert sf.redact("token=123456:TEST pw p@ss-word") == "token=*** pw ***"
    finally:
        sf.uninstall()


def test_a_malformed_url_still_hides_its_password() -> None:
    assert PASSWORD not in sf.redact(f"bad DATABASE_URL postgres://ita:{PASSWORD}@[::1/ita")


@pytest.mark.parametrize("level", [logging.DEBUG, logging.INFO, logging.ERROR])
def test_every_level_message_args_and_traceback_are_redacted(
    installed: None, caplog: pytest.LogCaptureFixture, level: int
) -> None:
    caplog.set_level(logging.DEBUG)
    log = logging.getLogger("some.library")
    try:
        raise RuntimeError(f"rejected token {TOKEN} for {URL}")
    except RuntimeError:
        log.log(level, "calling %s with %r", f"/bot{TOKEN}/getMe", {"url": URL}, exc_info=True)
    log.log(level, "joined with /start %s", INVITE, stack_info=True)
    assert caplog.records and TOKEN not in caplog.text and PASSWORD not in caplog.text
    assert INVITE not in caplog.text
    assert "rejected token ***" in caplog.text  # the traceback is still there, masked


def test_without_the_filter_the_secrets_would_show(caplog: pytest.LogCaptureFixture) -> None:
    # The control: the same line, no filter installed, does carry the token.
    caplog.set_level(logging.DEBUG)
    logging.getLogger("some.library").debug("calling /bot%s/getMe", TOKEN)
    assert TOKEN in caplog.text


def test_a_filter_on_a_handler_redacts_too() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "pw %s", (URL,), None)
    assert sf.SecretsFilter().filter(record)
    assert PASSWORD not in record.getMessage()
