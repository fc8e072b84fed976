"""Nothing acknowledged is lost: kill -9 under concurrent writes, then check every acknowledged
write, the database's integrity and the audit chain. Also idempotency and one bad request in a
busy batch."""
import threading
import time

from harness import SANITIZED, Server, ServerTest, demo_ids


class CrashTest(ServerTest):
    def test_kill_9_mid_stream_loses_nothing_acknowledged(self):
        acked = []
        lock = threading.Lock()
        stop = threading.Event()
        token = self.login("m.zielinska").token
        errors = []

        def writer(n):
            c = self.server.client(token=token)
            i = 0
            while not stop.is_set():
                body = {"given_name": f"Crash{n}", "family_name": f"Writer{i}", "birth_date": "1990-01-01",
                        "sex": "unknown", "preferred_language": "en"}
                try:
                    r = c.post("/api/v1/patients", body)
                except Exception:  # the server died under us: this write was never acknowledged
                    return
                if r.status == 201:
                    with lock:
                        acked.append(r.json["id"])
                elif r.status not in (503,):
                    errors.append(r)
                i += 1

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(24)]
        for t in threads:
            t.start()
        deadline = time.time() + (30 if SANITIZED else 15)
        while len(acked) < 300 and time.time() < deadline:
            time.sleep(0.05)
        self.server.kill9()
        stop.set()
        for t in threads:
            t.join()
        self.assertFalse(errors, errors[:3])
        self.assertGreater(len(acked), 50)

        self.assertEqual(self.server.sqlite("PRAGMA integrity_check"), "ok")
        present = set(self.server.sqlite("SELECT id FROM patients").split())
        missing = [a for a in acked if a not in present]
        self.assertEqual(missing, [], f"{len(missing)} acknowledged writes lost")
        audited = set(self.server.sqlite("SELECT patient_id FROM audit_log WHERE action = 'patient_create'").split())
        self.assertEqual([a for a in acked if a not in audited], [])
        r = self.server.run("audit", "verify")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.server.start()  # restarts on the same file and serves the writes
        c = self.login("m.zielinska")
        self.assertEqual(c.get("/api/v1/patients/" + acked[-1]).status, 200)


class Writes(ServerTest):
    def test_idempotency_key_replays_the_first_answer(self):
        c = self.login("m.zielinska")
        body = {"given_name": "Idem", "family_name": "Potent", "birth_date": "1980-08-08", "sex": "male", "preferred_language": "de"}
        first = c.post("/api/v1/patients", body, headers={"Idempotency-Key": "key-1"})
        again = c.post("/api/v1/patients", body, headers={"Idempotency-Key": "key-1"})
        self.assertEqual(first.status, 201)
        self.assertEqual(again.status, 201)
        self.assertEqual(first.json["id"], again.json["id"])
        self.assertEqual(self.server.sqlite("SELECT count(*) FROM patients WHERE family_name = 'Potent'"), "1")
        other = c.post("/api/v1/patients", dict(body, given_name="Other"), headers={"Idempotency-Key": "key-1"})
        self.assertProblem(other, 422)
        # Keys are per user.
        d = self.login("j.hoffmann")
        third = d.post("/api/v1/patients", body, headers={"Idempotency-Key": "key-1"})
        self.assertEqual(third.status, 201)
        self.assertNotEqual(third.json["id"], first.json["id"])
        # Kept 24 hours.
        self.server.advance(25 * 3600)
        c = self.login("m.zielinska")
        late = c.post("/api/v1/patients", body, headers={"Idempotency-Key": "key-1"})
        self.assertNotEqual(late.json["id"], first.json["id"])

    def test_one_bad_request_among_concurrent_writes_fails_alone(self):
        admin = self.login("admin")
        ids = demo_ids(self.server)
        results = {}

        def create(i):
            c = self.server.client(token=admin.token)
            username = "m.zielinska" if i == 7 else f"batch.user{i}"  # 7 collides with an existing account
            results[i] = c.post("/api/v1/staff", {"username": username, "password": "batch user long password",
                                                  "display_name": f"Batch {i}", "role": "program_staff",
                                                  "program_ids": [ids["programs"]["mood"]]})

        threads = [threading.Thread(target=create, args=(i,)) for i in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(results[7].status, 422, results[7])
        self.assertEqual(results[7].fields(), ["username"])
        self.assertEqual(sorted(i for i, r in results.items() if r.status == 201), [i for i in range(20) if i != 7])
        self.assertEqual(self.server.sqlite("SELECT count(*) FROM users WHERE username LIKE 'batch.user%'"), "19")
