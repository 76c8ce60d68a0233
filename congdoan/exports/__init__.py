"""Exports of the stored records to JSON Lines, CSV and Parquet (``congdoan export``).

``rows`` decides what a record looks like; ``jsonl``, ``csv`` and ``parquet``
write it, one record at a time, to a binary stream; ``stream`` ties storage
iteration to a writer in constant memory.
"""
