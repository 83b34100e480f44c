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

from eventsourcing.persistence import IntegrityError
from tqdm import tqdm

from betotrace_es.config import store_env
from projections.catalog import all_projections
from projections.framework.by_aggregate import PartsFailedError
from projections.framework.projection import Projection, ProjectionFailedError
from projections.framework.rebuild import rebuild
from projections.framework.wiring import ReadSide, open_read_side


def main(argv: list[str] | None = None) -> int:
    """Rebuild the chosen projections, with a progress bar per projection."""
    projections = {p.name: p for p in all_projections()}
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--projection", choices=sorted(projections), help="only this one (default: all)"
    )
    parser.add_argument("--batch-size", type=int, default=1000, help="events per transaction")
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
    if args.batch_size < 1:
        parser.error("--batch-size must be 1 or more")
    if args.cache_rows < 0:
        parser.error("--cache-rows must be 0 or more")
    if args.parts < 0:
        parser.error("--parts must be 0 or more")
    chosen = [projections[args.projection]] if args.projection else list(projections.values())
    side = open_read_side()
    try:
        _rebuild_all(side, chosen, args)
    except (ProjectionFailedError, PartsFailedError) as failure:
        print(f"rebuild stopped: {failure}", file=sys.stderr)
        print(
            "Readers keep the old view. Fix the cause and run the rebuild again: it resumes "
            "from its last commit.",
            file=sys.stderr,
        )
        return 1
    except IntegrityError as race:
        print(
            f"rebuild stopped: another rebuild of the same read model got there first ({race}). "
            "Run it again once that one has finished (it resumes from the last commit).",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        print("interrupted: run the rebuild again to resume from its last commit", file=sys.stderr)
        return 130
    finally:
        side.factory.close()
    return 0


def _rebuild_all(side: ReadSide, chosen: list[Projection], args: argparse.Namespace) -> None:
    """Rebuild each chosen read model in turn, with a progress bar (to stderr)."""
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


if __name__ == "__main__":
    sys.exit(main())
