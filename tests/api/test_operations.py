"""Program operations over HTTP: generated sessions and their changes, appointments with conflicts
and proposals, attendance arithmetic and weekly hours, the mid-week warning, certification,
placement. Simulated start: Monday 2026-11-23 09:00 in Warsaw; the addiction track meets
Mon/Wed/Thu 18:00-21:00, the mood track Tue/Wed/Fri 09:00-12:00."""
import time

from harness import ServerTest, demo_ids


class Sessions(ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = demo_ids(cls.server)
        cls.addiction = cls.ids["programs"]["addiction"]
        cls.group = cls.ids["groups"]["Relapse prevention"]

    def test_generated_sessions_and_a_moved_or_cancelled_occurrence(self):
        c = self.login("t.malinowski")
        r = c.get("/api/v1/sessions?from=2026-11-23&to=2026-11-29&track_id=" + self.ids["tracks"][self.addiction])
        self.assertEqual(r.status, 200, r)
        starts = [s["starts"] for s in r.json["items"]]
        self.assertEqual(starts, ["2026-11-23T18:00:00+01:00", "2026-11-25T18:00:00+01:00", "2026-11-26T18:00:00+01:00"])
        session = r.json["items"][1]
        self.assertEqual(session["patient_count"], 10)
        self.assertNotIn("patient_ids", session)
        # Clock change: the track keeps 18:00 local in late March.
        r = c.get("/api/v1/sessions?from=2027-03-22&to=2027-03-29&track_id=" + self.ids["tracks"][self.addiction])
        self.assertEqual([s["starts"][11:] for s in r.json["items"]], ["18:00:00+01:00"] * 3 + ["18:00:00+02:00"])
        # Move one occurrence to 17:00; cancel another.
        d = self.login("dr.nowak")
        r = d.patch(f"/api/v1/sessions/{session['id']}", {"version": session["version"], "starts": "2026-11-25T17:00:00+01:00",
                                                           "ends": "2026-11-25T20:00:00+01:00", "reason": "Holiday party"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status"], "moved")
        self.assertEqual(d.patch(f"/api/v1/sessions/{session['id']}", {"version": session["version"], "cancelled": True}).status, 409)
        self.assertEqual(d.patch(f"/api/v1/sessions/{session['id']}", {"cancelled": True}).status, 428)
        third = r.json
        r = d.patch(f"/api/v1/sessions/{session['id']}", {"version": third["version"], "ends": "2026-11-25T16:00:00+01:00"})
        self.assertProblem(r, 422, ["ends"])
        self.assertEqual(self.login("s.price").patch(f"/api/v1/sessions/{session['id']}", {"version": third["version"], "cancelled": True}).status, 403)
        # The group's own leader does not move or cancel sessions; the director and coordinators do.
        self.assertEqual(c.patch(f"/api/v1/sessions/{session['id']}", {"version": third["version"], "cancelled": True}).status, 403)
        self.assertEqual(third["reason"], "Holiday party")
        mine = self.login("anna.k").get("/api/v1/sessions?from=2026-11-23&to=2026-11-29").json["items"]
        self.assertEqual([s["starts"] for s in mine if s["id"] == session["id"]], ["2026-11-25T17:00:00+01:00"])
        # The patient's own schedule says with whom (she cannot read the staff registry).
        group_session = [s for s in mine if s["id"] == session["id"]][0]
        self.assertEqual(group_session["staff"][0]["id"], self.ids["users"]["t.malinowski"])
        self.assertTrue(group_session["staff"][0]["display_name"])
        self.assertNotIn("patient_ids", group_session)
        self.assertProblem(c.get("/api/v1/sessions?from=2026-11-23"), 400)
        self.assertProblem(c.get("/api/v1/sessions?from=2026-11-23&to=2027-11-23"), 400)

    def test_appointments_conflicts_and_proposals(self):
        ther = self.login("m.zielinska")
        anna = self.ids["patients"]["Anna Kowalska"]
        # Anna works Monday to Friday 08:00-16:00.
        r = ther.put(f"/api/v1/patients/{anna}/availability", {"version": 0, "unavailable": [
            {"weekday": d, "start": "08:00", "end": "16:00", "reason": "work"} for d in ("mon", "tue", "wed", "thu", "fri")]})
        self.assertEqual(r.status, 200, r)
        bad = ther.put(f"/api/v1/patients/{anna}/availability", {"version": 1, "unavailable": [{"weekday": "moon", "start": "9", "end": "08:00"}]})
        self.assertProblem(bad, 422, ["unavailable[0].weekday", "unavailable[0].start"])
        r = ther.post("/api/v1/appointments", {"patient_id": anna, "kind": "individual", "starts": "2026-11-24T10:00:00+01:00"})
        self.assertProblem(r, 422, ["starts"])
        self.assertEqual(r.json["errors"][0]["code"], "patient_unavailable")
        r = ther.post("/api/v1/appointments", {"patient_id": anna, "kind": "individual", "starts": "2026-11-24T19:00:00+01:00"})
        self.assertProblem(r, 422, ["starts"])  # after the therapist's hours
        self.assertEqual(r.json["errors"][0]["code"], "outside_availability")
        r = ther.post("/api/v1/appointments", {"patient_id": anna, "kind": "individual", "starts": "2026-11-24T16:00:00+01:00"})
        self.assertEqual(r.status, 201, r)
        appt = r.json
        self.assertEqual(appt["ends"], "2026-11-24T17:00:00+01:00")
        self.assertEqual(appt["staff_ids"], [self.ids["users"]["m.zielinska"]])
        # The same slot again: the patient is booked.
        r = ther.post("/api/v1/appointments", {"patient_id": anna, "kind": "individual", "starts": "2026-11-24T16:30:00+01:00"})
        self.assertProblem(r, 409)
        self.assertEqual(r.json["conflict"]["kind"], "patient")
        # Another patient with the same therapist at that time: the staff member is booked.
        kasia = self.ids["patients"]["Katarzyna Wójcik"]
        r = ther.post("/api/v1/appointments", {"patient_id": kasia, "kind": "individual", "starts": "2026-11-24T16:00:00+01:00"})
        self.assertEqual(r.json["conflict"], {"kind": "staff", "id": self.ids["users"]["m.zielinska"], "session_id": appt["id"],
                                              "starts": "2026-11-24T16:00:00+01:00", "ends": "2026-11-24T17:00:00+01:00"})
        # A group session overlapping Anna's evening group.
        r = ther.post("/api/v1/appointments", {"patient_id": anna, "kind": "individual", "starts": "2026-11-23T17:30:00+01:00"})
        self.assertEqual(r.status, 422)  # 17:30-18:30 Monday is past the therapist's 18:00
        psych = self.login("dr.bauer")
        r = psych.post("/api/v1/appointments", {"patient_id": anna, "kind": "psychiatrist", "starts": "2026-11-26T17:45:00+01:00"})
        self.assertProblem(r, 422)  # 17:45-18:15 ends after dr.bauer's hours
        # Rooms: two appointments in one room at once.
        room = self.login("admin").post("/api/v1/rooms", {"name": "Gabinet 3", "capacity": 2}).json["id"]
        r = psych.post("/api/v1/appointments", {"patient_id": anna, "kind": "psychiatrist", "starts": "2026-11-25T16:00:00+01:00", "room_id": room})
        self.assertEqual(r.status, 201, r)
        r = ther.post("/api/v1/appointments", {"patient_id": kasia, "kind": "individual", "starts": "2026-11-25T16:15:00+01:00",
                                               "room_id": room})
        self.assertProblem(r, 409)
        self.assertEqual(r.json["conflict"]["kind"], "room")
        # The therapist is away on Thursday: no proposal and no booking that day.
        me = self.ids["users"]["m.zielinska"]
        avail = ther.get(f"/api/v1/staff/{me}/availability").json
        r = ther.put(f"/api/v1/staff/{me}/availability", {"version": avail["version"], "weekly": avail["weekly"],
                                                          "exceptions": [{"date": "2026-11-26", "windows": []}]})
        self.assertEqual(r.status, 200, r)
        r = ther.post("/api/v1/appointments", {"patient_id": kasia, "kind": "individual", "starts": "2026-11-26T10:00:00+01:00"})
        self.assertProblem(r, 422, ["starts"])
        # Proposals fit both the patient and the therapist and skip what is booked.
        r = ther.post("/api/v1/appointments/proposals", {"patient_id": anna, "kind": "individual", "week": "2026-W48"})
        self.assertEqual(r.status, 200, r)
        slots = r.json["slots"]
        self.assertTrue(slots)
        for s in slots:
            hour = int(s["starts"][11:13])
            self.assertGreaterEqual(hour, 16)  # after work
            self.assertLessEqual(int(s["ends"][11:13]) * 60 + int(s["ends"][14:16]), 18 * 60)  # within 08:00-18:00
        self.assertNotIn("2026-11-24T16:00:00+01:00", [s["starts"] for s in slots])
        self.assertNotIn("2026-11-26", [s["starts"][:10] for s in slots])
        self.assertProblem(ther.post("/api/v1/appointments/proposals", {"patient_id": anna, "kind": "x", "week": "48"}), 422, ["kind", "week"])
        # The patient sees her own appointment in her schedule.
        mine = self.login("anna.k").get("/api/v1/sessions?from=2026-11-23&to=2026-11-29").json["items"]
        self.assertIn(appt["id"], [s["id"] for s in mine])


class Attendance(ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = demo_ids(cls.server)
        cls.group = cls.ids["groups"]["Relapse prevention"]
        cls.monday = "gs_" + cls.group + "_20261123"
        cls.server.advance(12.5 * 3600)  # Monday 21:30 in Warsaw, after the evening group

    def test_minutes_arithmetic_and_bad_entries(self):
        leader = self.login("t.malinowski")
        anna, piotr, kasia = (self.ids["patients"][n] for n in ("Anna Kowalska", "Piotr Wiśniewski", "Katarzyna Wójcik"))
        ryan = self.ids["patients"]["Ryan Cooper"]  # not in the group
        r = leader.put(f"/api/v1/sessions/{self.monday}/attendance", {"entries": [
            {"patient_id": anna, "status": "present", "time_in": "2026-11-23T18:00:00+01:00", "time_out": "2026-11-23T21:00:00+01:00", "break_minutes": 15},
            {"patient_id": piotr, "status": "late", "time_in": "2026-11-23T18:40:00+01:00", "time_out": "2026-11-23T21:00:00+01:00", "minutes": 99},
            {"patient_id": kasia, "status": "absent_excused", "minutes": 30},
            {"patient_id": ryan, "status": "present", "minutes": 180},
            {"patient_id": anna, "status": "present", "minutes": 180},
            {"patient_id": "pat_missing", "status": "left_early"}]})
        self.assertProblem(r, 422, ["entries[1].minutes", "entries[2].minutes", "entries[3].patient_id", "entries[4].patient_id",
                                    "entries[5].patient_id", "entries[5].minutes"])
        self.assertEqual(r.json["errors"][0]["params"]["expected"], 140)
        self.assertEqual(self.server.sqlite("SELECT count(*) FROM attendance"), "0")  # nothing stored
        r = leader.put(f"/api/v1/sessions/{self.monday}/attendance", {"entries": [
            {"patient_id": anna, "status": "present", "time_in": "2026-11-23T18:00:00+01:00", "time_out": "2026-11-23T21:00:00+01:00", "break_minutes": 15},
            {"patient_id": piotr, "status": "late", "time_in": "2026-11-23T18:40:00+01:00", "time_out": "2026-11-23T21:00:00+01:00", "minutes": 140},
            {"patient_id": kasia, "status": "absent_excused"}]})
        self.assertEqual(r.status, 200, r)
        self.assertEqual([e["minutes"] for e in r.json["entries"]], [165, 140, 0])
        hours = self.login("m.zielinska").get(f"/api/v1/patients/{anna}/hours?week=2026-W48").json
        self.assertEqual(hours["attended_minutes"], 165)
        self.assertEqual(hours["minimum_minutes"], 540)
        self.assertFalse(hours["compliant"])
        self.assertEqual(hours["remaining_scheduled_minutes"], 360)  # Wednesday and Thursday
        self.assertFalse(hours["reachable"])  # 165 + 360 < 540
        # The patient sees her own hours; a stranger does not.
        self.assertEqual(self.login("anna.k").get(f"/api/v1/patients/{anna}/hours").json["attended_minutes"], 165)
        self.assertEqual(self.login("s.price").get(f"/api/v1/patients/{anna}/hours").status, 404)
        roster = leader.get(f"/api/v1/groups/{self.group}/roster?date=2026-11-23").json
        by_id = {m["patient_id"]: m for m in roster["members"]}
        self.assertEqual(by_id[anna]["attendance"], {"status": "present", "minutes": 165})
        self.assertEqual(roster["session"]["starts"], "2026-11-23T18:00:00+01:00")

    def test_unexcused_absences_and_the_mid_week_warning(self):
        leader = self.login("t.malinowski")
        tomasz = self.ids["patients"]["Tomasz Kamiński"]
        wednesday = f"gs_{self.group}_20261125"
        r = leader.put(f"/api/v1/sessions/{wednesday}/attendance", {"entries": [{"patient_id": tomasz, "status": "absent_unexcused"}]})
        self.assertProblem(r, 409)  # not before the session
        for day in ("20261123", "20261125"):
            r = leader.put(f"/api/v1/sessions/gs_{self.group}_{day}/attendance",
                           {"entries": [{"patient_id": tomasz, "status": "absent_unexcused"}]})
            self.assertEqual(r.status, 200, r)
            self.server.advance(48 * 3600)  # to Wednesday evening, then Friday
            leader = self.login("t.malinowski")
        alerts = self.server.sqlite(f"SELECT rule, severity FROM alerts WHERE patient_id = '{tomasz}' AND rule = 'unexcused_absences'")
        self.assertEqual(alerts, "unexcused_absences|warning")
        # The week can no longer reach 540 minutes: warned mid-week.
        deadline = time.time() + 10
        while time.time() < deadline and self.server.sqlite(
                f"SELECT count(*) FROM alerts WHERE patient_id = '{tomasz}' AND rule = 'weekly_minimum_out_of_reach'") == "0":
            time.sleep(0.2)
        self.assertEqual(self.server.sqlite(f"SELECT severity FROM alerts WHERE patient_id = '{tomasz}' AND rule = 'weekly_minimum_out_of_reach'"), "warning")


class CertificationAndPlacement(ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = demo_ids(cls.server)

    def test_certification_of_need(self):
        anna = self.ids["patients"]["Anna Kowalska"]
        episode = self.ids["episodes"][anna]
        psych = self.login("dr.bauer")
        self.assertTrue(psych.get(f"/api/v1/episodes/{episode}/certification").json["due"])
        r = psych.put(f"/api/v1/episodes/{episode}/certification", {"certified_on": "2026-11-23", "next_due_on": "2027-02-01"})
        self.assertProblem(r, 422, ["next_due_on"])
        r = psych.put(f"/api/v1/episodes/{episode}/certification", {"certified_on": "2026-11-23"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["next_due_on"], "2027-01-22")
        got = psych.get(f"/api/v1/episodes/{episode}/certification").json
        self.assertFalse(got["due"])
        self.assertEqual(self.login("m.zielinska").put(f"/api/v1/episodes/{episode}/certification", {"certified_on": "2026-11-23"}).status, 403)
        work = self.login("dr.nowak").get(f"/api/v1/worklist?program_id={self.ids['programs']['addiction']}").json
        self.assertNotIn(anna, [c["patient_id"] for c in work["certifications_due"]])
        self.assertTrue(work["certifications_due"])  # the others have none yet

    def test_placement_proposal_is_optimal_and_explains_the_unplaced(self):
        director = self.login("dr.nowak")
        program = self.ids["programs"]["addiction"]
        ryan = self.ids["patients"]["Ryan Cooper"]
        james = self.ids["patients"]["James Walker"]
        # Ryan works evenings: the only track meets in the evening.
        self.login("a.krol").put(f"/api/v1/patients/{ryan}/availability", {"version": 0, "unavailable": [
            {"weekday": d, "start": "17:00", "end": "23:00", "reason": "work"} for d in ("mon", "wed", "thu")]})
        r = director.post(f"/api/v1/programs/{program}/placement", {})
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.json["optimal"])
        placed = {a["patient_id"]: a for a in r.json["assignments"]}
        unplaced = {u["patient_id"]: u for u in r.json["unplaced"]}
        self.assertEqual(unplaced[ryan]["reason"], "no_fitting_track")
        self.assertEqual((unplaced[ryan]["given_name"], unplaced[ryan]["from_group_id"]), ("Ryan", None))
        anna = self.ids["patients"]["Anna Kowalska"]
        self.assertEqual(placed[anna]["from_group_id"], placed[anna]["group_id"])  # kept where she is
        self.assertEqual(unplaced[ryan]["best_weekly_minutes"], 0)
        self.assertEqual(r.json["objective"]["moved"], 0)          # nobody already placed is moved
        self.assertEqual(len(placed), 11)                           # capacity 12: James (not yet in the group) gets a place
        self.assertIn(james, placed)
        self.assertEqual(self.login("anna.k").post(f"/api/v1/programs/{program}/placement", {}).status, 403)


class DueItemsBecomeInfoAlerts(ServerTest):
    """rules.md info row: a review, co-signature or certification due tells the care team once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = demo_ids(cls.server)

    def info(self, rule):
        return self.server.sqlite(f"SELECT patient_id, severity, deadline_at IS NULL FROM alerts WHERE rule = '{rule}' ORDER BY patient_id")

    def wait_for(self, rule):
        deadline = time.time() + 10
        while time.time() < deadline and not self.info(rule):
            time.sleep(0.2)
        return [line.split("|") for line in self.info(rule).splitlines()]

    def test_due_certifications_and_overdue_reviews_raise_info_alerts_once(self):
        anna = self.ids["patients"]["Anna Kowalska"]          # no certification yet in the demo
        certs = self.wait_for("certification_due")
        self.assertIn([anna, "info", "1"], certs)             # info: nobody is chased by a deadline
        # The demo's longest stays have a treatment plan review overdue.
        reviews = self.wait_for("review_due")
        self.assertTrue(reviews)
        self.assertTrue(all(r[1:] == ["info", "1"] for r in reviews))
        ther = self.login("m.zielinska")  # Anna's therapist
        alert = [a for a in ther.get(f"/api/v1/alerts?patient_id={anna}").json["items"] if a["rule"] == "certification_due"][0]
        self.assertIn("Zaświadczenie lekarskie", alert["reasons"][0])  # in her language (Polish)
        self.assertEqual(ther.post(f"/api/v1/alerts/{alert['id']}/resolve", {"note": "Psychiatrist books it"}).status, 200)
        # The next day's run does not raise the same due date again.
        self.server.advance(24 * 3600)
        time.sleep(2)
        self.assertEqual(self.server.sqlite(f"SELECT count(*) FROM alerts WHERE patient_id = '{anna}' AND rule = 'certification_due'"), "1")

    def test_info_alerts_for_due_items_resolve_when_the_item_is_done(self):
        olivia = self.ids["patients"]["Olivia Bennett"]       # no certification yet in the demo
        self.assertIn(olivia, [r[0] for r in self.wait_for("certification_due")])
        r = self.login("dr.bauer").put(f"/api/v1/episodes/{self.ids['episodes'][olivia]}/certification", {"certified_on": "2026-11-23"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(self.server.sqlite(f"SELECT status, resolved_by FROM alerts WHERE patient_id = '{olivia}' AND rule = 'certification_due'"),
                         f"resolved|{self.ids['users']['dr.bauer']}")
        # An overdue review: the therapist reviews the plan, and its alert goes.
        pid = self.wait_for("review_due")[0][0]
        therapist = self.server.sqlite(f"SELECT primary_therapist_id FROM episodes WHERE patient_id = '{pid}' AND status = 'active'")
        username = {v: k for k, v in self.ids["users"].items()}[therapist]
        r = self.login(username).post(f"/api/v1/patients/{pid}/treatment-plan/reviews", {"note": "Goals still fit"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(self.server.sqlite(f"SELECT status FROM alerts WHERE patient_id = '{pid}' AND rule = 'review_due'"), "resolved")


class GroupsEnd(ServerTest):
    """A group that ends has no sessions after its last day and is no longer offered by placement."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = demo_ids(cls.server)

    def test_an_ended_group_stops_generating_sessions_and_placing(self):
        director = self.login("dr.nowak")
        mood = self.ids["programs"]["mood"]
        cbt = self.ids["groups"]["CBT skills"]          # Tue/Wed/Fri 09:00-12:00
        group = director.get(f"/api/v1/groups/{cbt}").json
        self.assertIsNone(group["ends_on"])
        r = director.patch(f"/api/v1/groups/{cbt}", {"version": group["version"], "ends_on": "2026-11-27"})
        self.assertEqual((r.status, r.json["ends_on"]), (200, "2026-11-27"), r)
        listed = director.get(f"/api/v1/sessions?from=2026-11-23&to=2026-12-06&group_id={cbt}").json["items"]
        self.assertEqual([s["starts"][:10] for s in listed], ["2026-11-24", "2026-11-25", "2026-11-27"])
        self.assertProblem(director.patch(f"/api/v1/groups/{cbt}", {"version": r.json["version"], "ends_on": "27.11.2026"}), 422, ["ends_on"])
        # Attendance on record keeps its session: the end may not move before it.
        self.server.advance(26 * 3600)                 # Tuesday 11:00, during the session
        leader = self.login("l.green")
        emily = self.ids["patients"]["Emily Carter"]
        r = leader.put(f"/api/v1/sessions/gs_{cbt}_20261124/attendance", {"entries": [{"patient_id": emily, "status": "present", "minutes": 180}]})
        self.assertEqual(r.status, 200, r)
        director = self.login("dr.nowak")
        version = director.get(f"/api/v1/groups/{cbt}").json["version"]
        r = director.patch(f"/api/v1/groups/{cbt}", {"version": version, "ends_on": "2026-11-23"})
        self.assertProblem(r, 422, ["ends_on"])
        self.assertEqual(r.json["errors"][0]["code"], "before_attendance")
        # Ended: placement offers it to nobody.
        r = director.patch(f"/api/v1/groups/{cbt}", {"version": version, "ends_on": "2026-11-24"})
        self.assertEqual(r.status, 200, r)
        self.server.advance(24 * 3600)                 # Wednesday
        director = self.login("dr.nowak")
        r = director.post(f"/api/v1/programs/{mood}/placement", {})
        self.assertEqual(r.status, 200, r)
        self.assertNotIn(cbt, {a["group_id"] for a in r.json["assignments"]})
        # null: the group goes on again.
        version = director.get(f"/api/v1/groups/{cbt}").json["version"]
        r = director.patch(f"/api/v1/groups/{cbt}", {"version": version, "ends_on": None})
        self.assertEqual((r.status, r.json["ends_on"]), (200, None), r)


class ScheduleChanges(ServerTest):
    """A track's days and times, or a group's track, change from a date on; sessions already held
    keep theirs. Rooms are renamed and resized."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = demo_ids(cls.server)

    def test_a_new_pattern_takes_effect_after_the_sessions_held(self):
        mood = self.ids["programs"]["mood"]
        track = self.ids["tracks"][mood]                # Morning track: Tue/Wed/Fri 09:00-12:00
        cbt = self.ids["groups"]["CBT skills"]
        self.server.advance(26 * 3600)                 # Tuesday 2026-11-24 11:00, during the session
        emily = self.ids["patients"]["Emily Carter"]
        r = self.login("l.green").put(f"/api/v1/sessions/gs_{cbt}_20261124/attendance",
                                      {"entries": [{"patient_id": emily, "status": "present", "minutes": 180}]})
        self.assertEqual(r.status, 200, r)
        director = self.login("dr.nowak")
        current = [t for t in director.get(f"/api/v1/programs/{mood}/tracks").json["items"] if t["id"] == track][0]
        self.assertEqual((current["weekdays"], current["start"], current["version"]), (["tue", "wed", "fri"], "09:00", 1))
        change = {"weekdays": ["thu", "mon"], "start": "10:00", "end": "13:00"}
        self.assertEqual(director.patch(f"/api/v1/tracks/{track}", change).status, 428)
        self.assertProblem(director.patch(f"/api/v1/tracks/{track}", {**change, "version": 7}), 409)
        self.assertProblem(director.patch(f"/api/v1/tracks/{track}", {"version": 1, "weekdays": ["mo"], "start": "25:00", "colour": "red"}),
                           422, ["weekdays[0]", "start", "colour"])
        r = director.patch(f"/api/v1/tracks/{track}", {"version": 1, "end": "08:00"})
        self.assertProblem(r, 422, ["end"])
        self.assertEqual(r.json["errors"][0]["code"], "after_start")
        # Not back over a day with attendance (nor into the past).
        r = director.patch(f"/api/v1/tracks/{track}", {**change, "version": 1, "effective_from": "2026-11-24"})
        self.assertProblem(r, 422, ["effective_from"])
        self.assertEqual((r.json["errors"][0]["code"], r.json["errors"][0]["params"]["date"]), ("before_attendance", "2026-11-25"))
        self.assertEqual(self.login("l.green").patch(f"/api/v1/tracks/{track}", {**change, "version": 1}).status, 403)
        self.assertEqual(self.server.sqlite(f"SELECT weekdays || start_time || version FROM tracks WHERE id = '{track}'"), "tue,wed,fri09:001")
        r = director.patch(f"/api/v1/tracks/{track}", {**change, "version": 1})
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["weekdays"], r.json["start"], r.json["end"], r.json["version"], r.json["effective_from"]),
                         (["mon", "thu"], "10:00", "13:00", 2, "2026-11-25"))
        listed = director.get(f"/api/v1/sessions?from=2026-11-23&to=2026-12-06&group_id={cbt}").json["items"]
        self.assertEqual([s["starts"] for s in listed],
                         ["2026-11-24T09:00:00+01:00", "2026-11-26T10:00:00+01:00", "2026-11-30T10:00:00+01:00",
                          "2026-12-03T10:00:00+01:00"])
        by_track = director.get(f"/api/v1/sessions?from=2026-11-23&to=2026-11-29&track_id={track}").json["items"]
        self.assertEqual([s["starts"][:10] for s in by_track], ["2026-11-24", "2026-11-26"])
        r = director.get(f"/api/v1/sessions/gs_{cbt}_20261124/attendance")
        self.assertEqual((r.status, [e["patient_id"] for e in r.json["entries"] if e["status"] == "present"]), (200, [emily]), r)
        # A second change the same day replaces the first, which never took effect.
        r = director.patch(f"/api/v1/tracks/{track}", {"version": 2, "weekdays": ["tue", "wed", "fri"], "effective_from": "2026-11-25"})
        self.assertEqual((r.status, r.json["effective_from"], r.json["start"]), (200, "2026-11-25", "10:00"), r)
        self.assertEqual(self.server.sqlite(f"SELECT count(*) || through_date || start_time FROM group_schedule_history WHERE group_id = '{cbt}'"),
                         "12026-11-2409:00")
        # A rename alone changes no schedule: effective_from then has nothing to apply to.
        r = director.patch(f"/api/v1/tracks/{track}", {"version": 3, "name": "Late morning", "effective_from": "2026-12-01"})
        self.assertProblem(r, 422, ["effective_from"])
        r = director.patch(f"/api/v1/tracks/{track}", {"version": 3, "name": "Late morning"})
        self.assertEqual((r.status, r.json["name"], "effective_from" in r.json), (200, "Late morning", False), r)

        # The group moves to a new afternoon track from 1 December; what lies before stays.
        r = director.post(f"/api/v1/programs/{mood}/tracks", {"name": "Afternoon", "weekdays": ["mon", "wed"], "start": "15:00", "end": "18:00"})
        self.assertEqual((r.status, r.json["version"]), (201, 1), r)
        afternoon = r.json["id"]
        group = director.get(f"/api/v1/groups/{cbt}").json
        r = director.patch(f"/api/v1/groups/{cbt}", {"version": group["version"], "track_id": afternoon, "effective_from": "2026-11-20"})
        self.assertProblem(r, 422, ["effective_from"])
        self.assertEqual(r.json["errors"][0]["params"]["date"], "2026-11-25")
        self.assertProblem(director.patch(f"/api/v1/groups/{cbt}", {"version": group["version"], "effective_from": "2026-12-01"}),
                           422, ["effective_from"])
        r = director.patch(f"/api/v1/groups/{cbt}", {"version": group["version"], "track_id": afternoon, "effective_from": "2026-12-01"})
        self.assertEqual((r.status, r.json["track_id"], r.json["effective_from"]), (200, afternoon, "2026-12-01"), r)
        listed = director.get(f"/api/v1/sessions?from=2026-11-23&to=2026-12-06&group_id={cbt}").json["items"]
        self.assertEqual([(s["starts"], s["track_id"]) for s in listed],
                         [("2026-11-24T09:00:00+01:00", track), ("2026-11-25T10:00:00+01:00", track),
                          ("2026-11-27T10:00:00+01:00", track), ("2026-12-02T15:00:00+01:00", afternoon)])
        # A change dated ahead: the track says what holds until then.
        r = director.patch(f"/api/v1/tracks/{afternoon}", {"version": 1, "start": "16:00", "effective_from": "2026-12-14"})
        until_then = {"through": "2026-12-13", "weekdays": ["mon", "wed"], "start": "15:00", "end": "18:00"}
        self.assertEqual((r.status, r.json["start"], r.json["until_then"]), (200, "16:00", until_then), r)
        listed = {t["id"]: t for t in director.get(f"/api/v1/programs/{mood}/tracks").json["items"]}
        self.assertEqual((listed[afternoon]["until_then"], listed[track]["until_then"]), (until_then, None))
        listed = director.get(f"/api/v1/sessions?from=2026-12-09&to=2026-12-14&group_id={cbt}").json["items"]
        self.assertEqual([s["starts"] for s in listed], ["2026-12-09T15:00:00+01:00", "2026-12-14T16:00:00+01:00"])

    def test_rooms_are_renamed_and_resized_by_admins(self):
        admin = self.login("admin")
        room = admin.get("/api/v1/rooms").json["items"][0]
        self.assertEqual(room["version"], 1)
        self.assertEqual(admin.patch(f"/api/v1/rooms/{room['id']}", {"name": "Sala Odra"}).status, 428)
        self.assertProblem(admin.patch(f"/api/v1/rooms/{room['id']}", {"version": 1, "capacity": 0, "name": ""}), 422, ["capacity", "name"])
        self.assertEqual(self.login("dr.nowak").patch(f"/api/v1/rooms/{room['id']}", {"version": 1, "name": "X"}).status, 403)
        self.assertEqual(admin.patch("/api/v1/rooms/rom_nope", {"version": 1, "name": "X"}).status, 404)
        r = admin.patch(f"/api/v1/rooms/{room['id']}", {"version": 1, "name": "Sala Odra", "capacity": 10})
        self.assertEqual((r.status, r.json["name"], r.json["capacity"], r.json["version"]), (200, "Sala Odra", 10, 2), r)
        self.assertProblem(admin.patch(f"/api/v1/rooms/{room['id']}", {"version": 1, "name": "Sala Bug"}), 409)
        self.assertEqual(self.server.sqlite(f"SELECT count(*) FROM audit_log WHERE action = 'room_update' AND resource_id = '{room['id']}'"), "1")
