"""A stacked bar chart of categories by month, drawn with block characters.

Each category has its own colour (from the theme) and its own fill (█ ▓ ▒ ▚ ·), so
the chart stays readable on a washed-out projector or in monochrome.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from coachtui.store.types import ThemeMonth

# (series key, fill, theme colour variable). The text-* colours are the ones a theme
# keeps legible on its background; no fill is as faint as ░, which vanishes on a
# projector.
SERIES = (
    ("capability", "█", "text-primary"),
    ("learning", "▓", "text-success"),
    ("relational", "▒", "text-warning"),
    ("environment", "▚", "text-error"),
    ("unsure", "·", "foreground-muted"),
)


class TrendChart(Widget):
    """Months down the side, one bar per month split by category."""

    DEFAULT_CSS = """
    TrendChart {
        height: auto;
        width: 1fr;
    }
    """

    months: reactive[tuple[ThemeMonth, ...]] = reactive((), layout=True)

    def __init__(self, labels: dict[str, str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.labels = labels

    def _style(self, variable: str) -> Style:
        from textual.color import Color

        variables = self.app.theme_variables
        value = variables.get(variable) or variables.get("foreground") or "#ffffff"
        background = Color.parse(variables.get("background") or "#000000")
        # Theme colours may carry an alpha channel, which a terminal cell cannot;
        # blend them over the background instead.
        return Style(color=background.blend(Color.parse(value), Color.parse(value).a).rich_color)

    def legend_lines(self, width: int) -> list[Text]:
        """The legend, wrapped between entries only: a swatch stays with its name."""
        lines = [Text()]
        for key, fill, variable in SERIES:
            entry = Text()
            entry.append(f"{fill * 2} ", style=self._style(variable))
            entry.append(self.labels.get(key, key))
            gap = 3 if lines[-1].cell_len else 0
            if lines[-1].cell_len and lines[-1].cell_len + gap + entry.cell_len > width:
                lines.append(Text())
                gap = 0
            lines[-1].append(" " * gap)
            lines[-1].append_text(entry)
        return lines

    def legend(self) -> Text:
        return Text("\n").join(self.legend_lines(max(20, self.size.width)))

    def render(self) -> Text:
        months = self.months
        text = self.legend()
        text.append("\n")
        if not months or not any(m.total for m in months):
            text.append("\nNo completed sessions in these months.")
            return text
        width = max(10, self.size.width - 9 - 6)
        biggest = max(m.total for m in months) or 1
        for month in months:
            text.append(f"\n{month.month.strftime('%b %Y')} ")
            for key, fill, variable in SERIES:
                count = month.counts.get(key, 0)
                cells = round(count / biggest * width) if count else 0
                if count and not cells:
                    cells = 1
                text.append(fill * cells, style=self._style(variable))
            text.append(f" {month.total}")
        return text

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        legend_lines = len(self.legend_lines(max(20, width)))  # the legend wraps on narrow screens
        return legend_lines + 1 + max(1, len(self.months))
