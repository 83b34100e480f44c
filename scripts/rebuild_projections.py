#!/usr/bin/env python3
"""Rebuild read models from the first event, without taking the old ones away meanwhile.

    scripts/rebuild_projections.py [--projection NAME] [--batch-size N] [--cache-rows N]
                                   [--parts N]

Builds into new tables and switches readers over atomically once caught up with the log.
Interrupted (Ctrl-C, kill -9), the next run resumes where this one stopped. On PostgreSQL a
read model whose rows each come from one aggregate (the order list) is first folded
aggregate by aggregate, in ``--parts`` processes (default: one per CPU).
"""

from __future__ import annotations

import argparse
import os
import sys

from tqdm import tqdm

from betotrace_es.config import store_env
from projections.catalog import all_projections
from projections.framework.rebuild import rebuild
from projections.framework.wiring import open_read_side


def main(argv: list[str] | None = None) -> int:
    """Rebuild the chosen projections, with a progress bar per projection."""
    projections = {p.name: p for p in all_projections()}
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--projection", choices=sorted(projections), help="only this one (default: all)"
    )
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument(
        "--cache-rows",
        type=int,
        default=10_000,
        help="rows of recent batches kept in memory (bounds memory; more: fewer reads back)",
    )
    parser.add_argument(
        "--parts",
        type=int,
        default=os.cpu_count() or 1,
        help="processes folding an aggregate-local read model by aggregate on PostgreSQL "
        "(default: one per CPU; 0: in log order only)",
    )
    args = parser.parse_args(argv)
    if args.parts < 0:
        parser.error("--parts must be 0 or more")
    side = open_read_side()
    chosen = [projections[args.projection]] if args.projection else list(projections.values())
    for projection in chosen:
        with tqdm(desc=projection.name, unit="ev", unit_scale=True, dynamic_ncols=True) as bar:

            def progress(position: int, head: int, bar: tqdm = bar) -> None:
                bar.total = head
                bar.update(position - bar.n)

            result = rebuild(
                side.store,
                side.source,
                projection,
                batch_size=args.batch_size,
                progress=progress,
                cache_rows=args.cache_rows,
                parts=args.parts,
                environ=store_env(),
            )
        resumed = f", resumed at {result.resumed_from}" if result.resumed_from else ""
        print(
            f"{projection.name}: generation {result.generation} active; {result.events} events "
            f"in {result.seconds:.1f} s ({result.events_per_second:,.0f} events/s{resumed})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
