"""Retrieval-quality evaluation on BEIR-format datasets (`lorebot eval`): the corpus goes through
Lorebot's own ingest and index, the queries through its own Retriever, and the rankings are scored
with nDCG@10 and recall@100."""
