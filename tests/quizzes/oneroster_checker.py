"""A OneRoster 1.1 CSV package checker, written from the 1.1 CSV binding's tables (IMS
"OneRoster v1.1 Final CSV Tables"): the manifest, each file's columns in order, required values,
enumerations, date formats, status rules of bulk and delta files, unique sourcedIds, and, in a
bulk package, that every id a row refers to is a row of the package. Returns the problems found.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z\Z")
NUMBER = re.compile(r"-?\d+(\.\d+)?\Z")
YEAR = re.compile(r"\d{4}\Z")

# file: [(column, required)] in the order of the 1.1 tables (after sourcedId, status,
# dateLastModified, which every file starts with).
FILES: dict[str, list[tuple[str, bool]]] = {
    "academicSessions": [
        ("title", True),
        ("type", True),
        ("startDate", True),
        ("endDate", True),
        ("parentSourcedId", False),
        ("schoolYear", True),
    ],
    "categories": [("title", True)],
    "classes": [
        ("title", True),
        ("grades", False),
        ("courseSourcedId", True),
        ("classCode", False),
        ("classType", True),
        ("location", False),
        ("schoolSourcedId", True),
        ("termSourcedIds", True),
        ("subjects", False),
        ("subjectCodes", False),
        ("periods", False),
    ],
    "courses": [
        ("schoolYearSourcedId", False),
        ("title", True),
        ("courseCode", False),
        ("grades", False),
        ("orgSourcedId", True),
        ("subjects", False),
        ("subjectCodes", False),
    ],
    "enrollments": [
        ("classSourcedId", True),
        ("schoolSourcedId", True),
        ("userSourcedId", True),
        ("role", True),
        ("primary", False),
        ("beginDate", False),
        ("endDate", False),
    ],
    "lineItems": [
        ("title", True),
        ("description", False),
        ("assignDate", True),
        ("dueDate", True),
        ("classSourcedId", True),
        ("categorySourcedId", True),
        ("gradingPeriodSourcedId", True),
        ("resultValueMin", True),
        ("resultValueMax", True),
    ],
    "orgs": [("name", True), ("type", True), ("identifier", False), ("parentSourcedId", False)],
    "results": [
        ("lineItemSourcedId", True),
        ("studentSourcedId", True),
        ("scoreStatus", True),
        ("score", True),
        ("scoreDate", True),
        ("comment", False),
    ],
    "users": [
        ("enabledUser", True),
        ("orgSourcedIds", True),
        ("role", True),
        ("username", True),
        ("userIds", False),
        ("givenName", True),
        ("familyName", True),
        ("middleName", False),
        ("identifier", False),
        ("email", False),
        ("sms", False),
        ("phone", False),
        ("agentSourcedIds", False),
        ("grades", False),
        ("password", False),
    ],
}
ALL_FILES = (
    *("academicSessions", "categories", "classes", "classResources", "courses"),
    *("courseResources", "demographics", "enrollments", "lineItems", "orgs", "resources"),
    *("results", "users"),
)
ENUMS = {
    ("academicSessions", "type"): {"gradingPeriod", "semester", "schoolYear", "term"},
    ("classes", "classType"): {"homeroom", "scheduled"},
    ("enrollments", "role"): {"administrator", "proctor", "student", "teacher"},
    ("enrollments", "primary"): {"", "true", "false"},
    ("orgs", "type"): {"department", "school", "district", "local", "state", "national"},
    ("results", "scoreStatus"): {
        "exempt",
        "fully graded",
        "not submitted",
        "partially graded",
        "submitted",
    },
    ("users", "enabledUser"): {"true", "false"},
    ("users", "role"): {
        *("administrator", "aide", "guardian", "parent", "proctor", "relative", "student"),
        "teacher",
    },
}
DATES = {"startDate", "endDate", "assignDate", "dueDate", "scoreDate", "beginDate"}
NUMBERS = {"resultValueMin", "resultValueMax", "score"}
# (file, column) -> the file whose sourcedIds it names; a list column is comma-separated.
REFERENCES = {
    ("academicSessions", "parentSourcedId"): "academicSessions",
    ("classes", "courseSourcedId"): "courses",
    ("classes", "schoolSourcedId"): "orgs",
    ("classes", "termSourcedIds"): "academicSessions",
    ("courses", "schoolYearSourcedId"): "academicSessions",
    ("courses", "orgSourcedId"): "orgs",
    ("enrollments", "classSourcedId"): "classes",
    ("enrollments", "schoolSourcedId"): "orgs",
    ("enrollments", "userSourcedId"): "users",
    ("lineItems", "classSourcedId"): "classes",
    ("lineItems", "categorySourcedId"): "categories",
    ("lineItems", "gradingPeriodSourcedId"): "academicSessions",
    ("orgs", "parentSourcedId"): "orgs",
    ("results", "lineItemSourcedId"): "lineItems",
    ("results", "studentSourcedId"): "users",
    ("users", "orgSourcedIds"): "orgs",
}


def read(data: bytes) -> dict[str, list[dict[str, str]]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name.removesuffix(".csv"): list(
                csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"), newline=""))
            )
            for name in archive.namelist()
        }


def check(data: bytes) -> list[str]:
    problems: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        headers = {
            name.removesuffix(".csv"): next(
                csv.reader(io.StringIO(archive.read(name).decode("utf-8"), newline=""))
            )
            for name in archive.namelist()
        }
    files = read(data)
    manifest = {row["propertyName"]: row["value"] for row in files.pop("manifest", [])}
    if headers.get("manifest") != ["propertyName", "value"]:
        problems.append("manifest.csv: header must be propertyName,value")
    if manifest.get("manifest.version") != "1.0" or manifest.get("oneroster.version") != "1.1":
        problems.append("manifest.csv: manifest.version 1.0 and oneroster.version 1.1 required")
    modes = {}
    for name in ALL_FILES:
        mode = manifest.get(f"file.{name}")
        if mode not in {"absent", "bulk", "delta"}:
            problems.append(f"manifest.csv: file.{name} is {mode!r}")
        modes[name] = mode
        if (mode == "absent") == (name in files):
            problems.append(f"{name}.csv: manifest says {mode!r} but the file is {name in files}")
    ids: dict[str, set[str]] = {}
    for name, rows in files.items():
        spec = FILES.get(name)
        if spec is None:
            problems.append(f"{name}.csv: not a file Fuente should write")
            continue
        expected = ["sourcedId", "status", "dateLastModified", *(c for c, _ in spec)]
        if headers[name] != expected:
            problems.append(f"{name}.csv: header {headers[name]} is not {expected}")
        seen: set[str] = set()
        for number, row in enumerate(rows, start=2):
            where = f"{name}.csv line {number}"
            if not row["sourcedId"]:
                problems.append(f"{where}: sourcedId is blank")
            if row["sourcedId"] in seen:
                problems.append(f"{where}: sourcedId {row['sourcedId']!r} repeats")
            seen.add(row["sourcedId"])
            if modes[name] == "bulk" and (row["status"] or row["dateLastModified"]):
                problems.append(f"{where}: a bulk file leaves status and dateLastModified blank")
            if modes[name] == "delta":
                if row["status"] not in {"active", "tobedeleted"}:
                    problems.append(f"{where}: status {row['status']!r}")
                if not DATETIME.match(row["dateLastModified"]):
                    problems.append(f"{where}: dateLastModified {row['dateLastModified']!r}")
            for column, required in spec:
                value = row.get(column, "")
                if required and not value:
                    problems.append(f"{where}: {column} is required")
                if value and column in DATES and not DATE.match(value):
                    problems.append(f"{where}: {column} {value!r} is not YYYY-MM-DD")
                if value and column in NUMBERS and not NUMBER.match(value):
                    problems.append(f"{where}: {column} {value!r} is not a number")
                if column == "schoolYear" and value and not YEAR.match(value):
                    problems.append(f"{where}: schoolYear {value!r} is not YYYY")
                allowed = ENUMS.get((name, column))
                if allowed is not None and value not in allowed and (required or value):
                    problems.append(f"{where}: {column} {value!r} not in {sorted(allowed)}")
        ids[name] = seen
    # Within one package a result must name one of its line items; a bulk package must hold
    # every row any of its rows refers to.
    bulk = any(mode == "bulk" for mode in modes.values())
    for (name, column), target in REFERENCES.items():
        if name not in files or not (bulk or (name, target) == ("results", "lineItems")):
            continue
        for number, row in enumerate(files[name], start=2):
            for value in filter(None, (v.strip() for v in row.get(column, "").split(","))):
                if value not in ids.get(target, set()):
                    problems.append(
                        f"{name}.csv line {number}: {column} {value!r} is not in {target}.csv"
                    )
    if bulk and "results" in files and "enrollments" in files:
        class_of = {row["sourcedId"]: row["classSourcedId"] for row in files["lineItems"]}
        enrolled = {(r["classSourcedId"], r["userSourcedId"]) for r in files["enrollments"]}
        for number, row in enumerate(files["results"], start=2):
            pair = (class_of.get(row["lineItemSourcedId"]), row["studentSourcedId"])
            if pair not in enrolled:
                problems.append(f"results.csv line {number}: the student is not in the class")
    return problems
