"""The column-generation rounds: stage 1 on coarse zones, priced links added, until they change little.

Each round solves stage 1 on the links so far and links what the duals price as improving where
reachable stock is left (pricing.py), until a round adds nothing or, after the first, less than
ROUND_TOL of the objective (or could add less); then the final model on the links found.

With a `pool` (one thread: the solver releases the GIL), from the second round on, the final model on
the links so far solves beside the round that decides whether they are the last: if they are, its
solution is ready; if not, it is dropped (it runs to its end: HiGHS cannot be stopped through MathOpt),
and no new one starts while it runs, so at most two solves share the two cores. The same models are
solved either way, so the plan is the same (unless a solve hits its time limit); only the wall time
differs.
"""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from ..lp import LpSolution
from ..progress import Progress, ProgressEvent
from .builder import ModelBuilder, Stage1
from .inputs import AllocationInputs
from .model import AllocationModel
from .pricing import priced_links

__all__ = ["PRICING_SHARE", "ROUND_TOL", "price_rounds"]

ROUND_TOL = 1e-3  # after the first round, price again only while links add (or could add) this share
PRICING_SHARE = 0.5  # of the allocation's progress fraction: the rounds; the LP stages the rest

_Ahead = tuple[AllocationInputs, AllocationModel, "Future[LpSolution]"]


def price_rounds(b: ModelBuilder, pool: ThreadPoolExecutor | None, progress: Progress) -> Stage1:
    """The final model on the links the rounds found, with its stage-1 solution where it is known
    already (`b.pricing_rounds` counts the rounds solved). Where the final model is the round's own
    (the fine key splits no zone, same classes), the round's solve is reused."""
    settings = b.settings
    previous = None  # stage-1 optimum of the round before
    rounds = b.opts.max_rounds - 1 if b.stage1 else 0
    same_classes = b.opts.aggregate and b.opts.pricing_classes == "weights"
    running: Future[LpSolution] | None = None  # the last final-model solve submitted
    for round_no in range(rounds):
        inp, model = b.build(fine=False)
        f_inp = b.inputs(fine=True)
        same = same_classes and f_inp.n_zones == inp.n_zones  # then the final model is this one
        ahead: _Ahead | None = None  # the final model on these links, solving
        if pool is not None and round_no >= 1 and not same and (running is None or running.done()):
            f_inp, f_model = b.build(fine=True, inp=f_inp)
            running = pool.submit(f_model.lp.solve, f_model.benefit, True, **settings)
            ahead = (f_inp, f_model, running)
        first = b.solve_stage1(model)
        b.pricing_rounds = round_no + 1
        more, potential = priced_links(inp, model, first) if first.status == "optimal" else ({}, 0.0)
        gained = abs(first.objective - previous) if previous is not None else np.inf
        if round_no >= 1 and min(potential, gained) < ROUND_TOL * max(abs(first.objective), 1e-9):
            more = {}  # the last round's links, or the next round's, change next to nothing: stop
        previous = first.objective if first.status == "optimal" else None
        if not more:
            if same and first.status == "optimal":
                return Stage1(inp, model, first)
            if ahead is not None:
                return _collect(b, ahead)
            return Stage1(*b.build(fine=True, inp=f_inp), None)
        b.add_links(more)
        fraction = PRICING_SHARE * (round_no + 1) / b.opts.max_rounds
        progress(ProgressEvent(stage="allocation", fraction=fraction, step="augment"))
    return Stage1(*b.build(fine=True), None)


def _collect(b: ModelBuilder, ahead: _Ahead) -> Stage1:
    """The final model solved beside the last round: wait for its solution."""
    t = time.perf_counter()
    sol = ahead[2].result()
    b.timings["solve"] += time.perf_counter() - t
    return Stage1(ahead[0], ahead[1], sol)
