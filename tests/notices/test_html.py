"""The rich text of notices: what the sanitiser keeps and what it removes."""

import pytest

from notices.html import plain_text, sanitize_html


@pytest.mark.parametrize(
    "dirty",
    [
        "<p>通知</p><script>alert(1)</script>",
        "<p>通知<script src='https://evil.example/x.js'></script></p>",
        "<p>通知</p><svg><script>alert(1)</script></svg>",
        "<p>通知</p><style>p { display: none }</style>",
    ],
)
def test_script_and_style_are_removed_with_their_content(dirty):
    clean = sanitize_html(dirty)
    assert "script" not in clean
    assert "alert" not in clean
    assert "display" not in clean
    assert "<p>通知</p>" in clean


@pytest.mark.parametrize(
    "dirty",
    [
        '<p onclick="steal()">通知</p>',
        '<img src="x" onerror="steal()">',
        '<a href="https://example.com" onmouseover="steal()">链接</a>',
        '<strong onfocus="steal()" tabindex="0">重要</strong>',
    ],
)
def test_event_handlers_are_removed(dirty):
    clean = sanitize_html(dirty)
    assert "steal" not in clean
    assert " on" not in clean
    assert "<img" not in clean


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "  javascript:alert(1)",
        "jav&#x09;ascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
    ],
)
def test_dangerous_link_targets_are_removed(href):
    clean = sanitize_html(f'<a href="{href}">点击</a>')
    assert "href" not in clean
    assert "script" not in clean.lower()
    assert "data:" not in clean
    assert "点击" in clean


@pytest.mark.parametrize(
    "href",
    ["https://www.putuo.gov.cn/notice", "http://example.com/", "mailto:gh@putuo.cn"],
)
def test_allowed_links_are_kept_with_noopener(href):
    clean = sanitize_html(f'<a href="{href}" title="原文" target="_blank">原文</a>')
    assert f'href="{href}"' in clean
    assert 'title="原文"' in clean
    assert 'rel="noopener noreferrer"' in clean
    assert "target" not in clean


def test_allowed_tags_are_kept():
    dirty = (
        "<h3>一、报名</h3><h4>（一）对象</h4>"
        "<p>全区<strong>一线</strong>职工<em>优先</em><br>联系电话</p>"
        "<ul><li>甲</li></ul><ol><li>乙</li></ol>"
        "<blockquote>引用</blockquote>"
        '<table><thead><tr><th scope="col">项目</th></tr></thead>'
        '<tbody><tr><td colspan="2">内容</td></tr></tbody></table>'
    )
    assert sanitize_html(dirty) == dirty


def test_other_tags_and_attributes_are_unwrapped_to_their_text():
    clean = sanitize_html(
        '<div class="x" style="color:red"><h1>大标题</h1><span id="s">文字</span>'
        '<iframe src="https://evil.example"></iframe><form><input></form></div>'
    )
    assert clean == "大标题文字"


def test_plain_text_separates_blocks_and_unescapes():
    clean = sanitize_html("<p>工会&amp;团委</p><p>妇联 &lt;科协&gt;</p>")
    assert plain_text(clean) == "工会&团委 妇联 <科协>"
