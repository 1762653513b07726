"""A bound for tests that prove hostile input cannot hang the engine.

It catches exponential or quadratic blow-ups (seconds to hours), not speed:
the speed targets are measured and printed by ``bench/engine.py``, where a busy
machine cannot make a test fail. Before this bound, sub-second limits here
failed now and then on a loaded two-core CI machine.
"""

PATHOLOGICAL_SECONDS = 5.0
