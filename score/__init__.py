"""Rule sets as data, recomputation and findings."""
from .check import Finding, check_form  # noqa: F401
from .reconcile import REVIEW, Audit, audit_form  # noqa: F401
from .rules import RuleSet, load_rulesets, select  # noqa: F401
