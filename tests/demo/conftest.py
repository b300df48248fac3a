import pytest

from demo.load import load_demo


@pytest.fixture
def demo(db):
    """The demo, loaded once; returns load_demo's summary."""
    return load_demo()
