"""The audit trail: what is recorded, who may read it, and tamper detection by `pomost audit verify`."""
import subprocess

from harness import Server, ServerTest, demo_ids


class AuditRecords(ServerTest):
    def test_reads_writes_and_logins_are_recorded_with_who_what_where(self):
        ids = demo_ids(self.server)
        c = self.login("m.zielinska")
        anna = ids["patients"]["Anna Kowalska"]
        r = c.get("/api/v1/patients/" + anna)
        row = self.server.sqlite(
            "SELECT user_id, role, action, resource_type, resource_id, patient_id, outcome, client_addr "
            f"FROM audit_log WHERE request_id = '{r.header('x-request-id')}'")
        self.assertEqual(row.split("|"), [ids["users"]["m.zielinska"], "therapist", "patient_read", "patient", anna, anna,
                                          "success", "127.0.0.1"])
        r = c.post("/api/v1/patients", {"given_name": "Ola", "family_name": "Test", "birth_date": "1999-09-09",
                                        "sex": "female", "preferred_language": "pl"})
        self.assertEqual(r.status, 201)
        row = self.server.sqlite(f"SELECT action, patient_id FROM audit_log WHERE request_id = '{r.header('x-request-id')}'")
        self.assertEqual(row, f"patient_create|{r.json['id']}")
        # A list touching several patients writes one record per patient.
        r = c.get("/api/v1/patients?limit=4")
        n = self.server.sqlite(f"SELECT count(DISTINCT patient_id) FROM audit_log WHERE request_id = '{r.header('x-request-id')}'")
        self.assertEqual(int(n), len(r.json["items"]))
        self.assertEqual(self.server.client().login("m.zielinska", "bad password here").status, 401)
        self.assertGreaterEqual(int(self.server.sqlite("SELECT count(*) FROM audit_log WHERE action='login' AND outcome='failed'")), 1)

    def test_admins_search_the_trail_with_filters(self):
        ids = demo_ids(self.server)
        anna = ids["patients"]["Anna Kowalska"]
        self.login("dr.nowak").get("/api/v1/patients/" + anna)
        admin = self.login("admin")
        r = admin.get(f"/api/v1/audit?patient_id={anna}&user_id={ids['users']['dr.nowak']}")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.json["items"])
        for item in r.json["items"]:
            self.assertEqual(item["patient_id"], anna)
            self.assertEqual(item["user_id"], ids["users"]["dr.nowak"])
        page = admin.get("/api/v1/audit?limit=2").json
        self.assertEqual(len(page["items"]), 2)
        nxt = admin.get(f"/api/v1/audit?limit=2&cursor={page['next_cursor']}").json
        self.assertLess(nxt["items"][0]["seq"], page["items"][-1]["seq"])
        later = admin.get("/api/v1/audit?from=2099-01-01T00:00:00Z").json
        self.assertEqual(later["items"], [])
        self.assertEqual(self.login("dr.nowak").get("/api/v1/audit").status, 403)


class TamperDetection(ServerTest):
    """Each case changes the database with the sqlite3 tool while the server is stopped."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        c = cls.server.login("m.zielinska")
        for _ in range(5):
            c.get("/api/v1/patients?limit=3")

    def setUp(self):
        self.server.stop()
        self.good = self.server.sqlite("SELECT count(*) FROM audit_log")

    def tearDown(self):
        self.server.start()

    def verify(self):
        return self.server.run("audit", "verify")

    def fresh_copy(self):
        """Each tamper case works on a copy of the database and anchor."""
        import os
        import shutil
        import tempfile
        d = tempfile.mkdtemp(prefix="pomost-tamper-")
        for suffix in ("", ".secret", ".audit-anchor"):
            shutil.copy(self.server.db + suffix, os.path.join(d, "pomost.db" + suffix))
        self.addCleanup(shutil.rmtree, d, True)
        return Server(directory=d)

    def test_intact_chain_passes(self):
        self.assertGreater(int(self.good), 10)
        r = self.verify()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("intact", r.stdout)

    def run_case(self, sql, expect_in):
        s = self.fresh_copy()
        subprocess.run(["sqlite3", s.db, sql], check=True)
        r = s.run("audit", "verify")
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn(expect_in, r.stderr)
        return r.stderr

    def test_changed_record_is_named(self):
        self.run_case("UPDATE audit_log SET user_id = 'usr_someone_else' WHERE seq = 3", "audit record 3")

    def test_deleted_record_is_named(self):
        self.run_case("DELETE FROM audit_log WHERE seq = 2", "record 2 is missing")

    def test_inserted_record_is_named(self):
        self.run_case("INSERT INTO audit_log (org_id, seq, at, action, outcome, prev_hash, hash) "
                      "SELECT org_id, (SELECT max(seq) FROM audit_log) + 1, at, 'login', 'success', hash, hash "
                      "FROM audit_log ORDER BY seq DESC LIMIT 1", "audit record")

    def test_records_cut_off_the_end_are_detected(self):
        n = int(self.good)
        out = self.run_case(f"DELETE FROM audit_log WHERE seq > {n - 2}", "cut off")
        self.assertIn(f"first missing record: {n - 1}", out)
