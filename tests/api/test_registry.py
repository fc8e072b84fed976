"""The registry over HTTP: programs and settings, on-call rosters, staff, rooms, tracks, groups,
patients and episodes; each with its validation."""
from harness import ServerTest, demo_ids


class Programs(ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = demo_ids(cls.server)

    def test_create_read_update_program(self):
        admin = self.login("admin")
        r = admin.post("/api/v1/programs", {"name": "Teen IOP", "focus": "mood_anxiety", "population": "adolescent",
                                            "days_per_week": 3, "hours_per_day": 2.5, "time_zone": "Europe/Berlin", "language": "de"})
        self.assertEqual(r.status, 201, r)
        p = r.json
        self.assertEqual(p["min_hours_per_week"], 6)      # rules.md default for adolescents
        self.assertEqual(p["level_of_care"], "2.1")
        r = admin.post("/api/v1/programs", {"name": "Adult", "focus": "substance_use", "population": "adult",
                                            "days_per_week": 3, "hours_per_day": 3, "time_zone": "America/New_York"})
        self.assertEqual(r.json["min_hours_per_week"], 9)
        r = admin.post("/api/v1/programs", {"name": "", "focus": "gambling", "population": "kids", "days_per_week": 9,
                                            "hours_per_day": 0, "time_zone": "Europe/Nowhere", "level_of_care": "3.7"})
        self.assertProblem(r, 422, ["name", "focus", "population", "days_per_week", "hours_per_day", "time_zone", "level_of_care"])
        r = admin.patch("/api/v1/programs/" + p["id"], {"version": p["version"], "min_hours_per_week": 7})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["min_hours_per_week"], 7)
        self.assertEqual(admin.get("/api/v1/programs/" + p["id"]).json["version"], p["version"] + 1)
        # null returns to the default of the population (now adult: 9 hours).
        r = admin.patch("/api/v1/programs/" + p["id"], {"version": r.json["version"], "min_hours_per_week": None, "population": "adult"})
        self.assertEqual((r.status, r.json["min_hours_per_week"]), (200, 9), r)
        self.assertEqual(self.login("m.zielinska").post("/api/v1/programs", {"name": "X"}).status, 403)
        names = [x["name"] for x in self.login("m.zielinska").get("/api/v1/programs").json["items"]]
        self.assertIn("Teen IOP", names)

    def test_settings_keep_the_safety_floors(self):
        director = self.login("dr.nowak")
        pid = self.ids["programs"]["addiction"]
        s = director.get(f"/api/v1/programs/{pid}/settings").json
        self.assertEqual(s["ack_deadlines_minutes"], {"imminent": 5, "high": 30, "warning": 1440})
        r = director.put(f"/api/v1/programs/{pid}/settings", {"version": s["version"], "ack_deadlines_minutes": {"imminent": 20, "high": 90}})
        self.assertProblem(r, 422, ["ack_deadlines_minutes.imminent", "ack_deadlines_minutes.high"])
        r = director.put(f"/api/v1/programs/{pid}/settings", {"ack_deadlines_minutes": {"imminent": 10}})
        self.assertProblem(r, 428)
        # The escalation order is rules.md's; another is refused, not stored and ignored.
        r = director.put(f"/api/v1/programs/{pid}/settings", {"version": s["version"], "escalation_chain": ["director", "clinician"]})
        self.assertProblem(r, 422, ["escalation_chain"])
        self.assertEqual(r.json["errors"][0]["code"], "fixed")
        r = director.put(f"/api/v1/programs/{pid}/settings", {
            "version": s["version"], "ack_deadlines_minutes": {"imminent": 10},
            "webhooks": [{"url": "https://pager.example.org/hook", "secret": "a-very-long-shared-secret"}],
            "closures": [{"date": "2026-12-24", "reason": "Christmas Eve"}]})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["ack_deadlines_minutes"]["imminent"], 10)
        self.assertEqual(r.json["ack_deadlines_minutes"]["high"], 30)
        self.assertEqual(r.json["webhooks"], [{"url": "https://pager.example.org/hook", "secret_set": True}])
        self.assertNotIn("a-very-long-shared-secret", director.get(f"/api/v1/programs/{pid}/settings").raw)
        r = director.put(f"/api/v1/programs/{pid}/settings", {"version": s["version"], "cosignature_required": False})
        self.assertProblem(r, 409)
        r = director.put(f"/api/v1/programs/{pid}/settings", {
            "version": s["version"] + 1, "webhooks": [{"url": "http://evil.example.org/"}], "crisis_resources": [{"name": "X", "translations": {"fr": {"name": "Y"}, "pl": {"nazwa": "Z"}}}]})
        self.assertProblem(r, 422, ["webhooks[0].url", "webhooks[0].secret", "crisis_resources[0].phone",
                                    "crisis_resources[0].translations.fr", "crisis_resources[0].translations.pl.nazwa"])

    def test_on_call_roster_validates_and_reports_gaps(self):
        director = self.login("dr.nowak")
        pid = self.ids["programs"]["mood"]
        roster = director.get(f"/api/v1/programs/{pid}/on-call").json
        self.assertTrue(roster["entries"])
        self.assertTrue(roster["entries"][0]["starts"].endswith("+01:00"))  # clinic-local time
        self.assertEqual([g for g in roster["gaps"] if g["tier"] == "clinician"], [])  # the demo covers the week
        r = director.put(f"/api/v1/programs/{pid}/on-call", {"version": roster["version"], "entries": [
            {"staff_id": self.ids["users"]["l.green"], "tier": "clinician", "starts": "2026-11-23T08:00:00+01:00", "ends": "2026-11-23T20:00:00+01:00"},
            {"staff_id": self.ids["users"]["m.zielinska"], "tier": "clinician", "starts": "2026-11-23T08:00:00+01:00", "ends": "2026-11-23T20:00:00+01:00"},
            {"staff_id": self.ids["users"]["s.price"], "tier": "psychiatrist", "starts": "2026-11-23T20:00:00+01:00", "ends": "2026-11-23T08:00:00+01:00"}]})
        self.assertProblem(r, 422, ["entries[0].staff_id", "entries[1].staff_id", "entries[2].staff_id", "entries[2].ends"])
        r = director.put(f"/api/v1/programs/{pid}/on-call", {"version": roster["version"], "entries": [
            {"staff_id": self.ids["users"]["s.price"], "tier": "clinician", "starts": "2026-11-23T08:00:00+01:00", "ends": "2026-11-24T08:00:00+01:00"}]})
        self.assertEqual(r.status, 200, r)
        clinician_gaps = [g for g in r.json["gaps"] if g["tier"] == "clinician"]
        self.assertEqual(clinician_gaps[0]["starts"], "2026-11-24T08:00:00+01:00")
        codes = [w["code"] for w in r.json["warnings"]]
        self.assertIn("nobody_on_call", codes)
        self.assertIn("clinician_gaps", codes)
        self.assertEqual(self.login("s.price").get(f"/api/v1/programs/{pid}/on-call").json["version"], roster["version"] + 1)
        # No mail server here and no delivery webhook: nobody on call is reached outside the browser ⚑.
        self.assertIn("no_out_of_browser_channel", codes)
        settings = director.get(f"/api/v1/programs/{pid}/settings").json
        r = director.put(f"/api/v1/programs/{pid}/settings", {"version": settings["version"], "webhooks": [
            {"url": "https://pager.example.invalid/hook", "secret": "0123456789abcdef0123"}]})
        self.assertEqual(r.status, 200, r)
        codes = [w["code"] for w in director.get(f"/api/v1/programs/{pid}/on-call").json["warnings"]]
        self.assertNotIn("no_out_of_browser_channel", codes)
        self.assertNotIn("no_channel", codes)


class StaffAndGroups(ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = demo_ids(cls.server)

    def test_staff_lifecycle(self):
        admin = self.login("admin")
        mood = self.ids["programs"]["mood"]
        r = admin.post("/api/v1/staff", {"username": "New.Nurse", "password": "password1234", "display_name": "N",
                                         "role": "nurse", "program_ids": ["prg_nope"], "email": "x"})
        self.assertProblem(r, 422, ["password", "role", "email"])
        r = admin.post("/api/v1/staff", {"username": "New.Nurse", "password": "a long staff passphrase", "display_name": "Nora Nurse",
                                         "role": "program_staff", "program_ids": ["prg_nope"]})
        self.assertProblem(r, 422, ["program_ids[0]"])
        r = admin.post("/api/v1/staff", {"username": "New.Nurse", "password": "a long staff passphrase", "display_name": "Nora Nurse",
                                         "role": "program_staff", "program_ids": [mood], "phone": "+48 600 000 111"})
        self.assertEqual(r.status, 201, r)
        staff = r.json
        self.assertEqual(staff["username"], "new.nurse")
        self.assertEqual(staff["program_ids"], [mood])
        self.assertNotIn("password", staff)
        nurse = self.server.client()
        self.assertEqual(nurse.login("new.nurse", "a long staff passphrase").status, 200)
        r = admin.patch("/api/v1/staff/" + staff["id"], {"version": staff["version"], "active": False})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(nurse.get("/api/v1/me").status, 401)
        self.assertEqual(self.server.client().login("new.nurse", "a long staff passphrase").status, 401)
        r = admin.patch("/api/v1/staff/" + self.ids["users"]["admin"], {"version": 1, "active": False})
        self.assertProblem(r, 422, ["active"])
        listed = admin.get(f"/api/v1/staff?program_id={mood}&role=therapist").json["items"]
        self.assertEqual(sorted(s["username"] for s in listed), ["k.wolf", "s.price"])

    def test_rooms_tracks_groups(self):
        admin = self.login("admin")
        director = self.login("dr.nowak")
        mood = self.ids["programs"]["mood"]
        room = admin.post("/api/v1/rooms", {"name": "Sala Warta", "capacity": 10})
        self.assertEqual(room.status, 201, room)
        r = director.post(f"/api/v1/programs/{mood}/tracks", {"name": "Bad", "weekdays": ["mon", "funday", "mon"], "start": "25:00", "end": "09:00"})
        self.assertProblem(r, 422, ["weekdays[1]", "weekdays[2]", "start"])
        r = director.post(f"/api/v1/programs/{mood}/tracks", {"name": "Late", "weekdays": ["thu", "mon"], "start": "18:00", "end": "17:00"})
        self.assertProblem(r, 422, ["end"])
        track = director.post(f"/api/v1/programs/{mood}/tracks", {"name": "Evening", "weekdays": ["thu", "mon"], "start": "18:00", "end": "21:00"})
        self.assertEqual(track.status, 201, track)
        self.assertEqual(track.json["weekdays"], ["mon", "thu"])
        members = [pid for name, pid in self.ids["patients"].items() if name in ("Emily Carter", "Daniel Hughes", "Grace Mitchell")]
        r = director.post("/api/v1/groups", {"track_id": track.json["id"], "name": "DBT skills", "kind": "skills_dbt",
                                             "leader_id": self.ids["users"]["k.wolf"], "room_id": room.json["id"],
                                             "capacity": 2, "member_ids": members})
        self.assertProblem(r, 422, ["member_ids"])
        anna = self.ids["patients"]["Anna Kowalska"]
        r = director.post("/api/v1/groups", {"track_id": track.json["id"], "name": "DBT skills", "kind": "skills_dbt",
                                             "leader_id": self.ids["users"]["admin"], "member_ids": members[:2] + [anna]})
        self.assertProblem(r, 422, ["leader_id", "member_ids[2]"])
        r = director.post("/api/v1/groups", {"track_id": track.json["id"], "name": "DBT skills", "kind": "skills_dbt",
                                             "leader_id": self.ids["users"]["k.wolf"], "member_ids": members[:2]})
        self.assertEqual(r.status, 201, r)
        group = r.json
        self.assertEqual(group["capacity"], 12)
        self.assertEqual(sorted(group["member_ids"]), sorted(members[:2]))
        # The leader now reaches the members; the admin sees the group but not who is in it.
        self.assertEqual(self.login("k.wolf").get("/api/v1/groups/" + group["id"]).json["member_count"], 2)
        seen = admin.get("/api/v1/groups/" + group["id"]).json
        self.assertEqual(seen["member_ids"], [])
        r = director.patch("/api/v1/groups/" + group["id"], {"version": group["version"], "member_ids": members, "co_leader_id": self.ids["users"]["n.schulz"]})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(len(r.json["member_ids"]), 3)
        listed = self.login("n.schulz").get(f"/api/v1/groups?program_id={mood}").json["items"]
        self.assertIn("DBT skills", [g["name"] for g in listed])
        dbt = [g for g in director.get(f"/api/v1/groups?program_id={mood}").json["items"] if g["name"] == "DBT skills"][0]
        self.assertEqual(sorted(dbt["member_ids"]), sorted(members))
        # Codes a client can translate.
        codes = lambda r: {e["field"]: e["code"] for e in r.json["errors"]}
        r = director.patch("/api/v1/groups/" + group["id"], {"version": r.json["version"], "capacity": 2,
                                                             "co_leader_id": self.ids["users"]["k.wolf"]})
        self.assertProblem(r, 422, ["capacity", "co_leader_id"])
        self.assertEqual(codes(r), {"capacity": "below_members", "co_leader_id": "same_as_leader"})
        self.assertEqual([e["params"] for e in r.json["errors"] if e["field"] == "capacity"], [{"members": 3}])
        # Members the caller cannot see are neither shown nor dropped by a list that leaves them out,
        # yet they count against the capacity.
        current = admin.get("/api/v1/groups/" + group["id"]).json
        self.assertEqual((current["member_ids"], current["member_count"]), ([], 3))
        r = admin.patch("/api/v1/groups/" + group["id"], {"version": current["version"], "member_ids": [], "name": "DBT skills II"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["member_ids"], r.json["member_count"], r.json["name"]), ([], 3, "DBT skills II"))
        self.assertEqual(self.server.sqlite(f"SELECT count(*) FROM group_members WHERE group_id = '{group['id']}'"), "3")
        r = director.patch("/api/v1/groups/" + group["id"], {"version": r.json["version"], "capacity": 3, "member_ids": members + [members[0]]})
        self.assertProblem(r, 422, ["member_ids[3]"])
        self.assertEqual(codes(r), {"member_ids[3]": "duplicate"})
        sites = admin.get("/api/v1/sites")
        self.assertEqual(sites.status, 200, sites)
        self.assertEqual([x["id"] for x in sites.json["items"]], [room.json["site_id"]])
        self.assertEqual(self.login("anna.k").get("/api/v1/sites").status, 403)


class PatientsAndEpisodes(ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = demo_ids(cls.server)

    def test_intake_duplicates_are_flagged(self):
        c = self.login("m.zielinska")
        body = {"given_name": "Anna", "family_name": "Kowalska", "birth_date": "1986-04-12", "sex": "female",
                "preferred_language": "pl", "emergency_contact": {"name": "Jan Kowalski", "phone": "+48 601 000 000", "relationship": "brother"}}
        r = c.post("/api/v1/patients", body)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["possible_duplicates"], [self.ids["patients"]["Anna Kowalska"]])
        self.assertEqual(r.json["emergency_contact"]["relationship"], "brother")
        found = c.post("/api/v1/patients/search", {"name": "anna kowalska", "birth_date": "1986-04-12"}).json["items"]
        self.assertEqual(len(found), 2)
        self.assertProblem(c.post("/api/v1/patients/search", {}), 422, ["name"])

    def test_care_team_changes_and_discharge(self):
        c = self.login("j.hoffmann")
        pid = self.ids["patients"]["Piotr Wiśniewski"]
        ep = c.get("/api/v1/episodes/" + self.ids["episodes"][pid]).json
        self.assertEqual(ep["status"], "active")
        self.assertEqual(ep["referral_source"], "inpatient")
        r = c.patch("/api/v1/episodes/" + ep["id"], {"version": ep["version"], "program_staff_ids": [self.ids["users"]["n.schulz"]]})
        self.assertProblem(r, 422, ["program_staff_ids[0]"])  # not assigned to this program
        r = c.patch("/api/v1/episodes/" + ep["id"], {"version": ep["version"], "primary_therapist_id": self.ids["users"]["m.zielinska"]})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["care_team"]["primary_therapist_id"], self.ids["users"]["m.zielinska"])
        m = self.login("m.zielinska")
        r = m.post(f"/api/v1/episodes/{ep['id']}/discharge", {"discharged_on": "2020-01-01", "reason": "completed"})
        self.assertProblem(r, 422, ["discharged_on"])
        r = m.post(f"/api/v1/episodes/{ep['id']}/discharge", {"discharged_on": "2026-11-23", "reason": "step_up",
                                                              "aftercare": {"referrals": [{"name": "Szpital Tworki, oddział 4", "kind": "inpatient"}]}})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["discharge"]["reason"], "step_up")
        # api.md's names at the top level too.
        self.assertEqual((r.json["discharged_on"], r.json["reason"]), ("2026-11-23", "step_up"))
        self.assertEqual(r.json["aftercare"]["referrals"][0]["kind"], "inpatient")
        self.assertEqual(r.json["program_staff_ids"], r.json["care_team"]["program_staff_ids"])
        # Readmission opens a new episode linked to the previous one.
        d = self.login("dr.nowak")
        admit = {"patient_id": pid, "program_id": self.ids["programs"]["addiction"], "referral_source": "inpatient",
                 "admitted_on": "2026-11-30", "primary_therapist_id": self.ids["users"]["m.zielinska"],
                 "psychiatrist_id": self.ids["users"]["dr.bauer"], "previous_episode_id": ep["id"]}
        self.assertEqual(self.login("a.krol").post("/api/v1/episodes", admit).status, 404)  # former program staff: read-only
        r = d.post("/api/v1/episodes", dict(admit, previous_episode_id="epi_unknown"))
        self.assertProblem(r, 422, ["previous_episode_id"])
        r = d.post("/api/v1/episodes", admit)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["previous_episode_id"], ep["id"])
        self.assertEqual(m.patch("/api/v1/patients/" + pid, {"version": 999}).status, 409)  # care team again
