"""The access policy over real HTTP: roles x actions x relationships on the demo clinic.

Demo facts used here (src/service/demo.cc): the addiction program's patients are Anna Kowalska
(primary therapist m.zielinska, in t.malinowski's group, a.krol on the care team) and Piotr
Wiśniewski (therapist j.hoffmann); Ryan Cooper is in no group. j.hoffmann is the addiction
program's on-call clinician on the simulated first day; mood-program staff (s.price, k.wolf,
l.green, n.schulz, dr.reed) have no relationship to addiction patients.
"""
from harness import Server, ServerTest, demo_ids

OK, DENY, NEVER = 200, 404, 403


class PolicyMatrix(ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = demo_ids(cls.server)
        cls.clients = {}

    def as_(self, user):
        if user not in self.clients:
            self.clients[user] = self.login(user)
        return self.clients[user]

    def pid(self, name):
        return self.ids["patients"][name]

    def check(self, rows):
        for user, method, path, body, expect in rows:
            with self.subTest(user=user, method=method, path=path):
                r = self.as_(user).request(method, path, body)
                got = r.status if r.status not in (201,) else 200
                self.assertEqual(got, expect, f"{user} {method} {path}: {r}")
                if expect in (DENY, NEVER):
                    self.assertEqual(r.header("content-type"), "application/problem+json")

    def test_reading_a_patient(self):
        anna = "/api/v1/patients/" + self.pid("Anna Kowalska")
        ryan = "/api/v1/patients/" + self.pid("Ryan Cooper")
        self.check([
            ("m.zielinska", "GET", anna, None, OK),    # care team (primary therapist)
            ("j.hoffmann", "GET", anna, None, OK),     # program (and on call)
            ("s.price", "GET", anna, None, DENY),      # another program
            ("t.malinowski", "GET", anna, None, OK),   # group leader
            ("t.malinowski", "GET", ryan, None, OK),   # group leader: program demographics
            ("l.green", "GET", anna, None, DENY),
            ("a.krol", "GET", anna, None, OK),         # program staff on the care team
            ("n.schulz", "GET", anna, None, DENY),
            ("dr.bauer", "GET", anna, None, OK),       # psychiatrist of the program
            ("dr.reed", "GET", anna, None, DENY),
            ("dr.nowak", "GET", anna, None, OK),       # director of the program
            ("admin", "GET", anna, None, DENY),        # no clinical content without break-glass
            ("anna.k", "GET", anna, None, OK),         # herself
            ("anna.k", "GET", ryan, None, DENY),
            ("magdalena.l", "GET", anna, None, DENY),
        ])

    def test_updating_demographics(self):
        # Tomasz Kamiński: primary therapist j.hoffmann, a.krol on the care team. The update sends
        # a stale version, so whoever the policy lets through gets 409 and nothing changes.
        path = "/api/v1/patients/" + self.pid("Tomasz Kamiński")
        for user, expect in [("j.hoffmann", 409), ("m.zielinska", DENY), ("a.krol", 409), ("t.malinowski", NEVER),
                             ("s.price", DENY), ("dr.bauer", 409), ("dr.nowak", 409), ("admin", NEVER),
                             ("anna.k", NEVER), ("tomasz.k", None)]:
            if expect is None:
                continue
            with self.subTest(user=user):
                r = self.as_(user).patch(path, {"version": 999, "phone": "+48 700 700 700"})
                self.assertEqual(r.status, expect, f"{user}: {r}")
        self.assertEqual(self.server.sqlite(f"SELECT phone IS NULL FROM patients WHERE id = '{self.pid('Tomasz Kamiński')}'"), "1")

    def test_episode_and_account_actions(self):
        anna = self.pid("Anna Kowalska")
        episode = self.ids["episodes"][anna]
        self.check([
            ("m.zielinska", "GET", "/api/v1/episodes/" + episode, None, OK),
            ("s.price", "GET", "/api/v1/episodes/" + episode, None, DENY),
            ("anna.k", "GET", "/api/v1/episodes/" + episode, None, OK),
            ("magdalena.l", "GET", "/api/v1/episodes/" + episode, None, DENY),
            ("a.krol", "POST", f"/api/v1/patients/{anna}/account", {"username": "anna.other"}, NEVER),
            ("t.malinowski", "POST", f"/api/v1/patients/{anna}/account", {"username": "anna.other"}, NEVER),
            ("s.price", "POST", f"/api/v1/patients/{anna}/account", {"username": "anna.other"}, DENY),
            ("a.krol", "POST", f"/api/v1/episodes/{episode}/discharge", {"discharged_on": "2026-11-23", "reason": "completed"}, NEVER),
            ("j.hoffmann", "POST", f"/api/v1/episodes/{episode}/discharge", {"discharged_on": "2026-11-23", "reason": "completed"}, DENY),
        ])

    def test_organization_actions(self):
        a, m = self.ids["programs"]["addiction"], self.ids["programs"]["mood"]
        self.check([
            ("admin", "GET", f"/api/v1/programs/{a}/settings", None, OK),
            ("dr.nowak", "GET", f"/api/v1/programs/{a}/settings", None, OK),
            ("m.zielinska", "GET", f"/api/v1/programs/{a}/settings", None, NEVER),
            ("m.zielinska", "GET", f"/api/v1/programs/{a}/on-call", None, OK),   # program staff read the roster
            ("s.price", "GET", f"/api/v1/programs/{a}/on-call", None, DENY),
            ("s.price", "GET", f"/api/v1/programs/{m}/on-call", None, OK),
            ("anna.k", "GET", f"/api/v1/programs/{a}/on-call", None, NEVER),
            ("admin", "GET", "/api/v1/audit?limit=1", None, OK),
            ("dr.nowak", "GET", "/api/v1/audit?limit=1", None, NEVER),
            ("anna.k", "GET", "/api/v1/audit?limit=1", None, NEVER),
            ("m.zielinska", "GET", "/api/v1/staff", None, OK),
            ("anna.k", "GET", "/api/v1/staff", None, NEVER),
            ("anna.k", "GET", "/api/v1/programs", None, NEVER),
            ("anna.k", "POST", "/api/v1/patients/search", {"name": "Kow"}, NEVER),
            ("admin", "POST", "/api/v1/patients/search", {"name": "Kow"}, NEVER),
        ])

    def test_a_patient_tries_every_other_patients_urls(self):
        c = self.as_("anna.k")
        me = self.pid("Anna Kowalska")
        for name, other in self.ids["patients"].items():
            if other == me:
                continue
            episode = self.ids["episodes"].get(other, "epi_none")
            for method, path, body in [
                ("GET", f"/api/v1/patients/{other}", None),
                ("PATCH", f"/api/v1/patients/{other}", {"version": 1, "phone": "+48 111 222 333"}),
                ("GET", f"/api/v1/episodes?patient_id={other}", None),
                ("GET", f"/api/v1/episodes/{episode}", None),
                ("POST", f"/api/v1/patients/{other}/account", {"username": "x.y.z"}),
                ("POST", f"/api/v1/episodes/{episode}/discharge", {"discharged_on": "2026-11-23", "reason": "completed"}),
            ]:
                r = c.request(method, path, body)
                with self.subTest(patient=name, method=method, path=path):
                    self.assertIn(r.status, (403, 404), r)
                    self.assertNotIn(name.split()[0], r.raw)
        # Listing shows only herself.
        items = c.get("/api/v1/patients").json["items"]
        self.assertEqual([p["id"] for p in items], [me])
        self.assertEqual(c.get("/api/v1/notifications").status, 403)

    def test_lists_show_only_patients_within_reach(self):
        addiction = {pid for name, pid in self.ids["patients"].items()
                     if int(self.server.sqlite(f"SELECT count(*) FROM episodes WHERE patient_id='{pid}' AND program_id='{self.ids['programs']['addiction']}'"))}
        seen = set()
        cursor = None
        c = self.as_("j.hoffmann")
        while True:
            r = c.get("/api/v1/patients?limit=5" + (f"&cursor={cursor}" if cursor else ""))
            self.assertEqual(r.status, 200, r)
            seen |= {p["id"] for p in r.json["items"]}
            cursor = r.json["next_cursor"]
            if not cursor:
                break
        self.assertEqual(seen, addiction)
        found = self.as_("s.price").post("/api/v1/patients/search", {"name": "kowalska"}).json["items"]
        self.assertEqual(found, [])
        found = self.as_("m.zielinska").post("/api/v1/patients/search", {"name": "kowal"}).json["items"]
        self.assertEqual([p["family_name"] for p in found], ["Kowalska"])

    def test_denials_are_audited_with_their_rule(self):
        ryan = self.pid("Ryan Cooper")
        r = self.as_("n.schulz").get("/api/v1/patients/" + ryan)
        self.assertEqual(r.status, 404)
        row = self.server.sqlite(
            f"SELECT outcome, rule, action FROM audit_log WHERE patient_id = '{ryan}' AND request_id = '{r.header('x-request-id')}'")
        self.assertEqual(row, "denied|deny.no_relationship|patient_read")
        r = self.as_("m.zielinska").get("/api/v1/patients/" + self.pid("Anna Kowalska"))
        row = self.server.sqlite(f"SELECT outcome, rule FROM audit_log WHERE request_id = '{r.header('x-request-id')}'")
        self.assertEqual(row, "success|therapist.care_team")


class BreakGlassIntakeFormer(ServerTest):
    """Relationships that change with time: break-glass, intake, former care team."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = demo_ids(cls.server)

    def test_break_glass_is_time_limited_read_only_and_notifies_the_director(self):
        admin = self.login("admin")
        pid = self.ids["patients"]["Lena Schmidt"]
        self.assertEqual(admin.get("/api/v1/patients/" + pid).status, 404)
        r = admin.post("/api/v1/break-glass", {"patient_id": pid, "reason": "short"})
        self.assertEqual(r.status, 422)
        self.assertEqual(r.fields(), ["reason"])
        r = admin.post("/api/v1/break-glass", {"patient_id": pid, "reason": "Patient in the ED, team unreachable"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(admin.get("/api/v1/patients/" + pid).status, 200)
        self.assertEqual(admin.patch("/api/v1/patients/" + pid, {"version": 1, "phone": "+48 500 500 500"}).status, 403)
        notes = self.login("dr.nowak").get("/api/v1/notifications").json["items"]
        self.assertTrue(any(n["kind"] == "break_glass" and n["patient_id"] == pid for n in notes))
        self.assertEqual(self.server.sqlite(f"SELECT count(*) > 0 FROM audit_log WHERE action = 'notification_read' AND patient_id = '{pid}'"), "1")
        self.assertEqual(self.login("a.krol").post("/api/v1/break-glass", {"patient_id": pid, "reason": "Just curious about it"}).status, 403)
        self.assertEqual(admin.post("/api/v1/break-glass", {"patient_id": "pat_nobody", "reason": "Patient in the ED now"}).status, 404)
        self.server.advance(61 * 60)
        admin = self.login("admin")
        self.assertEqual(admin.get("/api/v1/patients/" + pid).status, 404)
        audit = self.server.sqlite(f"SELECT count(*) FROM audit_log WHERE action = 'break_glass' AND patient_id = '{pid}' AND outcome = 'success'")
        self.assertEqual(audit, "1")

    def test_intake_then_admission(self):
        tech = self.login("a.krol")
        r = tech.post("/api/v1/patients", {"given_name": "Ida", "family_name": "Nowicka", "birth_date": "1990-05-05",
                                          "sex": "female", "preferred_language": "pl"})
        self.assertEqual(r.status, 201, r)
        pid = r.json["id"]
        self.assertEqual(tech.get("/api/v1/patients/" + pid).status, 200)              # intake: creator
        self.assertEqual(self.login("dr.nowak").get("/api/v1/patients/" + pid).status, 200)  # directors
        self.assertEqual(self.login("m.zielinska").get("/api/v1/patients/" + pid).status, 404)
        admit = {"patient_id": pid, "program_id": self.ids["programs"]["addiction"], "referral_source": "detox",
                 "admitted_on": "2026-11-23", "primary_therapist_id": self.ids["users"]["m.zielinska"],
                 "psychiatrist_id": self.ids["users"]["dr.bauer"], "program_staff_ids": [self.ids["users"]["a.krol"]]}
        bad = dict(admit, psychiatrist_id=self.ids["users"]["dr.reed"], primary_therapist_id=self.ids["users"]["t.malinowski"])
        r = tech.post("/api/v1/episodes", bad)
        self.assertEqual(r.status, 422, r)
        self.assertEqual(sorted(r.fields()), ["primary_therapist_id", "psychiatrist_id"])
        r = tech.post("/api/v1/episodes", admit)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["care_team"]["program_staff_ids"], [self.ids["users"]["a.krol"]])
        self.assertEqual(self.login("m.zielinska").get("/api/v1/patients/" + pid).status, 200)  # now care team
        self.assertEqual(self.login("s.price").get("/api/v1/patients/" + pid).status, 404)

    def test_former_care_team_reads_for_90_days(self):
        pid = self.ids["patients"]["Felix Schneider"]  # therapist m.zielinska
        episode = self.ids["episodes"][pid]
        ther = self.login("m.zielinska")
        r = ther.post(f"/api/v1/episodes/{episode}/discharge", {"discharged_on": "2026-11-23", "reason": "step_down",
                                                                "aftercare": {"plan": "weekly outpatient therapy"}})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status"], "discharged")
        # Acting on a discharged episode: the former team may only read.
        self.assertEqual(ther.post(f"/api/v1/episodes/{episode}/discharge", {"discharged_on": "2026-11-23", "reason": "completed"}).status, 404)
        self.assertEqual(ther.get("/api/v1/patients/" + pid).status, 200)   # former
        self.assertEqual(ther.patch("/api/v1/patients/" + pid, {"version": 1}).status, 404)  # read-only
        self.assertEqual(self.login("j.hoffmann").get("/api/v1/patients/" + pid).status, 404)  # program no longer
        self.server.advance(91 * 24 * 3600)
        self.assertEqual(self.login("m.zielinska").get("/api/v1/patients/" + pid).status, 404)
