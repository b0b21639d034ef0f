"""Reading a bank file: a full bank (``schema.Bank``) or a student export (``hiding.StudentBank``),
with every problem named by file, question id and field."""
from pathlib import Path

import yaml
from pydantic import ValidationError

from .hiding import StudentBank
from .schema import QUESTION_TYPES, TEXT_FIELD, Bank, BankOutline


class BankError(ValueError):
    """A bank file that cannot be used; ``problems`` lists every problem, one line each."""

    def __init__(self, problems):
        super().__init__("\n".join(problems))
        self.problems = problems


def read_yaml(path):
    """The data of a YAML (or JSON) file, or BankError naming the file and the line."""
    path = Path(path)
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BankError([f"{path}: no such file"]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise BankError([f"{path}:{where}: not valid YAML ({problem})"]) from None


def describe_errors(path, data, error):
    """One line per pydantic error: file, question id (and number), field, message."""
    questions = data.get("questions") if isinstance(data, dict) else None
    lines = []
    for item in error.errors():
        location = list(item["loc"])
        where = ""
        if location[:1] == ["questions"] and len(location) > 1 and isinstance(location[1], int):
            number = location[1]
            raw = questions[number] if isinstance(questions, list) else None
            question_id = raw.get("id") if isinstance(raw, dict) else None
            where = f"question {question_id!r} (#{number + 1})" if question_id else \
                f"question #{number + 1}"
            location = location[2:]
            if location and location[0] in QUESTION_TYPES:  # pydantic's union tag
                location = location[1:]
        field = ".".join(str(part) for part in location)
        message = item["msg"].removeprefix("Value error, ")
        named = TEXT_FIELD.match(message)
        if named:  # a validator that checks another field names it in its message
            field, message = named.group(1), named.group(2)
        if item["type"] == "union_tag_invalid":
            message = (f"unknown type {item['input'].get('type')!r} "
                       f"(known: {', '.join(QUESTION_TYPES)})")
            field = "type"
        elif item["type"] == "union_tag_not_found":
            message, field = "missing type", "type"
        parts = [str(path)] + [part for part in (where, f"field {field!r}" if field else "")
                               if part]
        lines.append(": ".join(parts) + f": {message}")
    return lines


def load_bank(path):
    """The bank in ``path`` (a full bank, or a student export), or BankError listing every
    problem. The bank's name is the file's stem."""
    path = Path(path)
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise BankError([f"{path}: a bank is a mapping with title, source and questions"])
    model = StudentBank if data.get("format") == "student" else Bank
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems = describe_errors(path, data, error)
    try:
        BankOutline.model_validate(data)
    except ValidationError as error:
        problems += [line for line in describe_errors(path, data, error) if line not in problems
                     and "duplicate" in line]
    raise BankError(problems)


def bank_name(path):
    return Path(path).stem.removesuffix(".student")
