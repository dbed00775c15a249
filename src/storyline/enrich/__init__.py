"""Enrichment: who (entity mentions), who said what (quotes) and when (normalised times).

Per article: ``Enricher(settings).pipe(articles)`` (spaCy loaded once, batched). Across
articles: ``EntityCanonicaliser().fit(articles)`` gives corpus-wide entity ids and ``Entity``
records (``canonicalise(articles)`` is the one-call form).
"""

from storyline.enrich.canon import EntityCanonicaliser, canonicalise
from storyline.enrich.nlp import Enricher, enrich_article

__all__ = ["Enricher", "EntityCanonicaliser", "canonicalise", "enrich_article"]
