"""The rule engine: rule metadata and registry, YAML rule types, pack loading."""
from .registry import Context, Rule, RuleMeta, rule  # noqa: F401
