"""Insights from the answer log: the questions the documents did not answer, grouped into themes
(knowledge gaps), every question's theme over time (topics), and answers given later, once a sync
brings documents that answer what Lorebot abstained on (re-answers)."""
