"""Supervision (督查): inspection items from over-enforcement signals and the supervision groups' findings."""
