from __future__ import annotations

from anju.lib import crawl


def test_visible_text_leaves_out_scripts_and_attributes() -> None:
    parts, links = crawl.parse('<p title="cli:root">张三</p><script>var a = "core.User";</script><a href="/x/">看</a>')
    assert parts == ["张三", "看"] and links == ["/x/"]


def test_identifiers_and_english_words_are_found() -> None:
    found = {(f.kind, f.text) for f in crawl.check_text("/", ["cli:root 改了 arrears_case:90 core.User #2"])}
    assert ("command-line actor", "cli:root") in found
    assert ("record ref (type:id)", "arrears_case:90") in found
    assert ("model label", "core.User") in found
    assert ("record id (#n)", "#2") in found
    assert crawl.check_text("/", ["fund.collected"])[0].kind == "KPI code"


def test_document_numbers_placeholders_and_allowed_words_pass() -> None:
    assert crawl.check_text("/", ["ZL2023-00001 GZ-CD-1-1-101 GZ-CD 上传 Excel {fund.collected:万2} 或 PDF"]) == []
    assert [f.text for f in crawl.check_text("/", ["共 3 条 records"])] == ["records"]
    # A page's address is an address (the audit log's refused requests), text beside it is still read.
    assert crawl.check_text("/", ["访问 /performance/kpi/fund.collected/2023/（缺少权限：维修资金·查看）"]) == []
    assert ("KPI code", "fund.collected") in {
        (f.kind, f.text) for f in crawl.check_text("/", ["访问 /fund/ fund.collected"])
    }


def test_the_crawl_follows_internal_links_once_and_skips_exports_and_logout() -> None:
    pages = {
        "/": '<a href="/a/">甲</a><a href="/a/?export=xlsx">导出</a><a href="/logout/">退出</a><a href="http://x.org/">外</a>',
        "/a/": '<a href="/">home</a><p>Hello</p>',
    }
    asked: list[str] = []

    def get(path: str) -> crawl.Page:
        asked.append(path)
        return crawl.Page(200, "text/html", pages[path])

    report = crawl.crawl(get)
    assert asked == ["/", "/a/"]
    assert report.pages == ["/", "/a/"]
    assert [(f.path, f.text) for f in report.findings] == [("/a/", "home"), ("/a/", "Hello")]
