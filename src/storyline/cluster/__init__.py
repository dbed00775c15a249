"""Stories and the events inside them (corpus-level stages, scikit-learn's fit convention)."""

from storyline.cluster.events import EventGrouper, group_events
from storyline.cluster.stories import StoryClusterer, cluster_stories

__all__ = ["EventGrouper", "StoryClusterer", "cluster_stories", "group_events"]
