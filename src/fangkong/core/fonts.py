"""The CJK font that printed documents embed (posters, the daily report): Debian's fonts-noto-cjk.

fpdf2 embeds only the glyphs used, so a document prints the same on any machine; nothing is fetched.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fangkong.core.errors import DomainError

# (file, index in the collection): Noto Sans CJK SC first, the serif face as a fallback
CJK_FONTS = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
)


@lru_cache(maxsize=1)
def find_cjk_font() -> tuple[str, int] | None:
    for path, index in CJK_FONTS:
        if Path(path).is_file():
            return path, index
    return None


def cjk_font(code: str) -> tuple[str, int]:
    """The font's file and collection index, or a 503 `code` naming what to install."""
    found = find_cjk_font()
    if found is None:
        raise DomainError(code, "no CJK font on this server (apt-get install fonts-noto-cjk)", status=503,
                          details={"looked_for": [path for path, _ in CJK_FONTS]})
    return found
