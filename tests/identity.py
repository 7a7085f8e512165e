"""The identity law (DESIGN.md): every msgstr equal to its msgid rebuilds the source document."""
from __future__ import annotations

from pathlib import Path

from pipeline.catalog import Message, Translations
from pipeline.pandoc import Pandoc
from pipeline.translate import Document, translate


def normalise(node):
    """A soft line break counts as a space."""
    if isinstance(node, list):
        return [normalise(n) for n in node]
    if isinstance(node, dict):
        if node.get("t") == "SoftBreak":
            return {"t": "Space"}
        return {k: normalise(v) for k, v in node.items()}
    return node


def assert_identity(x, config, pandoc: Pandoc) -> Document:
    """Translate the extracted statement `x` into Arabic with msgstr = msgid: the body's AST comes back."""
    cat = Translations(path=Path("identity.po"))
    for s in x.segments:
        cat.messages[(s.context, s.msgid)] = Message(s.msgid, s.msgid, s.context)
    doc = translate(x, config.lang("ar"), config, cat, None, pandoc)
    rebuilt = doc.ast["blocks"][: len(x.ast["blocks"])]
    assert normalise(rebuilt) == normalise(x.ast["blocks"]), "identity translation changed the document"
    assert doc.missing == ()
    return doc
