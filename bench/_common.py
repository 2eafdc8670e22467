"""Helpers shared by the benchmarks: where the shared evaluation corpus is, and resident memory."""

from __future__ import annotations

import os
import random
import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))


def shared_or_none(*parts: str) -> Path | None:
    path = SHARED.joinpath(*parts)
    if path.exists():
        return path
    print(f"({path} not found: skipping the figures that need the shared corpus)")
    return None


def rss_mb() -> float:
    """Current resident memory of this process, in MB (Linux /proc; peak as a fallback)."""
    try:
        with open(f"/proc/{os.getpid()}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


# A vocabulary for synthetic articles: common Chinese characters paired into "words".
_CHARS = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而"
          "方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开"
          "它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变"
          "条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基"
          "资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处府研质信县镇村乡减负")


def synthetic_vocabulary(size: int = 4000, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(_CHARS) for _ in range(rnd.choice((2, 2, 2, 3, 4)))) for _ in range(size)]


def synthetic_article(rnd: random.Random, vocab: list[str], sentences: int = 12) -> str:
    out = []
    for _ in range(sentences):
        out.append("".join(rnd.choice(vocab) for _ in range(rnd.randint(8, 16))) + "。")
    return "\n\n".join("".join(out[i:i + 3]) for i in range(0, len(out), 3))
