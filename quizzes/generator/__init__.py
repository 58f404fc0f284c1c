"""Proposing draft quiz questions from a source's cleaned text, by rules: no model, no network.

Pure Python (no Django): sources and the distractor pool come in as plain text and blocks,
drafts go out as plain data that quizzes.services saves. The same input, lexicon and seed
always give the same drafts. One module per stage:

1. sentences: the source's paragraphs and list items cut into units (sentences), with their
   offsets in the cleaned text.
2. filters: rejection() says why a unit would make a poor question.
3. keys (and name_keys): what a unit may ask for: years, months, quantities, terms, and the
   lexicon's names (groups, agencies, regions, cities).
4. render: one draft per sentence, its first usable key in a fixed order of kinds making a
   fill-in-the-blank, a multiple choice or a numeric question.
5. distractors: wrong choices of the key's kind from the pool (every source's text: pool).

pipeline runs them (generate, generate_all) and picks a varied selection (select). The word
lists are data (lexicon): the language file lexicon_en.toml here, and the course pack's
optional course/lexicon.toml with its subject's names, which callers load with
load_lexicon(pack_dir) and pass to build_pool. Another subject needs another lexicon file,
not code.
"""

from quizzes.generator.filters import rejection
from quizzes.generator.keys import find_keys
from quizzes.generator.lexicon import Language, Lexicon, LexiconError, load_lexicon, read_lexicon
from quizzes.generator.model import BLANK, Draft, Key, SourceText, Unit
from quizzes.generator.pipeline import (
    SHORT_YIELD,
    distinct_facts,
    generate,
    generate_all,
    select,
    short_source_drafts,
)
from quizzes.generator.pool import Pool, build_pool
from quizzes.generator.sentences import units
from quizzes.generator.text import source_label

__all__ = [
    "BLANK",
    "SHORT_YIELD",
    "Draft",
    "Key",
    "Language",
    "Lexicon",
    "LexiconError",
    "Pool",
    "SourceText",
    "Unit",
    "build_pool",
    "distinct_facts",
    "find_keys",
    "generate",
    "generate_all",
    "load_lexicon",
    "read_lexicon",
    "rejection",
    "select",
    "short_source_drafts",
    "source_label",
    "units",
]
