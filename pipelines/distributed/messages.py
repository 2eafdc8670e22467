"""What travels from the workers to the writer: one Redis list element per message, JSON
compressed with zlib — plain data, never pickle (a message crosses machines, and unpickling
what another machine wrote would run whatever it says).

Message types (`type`):
- `page`: one fetched page and what `pipelines.stages.process_page` made of it on the worker
  (`Processed`: the page with its raw bytes, the article, verdict and dedupe keys, or the
  rejection). The raw bytes are zlib-compressed and base64'd inside the JSON. `id` is unique
  per page delivery, so the writer stores a message delivered twice once.
- `alias`: a new spelling of an archived article's URL the worker skipped (`Archive.add_alias`).
- `run_start`: the first worker of a run opened it (seeds, sites as loaded).
- `worker_done`: a worker left the run (its finish reason and Scrapy stats; `killed` with its
  last published stats when another worker found it dead); `attempted`: the URLs of the
  resume list it requested (an attempt each, counted when the run ends, as a single machine does).
- `backoff_over`: a navigation page in back-off answered again: the writer forgets its failures.
- `run_end`: the last worker left; the writer closes the run row with every worker's figures.
"""

from __future__ import annotations

import base64
import json
import zlib
from dataclasses import asdict, fields

from pipelines.dedupe import DedupeKeys
from pipelines.errors import Rejection
from pipelines.kinds import RequestKind
from pipelines.stages import Processed


# `Processed` fields a page message encodes itself; every other field travels as JSON.
_SPECIAL = {"page", "keys", "rejection", "kind"}


class BadMessage(ValueError):
    """A list element that is not a message this version understands."""


def encode(message: dict) -> bytes:
    return zlib.compress(json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def decode(data: bytes) -> dict:
    try:
        message = json.loads(zlib.decompress(data))
    except (zlib.error, ValueError) as exc:
        raise BadMessage(f"not a compressed JSON message: {exc}") from exc
    if not isinstance(message, dict) or "type" not in message:
        raise BadMessage("a message is a JSON object with a 'type'")
    return message


def page_message(processed: Processed, run: str, delivery_id: str) -> dict:
    """A `page` message for one processed page."""
    page = dict(processed.page)
    body = page.pop("body", b"") or b""
    page["body_z"] = base64.b64encode(zlib.compress(body)).decode("ascii")
    if isinstance(page.get("rejection"), Rejection):
        page["rejection"] = page["rejection"].to_row()
    return {
        "type": "page", "id": delivery_id, "run": run, "kind": str(processed.kind), "page": page,
        "keys": asdict(processed.keys) if processed.keys is not None else None,
        "rejection": processed.rejection.to_row() if processed.rejection is not None else None,
        # the chain's other results (article, verdict, …): plain JSON data, carried as they are
        "fields": {f.name: getattr(processed, f.name) for f in fields(Processed) if f.name not in _SPECIAL},
    }


def processed_from(message: dict) -> Processed:
    """The `Processed` a `page` message carries, as the worker's chain made it."""
    try:
        page = dict(message["page"])
        page["body"] = zlib.decompress(base64.b64decode(page.pop("body_z", "") or ""))
        keys = message.get("keys")
        known = {f.name for f in fields(Processed)} - _SPECIAL
        return Processed(
            page, **{k: v for k, v in (message.get("fields") or {}).items() if k in known},
            keys=DedupeKeys(keys["normalised"], keys["body_hash"], keys.get("canonical_url", ""),
                            dict(keys.get("urls") or {})) if keys else None,
            rejection=Rejection.coerce(message.get("rejection")), kind=RequestKind(message.get("kind") or "article"),
        )
    except (KeyError, TypeError, ValueError, zlib.error) as exc:
        raise BadMessage(f"a malformed page message: {type(exc).__name__}: {exc}") from exc
