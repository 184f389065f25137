"""The status chart: for each measure, how many divisions stood at each status, round by round."""

from __future__ import annotations

import io
import textwrap
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import matplotlib

matplotlib.use("Agg")  # no screen on a server; must precede any pyplot import anywhere

from matplotlib import font_manager, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

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
# A panel title wraps at this many characters, between words (Thai titles separate their
# phrases with spaces), never inside one.
WRAP_CHARS = 80


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
    empty: str
    measures: tuple[str, ...]
    rounds: tuple[str, ...]
    legend: tuple[str, ...]

    def all(self) -> list[str]:
        """All of them in one list."""
        return [self.title, self.ylabel, self.empty, *self.measures, *self.rounds, *self.legend]


def _measures(summaries: Sequence[RoundSummary]) -> list[MeasureRef]:
    seen = {m.measure.id: m.measure for s in summaries for m in s.measures}
    return sorted(seen.values(), key=lambda m: m.seq)


def wrap(text: str, width: int = WRAP_CHARS) -> str:
    """Break a title into lines at spaces only: a Thai word is never cut."""
    return "\n".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False))


def chart_texts(summaries: Sequence[RoundSummary], org: str = "", lang: str = "th") -> ChartTexts:
    """The chart's texts for these summaries (titled with the municipality and the rounds)."""
    measures = []
    for m in _measures(summaries):
        seq = digits(str(m.seq), lang)
        measures.append(
            wrap(f"{t('report.chart_measure', lang, seq=seq)} {measure_title(m, lang)}")
        )
    rounds = tuple(round_short(s.round, lang) for s in summaries)
    span = f"{rounds[0]} – {rounds[-1]}" if len(rounds) > 1 else "".join(rounds)
    title = " ".join(t("report.chart_title", lang, org=org, rounds=span).split())
    return ChartTexts(
        title=wrap(title, WRAP_CHARS + 20),
        ylabel=t("report.chart_ylabel", lang),
        empty=t("report.chart_empty", lang),
        measures=tuple(measures),
        rounds=rounds,
        legend=tuple(status_name(s, lang) for s in STATUS_ORDER),
    )


def render_chart(
    summaries: Sequence[RoundSummary], font: ThaiFont, lang: str = "th", org: str = ""
) -> bytes:
    """A PNG of stacked bars per round, one panel per measure, Thai labels in the Thai font."""
    texts = chart_texts(summaries, org, lang)
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
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: digits(f"{v:.0f}", lang)))
            ax.spines[["top", "right"]].set_visible(False)
        axes[-1].set_xticks(xs, list(texts.rounds), rotation=45 if len(xs) > 8 else 0)
        # With one or two rounds, keep the bars bar-shaped instead of filling the width.
        axes[-1].set_xlim(-0.6, max(len(xs), 3) - 0.4)
        fig.suptitle(texts.title, fontsize=14)
        if not any(s.owed for s in summaries):
            # An empty round says so in words rather than showing a bare axis.
            fig.text(0.5, 0.5, texts.empty, ha="center", va="center", fontsize=16)
        handles = [
            matplotlib.patches.Patch(color=COLOURS[s], label=name)
            for s, name in zip(STATUS_ORDER, texts.legend, strict=True)
        ]
        fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), fontsize=10)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110)
    return buf.getvalue()
