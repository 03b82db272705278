# SPDX-License-Identifier: EUPL-1.2
"""Word lists for the recognisers: deduce's own lookup sources, plus our English additions
and names of other origins (``lookups_names_world``).

deduce (the Dutch de-identification library) ships its lists as plain text under
``deduce/data/lookup/src``. Building a full ``Deduce()`` costs seconds (minutes the first time),
too slow for ``flagdesk redact``; reading the text files into Python sets takes well under
0.1 s, so that is what we do, once per process. The files are found through the import
system without importing deduce itself (which would pull in its whole pipeline).
"""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path

from flagdesk.redaction import lookups_names_world as world
from flagdesk.redaction import lookups_words as wordlists


@dataclass(frozen=True, slots=True)
class Lookups:
    first_names: frozenset[str]
    surnames: frozenset[str]
    interfixes: frozenset[str]  # lower case, one or more words: "van der", "in 't"
    streets: frozenset[str]
    places: frozenset[str]
    stop_words: frozenset[str]  # lower case
    common_words: frozenset[str]  # lower case Dutch words that are not names when capitalised


def deduce_source_dir() -> Path:
    spec = importlib.util.find_spec("deduce")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("deduce is not installed; FlagDesk's redaction needs its word lists")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "lookup" / "src"


def _read(path: Path) -> set[str]:
    if not path.exists():
        return set()
    with path.open(encoding="utf-8") as handle:
        return {line.strip() for line in handle if line.strip()}


def _listed(directory: Path) -> set[str]:
    """A deduce list: its items minus its exceptions (words that are too often not names)."""
    return _read(directory / "items.txt") - _read(directory / "exceptions.txt")


@functools.cache
def load() -> Lookups:
    """All lists, read once per process (≈ 0.1 s)."""
    src = deduce_source_dir()
    names = src / "names"
    places = src / "locations" / "lst_placename"
    streets = _listed(src / "locations" / "lst_street") | _read(
        src / "locations" / "lst_street" / "streets_bag.txt"
    )
    return Lookups(
        first_names=frozenset(
            (_listed(names / "lst_first_name") | wordlists.ENGLISH_FIRST_NAMES | world.FIRST_NAMES)
            - wordlists.NOT_FIRST_NAMES
        ),
        surnames=frozenset(
            _listed(names / "lst_surname")
            | _listed(names / "lst_interfix_surname")
            | world.SURNAMES
        ),
        interfixes=frozenset(i.lower() for i in _read(names / "lst_interfix" / "items.txt")),
        streets=frozenset(streets),
        places=frozenset(
            _read(places / "lst_residence" / "items.txt")
            | _read(places / "lst_municipality" / "items.txt")
            | _read(places / "lst_province" / "items.txt")
        ),
        stop_words=frozenset(
            w.lower() for w in _read(src / "whitelist" / "lst_stop_word" / "items.txt")
        )
        | wordlists.ENGLISH_STOP_WORDS,
        common_words=frozenset(w.lower() for w in _listed(src / "whitelist" / "lst_common_word")),
    )
