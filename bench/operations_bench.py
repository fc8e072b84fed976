#!/usr/bin/env python3
"""Benchmark of the operations issue, end to end over HTTP (run by scripts/bench.sh).

Builds, through the API of a server started with --demo:
  - a clinic of 30 staff, 10 rooms, 20 groups (10 tracks x 2) and 200 admitted patients,
    10 per group; then times a director listing 12 weeks of its sessions (generated on demand,
    across the spring clock change);
  - a second program with 40 groups (20 tracks x 2, capacity 12) and 500 admitted patients with
    work hours (10 % already placed); then times the placement proposal for all of them.
The server's own GET /healthz round trip is timed the same way as the ceiling.
Prints one JSON object with the figures."""
import json
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "api"))
from harness import Client  # noqa: E402

port = int(sys.argv[1])
STAFF_PW = "demo-clinic-2026"
BENCH_PW = "bench staff passphrase 2026"
rng = random.Random(42)

admin = Client(port)
assert admin.login("admin", STAFF_PW).status == 200


def ok(r, status=(200, 201)):
    assert r.status in status, r
    return r.json


def program(name):
    return ok(admin.post("/api/v1/programs", {"name": name, "focus": "substance_use", "population": "adult", "days_per_week": 3,
                                              "hours_per_day": 3, "time_zone": "Europe/Warsaw"}))["id"]


DAYS = [["mon", "wed", "thu"], ["tue", "thu", "fri"], ["mon", "tue", "thu"], ["tue", "wed", "fri"], ["mon", "wed", "fri"]]
STARTS = ["08:00", "09:00", "13:00", "17:00", "18:00"]


def build(prog, tracks, groups_per_track, staff_n, rooms_n, patients_n, tag, placed_share):
    staff = []
    for i in range(staff_n):
        role = "psychiatrist" if i == 0 else "clinical_director" if i == 1 else "therapist"
        staff.append(ok(admin.post("/api/v1/staff", {"username": f"{tag}.staff{i:02d}", "password": BENCH_PW,
                                                     "display_name": f"Bench Staff {i}", "role": role, "licensed": True,
                                                     "program_ids": [prog]}))["id"])
    rooms = [ok(admin.post("/api/v1/rooms", {"name": f"{tag} room {i}", "capacity": 14}))["id"] for i in range(rooms_n)]
    director = Client(port)
    assert director.login(f"{tag}.staff01", BENCH_PW).status == 200
    groups = []
    for t in range(tracks):
        start = STARTS[(t // 5) % 5]
        end = f"{int(start[:2]) + 3:02d}:00"
        track = ok(admin.post(f"/api/v1/programs/{prog}/tracks", {"name": f"{tag} track {t}", "weekdays": DAYS[t % 5],
                                                                 "start": start, "end": end}))["id"]
        for k in range(groups_per_track):
            n = len(groups)
            groups.append(ok(admin.post("/api/v1/groups", {
                "track_id": track, "name": f"{tag} group {n}", "kind": "process", "leader_id": staff[2 + n % (staff_n - 2)],
                "room_id": rooms[n % rooms_n], "capacity": 12}))["id"])
    patients = []
    for i in range(patients_n):
        pid = ok(director.post("/api/v1/patients", {"given_name": "Bench", "family_name": f"{tag}{i:04d}", "birth_date": "1990-01-01",
                                                    "sex": "unknown", "preferred_language": "en"}))["id"]
        ok(director.post("/api/v1/episodes", {"patient_id": pid, "program_id": prog, "referral_source": "self",
                                              "admitted_on": "2026-11-20", "primary_therapist_id": staff[2 + i % (staff_n - 2)],
                                              "psychiatrist_id": staff[0]}))
        shift = rng.randrange(5)
        windows = {1: ("08:00", "16:00"), 2: ("09:00", "17:00"), 3: ("14:00", "22:00"), 4: ("00:00", "07:00")}.get(shift)
        if windows:
            ok(director.put(f"/api/v1/patients/{pid}/availability", {"version": 0, "unavailable": [
                {"weekday": d, "start": windows[0], "end": windows[1], "reason": "work"} for d in ("mon", "tue", "wed", "thu", "fri")]}))
        patients.append(pid)
    # Members: round-robin (the first clinic) or a share already placed (the placement clinic).
    members = {g: [] for g in groups}
    for i, pid in enumerate(patients):
        if placed_share is None or rng.random() < placed_share:
            g = groups[i % len(groups)]
            if len(members[g]) < 12:
                members[g].append(pid)
    for g, ids in members.items():
        if ids:
            v = ok(director.get(f"/api/v1/groups/{g}"))["version"]
            ok(director.patch(f"/api/v1/groups/{g}", {"version": v, "member_ids": ids}))
    return director, groups, patients


def timed(fn, n):
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return statistics.median(out), max(out)


t0 = time.time()
p1 = program("Bench schedule IOP")
director1, groups1, _ = build(p1, 10, 2, 30, 10, 200, "sch", None)
p2 = program("Bench placement IOP")
director2, groups2, patients2 = build(p2, 20, 2, 30, 10, 500, "plc", 0.10)
setup_s = time.time() - t0

health = Client(port)
health_ms = timed(lambda: ok(health.get("/healthz")), 50)

listing = {}


def list_sessions():
    r = ok(director1.get(f"/api/v1/sessions?from=2027-02-22&to=2027-05-16&program_id={p1}"))
    listing["count"] = len(r["items"])


sessions_ms = timed(list_sessions, 10)

placement = {}


def place():
    r = ok(director2.post(f"/api/v1/programs/{p2}/placement", {}), (200,))
    placement.update(optimal=r["optimal"], objective=r["objective"], assignments=len(r["assignments"]), unplaced=len(r["unplaced"]))


placement_ms = timed(place, 5)

print(json.dumps({
    "setup_seconds": round(setup_s, 1),
    "healthz_ms": {"median": round(health_ms[0], 2), "max": round(health_ms[1], 2)},
    "sessions_12_weeks": {"groups": len(groups1), "sessions": listing["count"], "median_ms": round(sessions_ms[0], 1),
                          "max_ms": round(sessions_ms[1], 1)},
    "placement": {"patients": len(patients2), "groups": len(groups2), "median_ms": round(placement_ms[0], 1),
                  "max_ms": round(placement_ms[1], 1), **placement},
}))
