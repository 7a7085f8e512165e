"""HTML: bidi isolation of opposite-direction runs, and the page in a real browser."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.render.isolate import isolate
from pipeline.translate import plain_inlines

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def spans(text: str, *, rtl: bool = True) -> list[str]:
    """The isolated runs of a text, as plain strings."""
    out = []
    for node in isolate(plain_inlines(text), rtl=rtl):
        if node["t"] == "Span":
            out.append("".join(n["c"] if n["t"] == "Str" else " " for n in node["c"][1]))
    return out


def test_latin_runs_in_arabic_text_are_isolated_with_their_brackets():
    assert spans("البرنامج السوري للتطوير القانوني (SLDP) و PÊL- Civil Waves، ثم") == ["SLDP", "PÊL- Civil Waves"]
    assert spans("Syrian Legal Development Programme (SLDP)") == ["Syrian Legal Development Programme (SLDP)"]


def test_a_comma_inside_a_name_does_not_split_it():
    assert spans("Malva Organisation for Arts, Culture and Education") == [
        "Malva Organisation for Arts, Culture and Education"]


def test_sentence_punctuation_stays_with_the_arabic_sentence():
    inl = isolate(plain_inlines("تقرير (OCHA)، التحديث"), rtl=True)
    assert [n["c"] for n in inl if n["t"] == "Str"] == ["تقرير", "(", ")،", "التحديث"]


def test_arabic_in_english_text_is_isolated_too():
    assert spans("The office of مكتب التنسيق, said", rtl=False) == ["مكتب التنسيق"]


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed: the real-browser test was NOT run "
                                              "(apt-get install chromium; .ci/run does this)")
def test_arabic_page_in_a_real_browser(project: Path):
    """Headless Chromium: computed direction rtl, and the glyphs drawn with the shipped Amiri."""
    from playwright.sync_api import sync_playwright

    assert main(["--project", str(project), "publish"]) == 0
    page_path = project / "out/ar/2026-01-26-protect-civilians.html"
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            page = browser.new_page()
            requests = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_path.as_uri())
            page.wait_for_load_state("networkidle")
            assert page.evaluate("getComputedStyle(document.querySelector('main p')).direction") == "rtl"
            assert page.evaluate("document.documentElement.lang") == "ar-SY"
            cdp = page.context.new_cdp_session(page)
            cdp.send("DOM.enable")
            cdp.send("CSS.enable")
            root = cdp.send("DOM.getDocument")["root"]["nodeId"]
            node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "main p"})["nodeId"]
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
            used = {f["familyName"]: f for f in fonts}
            assert used["Amiri"]["isCustomFont"]  # the web font shipped in out/fonts, not a system font
            assert not [u for u in requests if not u.startswith("file://")]  # nothing from another host
        finally:
            browser.close()
