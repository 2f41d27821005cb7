"""Text analysis shared by the build and the query side: language detection and BM25 terms."""
