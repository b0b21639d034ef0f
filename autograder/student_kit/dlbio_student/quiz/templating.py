"""Templated numeric questions: values drawn per attempt, answers computed by a formula.

A bank's formulas are arithmetic over the question's variables, e.g. ``seq_len - kernel_size + 1``.
They are evaluated by walking their syntax tree and allowing only numbers, variable names, the
operators + - * / // % ** and a few named functions: a bank can never run code, and ``eval`` is
never called.

Placeholders in a prompt or an explanation are written ``{{ formula }}`` (double braces, so that
Markdown and LaTeX braces stay as they are).
"""
import ast
import itertools
import math
import operator
import random
import re

FUNCTIONS = {
    "abs": abs, "min": min, "max": max, "round": round,
    "floor": math.floor, "ceil": math.ceil, "sqrt": math.sqrt,
    "exp": math.exp, "log": math.log, "log2": math.log2, "log10": math.log10,
}
BINARY = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
UNARY = {ast.UAdd: operator.pos, ast.USub: operator.neg}
MAX_EXPONENT = 64
MAX_FORMULA_LENGTH = 500
PLACEHOLDER = re.compile(r"\{\{(.+?)\}\}")


class FormulaError(ValueError):
    """A formula that is not plain arithmetic, names an unknown variable, or cannot be computed."""


def evaluate(formula, values=None):
    """The number ``formula`` computes from ``values`` ({variable: number}).

    Raises FormulaError for anything but arithmetic over ``values`` and ``FUNCTIONS``.
    """
    if isinstance(formula, bool):
        raise FormulaError("true/false is not a number")
    if isinstance(formula, (int, float)):
        return formula
    if len(formula) > MAX_FORMULA_LENGTH:
        raise FormulaError(f"formula longer than {MAX_FORMULA_LENGTH} characters")
    try:
        tree = ast.parse(formula.strip(), mode="eval")
    except SyntaxError as error:
        raise FormulaError(f"{formula!r} is not a formula ({error.msg})") from None
    try:
        return _value(tree.body, values or {})
    except (ArithmeticError, ValueError, TypeError) as error:
        if isinstance(error, FormulaError):
            raise
        raise FormulaError(f"{formula!r} cannot be computed ({type(error).__name__}: "
                           f"{error})") from None


def _value(node, values):
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    if isinstance(node, ast.Name):
        if node.id not in values:
            raise FormulaError(f"unknown variable {node.id!r}")
        return values[node.id]
    if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
        left, right = _value(node.left, values), _value(node.right, values)
        if isinstance(node.op, ast.Pow) and abs(right) > MAX_EXPONENT:
            raise FormulaError(f"exponent {right} is larger than {MAX_EXPONENT}")
        return BINARY[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and type(node.op) in UNARY:
        return UNARY[type(node.op)](_value(node.operand, values))
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id in FUNCTIONS and not node.keywords):
        return FUNCTIONS[node.func.id](*(_value(argument, values) for argument in node.args))
    allowed = "numbers, variables, + - * / // % ** and " + ", ".join(sorted(FUNCTIONS))
    raise FormulaError(f"{ast.unparse(node)!r} is not allowed (only {allowed})")


def names_in(formula):
    """The variable names a formula uses (function names excluded)."""
    if not isinstance(formula, str):
        return set()
    try:
        tree = ast.parse(formula.strip(), mode="eval")
    except SyntaxError:
        return set()
    called = {node.func.id for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)} - called


def draw_values(variables, rng):
    """One attempt's values: {name: number} drawn with ``rng`` (a ``random.Random``).

    variables: {name: Variable} from the bank, drawn in sorted name order so that a seed always
    gives the same values.
    """
    return {name: variables[name].draw(rng) for name in sorted(variables)}


def every_combination(variables, limit=256):
    """Value sets to try a formula on: every combination of the variables' extremes and choices
    (at most ``limit``, then a seeded sample)."""
    names = sorted(variables)
    options = [variables[name].extremes() for name in names]
    combinations = list(itertools.islice(itertools.product(*options), limit))
    rng = random.Random(0)
    samples = [tuple(variables[name].draw(rng) for name in names) for _ in range(32)]
    return [dict(zip(names, combination)) for combination in combinations + samples]


def format_number(value):
    """A number as a learner would write it: 9 not 9.0, 0.1 not 0.1000000000000000055."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def fill(text, values):
    """``text`` with every ``{{ formula }}`` replaced by its value."""
    return PLACEHOLDER.sub(lambda match: format_number(evaluate(match.group(1), values)), text)


def placeholders(text):
    """The formulas of the ``{{ }}`` placeholders in ``text``."""
    return [match.group(1) for match in PLACEHOLDER.finditer(text)]
