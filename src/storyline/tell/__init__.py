"""Tell: the story as a cited timeline and a cited summary.

``tell_story(story, articles)`` is a pure corpus-level function run after
:func:`storyline.reconcile.reconcile_story`; it fills ``Story.timeline`` and
``Story.summary``. Both cite articles for every entry and sentence.
"""

from __future__ import annotations

from collections.abc import Mapping

from storyline.records import Article, Story
from storyline.tell.summary import summarise
from storyline.tell.timeline import story_timeline, timeline_from_articles


def tell_story(story: Story, articles: Mapping[str, Article]) -> Story:
    """The story with ``timeline`` and ``summary`` filled (robust to stories without events)."""
    return story.replace(timeline=story_timeline(story, articles), summary=summarise(story, articles))


__all__ = ["tell_story", "summarise", "story_timeline", "timeline_from_articles"]
