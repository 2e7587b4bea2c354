"""Safe YAML loading that remembers the line of every mapping (for error messages)."""
from __future__ import annotations

import yaml


class PackError(Exception):
    """A rule pack or config that cannot be used: names the file, the line and the problem."""

    def __init__(self, path: str, line: int | None, problem: str):
        self.path = path
        self.line = line
        self.problem = problem
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {problem}")


class LineDict(dict):
    line: int = 0


class LineList(list):
    line: int = 0


# libyaml's parser when available (several times faster); both are safe loaders
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeBase):
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode):
    loader.flatten_mapping(node)
    d = LineDict()
    d.line = node.start_mark.line + 1
    for k_node, v_node in node.value:
        k = loader.construct_object(k_node, deep=True)
        if not isinstance(k, (str, int, float, bool)) and k is not None:
            raise yaml.constructor.ConstructorError(None, None, "键必须是字符串", k_node.start_mark)
        if k in d:
            raise yaml.constructor.ConstructorError(None, None, f"重复的键“{k}”", k_node.start_mark)
        d[k] = loader.construct_object(v_node, deep=True)
    return d


def _sequence(loader: _Loader, node: yaml.SequenceNode):
    lst = LineList(loader.construct_object(n, deep=True) for n in node.value)
    lst.line = node.start_mark.line + 1
    return lst


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def load_with_lines(path: str, text: str | None = None):
    """Parse YAML safely; raise PackError(path, line, problem) on syntax errors."""
    try:
        if text is None:
            with open(path, encoding="utf-8") as f:
                text = f.read()
    except UnicodeDecodeError:
        raise PackError(path, None, "不是UTF-8编码的YAML文件") from None
    except OSError as e:
        raise PackError(path, None, f"无法读取：{e.strerror or e}") from None
    try:
        loader = _Loader(text)  # SafeLoader subclass: no Python objects, no code
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            size = _expanded_size(node)
            if size < 0:
                raise PackError(path, None, "YAML含有递归的别名（锚点引用了自身），无法使用")
            if size > MAX_NODES:
                raise PackError(path, None, f"YAML过大：展开别名后超过 {MAX_NODES} 个节点（可能是“十亿笑声”式的别名炸弹）")
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except RecursionError:
        raise PackError(path, None, "YAML嵌套过深") from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        raise PackError(path, line, f"YAML语法错误：{e.problem or e.context}") from None
    except yaml.YAMLError as e:
        raise PackError(path, None, f"YAML语法错误：{e}") from None


# A pack with a few thousand typo pairs has tens of thousands of nodes; aliases that
# multiply one another ("billion laughs") are refused before anything is built.
MAX_NODES = 1_000_000


def _expanded_size(node) -> int:
    """Number of nodes once every alias is expanded (computed on the graph, without
    expanding it); -1 for a recursive structure (an alias inside its own anchor)."""
    memo: dict[int, int] = {}
    visiting: set[int] = set()
    stack = [(node, False)]
    while stack:
        n, done = stack.pop()
        if id(n) in memo:
            continue
        if isinstance(n, yaml.SequenceNode):
            kids = n.value
        elif isinstance(n, yaml.MappingNode):
            kids = [x for kv in n.value for x in kv]
        else:
            memo[id(n)] = 1
            continue
        if done:
            visiting.discard(id(n))
            memo[id(n)] = min(MAX_NODES + 1, 1 + sum(memo[id(k)] for k in kids))
            continue
        if id(n) in visiting:
            return -1
        visiting.add(id(n))
        stack.append((n, True))
        for k in kids:
            if id(k) in visiting:
                return -1
            if id(k) not in memo:
                stack.append((k, False))
    return memo[id(node)]


def line_of(obj, default: int | None = None) -> int | None:
    return getattr(obj, "line", default) or default
