"""coachtui's own themes, offered beside Textual's in the theme picker (ctrl+p → Change theme).

``coachtui-high-contrast`` is for projectors and bright rooms: a washed-out projector
turns mid-greys, pale borders and dimmed text into nothing, so this theme uses only
black on white and a few dark, saturated colours, every text at full strength, and
focus shown by a thick, bold outline rather than a change of shade. The rules that
make focus bold live in ``app.tcss`` and ``later.tcss`` under ``.-theme-coachtui-high-contrast``
(Textual puts that class on the app while the theme is active).
"""

from __future__ import annotations

from textual.theme import Theme

HIGH_CONTRAST = "coachtui-high-contrast"

# Every colour here has a contrast ratio of at least 7:1 against white (WCAG AAA).
_INK = "#000000"
_PAPER = "#FFFFFF"
_BLUE = "#0033A0"
_MAGENTA = "#8B0057"
_GREEN = "#005A1E"
_BROWN = "#7A3E00"
_RED = "#A8001C"

high_contrast = Theme(
    name=HIGH_CONTRAST,
    primary=_BLUE,
    secondary=_MAGENTA,
    accent=_MAGENTA,
    warning=_BROWN,
    error=_RED,
    success=_GREEN,
    foreground=_INK,
    background=_PAPER,
    surface=_PAPER,
    panel="#E6E6E6",
    boost="#0000001A",
    dark=False,
    luminosity_spread=0.1,
    text_alpha=1.0,
    variables={
        # Text at full strength: "muted" is still dark enough to read from the back row.
        "text": "auto 100%",
        "text-muted": "#333333",
        "text-disabled": "#595959",
        "text-primary": _BLUE,
        "text-secondary": _MAGENTA,
        "text-accent": _MAGENTA,
        "text-warning": _BROWN,
        "text-error": _RED,
        "text-success": _GREEN,
        # Focused fields: a magenta outline; unfocused ones keep a visible grey one.
        "border": _MAGENTA,
        "border-blurred": "#595959",
        # Lists and tables: a solid, bold cursor, still visible when the table is not focused.
        "block-cursor-background": _BLUE,
        "block-cursor-foreground": _PAPER,
        "block-cursor-text-style": "bold",
        "block-cursor-blurred-background": "#C9D3EE",
        "block-cursor-blurred-foreground": _INK,
        "block-cursor-blurred-text-style": "bold",
        "block-hover-background": "#E6E6E6",
        "input-cursor-background": _INK,
        "input-cursor-foreground": _PAPER,
        "input-selection-background": "#C9D3EE",
        "input-selection-foreground": _INK,
        "button-focus-text-style": "bold reverse",
        # The footer: white on black, keys in bold yellow.
        "footer-background": _INK,
        "footer-foreground": _PAPER,
        "footer-description-foreground": _PAPER,
        "footer-key-foreground": "#FFE14D",
        "scrollbar": "#595959",
        "scrollbar-hover": _BLUE,
        "scrollbar-active": _BLUE,
        "scrollbar-background": "#E6E6E6",
        "link-color": _BLUE,
        "markdown-h1-color": _INK,
        "markdown-h2-color": _INK,
        "markdown-h3-color": _INK,
        "markdown-h2-text-style": "bold underline",
    },
)

THEMES: tuple[Theme, ...] = (high_contrast,)
