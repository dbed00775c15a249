"""Corpus-level entity canonicalisation: one id per real-world entity across articles.

After :class:`~storyline.enrich.nlp.Enricher`, each article's mentions carry article-local
entity ids. ``EntityCanonicaliser().fit(articles)`` links those local entities across
articles, scikit-learn style (learned state ends in ``_``):

1. **People** are linked when two of their full names (two parts or more) are the same name
   spelt differently: case, hyphens, spaces and dots are ignored, initials dropped ("Donald J.
   Trump"), and the family name may come first or last ("Lee Jae-myung" = "Lee Jae Myung" =
   "Jae-myung Lee"). A person known in an article only by one word ("Lee") is *never* linked
   across articles: that would be a merge on surname alone (Park Chung Hee is not Park
   Chul-hee, and neither is every "Park").
2. **Organisations, places and groups** are linked on their spelling-blind name, whatever
   label spaCy gave each mention (it tags the same name ORG in one sentence and GPE in the
   next); the entity's type is its most frequent label.
3. Each entity gets a stable id (a hash of its type and canonical key, so re-running on more
   articles keeps the ids of entities already seen), a display name (its most frequent full
   variant), all variants, its articles and its most frequent title.

Why hand-written: entity-linking libraries (spaCy's EntityLinker, BLINK, REL) need a
knowledge base and large models; what news needs across outlets is spelling-variant matching
with a hard rule against surname-only merges, which no library states.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from storyline.enrich.entities import name_key, name_parts
from storyline.records import Article, Entity, content_id

_PLACE_LIKE = frozenset({"ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "LAW", "PRODUCT"})


def person_keys(name: str) -> set[str]:
    """Spelling-blind keys of a full personal name; two names sharing one are the same name.

    The parts (initials dropped) joined without separators, in the written order and with the
    first or last part moved to the other end (family name first or last).
    """
    parts = [p for p in name_parts(name) if len(p) > 1]
    if len(parts) < 2:
        return set()
    return {"".join(parts), "".join(parts[1:] + parts[:1]), "".join(parts[-1:] + parts[:-1])}


@dataclass
class _Local:
    article: str
    local_id: str
    labels: Counter[str] = field(default_factory=Counter)
    names: Counter[str] = field(default_factory=Counter)
    titles: Counter[str] = field(default_factory=Counter)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


class EntityCanonicaliser:
    """Links article-local entities into corpus-wide entities (see the module docstring).

    Arguments: none yet (kept as a class for the fit convention and future thresholds).

    Learned state after :meth:`fit`:
        entities_: list of :class:`~storyline.records.Entity`, sorted by id.
        mapping_: ``{(article id, local entity id): entity id}``.

    Example::

        canon = EntityCanonicaliser().fit(enriched_articles)
        articles = canon.transform(enriched_articles)
        canon.entities_[0].variants
    """

    def fit(self, articles: Iterable[Article]) -> EntityCanonicaliser:
        """Learn the corpus-wide entities of ``articles`` (which must be enriched)."""
        locals_: dict[tuple[str, str], _Local] = {}
        for art in articles:
            for m in art.mentions or ():
                if not m.entity:
                    continue
                loc = locals_.setdefault((art.id, m.entity), _Local(art.id, m.entity))
                loc.labels[m.label] += 1
                loc.names[m.text] += 1
                if m.title:
                    loc.titles[m.title] += 1
        items = list(locals_.values())
        uf = _UnionFind()
        owner: dict[str, int] = {}
        for i, loc in enumerate(items):
            uf.find(i)
            label = loc.labels.most_common(1)[0][0]
            keys: set[str] = set()
            if label == "PERSON":
                for name in loc.names:
                    keys |= {"P:" + k for k in person_keys(name)}
                # one-word-only people get no key: never linked across articles (rule 1)
            else:
                group = "X" if label in _PLACE_LIKE else label
                keys = {f"{group}:{name_key(n, label)}" for n in loc.names if name_key(n, label)}
            for k in keys:
                if k in owner:
                    uf.union(owner[k], i)
                else:
                    owner[k] = i
        groups: dict[int, list[_Local]] = defaultdict(list)
        for i, loc in enumerate(items):
            groups[uf.find(i)].append(loc)
        entities: list[Entity] = []
        mapping: dict[tuple[str, str], str] = {}
        for members in groups.values():
            ent = _make_entity(members)
            entities.append(ent)
            for loc in members:
                mapping[(loc.article, loc.local_id)] = ent.id
        self.entities_ = sorted(entities, key=lambda e: e.id)
        self.mapping_ = mapping
        return self

    def transform(self, articles: Iterable[Article]) -> list[Article]:
        """Copies of ``articles`` whose mentions and quote speakers carry corpus-wide ids."""
        out: list[Article] = []
        for art in articles:
            if art.mentions is None:
                out.append(art)
                continue
            mentions = tuple(m.replace(entity=self.mapping_.get((art.id, m.entity or ""), m.entity))
                             for m in art.mentions)
            quotes = None if art.quotes is None else tuple(
                q.replace(speaker=self.mapping_.get((art.id, q.speaker), q.speaker)) if q.speaker else q
                for q in art.quotes)
            out.append(art.replace(mentions=mentions, quotes=quotes))
        return out

    def fit_transform(self, articles: Sequence[Article]) -> list[Article]:
        """``fit(articles)`` then ``transform(articles)``."""
        return self.fit(articles).transform(articles)


def _make_entity(members: list[_Local]) -> Entity:
    labels: Counter[str] = Counter()
    names: Counter[str] = Counter()
    titles: Counter[str] = Counter()
    for loc in members:
        labels.update(loc.labels)
        names.update(loc.names)
        titles.update(loc.titles)
    label = labels.most_common(1)[0][0]
    if label == "PERSON":
        full = Counter({n: c for n, c in names.items() if person_keys(n)}) or names
    else:
        full = names
    # most frequent spelling; ties go to the longer, then alphabetical (deterministic)
    name = sorted(full.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0][0]
    if label == "PERSON" and person_keys(name):
        key = "P:" + min(person_keys(name))
    elif label == "PERSON":
        # a one-word person is its own entity in its own article
        key = "P1:" + members[0].article + ":" + members[0].local_id
    else:
        key = "X:" + name_key(name, label)
    articles = tuple(sorted({loc.article for loc in members}))
    return Entity(id="E" + content_id(key), name=name, type=label,
                  variants=tuple(sorted(names)), articles=articles,
                  title=titles.most_common(1)[0][0] if titles else None)


def canonicalise(articles: Sequence[Article]) -> tuple[list[Article], list[Entity]]:
    """One call: corpus-wide entity ids for ``articles`` and the ``Entity`` records."""
    canon = EntityCanonicaliser().fit(articles)
    return canon.transform(articles), list(canon.entities_)
