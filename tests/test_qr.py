from django.utils import translation

from qunxian import qr


def test_a_code_is_drawn_once_a_process_in_each_language(monkeypatch):
    drawn = []
    draw = qr.check_in_qr_code
    monkeypatch.setattr(
        qr, "check_in_qr_code", lambda data: drawn.append(data) or draw(data)
    )
    qr._svg.cache_clear()
    with translation.override("en"):
        first = qr.check_in_qr("AB12CD")
        again = qr.check_in_qr("AB12CD")
    with translation.override("zh-hans"):
        chinese = qr.check_in_qr("AB12CD")
    other = qr.check_in_qr("ZZ99ZZ")
    assert first == again
    assert drawn.count("AB12CD") == 2  # once in English, once in Chinese
    assert "<title>Check-in code</title>" in first
    assert "Check-in code" not in chinese
    assert other != first
