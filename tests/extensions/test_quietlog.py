"""The quiet log filter: one line per problem, and no record built that no handler shows."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from congdoan.extensions.quietlog import OneLineErrors, install


@pytest.fixture
def root() -> Iterator[logging.Logger]:
    """The root logger with its handlers and level put back afterwards."""
    logger = logging.getLogger()
    handlers, level = list(logger.handlers), logger.level
    yield logger
    logger.handlers, logger.level = handlers, level


def test_debug_records_are_not_built_when_every_handler_drops_them(
        root: logging.Logger) -> None:
    """Scrapy leaves the root logger at NOTSET and filters at its handler: each
    response's "Crawled (200)" DEBUG record was built and then dropped."""
    shown = logging.StreamHandler()
    shown.setLevel(logging.INFO)
    root.handlers = [shown]  # as Scrapy leaves it (pytest's capture handlers set aside)
    root.setLevel(logging.NOTSET)
    built: list[logging.LogRecord] = []
    factory = logging.getLogRecordFactory()

    def counting(*args: object, **kwargs: object) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        built.append(record)
        return record

    install()
    logging.setLogRecordFactory(counting)
    try:
        logging.getLogger("scrapy.core.engine").debug("Crawled (200) <GET http://x/>")
        logging.getLogger("scrapy.core.engine").info("Spider opened")
    finally:
        logging.setLogRecordFactory(factory)
    assert [r.getMessage() for r in built] == ["Spider opened"]
    assert any(isinstance(f, OneLineErrors) for f in shown.filters)


def test_a_handler_that_shows_everything_keeps_every_record(root: logging.Logger) -> None:
    everything = logging.StreamHandler()  # NOTSET: a capture, a debug file
    shown = logging.StreamHandler()
    shown.setLevel(logging.WARNING)
    root.handlers = [everything, shown]
    root.setLevel(logging.NOTSET)
    install()
    assert logging.getLogger("scrapy.core.engine").isEnabledFor(logging.DEBUG)
