#!/usr/bin/env python3
"""Reads a `rig gate --junit` file as CI systems do and prints one line per
testcase: "VERDICT CLASSNAME NAME" (VERDICT: pass, failure, skipped), then
"tests=N failures=F skipped=S". Checks that the counts the file declares
(on <testsuites> and on every <testsuite>) are the counts of its testcases.

  check_junit.py FILE            parse with xml.etree (the standard library)
  check_junit.py --junitparser FILE
                                 parse with junitparser (PyPI), a third-party
                                 JUnit consumer; exit 77 when it is absent

Exit 0 when the file parses and its counts agree, 1 otherwise."""
import sys
import xml.etree.ElementTree as ET


def fail(msg):
    print("check_junit: " + msg, file=sys.stderr)
    sys.exit(1)


def with_etree(path):
    root = ET.parse(path).getroot()
    if root.tag != "testsuites":
        fail("root element is <%s>, expected <testsuites>" % root.tag)
    rows, total = [], {"tests": 0, "failures": 0, "skipped": 0}
    for suite in root.findall("testsuite"):
        got = {"tests": 0, "failures": 0, "skipped": 0}
        kids = [k.tag for k in suite]
        if kids and kids[0] != "properties":
            fail("suite %s: <properties> is not first" % suite.get("name"))
        for case in suite.findall("testcase"):
            got["tests"] += 1
            if case.find("failure") is not None:
                got["failures"] += 1
                verdict = "failure"
            elif case.find("skipped") is not None:
                got["skipped"] += 1
                verdict = "skipped"
            else:
                verdict = "pass"
            rows.append("%s %s %s" % (verdict, case.get("classname"), case.get("name")))
        for k, v in got.items():
            if int(suite.get(k, -1)) != v:
                fail("suite %s declares %s=%s, has %d" % (suite.get("name"), k, suite.get(k), v))
            total[k] += v
    for k, v in total.items():
        if int(root.get(k, -1)) != v:
            fail("<testsuites> declares %s=%s, has %d" % (k, root.get(k), v))
    return rows, total


def with_junitparser(path):
    try:
        import junitparser
    except ImportError:
        print("check_junit: skipped: junitparser is not installed (scripts/setup.sh)")
        sys.exit(77)
    xml = junitparser.JUnitXml.fromfile(path)
    rows, total = [], {"tests": 0, "failures": 0, "skipped": 0}
    for suite in xml:
        got = {"tests": 0, "failures": 0, "skipped": 0}
        for case in suite:
            got["tests"] += 1
            kinds = [type(r).__name__ for r in case.result]
            verdict = "failure" if "Failure" in kinds else "skipped" if "Skipped" in kinds else "pass"
            if verdict != "pass":
                got[verdict if verdict == "skipped" else "failures"] += 1
            rows.append("%s %s %s" % (verdict, case.classname, case.name))
        if (suite.tests, suite.failures, suite.skipped) != (got["tests"], got["failures"], got["skipped"]):
            fail("junitparser: suite %s counts %s vs %s" % (suite.name, (suite.tests, suite.failures, suite.skipped), got))
        for k in total:
            total[k] += got[k]
    return rows, total


def main():
    args = sys.argv[1:]
    use_jp = args[:1] == ["--junitparser"]
    if use_jp:
        args = args[1:]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    rows, total = (with_junitparser if use_jp else with_etree)(args[0])
    for r in rows:
        print(r)
    print("tests=%d failures=%d skipped=%d" % (total["tests"], total["failures"], total["skipped"]))


if __name__ == "__main__":
    main()
