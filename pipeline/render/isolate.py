"""Bidi isolation: runs of the other direction's words wrapped so punctuation stays put."""
from __future__ import annotations

import unicodedata
from functools import lru_cache

_STRONG_LTR = {"L"}
_STRONG_RTL = {"R", "AL"}


@lru_cache(maxsize=65536)
def _classes(text: str) -> frozenset[str]:
    return frozenset(unicodedata.bidirectional(ch) for ch in text)  # (words repeat: cached)


def _foreign(text: str, rtl: bool) -> bool:
    """Whether a word is written in the direction opposite to the document's."""
    classes = _classes(text)
    if rtl:
        return bool(classes & _STRONG_LTR) and not classes & _STRONG_RTL
    return bool(classes & _STRONG_RTL) and not classes & _STRONG_LTR


def mixed(node, *, rtl: bool) -> bool:
    """Whether any word of these blocks or inlines (footnotes included) has a letter written in the
    other direction than the document's: when none has, there is nothing to isolate."""
    other = _STRONG_LTR if rtl else _STRONG_RTL
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            c = item.get("c")
            if item.get("t") == "Str":
                if _classes(c) & other:
                    return True
            elif isinstance(c, list):
                stack.append(c)
    return False


# A right-to-left document nearly always has Latin words (the signatories' names, last: `mixed`
# finds them at once), a left-to-right one seldom Arabic-script words: only for the latter is
# the document's whole body walked once (translate.Document.body), for HTML and Typst both.


def mixed_body(doc, *, rtl: bool) -> bool:
    """`mixed(doc.ast["blocks"], rtl=rtl)` (doc: translate.Document)."""
    if rtl:
        return mixed(doc.ast["blocks"], rtl=rtl)
    return bool(doc.body.words & _STRONG_RTL)


def may_be_mixed(doc, *, rtl: bool) -> bool:
    """False when no word or raw code of the document's body has a letter of the other direction
    than `rtl`'s: then `mixed` is False for any blocks made of its words and raw code (the Typst
    body is: raw Typst is shown as words), without walking them. (Always True if `rtl`: not asked.)"""
    return rtl or bool((doc.body.words | doc.body.raw) & _STRONG_RTL)


def other_letters(text: str, *, rtl: bool) -> bool:
    """Whether a text has a letter written in the other direction than `rtl`'s."""
    return bool(_classes(text) & (_STRONG_LTR if rtl else _STRONG_RTL))


def _strong(ch: str) -> bool:
    return unicodedata.bidirectional(ch) in _STRONG_LTR | _STRONG_RTL or ch.isdigit()


def isolate(inlines: list, *, rtl: bool) -> list:
    """Wrap each run of opposite-direction words in a Span with a `dir` attribute."""
    direction = "ltr" if rtl else "rtl"
    out: list = []
    run: list = []

    def flush() -> None:
        trail = []
        while run and run[-1]["t"] == "Space":
            trail.append(run.pop())
        if run:
            lead, run[0] = _split_lead(run[0])
            tail, run[-1] = _split_tail(run[-1])
            lead, tail = _balance(run, lead, tail)
            if lead:
                out.append(lead)
            out.append({"t": "Span", "c": [["", [], [["dir", direction]]], list(run)]})
            if tail:
                out.append(tail)
        out.extend(trail)
        run.clear()

    for i, node in enumerate(inlines):
        t = node.get("t")
        if t == "Str" and _foreign(node["c"], rtl):
            run.append(node)
            tail = _tail(node["c"])
            if tail and set(tail) & _SENTENCE_PUNCTUATION and not _foreign_follows(inlines, i + 1, rtl):
                flush()  # "،" or "." ends the run when the sentence goes on in the document's script
        elif t == "Space" and run:
            run.append(node)
        else:
            if run:  # (with none, flush does nothing: most words are the document's own)
                flush()
            out.append(_recurse(node, rtl) if t in _NESTING else node)
    flush()
    return out


def _foreign_follows(inlines: list, start: int, rtl: bool) -> bool:
    """Whether the next word is also foreign ("Arts, Culture and Education" stays one run)."""
    for node in inlines[start:]:
        if node.get("t") == "Space":
            continue
        return node.get("t") == "Str" and _foreign(node["c"], rtl)
    return False


def _split_lead(node: dict) -> tuple[dict | None, dict]:
    text = node["c"]
    i = 0
    while i < len(text) and not _strong(text[i]):
        i += 1
    lead = {"t": "Str", "c": text[:i]} if i else None
    return lead, {"t": "Str", "c": text[i:]}


def _split_tail(node: dict) -> tuple[dict | None, dict]:
    text = node["c"]
    j = len(text) - len(_tail(text))
    tail = {"t": "Str", "c": text[j:]} if j < len(text) else None
    return tail, {"t": "Str", "c": text[:j]}


@lru_cache(maxsize=65536)
def _tail(text: str) -> str:
    """The characters after a word's last strong one (its punctuation): words repeat, cached."""
    j = len(text)
    while j > 0 and not _strong(text[j - 1]):
        j -= 1
    return text[j:]


_OPEN, _CLOSE = "([{", ")]}"
_SENTENCE_PUNCTUATION = set(",.;:!?،؛؟۔")


def _balance(run: list, lead: dict | None, tail: dict | None) -> tuple[dict | None, dict | None]:
    """Keep brackets with their partner: "(SLDP" + ")" becomes one isolated "(SLDP)"."""
    text = "".join(n.get("c", " ") if n["t"] == "Str" else " " for n in run)
    depth = sum(text.count(ch) for ch in _OPEN) - sum(text.count(ch) for ch in _CLOSE)
    while depth > 0 and tail and tail["c"][:1] in _CLOSE:
        run[-1] = {"t": "Str", "c": run[-1]["c"] + tail["c"][0]}
        tail = {"t": "Str", "c": tail["c"][1:]} if len(tail["c"]) > 1 else None
        depth -= 1
    while depth < 0 and lead and lead["c"][-1:] in _OPEN:
        run[0] = {"t": "Str", "c": lead["c"][-1] + run[0]["c"]}
        lead = {"t": "Str", "c": lead["c"][:-1]} if len(lead["c"]) > 1 else None
        depth += 1
    return lead, tail


_INLINE_CONTAINERS = {"Emph", "Strong", "Underline", "Strikeout", "Superscript", "Subscript", "SmallCaps"}
_NESTING = _INLINE_CONTAINERS | {"Link", "Span", "Quoted", "Note"}  # what _recurse goes into


def _recurse(node: dict, rtl: bool) -> dict:
    t, c = node.get("t"), node.get("c")
    if t in _INLINE_CONTAINERS:
        return {"t": t, "c": isolate(c, rtl=rtl)}
    if t in ("Link", "Span"):
        return {"t": t, "c": [c[0], isolate(c[1], rtl=rtl)] + c[2:]}
    if t == "Quoted":
        return {"t": t, "c": [c[0], isolate(c[1], rtl=rtl)]}
    if t == "Note":
        return {"t": t, "c": isolate_blocks(c, rtl=rtl)}
    return node


def isolate_blocks(blocks: list, *, rtl: bool) -> list:
    """Apply `isolate` to every inline list of a block tree."""
    from ..segment import slots

    for slot in slots(blocks):
        slot.holder[slot.key] = isolate(slot.inlines, rtl=rtl)
    return blocks
