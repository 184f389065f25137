"""Evidence photos in a report's table cells: read from the archive, fitted to their column.

A picture is decoded in full before it goes in, so a corrupt or truncated file is named in
the text instead (never a broken image, never a failed report). It is turned upright by its
EXIF orientation (Word does not read it), scaled down to at most MAX_EDGE_PX (a phone's
full-size photo would make the document too large to send in the chat) and re-encoded,
which also drops its metadata: no GPS position goes out in a published report. It is as
wide as its column's inner width, narrower where that would make it taller than the
renderer's cap, with a small caption below: the division and the date (B.E.) it was sent.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

from docx.shared import Cm, Emu, Pt
from docx.table import _Cell
from PIL import Image, ImageOps

from bot.present import division_name, short_date
from bot.reports.docx_common import add_run, inner_width
from bot.reports.pack_paths import EvidenceLocator
from bot.texts import t
from storage.read_models import Answer, DivisionRef

log = logging.getLogger(__name__)

# The longest side kept: 1280 px is Telegram's own photo size, over 300 dpi in a 10 cm column.
MAX_EDGE_PX = 1280
JPEG_QUALITY = 85
CAPTION_PT = 11.0
# What Pillow raises on a file it cannot decode: unknown format, truncated or bad data, a bomb.
_UNREADABLE = (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError)


@dataclass(frozen=True)
class Picture:
    """One evidence picture ready for a cell: its bytes, size in pixels and caption."""

    evidence_id: int
    data: bytes
    size_px: tuple[int, int]
    caption: str


def prepare(path: Path) -> tuple[bytes, tuple[int, int]] | None:
    """The picture for a document: upright, small, JPEG or PNG, no metadata (None: unreadable)."""
    try:
        with Image.open(path) as source:
            jpeg = source.format == "JPEG"
            source.draft("RGB", (MAX_EDGE_PX, MAX_EDGE_PX))  # a JPEG decodes at a smaller scale
            image = ImageOps.exif_transpose(source)  # decodes every pixel: bad data raises here
    except _UNREADABLE as exc:
        log.warning("evidence picture %s cannot be read (%s): named instead", path.name, exc)
        return None
    image.thumbnail((MAX_EDGE_PX, MAX_EDGE_PX))
    alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    out = io.BytesIO()
    if jpeg:
        image.convert("L" if image.mode == "L" else "RGB").save(out, "JPEG", quality=JPEG_QUALITY)
    else:  # PNG screenshots stay sharp; a GIF gives its first frame
        image.convert("RGBA" if alpha else "RGB").save(out, "PNG", optimize=True)
    return out.getvalue(), image.size


def fit(size_px: tuple[int, int], width: int, max_height: int) -> tuple[Emu, Emu]:
    """The picture's size in the document (EMU): `width` wide, or less to stay within the height."""
    w, h = size_px
    height = width * h // w
    if height > max_height:
        width, height = max_height * w // h, max_height
    return Emu(width), Emu(height)


class PictureSource:
    """An answer's archived pictures, read through the locator, each file prepared once."""

    def __init__(self, locator: EvidenceLocator, tz: tzinfo, lang: str) -> None:
        self.locator = locator
        self.tz = tz
        self.lang = lang
        self._ready: dict[Path, tuple[bytes, tuple[int, int]] | None] = {}

    def _prepared(self, path: Path) -> tuple[bytes, tuple[int, int]] | None:
        if path not in self._ready:
            self._ready[path] = prepare(path)
        return self._ready[path]

    def of(self, answer: Answer | None, division: DivisionRef) -> tuple[Picture, ...]:
        """The pictures of an answer that can be shown, in the order they were sent."""
        if answer is None:
            return ()
        out = []
        for ev in answer.evidence:
            path = self.locator.file(ev) if ev.is_picture else None
            ready = self._prepared(path) if path is not None else None
            if ready is None:
                continue
            at = ev.received_at or answer.created_at
            caption = t(
                "report.picture_caption",
                self.lang,
                division=division_name(division, self.lang),
                date=short_date(at, self.tz, self.lang),
            )
            out.append(Picture(ev.evidence_id, ready[0], ready[1], caption))
        return tuple(out)


def add_pictures(
    cell: _Cell, pictures: Sequence[Picture], column_cm: float, max_height_cm: float
) -> None:
    """Each picture in its own paragraph at the end of the cell, its caption below it."""
    room, max_height = inner_width(cell, column_cm), int(Cm(max_height_cm))
    for picture in pictures:
        width, height = fit(picture.size_px, room, max_height)
        paragraph = cell.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(3)
        paragraph.paragraph_format.keep_with_next = True  # the caption stays with its picture
        add_run(paragraph, "").add_picture(io.BytesIO(picture.data), width=width, height=height)
        caption = cell.add_paragraph()
        caption.paragraph_format.space_after = Pt(2)
        add_run(caption, picture.caption, CAPTION_PT)
