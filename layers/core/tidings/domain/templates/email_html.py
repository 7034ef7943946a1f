"""The HTML body of an email, as the v2 preview's `html` shows it (Notify's markup and styles)."""

from __future__ import annotations

from typing import Any

import mistune

PARAGRAPH = "Margin: 0 0 20px 0; font-size: 19px; line-height: 25px; color: #0B0C0C;"
HEADING = "Margin: 0 0 20px 0; padding: 0; font-size: 27px; line-height: 35px; font-weight: bold; color: #0B0C0C;"
LIST_ITEM = "Margin: 5px 0 5px; padding: 0 0 0 5px; font-size: 19px; line-height: 25px; color: #0B0C0C;"
LIST = "Margin: 0 0 0 20px; padding: 0; list-style-type: {kind};"
QUOTE = "Margin: 0 0 20px 0; border-left: 10px solid #B1B4B6; padding: 15px 0 0.1px 15px; font-size: 19px;"


class _EmailRenderer(mistune.HTMLRenderer):
    def paragraph(self, text: str) -> str:
        return f'<p style="{PARAGRAPH}">{text}</p>\n'

    def heading(self, text: str, level: int, **attrs: Any) -> str:
        return f'<h2 style="{HEADING}">{text}</h2>\n'

    def softbreak(self) -> str:
        return "<br />"

    def list(self, text: str, ordered: bool, **attrs: Any) -> str:
        tag, kind = ("ol", "decimal") if ordered else ("ul", "disc")
        style = LIST.format(kind=kind)
        return (
            '<table role="presentation" style="padding: 0 0 20px 0;"><tr><td style="font-family: Helvetica, '
            f'Arial, sans-serif;"><{tag} style="{style}">{text}</{tag}></td></tr></table>\n'
        )

    def list_item(self, text: str) -> str:
        return f'<li style="{LIST_ITEM}">{text}</li>'

    def block_quote(self, text: str) -> str:
        return f'<blockquote style="{QUOTE}">{text}</blockquote>\n'


_markdown = mistune.create_markdown(renderer=_EmailRenderer(escape=True))


def email_html(body: str) -> str:
    html = _markdown(body.replace("\r\n", "\n"))
    return html if isinstance(html, str) else ""
