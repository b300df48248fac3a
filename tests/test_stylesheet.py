"""The one stylesheet stays whole: an unclosed block silently scopes every rule
after it (a merge once left the elder mode's narrow-screen block open)."""

from pathlib import Path

STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "css" / "app.css"


def test_every_block_of_the_stylesheet_is_closed():
    depth = 0
    for number, line in enumerate(STYLESHEET.read_text().splitlines(), start=1):
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"app.css:{number} closes a block that was never opened"
    assert depth == 0, "app.css ends inside an open block"
