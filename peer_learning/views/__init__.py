"""Catalogue pages by audience: `catalogue` (everyone), `member` (a member's own
registrations, history and calendar) and `trainer` (offering and running courses)."""
