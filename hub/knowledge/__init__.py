"""Practice material: pages, member contributions and their review, feeds and reports."""
