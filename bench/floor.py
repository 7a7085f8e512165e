"""The floor: the same outputs made by bare pandoc and Typst calls, one after another.

    python -m bench.floor plan.json

`plan.json` lists jobs {"input": md, "output": path, "format": html|docx|pdf,
"lang": "ar", "font": "Amiri"} and "font_dirs". One pandoc process per output
(the pandoc of pypandoc-binary, as the pipeline uses); for a PDF, pandoc writes
Typst and `typst.compile` typesets it with the fonts of the same font packages.
No pipeline code is imported: this is what the tools cost on their own.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    import pypandoc
    import typst

    plan = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    pandoc = pypandoc.get_pandoc_path()
    for job in plan["jobs"]:
        fmt, out = job["format"], Path(job["output"])
        common = [pandoc, job["input"], "-f", "markdown-smart", "-s", "-M", f"lang={job['lang']}"]
        if fmt == "html":
            subprocess.run(common + ["-t", "html5", "-o", str(out)], check=True)
        elif fmt == "docx":
            subprocess.run(common + ["-t", "docx", "-o", str(out)], check=True)
        else:
            source = out.with_suffix(".typ")
            subprocess.run(common + ["-t", "typst", "-V", f"mainfont={job['font']}", "-o", str(source)],
                           check=True)
            typst.compile(str(source), output=str(out), root=str(source.parent),
                          font_paths=plan["font_dirs"], ignore_system_fonts=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
