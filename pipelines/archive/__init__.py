"""archive.db (see `pipelines.archive.store` for the parts): `from pipelines.archive import Archive`."""

from pipelines.archive.clock import SHANGHAI, now_iso
from pipelines.archive.store import Archive

__all__ = ["SHANGHAI", "Archive", "now_iso"]
