"""The start-up check for the library internals the project leans on (`pipelines.compat`)."""

import pytest

from pipelines import compat


def test_the_installed_releases_are_those_the_hooks_were_written_for():
    assert compat.series(compat.check("scrapy", "robots.txt fix")) == "2.19"
    assert compat.series(compat.check("datasette", "search plugin")) == "0.65"


def test_another_release_is_refused_with_a_message_saying_what_to_recheck():
    with pytest.raises(compat.IncompatibleVersion) as err:
        compat.check("scrapy", "crawler/middlewares.py RobotsTxtMiddleware (reads _parsers)", installed="2.20.1")
    message = str(err.value)
    assert "RobotsTxtMiddleware" in message and "scrapy 2.19.x" in message and "2.20.1" in message
    assert "tests/test_middlewares.py" in message and "WRITTEN_FOR" in message
    with pytest.raises(compat.IncompatibleVersion):
        compat.check("datasette", "datasette/plugins", installed="1.0a19")
    assert compat.check("datasette", "datasette/plugins", installed="0.65.9") == "0.65.9"  # a patch release is fine
