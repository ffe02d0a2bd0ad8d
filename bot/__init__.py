"""Lorebot's platform-neutral core: retrieval, memory, generation and citations over Redis."""
