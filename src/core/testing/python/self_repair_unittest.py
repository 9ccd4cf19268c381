"""Runs unittest exactly as `python -m unittest <args>` does, and also writes a JSON report of each
test's outcome to the file named by SELF_REPAIR_UNITTEST_REPORT, for Self-repair to read. The console
output stays unittest's own. Standard library only; Python 3.7 or later."""

import faulthandler
import inspect
import json
import os
import re
import sys
import traceback
import unittest

REPORT_ENV = "SELF_REPAIR_UNITTEST_REPORT"
# `--self-repair-test-timeout=N`, ours, not unittest's: each test may run N seconds, then every
# thread's stack is printed and the run ends (as pytest's faulthandler_timeout does), naming a hung test.
TIMEOUT_OPTION = "--self-repair-test-timeout="
test_timeout = None
# `assertEqual(first, second)` fails with "first != second", or "first != second : msg".
MISMATCH = re.compile(r"^(.*?) != (.*?)(?: : .*)?$")
# An error outside a test: "setUpClass (tests.test_x.TestStats)", "setUpModule (tests.test_x)".
FIXTURE = re.compile(r"^(\w+) \(([\w.]+)\)$")
TEXT_FRAME = re.compile(r'^\s*File "(.+)", line (\d+), in (\S+)$', re.M)


def module_file(name):
    """The source file of module `name`: imported already, or found on sys.path (an import that failed)."""
    module = sys.modules.get(name)
    if getattr(module, "__file__", None):
        return os.path.abspath(module.__file__)
    relative = name.replace(".", os.sep)
    for entry in sys.path:
        for candidate in (relative + ".py", os.path.join(relative, "__init__.py")):
            full = os.path.join(entry or os.getcwd(), candidate)
            if os.path.isfile(full):
                return os.path.abspath(full)
    return None


def describe(test):
    """Where a test (or the error holder unittest makes for a failed import or fixture) lives."""
    failed_import = type(test).__name__ == "_FailedTest"
    if failed_import:
        module = test._testMethodName
        return {"id": module, "module": module, "file": module_file(module), "kind": "import"}
    if isinstance(test, unittest.TestCase):
        cls = type(test)
        method = getattr(cls, test._testMethodName, None)
        info = {"id": test.id(), "module": cls.__module__, "class": cls.__qualname__,
                "method": test._testMethodName, "file": module_file(cls.__module__)}
        try:
            info["line"] = inspect.getsourcelines(method)[1]
        except (TypeError, OSError):
            pass
        return info
    description = str(test)
    fixture = FIXTURE.match(description)
    target = fixture.group(2) if fixture else description
    module = target if target in sys.modules else target.rpartition(".")[0]
    return {"id": target, "module": module, "file": module_file(module), "kind": fixture.group(1) if fixture else "error"}


def frames_of(tb):
    """The traceback's frames outside unittest itself, outermost first."""
    frames = []
    while tb is not None:
        if "__unittest" not in tb.tb_frame.f_globals:
            code = tb.tb_frame.f_code
            frames.append({"file": os.path.abspath(code.co_filename), "line": tb.tb_lineno, "name": code.co_name})
        tb = tb.tb_next
    return frames


def frames_in_text(text):
    """The frames of a traceback printed as text, outside unittest itself."""
    unittest_dir = os.path.dirname(os.path.abspath(unittest.__file__))
    frames = []
    for found in TEXT_FRAME.finditer(text):
        file = os.path.abspath(found.group(1))
        if not file.startswith(unittest_dir + os.sep):
            frames.append({"file": file, "line": int(found.group(2)), "name": found.group(3)})
    return frames


class RecordingResult(unittest.TextTestResult):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.records = {}

    def record(self, test, status, err=None, reason=None):
        info = describe(test)
        entry = self.records.setdefault(info["id"], dict(info, status="passed"))
        # A failed subtest fails its test; the first failure is the one reported.
        if entry["status"] in ("failed", "errored") and status not in ("failed", "errored"):
            return
        if entry["status"] in ("failed", "errored") and err is not None:
            entry["details"] += "\n\n" + self._exc_info_to_string(err, test).strip()
            return
        entry["status"] = status
        if reason:
            entry["message"] = str(reason)
        if err is not None:
            self.add_error(entry, test, err)

    def add_error(self, entry, test, err):
        exc_type, value, tb = err
        if entry.get("kind") == "import":
            # unittest hands over a failed import as an ImportError holding the original traceback's text.
            text = str(value).strip()
            entry["message"] = text.splitlines()[-1].strip() if text else "import failed"
            entry["details"] = text
            entry["frames"] = frames_in_text(text)
            return
        entry["message"] = traceback.format_exception_only(exc_type, value)[-1].strip()
        entry["details"] = self._exc_info_to_string(err, test).strip()
        entry["frames"] = frames_of(tb)
        if issubclass(exc_type, AssertionError):
            found = MISMATCH.match(str(value).split("\n", 1)[0])
            if found:
                entry["actual"], entry["expected"] = found.group(1), found.group(2)

    def startTest(self, test):
        super().startTest(test)
        if test_timeout:
            faulthandler.dump_traceback_later(test_timeout, exit=True)

    def stopTest(self, test):
        if test_timeout:
            faulthandler.cancel_dump_traceback_later()
        super().stopTest(test)

    def addSuccess(self, test):
        super().addSuccess(test)
        self.record(test, "passed")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.record(test, "failed", err)

    def addError(self, test, err):
        super().addError(test, err)
        self.record(test, "errored", err)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.record(test, "skipped", reason=reason)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self.record(test, "passed")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self.record(test, "failed", reason="unexpected success (the test is marked expectedFailure)")

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            failed = issubclass(err[0], test.failureException)
            self.record(test, "failed" if failed else "errored", err)
            entry = self.records[describe(test)["id"]]
            entry.setdefault("subtest", subtest._subDescription())

    def stopTestRun(self):
        super().stopTestRun()
        path = os.environ.get(REPORT_ENV)
        if path:
            with open(path, "w", encoding="utf-8") as out:
                json.dump({"tests": list(self.records.values())}, out)


class RecordingRunner(unittest.TextTestRunner):
    resultclass = RecordingResult


if __name__ == "__main__":
    sys.argv[0] = os.path.basename(sys.executable) + " -m unittest"
    for arg in [a for a in sys.argv[1:] if a.startswith(TIMEOUT_OPTION)]:
        sys.argv.remove(arg)
        test_timeout = float(arg[len(TIMEOUT_OPTION):])
    unittest.main(module=None, testRunner=RecordingRunner)
