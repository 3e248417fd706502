"""A night simulator for dispatch: scenarios, the simulation on the real service layer, policies, the
hindsight optimum (CP-SAT) and the report. Used by `bench/simulate.py` and tests/dispatch/test_simulation.py;
the app never imports it."""
