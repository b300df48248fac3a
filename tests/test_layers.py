"""The apps are layers: each imports only from the layers below it.

qunxian ← venues ← bookings ← feedback ← activities, notices
← membership, volunteering, representatives ← dashboards, demo.
Only the root URLconf (qunxian/urls.py) reaches up to mount every app.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = [
    {"qunxian"},
    {"venues"},
    {"bookings"},
    {"feedback"},
    {"activities", "notices"},
    {"membership", "volunteering", "representatives"},
    {"dashboards", "demo"},
]
LEVEL = {app: n for n, apps in enumerate(LAYERS) for app in apps}
ROOT_URLCONF = ROOT / "qunxian" / "urls.py"


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names & set(LEVEL)


def modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts and path != ROOT_URLCONF:
            yield path


@pytest.mark.parametrize("app", sorted(LEVEL))
def test_an_app_imports_only_from_its_own_layer_or_below(app):
    upward = [
        (str(path.relative_to(ROOT)), other)
        for path in modules(app)
        for other in imported_apps(path)
        if LEVEL[other] > LEVEL[app] or (LEVEL[other] == LEVEL[app] and other != app)
    ]
    assert not upward, upward


def test_the_root_urlconf_mounts_every_app():
    assert imported_apps(ROOT_URLCONF) >= set(LEVEL) - {"qunxian", "demo"}
