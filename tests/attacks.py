"""Cheating submissions of assignment 01, each built from the release notebook.

Every attack leaves the stubs unsolved (or replaces them with functions that do no work) and
tries to earn points or do damage. An attack is extra cells added to the student's copy of the
release notebook: ``first`` cells run right after the notebook's setup, before any exercise;
``last`` cells run after every stub (so the functions they define replace the stubs). A cell
printing ``ATTACK-RAN <name>`` comes before them, so a test can see that the notebook ran. Their
code is written with placeholders filled in per course:

    @COURSE@  the course folder       @REPO@   this repository (where the real graders live)
    @HOME@    the grader's home       @NAME@   the attack's name (its student id)
    @TOKEN@   a name unique to this attack and run, carried by every process it starts

Attack code is the student's: it runs only in the sandbox, through nbgrader autograde.
"""
from dataclasses import dataclass, field
from pathlib import Path

ATTACK_RAN = "ATTACK-RAN"
LEAKED = "LEAKED"  # an attack prints this when it reached something it must not reach
PROLOGUE = 'print("ATTACK-RAN @NAME@")'


@dataclass(frozen=True)
class Attack:
    """One cheating submission.

    name: the student id; category: what the attack tries (the issue's list); first/last: the
    cells it adds; feedback: phrases the graded notebook must show (the limit that stopped it);
    symlinks: {file name: target} placed beside the notebook in the submission folder;
    notebook_symlink: the submitted notebook is this symlink instead of a file;
    tamper_grade_cells: the grade cells print a score and claim 100 points, one is deleted;
    slow: costs wall time (restarts, time limits); graded in the second course, in parallel.
    """

    name: str
    category: str
    first: tuple = ()
    last: tuple = ()
    feedback: tuple = ()
    symlinks: dict = field(default_factory=dict)
    notebook_symlink: str = ""
    tamper_grade_cells: bool = False
    slow: bool = False


# -- shared pieces ------------------------------------------------------------------------------

# The places a cheater looks for the reference: the real repository, the course folder, the
# course folder reached from the working directory (autograded/<student>/<assignment> is two
# folders below it), a classmate's submission, and whatever the editable install points at.
FIND_REFERENCE_FILES = r'''
import glob, json, os, re, sys
def reference_candidates():
    paths = ["@REPO@/solutions/linear_regression.py",
             "@REPO@/autograder/graders/test_linear_regression.py",
             "@REPO@/source/01_linear_regression/linear_regression.ipynb",
             "@COURSE@/source/01_linear_regression/linear_regression.ipynb",
             "@COURSE@/submitted/ada_reference/01_linear_regression/linear_regression.ipynb",
             "@COURSE@/gradebook.db",
             "../../../source/01_linear_regression/linear_regression.ipynb",
             "../../ada_reference/01_linear_regression/linear_regression.ipynb"]
    here = os.getcwd()
    for _ in range(8):  # walk up from the working directory
        for pattern in ("source/*/*.ipynb", "solutions/*.py", "autograder/graders/*.py",
                        "submitted/*/*/*.ipynb"):
            paths += glob.glob(os.path.join(here, pattern))
        here = os.path.dirname(here)
    for entry in sys.path:  # the editable install names the repository's folders
        for finder in glob.glob(os.path.join(entry or ".", "__editable__*finder.py")):
            for folder in re.findall(r"'(/[^']+)'", open(finder).read()):
                paths += glob.glob(os.path.join(folder, "*.py"))
                paths += glob.glob(os.path.join(folder, "graders", "*.py"))
    skip = ("/proc", "/sys", "/dev", "/usr", "/lib", "/bin", "/sbin", "/etc")
    for root, dirs, files in os.walk("/"):  # and anything else the file system shows
        if root.startswith(skip) or "site-packages" in root or "/.pyenv/" in root:
            dirs[:] = []
            continue
        paths += [os.path.join(root, name) for name in files
                  if name in ("linear_regression.py", "linear_regression.ipynb",
                              "test_linear_regression.py", "gradebook.db")]
    return paths + sorted(glob.glob("*"))  # and files beside the notebook (links, say)

def functions_in(text):
    """The function definitions in a notebook's code cells or a Python file, stubs left out."""
    if text.lstrip().startswith("{"):
        try:
            cells = ["".join(cell["source"]) for cell in json.loads(text)["cells"]
                     if cell["cell_type"] == "code"]
        except (ValueError, KeyError, TypeError):
            cells = []
        text = "\n".join(cell for cell in cells if cell.lstrip().startswith("def ")
                         or "### BEGIN SOLUTION" in cell)
    text = re.sub(r"(?m)^\s*### (BEGIN|END) SOLUTION\s*$", "", text)
    if "def predict" not in text or "NotImplementedError()" in text:
        return None
    return "import torch\nfrom torch import nn\n" + text

def read_reference_code():
    """Python source of the reference functions, from any readable file; None if none."""
    own_notebook = os.path.realpath("linear_regression.ipynb")
    candidates = reference_candidates()
    print(f"looking for the reference in {len(candidates)} places")
    for path in candidates:
        if os.path.realpath(path) == own_notebook:
            continue
        try:
            text = open(path, errors="replace").read()
        except OSError:
            continue
        if "@exercise" in text or "SQLite format" in text:
            print("LEAKED grader or gradebook", path, flush=True)
        code = functions_in(text)
        if code:
            print("LEAKED reference code from", path, flush=True)
            return code
    return None
'''

# Functions with the stubs' names that call whatever ``steal(name)`` finds.
STOLEN_FUNCTIONS = r'''
def predict(x, w, b):
    return steal("predict")(x, w, b)

def mse(y_pred, y_true):
    return steal("mse")(y_pred, y_true)

def gradient_descent_step(w, b, x, y, lr):
    return steal("gradient_descent_step")(w, b, x, y, lr)

def normalize(x):
    return steal("normalize")(x)

def train_linear_regression(x, y, lr, epochs):
    return steal("train_linear_regression")(x, y, lr, epochs)

def train_with_optimizer(model, x, y, lr, epochs):
    return steal("train_with_optimizer")(model, x, y, lr, epochs)
'''

# A process that, if it ever outlived grading, would write into the course and /tmp for a minute.
LATE_WRITER = ("import time\n"
               "time.sleep(1)\n"
               "for _ in range(120):\n"
               "    for path in ('@COURSE@/canary-@NAME@', '/tmp/@TOKEN@-canary'):\n"
               "        try:\n"
               "            open(path, 'w').write('written after grading')\n"
               "        except OSError:\n"
               "            pass\n"
               "    time.sleep(0.5)\n"
               "# @TOKEN@\n")


# -- the attacks --------------------------------------------------------------------------------

# Functions built from reference code that an attack managed to read (if it could).
STEAL_FROM_READ_CODE = FIND_REFERENCE_FILES + r'''
stolen = {}
code = read_reference_code()
if code:
    exec(code, stolen)
def steal(name):
    if name not in stolen:
        raise NotImplementedError(f"no reference {name} to steal")
    return stolen[name]
'''


ATTACKS = [
    # patching library functions graders might use
    Attack("patch_library_comparisons", "patching torch, numpy, math and builtins", first=(r'''
import builtins, math
import numpy as np
import torch
always = lambda *args, **kwargs: True
for module, names in ((torch, ("allclose", "equal", "isclose")),
                      (torch.Tensor, ("allclose", "equal", "__eq__")),
                      (np, ("allclose", "array_equal", "isclose")),
                      (math, ("isclose",))):
    for name in names:
        setattr(module, name, always)
np.testing.assert_allclose = torch.testing.assert_close = lambda *args, **kwargs: None
builtins.abs = lambda value: 0
builtins.all = builtins.any = always
builtins.round = lambda value, digits=None: 0
print("comparisons patched")
''',)),
    Attack("patch_builtin_exceptions", "patching builtins so that stubs do not raise", first=(r'''
import builtins
# `raise NotImplementedError()` now raises nothing a grader catches by name
builtins.NotImplementedError = lambda *args: None
print("exceptions patched")
''',)),

    # replacing or patching the autograder package inside the kernel
    Attack("fake_autograder_package", "replacing the autograder package in the kernel", first=(r'''
import builtins, os, sys, types
os.makedirs("autograder/graders", exist_ok=True)
with open("autograder/__init__.py", "w") as module:
    module.write("def grade(name):\n    print(2.0)\n    return 2.0\n")
fake = types.ModuleType("autograder")
fake.__path__ = []
fake.grade = lambda name: 2.0
for name in ("autograder", "autograder.grader_runner", "autograder.checks", "autograder.student",
             "autograder.pipeline", "autograder.report", "autograder.graders",
             "autograder.graders.test_linear_regression", "solutions",
             "solutions.linear_regression"):
    sys.modules[name] = fake
def grade(name):
    print(f"{name}: 2 / 2 points")
    return 2.0
builtins.grade = grade
get_ipython().user_ns["grade"] = grade
print("fake autograder installed")
''',)),
    Attack("forge_sandbox_replies", "patching the sandbox's request handler", first=(r'''
import dlbio_inside
real_handle = dlbio_inside.handle
def forged(request, namespace):
    """Every call of a student function 'succeeds' and echoes its first argument back."""
    if request["op"] == "call" and request["target"][0] == "name":
        args = dlbio_inside.decode(request["args"])
        echo = args[0] if args else None
        return {"status": "ok", "value": dlbio_inside.encode(echo, dlbio_inside._keep)}
    return real_handle(request, namespace)
dlbio_inside.handle = forged
print("replies forged")
''',)),
    Attack("hollow_functions", "functions that return plausible values but do no work", last=(r'''
import torch
def predict(x, w, b):
    return x

def mse(y_pred, y_true):
    return torch.tensor(0.0)

def gradient_descent_step(w, b, x, y, lr):
    return 0.0

def normalize(x):
    return x, torch.tensor(0.0), torch.tensor(1.0)

def train_linear_regression(x, y, lr, epochs):
    return torch.tensor(0.0), torch.tensor(0.0), [float(epochs - i) for i in range(epochs)]

def train_with_optimizer(model, x, y, lr, epochs):
    return [float(epochs - i) for i in range(epochs)]
''',)),

    # changing how the kernel displays results or reports errors
    Attack("display_hooks", "display hooks, formatters, custom exception handler", first=(r'''
import sys
ip = get_ipython()
sys.displayhook = lambda value: print(9.0)
plain = ip.display_formatter.formatters["text/plain"]
for kind in (object, float, int, type(None)):
    plain.for_type(kind, lambda obj, printer, cycle: printer.text("9.0"))
def swallow(shell, etype, evalue, tb, tb_offset=None):
    print(2.0)
ip.set_custom_exc((BaseException,), swallow)
ip.events.register("post_run_cell", lambda result: print(1.0))
real_publish = ip.display_pub.publish
def publish(data, metadata=None, *args, **kwargs):
    real_publish({"text/plain": "9.0"}, {}, *args, **kwargs)  # every display becomes "9.0"
ip.display_pub.publish = publish
print("display rewritten")
''',)),
    Attack("rewrite_kernel_messages", "rewriting kernel messages and the grader's socket replies",
           first=(r'''
import json, types
import dlbio_inside
# every reply on the grader's socket says "ok, 1.0"
dlbio_inside.json = types.SimpleNamespace(
    loads=json.loads, dumps=lambda reply: json.dumps({"status": "ok", "value": 1.0}))
ip = get_ipython()
session = ip.kernel.session
real_send = session.send
def send(stream, msg_or_type, content=None, parent=None, *args, **kwargs):
    if isinstance(msg_or_type, str):
        if msg_or_type in ("execute_result", "display_data") and content is not None:
            data = dict(content.get("data", {}))
            data["text/plain"] = "9.0"
            content = {**content, "data": data}
        elif msg_or_type == "error":
            msg_or_type, content = "stream", {"name": "stdout", "text": "9.0\n"}
        elif msg_or_type == "execute_reply" and content is not None:
            content = {**content, "status": "ok"}
    return real_send(stream, msg_or_type, content, parent, *args, **kwargs)
session.send = send
print("kernel messages rewritten")
''',)),
    Attack("fake_scores_and_grade_cells", "printing scores; grade cells edited or deleted",
           first=(r'''
import os, sys
print(9.0)
sys.stdout.write("2.0\n")
sys.stdout.flush()
os.write(1, b"9.0\n")
display(9.0)
for name in ("predict", "mse", "normalize"):
    print(f"{name}: 1 / 1 points")
9.0
''',), last=("9.0",), tamper_grade_cells=True),

    # reaching reference objects through frames, the garbage collector or sys.modules
    Attack("reach_reference_objects", "import solutions; frames, gc.get_objects, sys.modules",
           first=(r'''
import gc, importlib, inspect, sys
for folder in ("@REPO@", "@COURSE@", "../..", "../../..", "/work/main", "/opt/dlbio"):
    sys.path.insert(0, folder)
for module_name in ("solutions.linear_regression", "autograder.graders.test_linear_regression",
                    "autograder.grader_runner"):
    try:
        importlib.import_module(module_name)
        print("LEAKED imported", module_name)
    except Exception as error:
        print("cannot import", module_name, type(error).__name__)

def find_reference(name):
    for module_name, module in list(sys.modules.items()):
        if module_name.startswith(("solutions", "autograder.graders")) and hasattr(module, name):
            return getattr(module, name)
    for obj in gc.get_objects():
        if inspect.isfunction(obj) and obj.__name__ == name and obj.__module__ != "__main__":
            if "solution" in (obj.__module__ or "") or "solution" in obj.__code__.co_filename:
                return obj
    frame = sys._getframe(1)  # the callers: whatever called predict() when it is graded
    while frame is not None:
        for value in list(frame.f_locals.values()) + list(frame.f_globals.values()):
            if inspect.ismodule(value) and "solution" in value.__name__ and hasattr(value, name):
                return getattr(value, name)
        frame = frame.f_back
    return None

def steal(name):
    found = find_reference(name)
    if found is None:
        raise NotImplementedError(f"no reference {name} within reach")
    print("LEAKED", name, found)
    return found
''',), last=(STOLEN_FUNCTIONS,)),

    # reading source/, solutions/ or the graders from disk
    Attack("hybrid_stolen_reference", "reading the course from disk; functions built from it",
           first=(STEAL_FROM_READ_CODE,), last=(STOLEN_FUNCTIONS,)),
    Attack("hybrid_via_submitted_symlinks", "symlinks in the submission folder to the answers",
           first=(STEAL_FROM_READ_CODE,), last=(STOLEN_FUNCTIONS,),
           symlinks={"reference.py": "@REPO@/solutions/linear_regression.py",
                     "instructor.txt": "../../../source/01_linear_regression/"
                                       "linear_regression.ipynb",
                     "classmate.txt": "../../ada_reference/01_linear_regression/"
                                      "linear_regression.ipynb",
                     "graders": "@REPO@/autograder/graders"}),
    Attack("symlinked_notebook", "the submitted notebook is a symlink to the instructor's",
           notebook_symlink="../../../source/01_linear_regression/linear_regression.ipynb",
           feedback=("symbolic link",)),

    # ending the process
    Attack("end_the_process_in_cells", "os._exit, SIGKILL, a segfault, SystemExit in cells",
           first=("import os\nos._exit(0)",
                  "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
                  "import ctypes\nctypes.string_at(0)",
                  "import os, signal\nfor pid in (1, os.getppid()):\n    try:\n"
                  "        os.kill(pid, signal.SIGKILL)\n    except OSError as error:\n"
                  "        print('cannot kill', pid, error)",
                  "raise SystemExit(3)", "raise KeyboardInterrupt"),
           feedback=("exited", "killed", "segmentation fault"), slow=True),
    Attack("die_when_graded", "each function ends its kernel or exits when graded", last=(r'''
import ctypes, os, signal, sys
def predict(x, w, b):
    os._exit(0)

def mse(y_pred, y_true):
    raise SystemExit(0)

def gradient_descent_step(w, b, x, y, lr):
    os.kill(os.getpid(), signal.SIGKILL)

def normalize(x):
    ctypes.string_at(0)

def train_linear_regression(x, y, lr, epochs):
    raise KeyboardInterrupt

def train_with_optimizer(model, x, y, lr, epochs):
    sys.exit(1)
''',), feedback=("exited", "killed", "segmentation fault", "SystemExit"), slow=True),

    # an infinite loop, exhausting memory, a huge output
    Attack("infinite_loops", "while True: pass in a cell and in a graded function",
           first=("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                  "while True:\n    pass",),
           last=("def predict(x, w, b):\n    while True:\n        pass",),
           feedback=("s of CPU time (the limit of",), slow=True),
    Attack("exhaust_memory", "allocating until memory runs out, in a cell and when graded",
           first=(r'''
import numpy as np
hoard = []
while True:
    hoard.append(np.ones(2**26))  # 512 MiB, every page touched
''',), last=("def predict(x, w, b):\n    return bytearray(2**40)\n\n"
             "def mse(y_pred, y_true):\n    return [bytearray(2**26) for _ in range(10**4)]",),
           feedback=("MemoryError", "ran out of memory")),
    Attack("flood_output", "printing 400 MB in a cell; raw writes without end, in a cell and "
                           "when graded",
           first=("for _ in range(10**4):\n    print('9.0\\n' * 10000, end='')",
                  "import os\nwhile True:\n    os.write(1, b'9.0\\n' * 10000)"),
           last=("import os\ndef predict(x, w, b):\n    while True:\n"
                 "        os.write(1, b'1.0 ' * 10000)",),
           feedback=("was cut", "KiB of output"), slow=True),

    # writing or deleting files outside the submission
    Attack("vandalize_files", "deleting a classmate's notebook, writing outside", first=(r'''
import os, shutil
targets = ["@COURSE@/submitted/ada_reference/01_linear_regression/linear_regression.ipynb",
           "../../ada_reference/01_linear_regression/linear_regression.ipynb",
           "@COURSE@/source/01_linear_regression/linear_regression.ipynb",
           "../../../source/01_linear_regression/linear_regression.ipynb",
           "@COURSE@/nbgrader_config.py", "@COURSE@/gradebook.db", "@COURSE@/release"]
for target in targets:
    for remove in (os.remove, shutil.rmtree):
        try:
            remove(target)
            print("LEAKED deleted", target)
        except OSError:
            pass
for target in ("@COURSE@/written-by-@NAME@", "@COURSE@/source/written-by-@NAME@",
               "../../../written-by-@NAME@", "/tmp/@TOKEN@-written", "@HOME@/@TOKEN@-written",
               "@REPO@/@TOKEN@-written", "/opt/dlbio/dlbio_inside.py"):
    try:
        with open(target, "a") as handle:
            handle.write("vandal")
        print("wrote", target)
    except OSError as error:
        print("cannot write", target, type(error).__name__)
''',)),

    # a background process that outlives grading
    Attack("background_processes", "Popen, nohup, a double-forked daemon, a forked child",
           first=(r'''
import os, subprocess, sys
payload = """@LATE_WRITER@"""
quiet = dict(stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
subprocess.Popen([sys.executable, "-c", payload], start_new_session=True, **quiet,
                 env={**os.environ, "ATTACK_TOKEN": "@TOKEN@"})
subprocess.Popen(["nohup", "sh", "-c", "sleep 1; for i in $(seq 120); do "
                  "touch @COURSE@/canary-sh-@NAME@ /tmp/@TOKEN@-sh 2>/dev/null; sleep 0.5; "
                  "done # @TOKEN@"], **quiet)
child = os.fork()
if child == 0:  # a daemon: double fork, new session, exec
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, "-c", payload])
    os._exit(0)
os.waitpid(child, 0)
if os.fork() == 0:  # a plain forked copy of the kernel that keeps running
    exec(payload)
    os._exit(0)
print("background processes started")
''',)),
]

ATTACKS_BY_NAME = {attack.name: attack for attack in ATTACKS}


def fill(code, attack, course, repo, token):
    """``code`` with the placeholders of ``attack`` filled in."""
    return (code.replace("@LATE_WRITER@", LATE_WRITER).replace("@COURSE@", str(course))
            .replace("@REPO@", str(repo)).replace("@HOME@", str(Path.home()))
            .replace("@TOKEN@", token).replace("@NAME@", attack.name))
