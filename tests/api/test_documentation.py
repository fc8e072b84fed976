"""Clinical documentation: group notes that never name another member in a chart, signing and
co-signature rules, addenda, treatment plans, medications, recovery support, the discharge summary."""
from harness import ServerTest, demo_ids


class GroupNotes(ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = demo_ids(cls.server)
        cls.group = cls.ids["groups"]["Relapse prevention"]
        cls.session = "gs_" + cls.group + "_20261123"
        cls.anna, cls.piotr, cls.kasia, cls.tomasz = (cls.ids["patients"][n] for n in
                                                      ("Anna Kowalska", "Piotr Wiśniewski", "Katarzyna Wójcik", "Tomasz Kamiński"))
        cls.server.advance(72 * 3600)  # Thursday morning: Monday's and Wednesday's sessions are over
        leader = cls.server.login("t.malinowski")
        r = leader.put(f"/api/v1/sessions/{cls.session}/attendance", {"entries": [
            {"patient_id": cls.anna, "status": "present", "minutes": 180},
            {"patient_id": cls.piotr, "status": "late", "minutes": 150},
            {"patient_id": cls.kasia, "status": "present", "minutes": 180},
            {"patient_id": cls.tomasz, "status": "absent_excused"}]})
        assert r.status == 200, r

    def test_names_of_other_members_are_refused_and_each_chart_shows_only_its_entry(self):
        leader = self.login("t.malinowski")
        note = {"kind": "group", "session_id": self.session, "topic": "Relapse triggers at work",
                "body": "Psychoeducation on triggers; members shared strategies. Good cohesion.",
                "entries": [{"patient_id": self.anna, "text": "Anna named stress at work; supported Piotrem in role play."},
                            {"patient_id": self.piotr, "text": "Arrived late; quiet; asked K. W. for advice."},
                            {"patient_id": self.kasia, "text": "Engaged, offered an example from her week."}]}
        r = leader.post("/api/v1/notes", note)
        self.assertProblem(r, 422, ["entries[0].text", "entries[1].text"])
        words = {e["field"]: e["params"]["word"] for e in r.json["errors"]}
        self.assertEqual(words["entries[0].text"], "Piotrem")   # inflected Polish name
        self.assertEqual(words["entries[1].text"], "K. W.")      # initials of another member
        self.assertEqual(self.server.sqlite(f"SELECT count(*) FROM notes WHERE session_id = '{self.session}'"), "0")
        # An entry for an absent member is refused.
        absent = dict(note, entries=[{"patient_id": self.tomasz, "text": "Did not attend."}])
        self.assertProblem(leader.post("/api/v1/notes", absent), 422, ["entries[0].patient_id"])
        # Rephrased, with a confirmed false positive ("Annual" is not a name).
        # Katarzyna attended but gets no entry of her own this time.
        note["entries"] = [{"patient_id": self.anna, "text": "Named stress at work; supported a peer in role play."},
                           {"patient_id": self.piotr, "text": "Arrived late; quiet; asked another member for advice. Annual leave helps."}]
        self.assertProblem(leader.post("/api/v1/notes", note), 422, ["entries[1].text"])
        r = leader.post("/api/v1/notes", dict(note, confirm_not_names=["Annual"]))
        self.assertEqual(r.status, 201, r)
        note_id = r.json["id"]
        self.assertEqual(self.server.sqlite("SELECT count(*) FROM audit_log WHERE action = 'note_name_check_confirmed'"), "1")
        # Each attending member's chart: the shared part and that member's entry (if any), never
        # another's; an absent member's chart has no group note.
        ther = self.login("m.zielinska")
        names = ["Anna", "Kowalska", "Piotr", "Wiśniewski", "Katarzyna", "Wójcik"]
        for pid, own in ((self.anna, "supported a peer"), (self.piotr, "Arrived late"), (self.kasia, None)):
            viewer = ther if pid != self.piotr else self.login("j.hoffmann")
            chart = viewer.get(f"/api/v1/patients/{pid}/notes")
            self.assertEqual(chart.status, 200, chart)
            group_notes = [n for n in chart.json["items"] if n["kind"] == "group"]
            self.assertEqual(len(group_notes), 1)
            n = group_notes[0]
            self.assertEqual(n["content"]["topic"], "Relapse triggers at work")
            if own:
                self.assertIn(own, n["entry"]["text"])
            else:
                self.assertIsNone(n["entry"])
            self.assertNotIn("entries", n)
            others = [e for e in (self.anna, self.piotr, self.kasia) if e != pid]
            for o in others:
                self.assertNotIn(o, chart.raw)
            for name in names:
                self.assertNotIn(name, json_text(n))
        tomasz_chart = self.login("j.hoffmann").get(f"/api/v1/patients/{self.tomasz}/notes").json["items"]
        self.assertEqual([n for n in tomasz_chart if n["kind"] == "group"], [])
        # Signing: the licensed leader signs once; the note then is locked.
        r = leader.post(f"/api/v1/notes/{note_id}/sign")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status"], "signed")
        self.assertEqual(len(r.json["content_hash"]), 64)
        self.assertFalse(r.json["cosign_required"])
        self.assertEqual(leader.post(f"/api/v1/notes/{note_id}/sign").status, 409)
        self.assertEqual(leader.patch(f"/api/v1/notes/{note_id}", {"version": r.json["version"], "topic": "x"}).status, 409)
        add = leader.post(f"/api/v1/notes/{note_id}/addenda", {"text": "Correction: session ended at 20:45."})
        self.assertEqual(add.status, 201, add)
        self.assertEqual(len(add.json["addenda"]), 1)
        self.assertEqual(leader.post(f"/api/v1/notes/{note_id}/addenda", {"text": "Stayed after with Katarzyny."}).status, 422)
        r = leader.post(f"/api/v1/notes/{note_id}/addenda", {"text": "Kasia stayed after."})  # a short form of Katarzyna
        self.assertProblem(r, 422, ["text"])
        self.assertEqual(r.json["errors"][0]["params"]["word"], "Kasia")
        # A false positive in an addendum is confirmed like in the note itself.
        self.assertEqual(leader.post(f"/api/v1/notes/{note_id}/addenda", {"text": "Annual review next month."}).status, 422)
        r = leader.post(f"/api/v1/notes/{note_id}/addenda", {"text": "Annual review next month.", "confirm_not_names": ["Annual"]})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(len(r.json["addenda"]), 2)

    def test_group_note_of_an_unlicensed_leader(self):
        # CBT skills: leader l.green (unlicensed), co-leader s.price (licensed).
        group = self.ids["groups"]["CBT skills"]
        session = "gs_" + group + "_20261125"
        emily = self.ids["patients"]["Emily Carter"]
        green = self.login("l.green")
        self.assertEqual(green.put(f"/api/v1/sessions/{session}/attendance",
                                   {"entries": [{"patient_id": emily, "status": "present", "minutes": 180}]}).status, 200)
        r = green.post("/api/v1/notes", {"kind": "group", "session_id": session, "topic": "Thought records", "body": "Practised thought records.",
                                         "entries": [{"patient_id": emily, "text": "Completed a thought record with help."}]})
        self.assertEqual(r.status, 201, r)
        note = r.json["id"]
        r = green.post(f"/api/v1/notes/{note}/sign")
        self.assertEqual(r.status, 403)  # the licensed co-leader signs
        self.assertEqual((r.json["code"], r.json["signer_id"]), ("co_leader_signs", self.ids["users"]["s.price"]))
        r = self.login("s.price").post(f"/api/v1/notes/{note}/sign")
        self.assertEqual(r.status, 200, r)
        self.assertFalse(r.json["cosign_required"])


def json_text(o):
    import json
    return json.dumps(o, ensure_ascii=False)


class IndividualNotes(ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = demo_ids(cls.server)

    def test_dap_soap_checkin_notes_signing_and_cosignature(self):
        anna = self.ids["patients"]["Anna Kowalska"]
        ther = self.login("m.zielinska")
        r = ther.post("/api/v1/notes", {"kind": "individual_dap", "patient_id": anna, "data": "", "plan": "Weekly."})
        self.assertProblem(r, 422, ["data", "assessment"])
        r = ther.post("/api/v1/notes", {"kind": "individual_soap", "patient_id": anna, "subjective": "Slept badly.",
                                        "objective": "Tired, oriented.", "assessment": "Stable.", "plan": "Sleep hygiene."})
        self.assertEqual(r.status, 201, r)
        soap = r.json
        r = ther.patch(f"/api/v1/notes/{soap['id']}", {"version": soap["version"], "plan": "Sleep hygiene; review next week."})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["content"]["plan"], "Sleep hygiene; review next week.")
        self.assertEqual(self.login("j.hoffmann").post(f"/api/v1/notes/{soap['id']}/sign").status, 403)  # not the author
        r = ther.post(f"/api/v1/notes/{soap['id']}/sign")
        self.assertEqual(r.status, 200, r)
        # The group leader of the program cannot write therapy notes; program staff write check-in notes.
        self.assertEqual(self.login("t.malinowski").post("/api/v1/notes", {"kind": "individual_dap", "patient_id": anna, "data": "x",
                                                                          "assessment": "x", "plan": "x"}).status, 403)
        tech = self.login("a.krol")
        r = tech.post("/api/v1/notes", {"kind": "checkin", "patient_id": anna, "text": "Checked in by phone; calm."})
        self.assertEqual(r.status, 201, r)
        checkin_note = r.json["id"]
        # Program staff list the check-in notes in the chart (not the therapy notes).
        kinds = {n["id"]: n["kind"] for n in tech.get(f"/api/v1/patients/{anna}/notes").json["items"]}
        self.assertIn(checkin_note, kinds)
        self.assertNotIn("individual_soap", kinds.values())
        r = tech.post(f"/api/v1/notes/{checkin_note}/sign")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.json["cosign_required"])
        self.assertEqual(r.json["cosign_due_at"], "2026-11-26T08:00:00Z")  # 72 hours
        work = self.login("dr.nowak").get(f"/api/v1/worklist?program_id={self.ids['programs']['addiction']}").json
        self.assertIn(checkin_note, [c["note_id"] for c in work["cosignatures_due"]])
        self.assertEqual(tech.post(f"/api/v1/notes/{checkin_note}/cosign").status, 403)  # unlicensed
        r = ther.post(f"/api/v1/notes/{checkin_note}/cosign")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["cosigned_by"], self.ids["users"]["m.zielinska"])
        self.assertEqual(ther.post(f"/api/v1/notes/{checkin_note}/cosign").status, 409)
        # The patient does not read clinical notes.
        self.assertEqual(self.login("anna.k").get(f"/api/v1/patients/{anna}/notes").status, 403)
        # A psychiatric note is the psychiatrist's.
        self.assertEqual(ther.post("/api/v1/notes", {"kind": "psychiatric", "patient_id": anna, "subjective": "x", "mental_status": "x",
                                                     "assessment": "x", "plan": "x"}).status, 403)
        self.assertEqual(self.login("dr.bauer").post("/api/v1/notes", {"kind": "psychiatric", "patient_id": anna, "subjective": "x",
                                                                       "mental_status": "x", "assessment": "x", "plan": "x"}).status, 201)


class PlansMedicationsMeetingsDischarge(ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = demo_ids(cls.server)

    def test_treatment_plan_versions_reviews_and_acknowledgement(self):
        anna = self.ids["patients"]["Anna Kowalska"]
        ther = self.login("m.zielinska")
        plan = {"version": 0, "problems": [{"text": "Alcohol use disorder, early remission",
                                            "goals": [{"text": "Stay abstinent", "objectives": [
                                                {"text": "No drinking days", "measure": "BAM-IOP item 4 = 0", "target_date": "2026-12-31"}],
                                                "interventions": [{"text": "Relapse prevention group", "responsible_id": self.ids["users"]["t.malinowski"]}]}]}]}
        bad = {"version": 0, "problems": [{"text": "", "goals": [{"text": "x", "objectives": [{"text": "y"}],
                                                               "interventions": [{"text": "z", "responsible_id": "usr_nobody"}]}]}]}
        r = ther.put(f"/api/v1/patients/{anna}/treatment-plan", bad)
        self.assertProblem(r, 422, ["problems[0].text", "problems[0].goals[0].objectives[0].measure",
                                    "problems[0].goals[0].objectives[0].target_date", "problems[0].goals[0].interventions[0].responsible_id"])
        r = ther.put(f"/api/v1/patients/{anna}/treatment-plan", plan)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(ther.put(f"/api/v1/patients/{anna}/treatment-plan", plan).status, 409)
        r = ther.put(f"/api/v1/patients/{anna}/treatment-plan", dict(plan, version=1))
        self.assertEqual(r.json["version"], 2)
        self.assertEqual(ther.post(f"/api/v1/patients/{anna}/treatment-plan/reviews", {"note": "On track"}).status, 201)
        patient = self.login("anna.k")
        self.assertEqual(patient.post(f"/api/v1/patients/{anna}/treatment-plan/acknowledge").status, 201)
        got = patient.get(f"/api/v1/patients/{anna}/treatment-plan").json
        self.assertEqual(got["version"], 2)
        self.assertTrue(got["acknowledged_current"])
        self.assertEqual([v["version"] for v in got["versions"]], [2, 1])
        self.assertEqual(got["next_review_due"], "2026-12-23T08:00:00Z")
        first = ther.get(f"/api/v1/patients/{anna}/treatment-plan?version=1").json
        self.assertEqual((first["version"], first["current_version"]), (1, 2))
        self.assertProblem(ther.get(f"/api/v1/patients/{anna}/treatment-plan?version=9"), 404)
        self.assertEqual(patient.put(f"/api/v1/patients/{anna}/treatment-plan", dict(plan, version=2)).status, 403)

    def test_medications_keep_every_version(self):
        anna = self.ids["patients"]["Anna Kowalska"]
        psych = self.login("dr.bauer")
        r = psych.post(f"/api/v1/patients/{anna}/medications", {"name": "Naltrexone", "dose": "50 mg", "schedule": "once daily", "start_date": "2026-11-20"})
        self.assertEqual(r.status, 201, r)
        med = r.json
        r = psych.patch(f"/api/v1/medications/{med['id']}", {"version": 1, "dose": "25 mg", "note": "Nausea"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["dose"], "25 mg")
        self.assertEqual([h["dose"] for h in r.json["history"]], ["50 mg"])
        self.assertEqual(psych.patch(f"/api/v1/medications/{med['id']}", {"version": 1, "dose": "10 mg"}).status, 409)
        self.assertEqual(self.login("m.zielinska").post(f"/api/v1/patients/{anna}/medications",
                                                        {"name": "X", "dose": "1", "schedule": "x", "start_date": "2026-11-20"}).status, 403)
        self.assertProblem(psych.post(f"/api/v1/patients/{anna}/medications", {"name": "X", "start_date": "2026-13-01"}), 422,
                           ["dose", "schedule", "start_date"])

    def test_meetings_sponsor_and_step_work(self):
        anna = self.ids["patients"]["Anna Kowalska"]
        p = self.login("anna.k")
        self.assertEqual(p.post(f"/api/v1/patients/{anna}/meetings", {"kind": "aa", "on_date": "2026-11-22"}).status, 201)
        self.assertEqual(p.post(f"/api/v1/patients/{anna}/meetings", {"kind": "smart", "on_date": "2026-11-21"}).status, 201)
        self.assertProblem(p.post(f"/api/v1/patients/{anna}/meetings", {"kind": "church"}), 422, ["kind", "on_date"])
        r = p.post(f"/api/v1/patients/{anna}/meetings", {"kind": "na", "on_date": "2099-01-01"})
        self.assertProblem(r, 422, ["on_date"])
        self.assertEqual(r.json["errors"][0]["code"], "future")
        r = p.post(f"/api/v1/patients/{anna}/meetings", {"version": 0, "sponsor": {"name": "M.", "last_contact": "2026-11-22"},
                                                         "step_work": {"step": 3}})
        self.assertEqual(r.status, 201, r)
        got = self.login("a.krol").get(f"/api/v1/patients/{anna}/meetings").json
        self.assertEqual([m["kind"] for m in got["meetings"]], ["aa", "smart"])
        self.assertEqual(got["weekly"], [{"week": "2026-W47", "meetings": 2}])
        self.assertEqual(got["step_work"]["step"], 3)
        self.assertEqual(got["sponsor"]["last_contact"], "2026-11-22")


class Discharge(ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = demo_ids(cls.server)

    def test_audit_c_is_due_in_the_week_before_a_planned_discharge(self):
        anna = self.ids["patients"]["Anna Kowalska"]
        episode = self.ids["episodes"][anna]
        ther = self.login("m.zielinska")
        e = ther.get(f"/api/v1/episodes/{episode}").json
        self.assertIsNone(e["planned_discharge_on"])
        r = ther.patch(f"/api/v1/episodes/{episode}", {"version": e["version"], "planned_discharge_on": "2000-01-01"})
        self.assertProblem(r, 422, ["planned_discharge_on"])
        self.assertEqual((r.json["errors"][0]["code"], r.json["errors"][0]["params"]), ("before_start", {"date": e["admitted_on"]}))
        at_discharge = lambda who: [d for d in who.get(f"/api/v1/patients/{anna}/due").json["items"] if d.get("schedule") == "at_discharge"]
        # Five weeks ahead: not due yet.
        r = ther.patch(f"/api/v1/episodes/{episode}", {"version": e["version"], "planned_discharge_on": "2026-12-31"})
        self.assertEqual((r.status, r.json["planned_discharge_on"]), (200, "2026-12-31"), r)
        self.assertEqual(at_discharge(ther), [])
        r = ther.patch(f"/api/v1/episodes/{episode}", {"version": r.json["version"], "planned_discharge_on": "2026-11-27"})
        self.assertEqual(r.status, 200, r)
        patient = self.login("anna.k")
        # A week's stay: the admission AUDIT-C comes first; the discharge one is a second answer.
        audit_c = lambda: patient.post(f"/api/v1/patients/{anna}/assessments",
                                       {"instrument": "audit_c", "answers": {"auditc_1": 1, "auditc_2": 0, "auditc_3": 0}})
        due = patient.get(f"/api/v1/patients/{anna}/due").json["items"]
        self.assertEqual([(d["schedule"], d["status"]) for d in due if d.get("instrument") == "audit_c"], [("at_admission", "due")])
        self.assertEqual(audit_c().status, 201)
        due = at_discharge(patient)
        self.assertEqual([(d["instrument"], d["status"], d["window_end"]) for d in due], [("audit_c", "due", "2026-11-28T00:00:00+01:00")])
        summary = ther.get(f"/api/v1/episodes/{episode}/discharge-summary").json
        self.assertEqual(summary["discharge_measures"], [{"instrument": "audit_c", "done": False, "date": None}])
        self.server.advance(60)
        self.assertEqual(audit_c().status, 201)
        self.assertEqual([d["status"] for d in at_discharge(ther)], ["done"])
        summary = ther.get(f"/api/v1/episodes/{episode}/discharge-summary").json
        self.assertEqual(summary["discharge_measures"][0]["done"], True)
        # null: no discharge planned any more.
        version = ther.get(f"/api/v1/episodes/{episode}").json["version"]
        r = ther.patch(f"/api/v1/episodes/{episode}", {"version": version, "planned_discharge_on": None})
        self.assertEqual((r.status, r.json["planned_discharge_on"]), (200, None), r)
        self.assertEqual(at_discharge(ther), [])

    def test_discharge_summary_is_assembled_from_the_record(self):
        pid = self.ids["patients"]["Felix Schneider"]
        episode = self.ids["episodes"][pid]
        self.server.advance(12.5 * 3600)  # Monday evening, after the group
        ther = self.login("m.zielinska")
        answers = {f"phq9_{i}": 2 for i in range(1, 10)}
        answers["phq9_9"] = 0
        self.assertEqual(ther.post(f"/api/v1/patients/{pid}/assessments", {"instrument": "phq9", "answers": answers}).status, 201)
        answers = {f"phq9_{i}": 1 for i in range(1, 10)}
        answers["phq9_9"] = 0
        self.assertEqual(ther.post(f"/api/v1/patients/{pid}/assessments", {"instrument": "phq9", "answers": answers}).status, 201)
        r = self.login("t.malinowski").put(f"/api/v1/sessions/gs_{self.ids['groups']['Relapse prevention']}_20261123/attendance",
                                            {"entries": [{"patient_id": pid, "status": "present", "minutes": 170}]})
        self.assertEqual(r.status, 200, r)
        self.login("dr.bauer").post(f"/api/v1/patients/{pid}/medications", {"name": "Acamprosate", "dose": "666 mg", "schedule": "3x daily",
                                                                             "start_date": "2026-11-01"})
        r = ther.post(f"/api/v1/episodes/{episode}/discharge", {"discharged_on": "2026-11-23", "reason": "step_down", "aftercare": {
            "plan": "Weekly outpatient therapy", "referrals": [{"name": "Poradnia Leczenia Uzależnień", "kind": "outpatient_therapy"}],
            "first_appointment": {"date": "2026-11-30", "with": "Poradnia, dr K."}, "extra": 1}})
        self.assertProblem(r, 422, ["aftercare.extra"])
        # The patient's attendance in one list.
        att = ther.get(f"/api/v1/patients/{pid}/attendance?from=2026-11-16&to=2026-11-29").json
        self.assertEqual([(a["date"], a["status"], a["minutes"]) for a in att["items"]], [("2026-11-23", "present", 170)])
        self.assertEqual(att["attended_minutes"], 170)
        self.assertProblem(ther.get(f"/api/v1/patients/{pid}/attendance?from=2026-11-16"), 400)
        # A discharge prepared on a stale copy is refused.
        version = ther.get(f"/api/v1/episodes/{episode}").json["version"]
        self.assertProblem(ther.post(f"/api/v1/episodes/{episode}/discharge", {"version": version + 1, "discharged_on": "2026-11-23",
                                                                              "reason": "completed"}), 409)
        r = ther.post(f"/api/v1/episodes/{episode}/discharge", {"version": version, "discharged_on": "2026-11-23", "reason": "step_down", "aftercare": {
            "plan": "Weekly outpatient therapy", "referrals": [{"name": "Poradnia Leczenia Uzależnień", "kind": "outpatient_therapy"}],
            "first_appointment": {"date": "2026-11-30", "with": "Poradnia, dr K."}}})
        self.assertEqual(r.status, 200, r)
        s = ther.get(f"/api/v1/episodes/{episode}/discharge-summary").json
        self.assertTrue(s["final"])
        self.assertEqual(s["discharge_reason"], "step_down")
        self.assertEqual(s["attendance"]["attended_minutes"], 170)
        phq = [m for m in s["measures"] if m["instrument"] == "phq9"][0]
        self.assertEqual((phq["first"]["total"], phq["last"]["total"], phq["change"], phq["count"]), (16, 8, -8, 2))
        self.assertEqual([m["name"] for m in s["medications"]], ["Acamprosate"])
        self.assertEqual(s["aftercare"]["first_appointment"]["date"], "2026-11-30")
        self.assertIn("alerts", s)
        self.assertIn("crises", s)
        # The former care team still reads what it read before: check-ins and attendance.
        self.assertEqual(ther.get(f"/api/v1/patients/{pid}/checkins").status, 200)
        self.assertEqual(ther.get(f"/api/v1/patients/{pid}/attendance?from=2026-11-16&to=2026-11-29").status, 200)
        self.assertEqual(ther.post(f"/api/v1/patients/{pid}/checkins", {"answers": {"mood": 5}}).status, 404)
        # Readmission opens a new episode linked to this one.
        old = self.login("dr.nowak").get(f"/api/v1/episodes/{episode}").json
        r = self.login("dr.nowak").post("/api/v1/episodes", {
            "patient_id": pid, "program_id": old["program_id"], "referral_source": old["referral_source"], "admitted_on": "2026-11-24",
            "primary_therapist_id": old["primary_therapist_id"], "psychiatrist_id": old["psychiatrist_id"]})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["previous_episode_id"], episode)
