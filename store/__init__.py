"""The index format on disk: snapshots, their records, dense and lexical index files, and errors."""
