"""The state of a breakout workspace, for the durability tests (tests/durability): prints
"ok DIGEST" where DIGEST covers every row of every table (the creation and update times
left out), or "corrupt: WHY" when PRAGMA integrity_check fails or the file does not open.
With --edits SCENARIO WORKLOAD it prints "ok N ISOLATION" instead: the edits of the scenario's
history that are not undone, and the workload's isolation.
Usage: state.py DB [--edits SCENARIO WORKLOAD]"""
import hashlib
import sqlite3
import sys


def main():
    db = sys.argv[1]
    try:
        con = sqlite3.connect("file:%s?mode=rw" % db, uri=True, timeout=10)
        check = con.execute("PRAGMA integrity_check").fetchall()
        if check != [("ok",)]:
            print("corrupt: integrity_check says %r" % (check[:3],))
            return
        if len(sys.argv) == 5 and sys.argv[2] == "--edits":
            scenario, workload = sys.argv[3], sys.argv[4]
            (n,) = con.execute(
                "SELECT count(*) FROM edit JOIN scenario ON scenario.id = edit.scenario_id "
                "WHERE scenario.name = ? AND edit.undone = 0", (scenario,)).fetchone()
            row = con.execute(
                "SELECT isolation FROM workload JOIN scenario ON scenario.id = "
                "workload.scenario_id WHERE scenario.name = ? AND workload.ident = ?",
                (scenario, workload)).fetchone()
            print("ok %d %s" % (n, row[0] if row else "absent"))
            return
        h = hashlib.sha256()
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name")]
        for t in tables:
            cols = [r[1] for r in con.execute("PRAGMA table_info(\"%s\")" % t)
                    if r[1] not in ("created", "updated")]
            rows = con.execute("SELECT %s FROM \"%s\"" % (", ".join('"%s"' % c for c in cols), t))
            h.update(("%s %s\n" % (t, cols)).encode())
            for r in sorted(repr(x) for x in rows):
                h.update(r.encode())
        print("ok %s" % h.hexdigest()[:16])
    except sqlite3.Error as e:
        print("corrupt: %s" % e)


main()
