"""Diagnostic: CPU time per record of the store's batch write, without the crawl around it.

``python -m bench.store_cost [--repeats 3]``

The records of the ``--quick`` crawl's portals (3 x 120 articles + 30
documents, seed 5) as the spider and the normalise pipeline make them
(``bench.country_db.portal_records``), each with a raw body already packed (as
the store pipeline's packing thread hands it over), are written into a fresh
SQLite database by ``store.write_batch``, 100 per transaction. The figure is
CPU time of this process (``time.process_time``) per record, the best of the
repeats: the store's own Python, which the crawl process pays under its GIL.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from typing import Any

from bench.country_db import portal_records
from congdoan.sim import default_portals
from congdoan.storage.archive import PACKED_KEY, pack
from congdoan.storage.db import make_engine, session_factory
from congdoan.storage.store import write_batch

BATCH = 100  # CONGDOAN_STORE_BATCH's default


def records() -> list[tuple[Any, dict[str, Any]]]:
    """The quick crawl's records, each with a packed raw body."""
    out = []
    for index, spec in enumerate(default_portals(3, 120, 30, seed=5)):
        for kind, record in portal_records(spec, f"http://127.0.0.1:{18000 + index}"):
            body = (record.get("body_html") or record["title"]).encode() * 3
            record["raw_body"], record[PACKED_KEY] = body, pack(body)
            out.append((kind, record))
    return out


def run(repeats: int = 3) -> dict[str, Any]:
    """CPU ms per record of each repeat, and the best."""
    batch = records()
    per_record = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
            engine = make_engine(f"sqlite:///{tmp}/store.sqlite3")
            sessions = session_factory(engine)
            started = time.process_time()
            for start in range(0, len(batch), BATCH):
                with sessions() as session, session.begin():
                    outcomes = write_batch(session, batch[start:start + BATCH])
                if any(o.error is not None for o in outcomes):
                    raise RuntimeError("a record failed to store")
            per_record.append(1000 * (time.process_time() - started) / len(batch))
            engine.dispose()
    return {"records": len(batch), "cpu_ms_per_record": per_record, "best": min(per_record)}


def main() -> None:
    """Parse the arguments, measure, print one line."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    result = run(parser.parse_args().repeats)
    print(f"{result['records']} records, CPU ms per record: "
          f"{', '.join(f'{v:.2f}' for v in result['cpu_ms_per_record'])} "
          f"(best {result['best']:.2f})")


if __name__ == "__main__":
    main()
