"""Build side of Tesesøk: thesis files in, a searchable index on disk out."""
