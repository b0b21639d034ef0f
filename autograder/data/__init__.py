"""The course data layer."""
