"""The status chart: for each measure, how many divisions stood at each status, round by round."""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import matplotlib

matplotlib.use("Agg")  # no screen on a server; must precede any pyplot import anywhere

from matplotlib import font_manager, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.present import (
    STATUS_ORDER,
    digits,
    measure_title,
    round_short,
    status_name,
)
from bot.reports.fonts import ThaiFont
from bot.texts import t
from bot.texts.reports import COLOURS
from storage.read_models import MeasureRef, RoundSummary

# rcParams and the font manager are process-wide: one chart at a time.
_LOCK = threading.Lock()
TITLE_CHARS = 70


@cache
def register_font(path: str) -> str:
    """Make matplotlib know the font file; returns its family name."""
    font_manager.fontManager.addfont(path)
    return str(font_manager.FontProperties(fname=path).get_name())


@dataclass(frozen=True)
class ChartTexts:
    """Every text the chart draws (also what a test checks the font covers)."""

    title: str
    ylabel: str
    measures: tuple[str, ...]
    rounds: tuple[str, ...]
    legend: tuple[str, ...]

    def all(self) -> list[str]:
        """All of them in one list."""
        return [self.title, self.ylabel, *self.measures, *self.rounds, *self.legend]


def _measures(summaries: Sequence[RoundSummary]) -> list[MeasureRef]:
    seen = {m.measure.id: m.measure for s in summaries for m in s.measures}
    return sorted(seen.values(), key=lambda m: m.seq)


def chart_texts(summaries: Sequence[RoundSummary], lang: str = "th") -> ChartTexts:
    """The chart's texts for these summaries."""
    measures = []
    for m in _measures(summaries):
        title = measure_title(m, lang)
        if len(title) > TITLE_CHARS:
            title = title[: TITLE_CHARS - 1] + "…"
        seq = digits(str(m.seq), lang)
        measures.append(f"{t('report.chart_measure', lang, seq=seq)} {title}")
    return ChartTexts(
        title=t("report.chart_title", lang),
        ylabel=t("report.chart_ylabel", lang),
        measures=tuple(measures),
        rounds=tuple(round_short(s.round, lang) for s in summaries),
        legend=tuple(status_name(s, lang) for s in STATUS_ORDER),
    )


def render_chart(summaries: Sequence[RoundSummary], font: ThaiFont, lang: str = "th") -> bytes:
    """A PNG of stacked bars per round, one panel per measure, Thai labels in the Thai font."""
    texts = chart_texts(summaries, lang)
    measures = _measures(summaries)
    family = register_font(str(font.path))
    n = max(len(measures), 1)
    width = max(8.0, 0.5 * len(summaries) + 4.0)
    with _LOCK, rc_context({"font.family": [family], "axes.unicode_minus": False}):
        fig = Figure(figsize=(width, 1.7 * n + 1.4), layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(n, 1, sharex=True, squeeze=False)[:, 0]
        xs = list(range(len(summaries)))
        for ax, measure, label in zip(axes, measures, texts.measures, strict=False):
            bottom = [0] * len(summaries)
            for status in STATUS_ORDER:
                heights = []
                for s in summaries:
                    line = next((m for m in s.measures if m.measure.id == measure.id), None)
                    heights.append(line.count(status) if line else 0)
                ax.bar(xs, heights, bottom=bottom, color=COLOURS[status], width=0.7)
                bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
            ax.set_title(label, loc="left", fontsize=11)
            ax.set_ylabel(texts.ylabel, fontsize=9)
            ax.yaxis.get_major_locator().set_params(integer=True)
            ax.spines[["top", "right"]].set_visible(False)
        axes[-1].set_xticks(xs, list(texts.rounds), rotation=45 if len(xs) > 8 else 0)
        # With one or two rounds, keep the bars bar-shaped instead of filling the width.
        axes[-1].set_xlim(-0.6, max(len(xs), 3) - 0.4)
        fig.suptitle(texts.title, fontsize=14)
        handles = [
            matplotlib.patches.Patch(color=COLOURS[s], label=name)
            for s, name in zip(STATUS_ORDER, texts.legend, strict=True)
        ]
        fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), fontsize=10)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110)
    return buf.getvalue()
