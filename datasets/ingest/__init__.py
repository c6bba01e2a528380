"""Reading a user's table into one series: ``read_table`` and what it reports (``Detected``, ``TableResult``).

The stages, in the order the pipeline runs them: ``source`` → ``text`` → ``layout`` → ``frames`` / ``numbers``
→ ``columns`` (using ``dates``, ``fixed_width``, ``calendar``) → ``series``; ``cells`` recognises single cells."""

from datasets.ingest.layout import DELIMITERS
from datasets.ingest.numbers import SENTINELS
from datasets.ingest.pipeline import Detected, TableResult, read_table
from datasets.ingest.series import MIN_POINTS
from datasets.ingest.source import MAX_BYTES

__all__ = ["DELIMITERS", "MAX_BYTES", "MIN_POINTS", "SENTINELS", "Detected", "TableResult", "read_table"]
