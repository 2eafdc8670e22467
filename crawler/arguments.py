"""`-s NAME=VALUE` checked before a crawl starts.

Scrapy reads a setting's value only when a component asks for it, inside the running engine: a
`-s CLOSESPIDER_TIMEOUT=abc` ended in an "Unhandled error in Deferred" traceback and a run cut
short. Here a value that cannot be read as the kind of value the setting's default is (a number,
a flag) is an argument error like any other: one line, exit 2 (`bin/scheduled-crawl`,
`scrapy crawl`), before the lock, the log or any request.
"""

from __future__ import annotations

from scrapy.settings import Settings


def defaults() -> Settings:
    """Scrapy's defaults under this project's settings, without any command-line value."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    return settings


def setting_problem(name: str, value, known: Settings | None = None) -> str | None:
    """Why `-s name=value` cannot work, or None: read as Scrapy's getint, getfloat or getbool
    would read it, by the type of the setting's default. Settings without a default pass."""
    default = (known or defaults()).get(name)
    given = Settings({name: value})
    try:
        if isinstance(default, bool):
            given.getbool(name)
        elif isinstance(default, int):
            given.getint(name)
        elif isinstance(default, float):
            given.getfloat(name)
    except (TypeError, ValueError):
        kind = ("a flag (0/1, True/False)" if isinstance(default, bool) else
                "a whole number" if isinstance(default, int) else "a number")
        return f"-s {name}={value}: {kind} is needed"
    return None
