"""pytest plugin loaded by Self-repair (PYTEST_PLUGINS=self_repair_trace) to trace a test run.

Two modes, chosen by SELF_REPAIR_TRACE_MODE; the result goes as JSON to SELF_REPAIR_TRACE_OUT:
- ``coverage``: per test, which functions of the project ran (call events only, no line tracing);
- ``values``: for one target function, its arguments, its locals after each line and its result.
Without those variables the plugin does nothing. It never fails the run: a tracer error is swallowed.
"""

import json
import os
import re
import reprlib
import sys
import threading

import pytest

MODE = os.environ.get("SELF_REPAIR_TRACE_MODE", "")
OUT = os.environ.get("SELF_REPAIR_TRACE_OUT", "")
ROOT = os.path.realpath(os.environ.get("SELF_REPAIR_TRACE_ROOT") or os.getcwd())
EXCLUDED_DIRS = {"site-packages", "dist-packages", ".venv", "venv", "node_modules", ".tox", ".nox", "__pycache__"}

# Code objects that are part of the function around them (which ran too) or no function at all.
NOT_FUNCTIONS = {"<module>", "<listcomp>", "<dictcomp>", "<setcomp>", "<genexpr>"}

MAX_VALUE_CHARS = 80
MAX_LOCALS = 12
FIRST_STEPS = 10
LAST_STEPS = 10
MAX_CALLS = 3
# Past this many lines in one call only its end is awaited: line events cost a repr of every local.
MAX_RECORDED_STEPS = 5000

_paths = {}


def _project_path(filename):
    """Project-relative POSIX path of a code file, or None when it is not the project's own source."""
    known = _paths.get(filename)
    if known is not None or filename in _paths:
        return known
    rel = None
    if filename and not filename.startswith("<"):
        full = os.path.realpath(os.path.abspath(filename))
        if full.startswith(ROOT + os.sep):
            candidate = os.path.relpath(full, ROOT).replace(os.sep, "/")
            if not EXCLUDED_DIRS.intersection(candidate.split("/")):
                rel = candidate
    _paths[filename] = rel
    return rel


def _qualname(code):
    return getattr(code, "co_qualname", code.co_name)


def _write(data):
    if not OUT:
        return
    # Under pytest-xdist each worker runs some of the tests and writes its own file beside OUT.
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    target = "%s-%s.json" % (OUT[: -len(".json")], worker) if worker and OUT.endswith(".json") else OUT
    partial = target + ".part"
    with open(partial, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    os.replace(partial, target)


# ---------------------------------------------------------------------------------------------------------------
# Coverage: the functions each test executed


class Coverage:
    def __init__(self):
        self.functions = []  # [file, line, name]
        self.index = {}  # code object -> index in functions, or -1 when not the project's
        self.tests = {}  # nodeid -> {"outcome": ..., "functions": set of indexes}
        self.current = None
        self.tool = None

    def key(self, code):
        found = self.index.get(code)
        if found is None:
            rel = _project_path(code.co_filename)
            found = -1
            if rel is not None and code.co_name not in NOT_FUNCTIONS:
                found = len(self.functions)
                self.functions.append([rel, code.co_firstlineno, _qualname(code)])
            self.index[code] = found
        return found

    # sys.settrace: one call event per new frame; returning None asks for no line events.
    def on_call(self, frame, event, arg):
        if event == "call" and self.current is not None:
            found = self.key(frame.f_code)
            if found >= 0:
                self.current.add(found)
        return None

    # sys.monitoring (3.12+): PY_START fires once per code object until re-armed for the next test.
    def on_start(self, code, offset):
        if self.current is not None:
            found = self.key(code)
            if found >= 0:
                self.current.add(found)
        return sys.monitoring.DISABLE

    def start(self, nodeid):
        entry = self.tests.setdefault(nodeid, {"outcome": None, "functions": set()})
        self.current = entry["functions"]
        if self.tool is not None:
            sys.monitoring.restart_events()
        else:
            threading.settrace(self.on_call)
            sys.settrace(self.on_call)

    def stop(self):
        if self.tool is None:
            sys.settrace(None)
            threading.settrace(None)
        self.current = None

    def install(self):
        monitoring = getattr(sys, "monitoring", None)
        if monitoring is None:
            return "python-settrace"
        for tool in (monitoring.PROFILER_ID, 3, 4, 5):
            if monitoring.get_tool(tool) is None:
                monitoring.use_tool_id(tool, "self-repair-trace")
                monitoring.register_callback(tool, monitoring.events.PY_START, self.on_start)
                monitoring.set_events(tool, monitoring.events.PY_START)
                self.tool = tool
                return "python-monitoring"
        return "python-settrace"

    def outcome(self, nodeid, report):
        entry = self.tests.get(nodeid)
        if entry is None:
            return
        if report.failed:
            entry["outcome"] = "failed"
        elif report.skipped and entry["outcome"] is None:
            entry["outcome"] = "skipped"
        elif report.when == "call" and report.passed and entry["outcome"] is None:
            entry["outcome"] = "passed"

    def result(self, tracer, rootdir):
        tests = {
            nodeid: {"outcome": entry["outcome"], "functions": sorted(entry["functions"])}
            for nodeid, entry in self.tests.items()
        }
        return {"mode": "coverage", "tracer": tracer, "rootdir": rootdir, "functions": self.functions, "tests": tests}


# ---------------------------------------------------------------------------------------------------------------
# Values: what one function saw


_repr = reprlib.Repr()
_repr.maxstring = MAX_VALUE_CHARS
_repr.maxother = MAX_VALUE_CHARS
_repr.maxlist = _repr.maxtuple = _repr.maxset = _repr.maxfrozenset = _repr.maxdeque = 8
_repr.maxdict = 6


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+>")


def short_repr(value):
    try:
        # Addresses change from run to run and tell the reader nothing.
        text = _ADDRESS.sub(">", _repr.repr(value))
    except Exception as error:  # a broken __repr__ must not stop the trace
        text = "<unrepresentable %s: %s>" % (type(value).__name__, type(error).__name__)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def _shown_locals(frame):
    shown = {}
    for name, value in frame.f_locals.items():
        if name.startswith("__") or type(value).__name__ == "module":
            continue
        shown[name] = short_repr(value)
        if len(shown) >= MAX_LOCALS:
            break
    return shown


def _arguments(frame):
    code = frame.f_code
    count = code.co_argcount + code.co_kwonlyargcount
    count += bool(code.co_flags & 0x04) + bool(code.co_flags & 0x08)  # *args, **kwargs
    values = frame.f_locals
    return {name: short_repr(values[name]) for name in code.co_varnames[:count] if name in values}


class Call:
    def __init__(self, frame):
        self.args = _arguments(frame)
        self.first = []
        self.last = []
        self.omitted = 0
        self.recorded = 0
        self.pending_line = None
        self.pending_exception = None
        self.raised = None
        self.returned = None
        self.lines_stopped = False
        self.generator = bool(frame.f_code.co_flags & 0x2A0)  # generator, coroutine, async generator

    def step(self, frame, line, yielded=None):
        entry = {"line": line, "locals": _shown_locals(frame)}
        if yielded is not None:
            entry["yielded"] = yielded
        self.recorded += 1
        if len(self.first) < FIRST_STEPS:
            self.first.append(entry)
            return
        self.last.append(entry)
        if len(self.last) > LAST_STEPS:
            self.last.pop(0)
            self.omitted += 1

    def finish_line(self, frame):
        if self.pending_line is not None:
            self.step(frame, self.pending_line)
            self.pending_line = None

    def on_line(self, frame):
        self.finish_line(frame)
        # More lines after an exception: a handler in this call caught it.
        self.pending_exception = None
        self.pending_line = frame.f_lineno
        if self.recorded >= MAX_RECORDED_STEPS:
            self.lines_stopped = True
            frame.f_trace_lines = False

    def on_return(self, frame, value):
        """True when the call is over (a generator's return event may be a yield)."""
        if self.generator and value is not None and self.pending_exception is None:
            # A yield: the line that yields is one step, with what it yielded.
            self.step(frame, self.pending_line or frame.f_lineno, short_repr(value))
            self.pending_line = None
            return False
        self.finish_line(frame)
        if self.pending_exception is not None and value is None:
            self.raised = self.pending_exception
        elif not self.generator:
            self.returned = short_repr(value)
        return not self.generator or self.raised is not None

    def result(self):
        data = {"args": self.args, "steps": self.first + self.last, "omittedSteps": self.omitted}
        if self.omitted:
            data["omittedAt"] = len(self.first)
        if self.lines_stopped:
            data["linesStopped"] = True
        if self.raised is not None:
            data["raised"] = self.raised
        elif self.returned is not None:
            data["returned"] = self.returned
        return data


class Values:
    def __init__(self, file, line, name):
        self.file = os.path.realpath(os.path.join(ROOT, file))
        self.line = line
        self.name = name
        self.matches = {}
        self.calls = []  # every kept call, in call order
        self.live = {}  # frame -> its Call, while the call (or generator) may still run
        self.omitted_calls = 0

    def is_target(self, code):
        found = self.matches.get(code)
        if found is None:
            found = False
            if os.path.realpath(os.path.abspath(code.co_filename)) == self.file:
                if self.name:
                    short = self.name.rsplit(".", 1)[-1]
                    found = _qualname(code) == self.name or (code.co_firstlineno == self.line and code.co_name == short)
                else:
                    found = code.co_firstlineno == self.line
            self.matches[code] = found
        return found

    def on_call(self, frame, event, arg):
        if event != "call" or not self.is_target(frame.f_code):
            return None
        if frame not in self.live:
            if len(self.calls) >= MAX_CALLS:
                self.omitted_calls += 1
                return None
            call = Call(frame)
            self.calls.append(call)
            self.live[frame] = call
        return self.on_event

    def on_event(self, frame, event, arg):
        call = self.live.get(frame)
        if call is None:
            return None
        if event == "line":
            call.on_line(frame)
        elif event == "exception":
            call.pending_exception = short_repr(arg[1]) if arg[1] is not None else arg[0].__name__
        elif event == "return" and call.on_return(frame, arg):
            del self.live[frame]
        return self.on_event

    def start(self, nodeid):
        threading.settrace(self.on_call)
        sys.settrace(self.on_call)

    def stop(self):
        sys.settrace(None)
        threading.settrace(None)

    def result(self, tracer, rootdir):
        calls = [call.result() for call in self.calls]
        data = {"mode": "values", "tracer": tracer, "rootdir": rootdir, "test": _state["nodeid"]}
        data.update({"calls": calls, "omittedCalls": self.omitted_calls})
        return data


# ---------------------------------------------------------------------------------------------------------------
# pytest hooks


_state = {"tracer": None, "name": None, "nodeid": None, "rootdir": "."}
# In values mode only this test is traced (its id as the report has it: it may be longer than the node id).
WANTED_TEST = os.environ.get("SELF_REPAIR_TRACE_TEST", "")


def _wanted(nodeid):
    if not WANTED_TEST or nodeid == WANTED_TEST:
        return True
    return WANTED_TEST.endswith("/" + nodeid) or nodeid.endswith("/" + WANTED_TEST)


def _make_tracer():
    if MODE == "coverage":
        coverage = Coverage()
        return coverage, coverage.install()
    if MODE == "values":
        line = int(os.environ.get("SELF_REPAIR_TRACE_LINE", "0") or 0)
        file = os.environ.get("SELF_REPAIR_TRACE_FILE", "")
        return Values(file, line, os.environ.get("SELF_REPAIR_TRACE_NAME", "")), "python-settrace"
    return None, None


def pytest_configure(config):
    try:
        _state["tracer"], _state["name"] = _make_tracer()
        rootdir = os.path.realpath(str(getattr(config, "rootpath", None) or config.rootdir))
        _state["rootdir"] = os.path.relpath(rootdir, ROOT).replace(os.sep, "/")
    except Exception:
        _state["tracer"] = None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    tracer = _state["tracer"]
    if tracer is None or (isinstance(tracer, Values) and not _wanted(item.nodeid)):
        yield
        return
    _state["nodeid"] = item.nodeid
    tracer.start(item.nodeid)
    try:
        yield
    finally:
        tracer.stop()


def pytest_runtest_logreport(report):
    if isinstance(_state["tracer"], Coverage):
        _state["tracer"].outcome(report.nodeid, report)


def pytest_sessionfinish(session, exitstatus):
    try:
        if _state["tracer"] is not None:
            _write(_state["tracer"].result(_state["name"], _state["rootdir"]))
    except Exception:
        pass
