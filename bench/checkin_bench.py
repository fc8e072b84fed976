#!/usr/bin/env python3
"""Benchmark of the monitoring issue (run by scripts/bench.sh).

1. Prepares 64 synthetic patients with their own accounts (admitted, invited, activated, logged in).
2. Runs wrk with 64 keep-alive connections, each request a calm daily check-in of one of them.
3. Meanwhile a clinician holds the alert stream open, and a probe submits a high-risk check-in
   every 250 ms; the time from the check-in's acknowledgement (its 201 arriving) to its alert
   arriving on the stream is recorded.
Prints one JSON object with the figures."""
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "api"))
from harness import Client  # noqa: E402
from sse import SseClient    # noqa: E402

port = int(sys.argv[1])
duration = int(sys.argv[2])
workdir = sys.argv[3]
staff_pw = "demo-clinic-2026"

director = Client(port)
assert director.login("dr.nowak", staff_pw).status == 200
programs = {p["name"]: p["id"] for p in director.get("/api/v1/programs").json["items"]}
addiction = programs["Evening Recovery IOP"]
staff = {s["username"]: s["id"] for s in director.get("/api/v1/staff?limit=200").json["items"]}

patients = []
for i in range(65):
    r = director.post("/api/v1/patients", {"given_name": "Bench", "family_name": f"Patient{i:02d}", "birth_date": "1990-01-01",
                                           "sex": "unknown", "preferred_language": "en"})
    pid = r.json["id"]
    r = director.post("/api/v1/episodes", {"patient_id": pid, "program_id": addiction, "referral_source": "detox",
                                           "admitted_on": "2026-11-20", "primary_therapist_id": staff["m.zielinska"],
                                           "psychiatrist_id": staff["dr.bauer"]})
    assert r.status == 201, r
    r = director.post(f"/api/v1/patients/{pid}/account", {"username": f"bench.patient{i:02d}"})
    code = r.json["invite_code"]
    anon = Client(port)
    assert anon.post("/api/v1/auth/activate", {"invite_code": code, "password": "bench patient passphrase"}).status == 200
    p = Client(port)
    assert p.login(f"bench.patient{i:02d}", "bench patient passphrase").status == 200
    patients.append((pid, p.token))

probe_pid, probe_token = patients.pop()
lua = os.path.join(workdir, "checkins.lua")
with open(lua, "w") as f:
    f.write("local patients = {\n")
    for pid, tok in patients:
        f.write(f'  {{"{pid}", "{tok}"}},\n')
    f.write("}\n")
    f.write('''local n = 0
local body = '{"answers":{"mood":6,"anxiety":3,"craving":2,"used":0,"sleep_hours":7,"medication":1,"self_harm_thoughts":0,"meetings":1}}'
request = function()
  n = n + 1
  local p = patients[(n % #patients) + 1]
  return wrk.format("POST", "/api/v1/patients/" .. p[1] .. "/checkins",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. p[2]}, body)
end
response = function(status, headers, body)
  if status ~= 201 then io.stderr:write("unexpected status " .. status .. "\\n") end
end
''')

therapist = Client(port)
assert therapist.login("m.zielinska", staff_pw).status == 200
stream = SseClient(port, therapist.token)
assert stream.status == 200

latencies = []
stop = threading.Event()


def probe():
    c = Client(port, token=probe_token)
    high = {"answers": {"mood": 1, "anxiety": 9, "craving": 8, "used": 0, "sleep_hours": 3, "medication": 1,
                        "self_harm_thoughts": 1, "self_harm_intent": 1, "meetings": 0}}
    while not stop.is_set():
        seen = len(stream.alerts())
        r = c.post(f"/api/v1/patients/{probe_pid}/checkins", high)
        t0 = time.perf_counter()
        if r.status != 201:
            continue
        deadline = time.time() + 5
        got = None
        while time.time() < deadline:
            alerts = stream.alerts()
            if len(alerts) > seen and any(a["patient_id"] == probe_pid for _, a in alerts[seen:]):
                got = time.perf_counter()
                break
            time.sleep(0.0005)
        if got:
            latencies.append((got - t0) * 1000)
        time.sleep(0.25)


t = threading.Thread(target=probe)
t.start()
out = subprocess.run(["wrk", "-t2", "-c64", f"-d{duration}s", "--latency", "-s", lua, f"http://127.0.0.1:{port}"],
                     capture_output=True, text=True)
stop.set()
t.join()
stream.close()
print(out.stdout, file=sys.stderr)
latencies.sort()


def pct(v, p):
    return v[min(len(v) - 1, int(len(v) * p / 100))] if v else None


print(json.dumps({"wrk": out.stdout, "alert_latency_ms": {"samples": len(latencies), "p50": pct(latencies, 50),
                                                          "p99": pct(latencies, 99), "max": latencies[-1] if latencies else None}}))
