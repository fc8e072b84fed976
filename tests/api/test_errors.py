"""Every error class of api.md answers problem+json, and bad input changes nothing."""
from harness import ServerTest, demo_ids


class ErrorClasses(ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = demo_ids(cls.server)

    def patient_count(self):
        return int(self.server.sqlite("SELECT count(*) FROM patients"))

    def test_400_malformed_json_changes_nothing(self):
        c = self.login("m.zielinska")
        before = self.patient_count()
        r = c.request("POST", "/api/v1/patients", raw='{"given_name": "A",', headers={"Content-Type": "application/json"})
        self.assertProblem(r, 400)
        r = c.request("POST", "/api/v1/patients", raw='[1, 2]', headers={"Content-Type": "application/json"})
        self.assertProblem(r, 400)
        self.assertEqual(self.patient_count(), before)

    def test_400_bad_query(self):
        c = self.login("admin")
        self.assertProblem(c.get("/api/v1/staff?limit=abc"), 400)
        self.assertProblem(c.get("/api/v1/staff?limit=0"), 400)
        self.assertProblem(c.get("/api/v1/audit?from=yesterday"), 400)

    def test_401_without_or_with_a_bad_token(self):
        c = self.server.client()
        self.assertProblem(c.get("/api/v1/me"), 401)
        c.token = "not-a-token"
        self.assertProblem(c.get("/api/v1/patients"), 401)

    def test_403_role_may_never(self):
        c = self.login("m.zielinska")
        r = c.post("/api/v1/staff", {"username": "x.y", "password": "long enough password 1", "display_name": "X", "role": "therapist"})
        self.assertProblem(r, 403)
        r = self.login("admin").get("/api/v1/patients")
        self.assertProblem(r, 403)

    def test_404_unknown_and_not_yours_look_the_same(self):
        c = self.login("s.price")  # mood program therapist
        addiction_patient = self.ids["patients"]["Anna Kowalska"]
        unknown = c.get("/api/v1/patients/pat_doesnotexist0000000")
        foreign = c.get("/api/v1/patients/" + addiction_patient)
        self.assertProblem(unknown, 404)
        self.assertProblem(foreign, 404)
        self.assertEqual(unknown.json["detail"], foreign.json["detail"])
        self.assertProblem(c.get("/api/v1/no-such-endpoint"), 404)

    def test_405_with_allow(self):
        c = self.login("m.zielinska")
        r = c.request("DELETE", "/api/v1/patients/" + self.ids["patients"]["Anna Kowalska"])
        self.assertProblem(r, 405)
        self.assertIn("GET", r.header("allow"))
        self.assertIn("PATCH", r.header("allow"))

    def test_409_stale_version_and_428_missing_version(self):
        c = self.login("m.zielinska")
        pid = self.ids["patients"]["Katarzyna Wójcik"]  # m.zielinska is her primary therapist
        p = c.get("/api/v1/patients/" + pid).json
        r = c.patch("/api/v1/patients/" + pid, {"phone": "+48 600 100 200"})
        self.assertProblem(r, 428)
        ok = c.patch("/api/v1/patients/" + pid, {"version": p["version"], "phone": "+48 600 100 200"})
        self.assertEqual(ok.status, 200, ok)
        self.assertEqual(ok.json["version"], p["version"] + 1)
        stale = c.patch("/api/v1/patients/" + pid, {"version": p["version"], "phone": "+48 600 999 999"})
        self.assertProblem(stale, 409)
        self.assertEqual(stale.json["conflict"], {"kind": "version", "id": pid})
        self.assertEqual(c.get("/api/v1/patients/" + pid).json["phone"], "+48 600 100 200")

    def test_409_state_second_active_episode(self):
        c = self.login("m.zielinska")
        pid = self.ids["patients"]["Anna Kowalska"]
        r = c.post("/api/v1/episodes", {
            "patient_id": pid, "program_id": self.ids["programs"]["addiction"], "referral_source": "detox",
            "admitted_on": "2026-11-23", "primary_therapist_id": self.ids["users"]["m.zielinska"],
            "psychiatrist_id": self.ids["users"]["dr.bauer"]})
        self.assertProblem(r, 409)
        self.assertEqual(r.json["conflict"]["kind"], "state")
        self.assertEqual(r.json["conflict"]["id"], self.ids["episodes"][pid])

    def test_413_body_too_large(self):
        c = self.login("m.zielinska")
        r = c.request("POST", "/api/v1/patients", raw="x" * (1024 * 1024 + 10), headers={"Content-Type": "application/json"})
        self.assertProblem(r, 413)

    def test_415_wrong_content_type(self):
        c = self.login("m.zielinska")
        r = c.request("POST", "/api/v1/patients", raw="given_name=A", headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertProblem(r, 415)

    def test_422_lists_every_bad_field_and_stores_nothing(self):
        c = self.login("m.zielinska")
        before = self.patient_count()
        r = c.post("/api/v1/patients", {
            "given_name": "", "birth_date": "1990-02-30", "sex": "other", "preferred_language": "fr",
            "email": "not-an-email", "emergency_contact": {"name": "Ola"}, "nickname": "x"})
        self.assertProblem(r, 422, ["given_name", "family_name", "birth_date", "sex", "preferred_language", "email",
                                    "emergency_contact.phone", "nickname"])
        codes = {e["field"]: e for e in r.json["errors"]}
        self.assertEqual(codes["given_name"]["code"], "empty")
        self.assertEqual(codes["family_name"]["code"], "required")
        self.assertEqual(codes["sex"]["code"], "one_of")
        self.assertEqual(codes["sex"]["params"]["allowed"], ["female", "male", "diverse", "unknown"])
        self.assertEqual(codes["nickname"]["code"], "unknown_field")
        self.assertEqual(self.patient_count(), before)

    def test_429_with_retry_after(self):
        c = self.server.client()
        self.assertEqual(c.login("nobody.here", "wrong password!").status, 401)
        r = c.login("nobody.here", "wrong password!")
        self.assertProblem(r, 429)
        self.assertGreaterEqual(int(r.header("retry-after")), 1)

    def test_500_reveals_only_a_request_id(self):
        r = self.server.client().get("/api/v1/__test/fail")
        self.assertProblem(r, 500)
        self.assertNotIn("SECRET", r.raw)
        self.assertNotIn("sqlite", r.raw)
        self.assertIn(r.header("x-request-id"), r.json["detail"])
        self.assertEqual(r.json["request_id"], r.header("x-request-id"))

    def test_every_response_has_request_id_and_security_headers(self):
        c = self.login("m.zielinska")
        for r in (c.get("/healthz"), c.get("/api/v1/me"), c.get("/api/v1/nothing"), c.get("/"),
                  self.server.client().get("/api/v1/me")):
            self.assertTrue(r.header("x-request-id"), r)
            self.assertEqual(r.header("x-content-type-options"), "nosniff")
            self.assertIn("frame-ancestors 'none'", r.header("content-security-policy"))
            self.assertNotIn("unsafe-inline", r.header("content-security-policy"))
            self.assertEqual(r.header("x-pomost-demo"), "synthetic demo data")
            self.assertEqual(r.header("date"), "Mon, 23 Nov 2026 08:00:00 GMT")  # the server's (simulated) clock
        self.assertEqual(c.get("/api/v1/me").header("cache-control"), "no-store")
        ids = {c.get("/healthz").header("x-request-id") for _ in range(5)}
        self.assertEqual(len(ids), 5)

    def test_healthz(self):
        r = self.server.client().get("/healthz")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json, {"status": "ok"})

    def test_metrics_on_loopback(self):
        c = self.server.client()
        c.get("/healthz")
        r = c.get("/metrics")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.header("content-type").startswith("text/plain"))
        self.assertIn('pomost_http_requests_total{route="GET /healthz",status="200"}', r.raw)
        self.assertIn("pomost_http_request_seconds_bucket", r.raw)
        self.assertIn("pomost_store_commit_batch_jobs_count", r.raw)
        self.assertIn("pomost_store_commit_seconds_bucket", r.raw)
        self.assertIn("pomost_active_sessions", r.raw)


class ProblemLanguage(ServerTest):
    def test_titles_follow_the_language(self):
        c = self.server.client()
        self.assertEqual(c.get("/api/v1/nothing?lang=de").json["title"], "Nicht gefunden")
        self.assertEqual(c.get("/api/v1/nothing", headers={"Accept-Language": "pl-PL,pl;q=0.9"}).json["title"], "Nie znaleziono")
        self.assertEqual(c.get("/api/v1/nothing").json["title"], "Not found")
