"""The demo world (placeholder docstring)."""
from cradletrace.demo.world import DEFAULT_UNITS, STORY_UNITS, World, build, highlights, is_empty, is_loaded

__all__ = ["DEFAULT_UNITS", "STORY_UNITS", "World", "build", "highlights", "is_empty", "is_loaded"]
