"""A story's language and how its EPUB is typeset for it.

The language is a Discord locale ("en-US", "zh-CN"), which is also a BCP 47 tag, so the EPUB
declares it as is (``dc:language`` and each page's ``lang``/``xml:lang``). Chinese text gets a
style sheet of its own: CJK font stacks (Simplified Chinese faces first), a taller line, no
hyphenation (Chinese has no hyphens; a hyphenation engine would break Latin words inside it),
inter-character justification, strict line breaking (no closing punctuation at a line's start)
and the customary two-character paragraph indent.
"""

from __future__ import annotations

import re

__all__ = ["BASE_CSS", "CJK_CSS", "is_chinese", "story_css", "story_language"]

# A BCP 47 language tag as Discord's locales spell them: "en", "en-US", "zh-CN", "es-419".
_LOCALE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,2}")
_LONGEST_LOCALE = 16

BASE_CSS = """\
p.credit { text-align: right; }
"""

CJK_CSS = """\
body {
  font-family: "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", "STSong", "SimSun", serif;
  line-height: 1.8;
  text-align: justify;
  text-justify: inter-character;
  hyphens: none;
  -epub-hyphens: none;
  -webkit-hyphens: none;
  line-break: strict;
  -epub-line-break: strict;
  word-break: normal;
}
h1, h2, h3 {
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
    sans-serif;
  line-height: 1.4;
  text-align: left;
}
p { margin: 0 0 0.6em 0; text-indent: 2em; }
p.credit { text-align: right; text-indent: 0; }
"""


def story_language(locale: str | None) -> str:
    """The language to store for a story: ``locale`` when it is a well-formed tag, else "en"."""
    value = (locale or "").strip()
    if len(value) <= _LONGEST_LOCALE and _LOCALE.fullmatch(value):
        return value
    return "en"


def is_chinese(language: str) -> bool:
    """Whether a story's language is a Chinese one ("zh", "zh-CN", "zh-TW")."""
    return language.lower().split("-", 1)[0] == "zh"


def story_css(language: str) -> str:
    """The style sheet of a story's EPUB."""
    return CJK_CSS if is_chinese(language) else BASE_CSS
