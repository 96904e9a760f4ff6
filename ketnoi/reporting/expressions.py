"""Safe arithmetic over indicator codes, for computed indicators and validation rules.

Only numbers, indicator codes, + - * / ( ) and unary minus are allowed: nothing is ever ``eval``-ed.
A missing operand makes the whole result ``None`` (unknown), as does a division by zero.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable, Mapping
from functools import lru_cache

_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_CODE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class ExpressionError(ValueError):
    """The expression uses something other than numbers, codes and + - * / ( )."""


@lru_cache(maxsize=512)
def _parse(text: str) -> ast.expr:
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(text) from exc
    for node in ast.walk(tree):
        if isinstance(node, ast.Expression | ast.BinOp | ast.UnaryOp | ast.Load | ast.USub | ast.UAdd):
            continue
        if isinstance(node, ast.operator) and type(node) in _BINARY:
            continue
        if isinstance(node, ast.Name) and _CODE.match(node.id):
            continue
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, int | float)
            and not isinstance(node.value, bool)
        ):
            continue
        raise ExpressionError(text)
    return tree.body


def codes(text: str) -> set[str]:
    """The indicator codes an expression uses."""
    return {n.id for n in ast.walk(_parse(text)) if isinstance(n, ast.Name)}


def validate(text: str) -> None:
    _parse(text)


def evaluate(text: str, values: Mapping[str, float | None]) -> float | None:
    """The value of the expression, or None when an operand is missing or a division is by zero."""

    def ev(node: ast.expr) -> float | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return float(node.value)
        if isinstance(node, ast.Name):
            v = values.get(node.id)
            return None if v is None else float(v)
        if isinstance(node, ast.UnaryOp):
            inner = ev(node.operand)
            if inner is None:
                return None
            return -inner if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp):
            a, b = ev(node.left), ev(node.right)
            if a is None or b is None:
                return None
            if isinstance(node.op, ast.Div) and b == 0:
                return None
            return _BINARY[type(node.op)](a, b)
        raise ExpressionError(ast.dump(node))

    return ev(_parse(text))


COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<=": lambda a, b: a <= b + 1e-9,
    "<": lambda a, b: a < b,
    ">=": lambda a, b: a + 1e-9 >= b,
    ">": lambda a, b: a > b,
    "==": lambda a, b: abs(a - b) <= 1e-9,
    "!=": lambda a, b: abs(a - b) > 1e-9,
}
