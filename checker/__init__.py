"""checker: a linter for 政府信息公开工作年度报告 and Chinese official prose."""

__version__ = "0.1.0"
