"""The catalogues are complete and compiled: Chinese by default, English whole."""

import gettext
from pathlib import Path

import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def _unquote(lines: list[str]) -> str:
    text = "".join(line[line.index('"') + 1 : line.rindex('"')] for line in lines)
    return text.encode("latin-1", "backslashreplace").decode("unicode_escape")


def entries(language) -> list[dict]:
    """Each message of the .po file: its context, id and translations."""
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text()
    messages = []
    for block in text.split("\n\n"):
        fields, key = {}, None
        for line in block.splitlines():
            if line.startswith(("msgctxt", "msgid", "msgstr")):
                key = line.split(" ", 1)[0]
                fields.setdefault(key, []).append(line)
            elif line.startswith('"') and key:
                fields[key].append(line)
        if "msgid" in fields and _unquote(fields["msgid"]):
            messages.append(
                {
                    "id": _unquote(fields["msgid"]),
                    "strs": [
                        _unquote([line])
                        for k, v in fields.items()
                        if k.startswith("msgstr")
                        for line in v
                    ],
                }
            )
    return messages


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_every_message_is_translated_and_none_is_fuzzy(language):
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text()
    assert "#, fuzzy" not in text
    untranslated = [m["id"] for m in entries(language) if not "".join(m["strs"])]
    assert not untranslated, untranslated[:10]


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_compiled_catalogue_matches_the_source(language):
    directory = LOCALE / language / "LC_MESSAGES"
    with (directory / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)._catalog
    ids = {m["id"] for m in entries(language)}
    compiled_ids = {
        (key[0] if isinstance(key, tuple) else key).split("\x04")[-1]
        for key in catalogue
    }
    assert ids <= compiled_ids, sorted(ids - compiled_ids)[:10]


def test_chinese_is_the_default_and_reads_naturally():
    with translation.override("zh-hans"):
        assert translation.gettext("Service venues") == "服务场所"
        assert (
            translation.pgettext("venue is not open at the moment", "Closed")
            == "休息中"
        )
