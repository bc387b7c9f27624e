"""The accessibility statement (BITV 2.0) and the feedback that reaches the editors through it."""
