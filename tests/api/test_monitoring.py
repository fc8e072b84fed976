"""Continuous monitoring over HTTP: check-ins and measures, refused submissions that still raise
their alert, escalation on a controlled clock, acknowledgement rights, the live stream with
resumption, crises, safety plans, due lists and missed check-ins."""
import json
import time

from harness import ServerTest, demo_ids
from sse import SseClient

CHECKIN_OK = {"mood": 6, "anxiety": 3, "craving": 2, "used": 0, "sleep_hours": 7, "medication": 1,
              "self_harm_thoughts": 0, "meetings": 1}
PHQ_LOW = {f"phq9_{i}": 0 for i in range(1, 10)}


class Submissions(ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = demo_ids(cls.server)
        cls.anna = cls.ids["patients"]["Anna Kowalska"]        # addiction program, patient login anna.k
        cls.emily = cls.ids["patients"]["Emily Carter"]        # mood program, patient login emily.c

    def count(self, table, where):
        return int(self.server.sqlite(f"SELECT count(*) FROM {table} WHERE {where}"))

    def test_a_calm_checkin_raises_nothing_and_the_patient_sees_only_the_level(self):
        p = self.login("anna.k")
        r = p.post(f"/api/v1/patients/{self.anna}/checkins", {"answers": CHECKIN_OK})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["risk"], {"level": "none"})
        self.assertNotIn("crisis_resources", r.json)
        self.assertNotIn("alerts", r.json)
        row = self.server.sqlite(f"SELECT mood, craving, sleep_hours, on_behalf FROM checkins WHERE id = '{r.json['id']}'")
        self.assertEqual(row, "6|2|7.0|0")

    def test_staff_submit_on_behalf_and_see_reasons(self):
        c = self.login("a.krol")
        r = c.post(f"/api/v1/patients/{self.anna}/checkins", {"answers": dict(CHECKIN_OK, used=1, used_alcohol=1)})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["risk"]["level"], "moderate")
        self.assertEqual([x["rule"] for x in r.json["risk"]["reasons"]], ["checkin_substance_use"])
        self.assertIn("alcohol", r.json["risk"]["reasons"][0]["text"])
        self.assertEqual(r.json["alerts"][0]["severity"], "warning")
        self.assertEqual(self.server.sqlite(f"SELECT on_behalf FROM checkins WHERE id = '{r.json['id']}'"), "1")
        # The list gives staff the same reasons; the patient sees only levels.
        listed = [x for x in c.get(f"/api/v1/patients/{self.anna}/checkins").json["items"] if x["id"] == r.json["id"]][0]
        self.assertEqual([x["rule"] for x in listed["risk"]["reasons"]], ["checkin_substance_use"])
        self.assertIn("alcohol", listed["risk"]["reasons"][0]["text"])
        mine = [x for x in self.login("anna.k").get(f"/api/v1/patients/{self.anna}/checkins").json["items"] if x["id"] == r.json["id"]][0]
        self.assertEqual(mine["risk"], {"level": "moderate"})

    def test_a_high_risk_checkin_shows_crisis_resources_at_once(self):
        p = self.login("emily.c")
        r = p.post(f"/api/v1/patients/{self.emily}/checkins",
                   {"answers": {"mood": 1, "anxiety": 9, "sleep_hours": 3, "medication": 1, "self_harm_thoughts": 1, "self_harm_intent": 1}})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["risk"], {"level": "imminent"})
        self.assertIn("112", [x["phone"] for x in r.json["crisis_resources"]])
        self.assertIn("safety_plan", r.json)
        self.assertNotIn("alerts", r.json)
        alert = self.server.sqlite(f"SELECT severity, status FROM alerts WHERE patient_id = '{self.emily}' AND rule = 'checkin_self_harm_intent'")
        self.assertEqual(alert, "imminent|open")
        # ASQ is now due ⚑
        due = p.get(f"/api/v1/patients/{self.emily}/due").json["items"]
        self.assertIn("asq", [d.get("instrument") for d in due if d["schedule"] == "now"])

    def test_refused_measure_stores_no_score_but_a_positive_item_9_raises_its_alert(self):
        p = self.login("anna.k")
        before = self.count("assessments", f"patient_id = '{self.anna}'")
        answers = dict(PHQ_LOW, phq9_9=2)
        del answers["phq9_4"]
        answers["phq9_2"] = 5
        r = p.post(f"/api/v1/patients/{self.anna}/assessments", {"instrument": "phq9", "answers": answers})
        self.assertProblem(r, 422, ["answers.phq9_4", "answers.phq9_2"])
        self.assertEqual(r.json["risk_event"]["recorded"], True)
        self.assertEqual(r.json["risk_event"]["level"], "high")
        self.assertTrue(r.json["crisis_resources"])
        self.assertEqual(self.count("assessments", f"patient_id = '{self.anna}'"), before)
        self.assertEqual(self.count("risk_events", f"patient_id = '{self.anna}' AND rule = 'phq9_item9' AND source_type = 'refused_assessment'"), 1)
        self.assertEqual(self.server.sqlite(f"SELECT severity FROM alerts WHERE patient_id = '{self.anna}' AND rule = 'phq9_item9'"), "high")
        # The follow-up C-SSRS screener is due the same day, refused submission or not ⚑.
        due = self.login("dr.nowak").get(f"/api/v1/patients/{self.anna}/due").json["items"]
        self.assertIn("cssrs_screener", [d.get("instrument") for d in due if d.get("schedule") == "now"], due)
        # Without a safety answer a refusal is just a refusal.
        r = p.post(f"/api/v1/patients/{self.anna}/assessments", {"instrument": "gad7", "answers": {"gad7_1": 3}})
        self.assertProblem(r, 422)
        self.assertNotIn("risk_event", r.json)

    def test_staff_see_scores_the_patient_does_not(self):
        c = self.login("k.wolf")  # Emily's therapist
        answers = {f"phq9_{i}": 2 for i in range(1, 10)}
        answers["phq9_9"] = 0
        r = c.post(f"/api/v1/patients/{self.emily}/assessments", {"instrument": "phq9", "answers": answers})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["total"], 16)
        self.assertEqual(r.json["severity"], "moderately_severe")
        p = self.login("emily.c")
        listed = p.get(f"/api/v1/patients/{self.emily}/assessments").json["items"]
        self.assertNotIn("severity", listed[0])
        # Reliable deterioration from the episode's first score: +6 warns.
        answers = {f"phq9_{i}": 3 for i in range(1, 9)}
        answers["phq9_9"] = 0
        r = c.post(f"/api/v1/patients/{self.emily}/assessments", {"instrument": "phq9", "answers": answers})
        self.assertEqual(sorted(x["rule"] for x in r.json["risk"]["reasons"]), ["phq9_deterioration", "phq9_severe"])
        # A patient cannot submit the clinician-administered C-SSRS.
        r = p.post(f"/api/v1/patients/{self.emily}/assessments", {"instrument": "cssrs_screener", "answers": {}})
        self.assertEqual(r.status, 403)

    def test_idempotent_retry_of_a_checkin_writes_nothing_new(self):
        p = self.login("anna.k")
        before = self.count("checkins", f"patient_id = '{self.anna}'")
        events = self.count("risk_events", f"patient_id = '{self.anna}'")
        body = {"answers": dict(CHECKIN_OK, used=1, used_cannabis=1)}
        a = p.post(f"/api/v1/patients/{self.anna}/checkins", body, headers={"Idempotency-Key": "morning-1"})
        b = p.post(f"/api/v1/patients/{self.anna}/checkins", body, headers={"Idempotency-Key": "morning-1"})
        self.assertEqual(a.status, 201)
        self.assertEqual(a.json, b.json)
        self.assertEqual(b.header("idempotent-replayed"), "true")
        self.assertEqual(self.count("checkins", f"patient_id = '{self.anna}'"), before + 1)
        self.assertEqual(self.count("risk_events", f"patient_id = '{self.anna}'"), events + 1)

    def test_idempotent_retry_of_a_refused_checkin_records_its_safety_answer_once(self):
        p = self.login("anna.k")
        where = f"patient_id = '{self.anna}' AND source_type = 'refused_checkin'"
        events = self.count("risk_events", where)
        checkins = self.count("checkins", f"patient_id = '{self.anna}'")
        body = {"answers": dict(CHECKIN_OK, self_harm_thoughts=1, self_harm_intent=0)}
        del body["answers"]["mood"]
        a = p.post(f"/api/v1/patients/{self.anna}/checkins", body, headers={"Idempotency-Key": "refused-1"})
        self.assertProblem(a, 422, ["answers.mood"])
        self.assertEqual(a.json["risk_event"]["recorded"], True)
        self.assertEqual(self.count("risk_events", where), events + 1)
        b = p.post(f"/api/v1/patients/{self.anna}/checkins", body, headers={"Idempotency-Key": "refused-1"})
        self.assertProblem(b, 422, ["answers.mood"])
        self.assertEqual(b.header("idempotent-replayed"), "true")
        self.assertEqual(b.json["risk_event"], a.json["risk_event"])
        self.assertEqual(b.json["crisis_resources"], a.json["crisis_resources"])
        self.assertEqual(self.count("risk_events", where), events + 1)
        self.assertEqual(self.count("checkins", f"patient_id = '{self.anna}'"), checkins)
        # The same key with another body is refused and records nothing.
        c = p.post(f"/api/v1/patients/{self.anna}/checkins", {"answers": dict(body["answers"], anxiety=5)},
                   headers={"Idempotency-Key": "refused-1"})
        self.assertProblem(c, 422, ["Idempotency-Key"])
        self.assertNotIn("risk_event", c.json)
        self.assertEqual(self.count("risk_events", where), events + 1)

    def test_alert_list_pages_most_urgent_first_without_losing_any(self):
        c = self.login("dr.nowak")
        # Alerts of every severity: a calm patient's substance use (warning), self-harm (high, imminent).
        for name, answers in (("Piotr Wiśniewski", dict(CHECKIN_OK, used=1, used_alcohol=1)),
                              ("Katarzyna Wójcik", dict(CHECKIN_OK, self_harm_thoughts=1, self_harm_intent=0)),
                              ("Felix Schneider", dict(CHECKIN_OK, self_harm_thoughts=1, self_harm_intent=1))):
            r = c.post(f"/api/v1/patients/{self.ids['patients'][name]}/checkins", {"answers": answers})
            self.assertEqual(r.status, 201, r)
        whole = c.get("/api/v1/alerts?status=all&limit=200").json
        self.assertIsNone(whole["next_cursor"])
        self.assertGreaterEqual(len(whole["items"]), 3)
        rank = {"imminent": 4, "high": 3, "warning": 2, "info": 1}
        ranks = [rank[a["severity"]] for a in whole["items"]]
        self.assertEqual(ranks, sorted(ranks, reverse=True))
        paged, cursor = [], None
        while True:
            r = c.get("/api/v1/alerts?status=all&limit=1" + (f"&cursor={cursor}" if cursor else ""))
            self.assertEqual(r.status, 200, r)
            self.assertLessEqual(len(r.json["items"]), 1)
            paged += [a["id"] for a in r.json["items"]]
            cursor = r.json["next_cursor"]
            if not cursor:
                break
        self.assertEqual(paged, [a["id"] for a in whole["items"]])
        self.assertEqual(c.get("/api/v1/alerts?cursor=nonsense").status, 400)
        self.assertEqual(c.get("/api/v1/alerts?limit=0").status, 400)

    def test_patients_see_nothing_of_alerts_or_other_patients(self):
        p = self.login("anna.k")
        self.assertEqual(p.get("/api/v1/alerts").status, 403)
        alert = self.server.sqlite("SELECT id FROM alerts LIMIT 1")
        self.assertIn(p.get(f"/api/v1/alerts/{alert}").status, (403, 404))
        self.assertEqual(p.post(f"/api/v1/alerts/{alert}/acknowledge", {}).status, 403)  # never a patient's action
        s = SseClient(self.server.port, p.token)
        self.assertEqual(s.status, 403)
        for path in (f"/api/v1/patients/{self.emily}/checkins", f"/api/v1/patients/{self.emily}/due",
                     f"/api/v1/patients/{self.emily}/assessments", f"/api/v1/patients/{self.emily}/safety-plan"):
            self.assertEqual(p.get(path).status, 404, path)
        r = p.post(f"/api/v1/patients/{self.emily}/checkins", {"answers": CHECKIN_OK})
        self.assertEqual(r.status, 404)
        self.assertEqual(p.post("/api/v1/crises", {"patient_id": self.anna}).status, 403)

    def test_instruments_are_localized_and_say_what_each_wording_is(self):
        c = self.login("j.hoffmann")  # prefers German
        de = c.get("/api/v1/instruments/phq9?lang=en").json  # the user's preference wins over ?lang
        self.assertEqual(de["wording"], "validated")
        self.assertEqual(de["items"][8]["text"], "Gedanken, dass Sie lieber tot wären oder sich Leid zufügen möchten")
        pl = self.login("m.zielinska").get("/api/v1/instruments/asq")
        # m.zielinska prefers Polish; the ASQ has no validated Polish text and falls back.
        self.assertEqual(pl.json["wording"], "fallback_en")
        self.assertTrue(pl.json["items"][0]["text"].startswith("In the past few weeks"))
        names = [i["id"] for i in c.get("/api/v1/instruments").json["items"]]
        for need in ("phq9", "gad7", "asq", "cssrs_screener", "audit_c", "pcl5", "bam", "bam_iop", "scoff"):
            self.assertIn(need, names)
        form = c.get(f"/api/v1/checkin-forms?program_id={self.ids['programs']['addiction']}").json
        self.assertIn("craving", [i["id"] for i in form["items"]])
        self.assertEqual(c.get("/api/v1/instruments/nope").status, 404)


class Escalation(ServerTest):
    """rules.md deadlines walked on the simulated clock (imminent: 5 minutes)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = demo_ids(cls.server)

    def history(self, c, alert_id):
        return c.get(f"/api/v1/alerts/{alert_id}").json

    def wait_status(self, c, alert_id, status, timeout=10):
        deadline = time.time() + timeout
        a = None
        while time.time() < deadline:
            a = self.history(c, alert_id)
            if a["status"] == status:
                return a
            time.sleep(0.1)
        self.fail(f"alert never became {status}: {a}")

    def test_imminent_alert_notifies_escalates_and_is_acknowledged_by_a_licensed_clinician(self):
        pid = self.ids["patients"]["Tomasz Kamiński"]       # therapist j.hoffmann (on call today)
        director, staff = self.ids["users"]["dr.nowak"], self.ids["users"]["a.krol"]
        tech = self.login("a.krol")
        r = tech.post(f"/api/v1/patients/{pid}/checkins",
                      {"answers": dict(CHECKIN_OK, self_harm_thoughts=1, self_harm_intent=1)})
        alert_id = [a["id"] for a in r.json["alerts"] if a["severity"] == "imminent"][0]
        ther = self.login("j.hoffmann")
        a = self.history(ther, alert_id)
        first = {h["recipient_id"] for h in a["history"] if h["kind"] == "notified"}
        # On-call clinician and primary therapist (both j.hoffmann) and the on-call psychiatrist.
        self.assertEqual(first, {self.ids["users"]["j.hoffmann"], self.ids["users"]["dr.bauer"]})
        self.assertEqual(a["deadline"], "2026-11-23T08:05:00Z")
        # Program staff may mark it seen but not acknowledge it.
        self.assertEqual(tech.post(f"/api/v1/alerts/{alert_id}/seen").status, 200)
        self.assertEqual(tech.post(f"/api/v1/alerts/{alert_id}/acknowledge", {}).status, 403)
        self.assertEqual(self.history(ther, alert_id)["status"], "open")
        # 5 minutes pass: the clinical director hears of it.
        self.server.advance(5 * 60 + 1)
        a = self.wait_status(ther, alert_id, "escalated")
        step1 = [h for h in a["history"] if h["kind"] == "notified" and h["detail"] == "escalated"]
        self.assertEqual({h["recipient_id"] for h in step1}, {director})
        # On record per alert and patient, in the organization's chain.
        self.assertEqual(self.server.sqlite(f"SELECT patient_id FROM audit_log WHERE action = 'alert_escalate' AND resource_id = '{alert_id}'"), pid)
        # Not yet summoned: a therapist of the program outside the care team may not acknowledge.
        zielinska = self.login("m.zielinska")
        self.assertEqual(zielinska.post(f"/api/v1/alerts/{alert_id}/acknowledge", {}).status, 404)
        # 5 more: every licensed clinician of the program.
        self.server.advance(5 * 60 + 1)
        zielinska = self.login("m.zielinska")
        deadline = time.time() + 10
        while time.time() < deadline and self.history(ther, alert_id)["escalation_step"] < 2:
            time.sleep(0.1)
        a = self.history(ther, alert_id)
        self.assertEqual(a["escalation_step"], 2)
        step2 = {h["recipient_id"] for h in a["history"] if h["kind"] == "notified" and h["detail"] == "escalated"} - {director}
        self.assertIn(self.ids["users"]["m.zielinska"], step2)
        self.assertNotIn(staff, step2)  # unlicensed
        # Summoned by the chain, a licensed clinician outside the care team may act on it: she
        # acknowledges, and the deadline stops.
        r = zielinska.post(f"/api/v1/alerts/{alert_id}/acknowledge", {"note": "Spoke with the patient, safe at home"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status"], "acknowledged")
        self.assertIsNone(r.json["deadline"])
        self.assertEqual(ther.post(f"/api/v1/alerts/{alert_id}/acknowledge", {}).status, 409)
        kinds = [h["kind"] for h in r.json["history"]]
        for k in ("raised", "notified", "seen", "escalated", "acknowledged"):
            self.assertIn(k, kinds)
        # A repeat firing reopens it with a new deadline and tells the acknowledger again.
        tech.post(f"/api/v1/patients/{pid}/checkins", {"answers": dict(CHECKIN_OK, self_harm_thoughts=1, self_harm_intent=1)})
        a = self.history(ther, alert_id)
        self.assertEqual(a["status"], "open")
        self.assertEqual(a["history"][-1]["kind"], "notified")
        self.assertIn("repeat", [h["kind"] for h in a["history"]])
        r = ther.post(f"/api/v1/alerts/{alert_id}/resolve", {"note": "Crisis plan in place"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.server.sqlite(f"SELECT count(*) FROM alerts WHERE patient_id = '{pid}' AND rule = 'checkin_self_harm_intent' AND status <> 'resolved'"), "0")
        # After resolution a new firing opens a new alert.
        r = tech.post(f"/api/v1/patients/{pid}/checkins", {"answers": dict(CHECKIN_OK, self_harm_thoughts=1, self_harm_intent=1)})
        self.assertNotIn(alert_id, [x["id"] for x in r.json["alerts"]])

    def test_a_severity_rise_restarts_the_chain(self):
        pid = self.ids["patients"]["Jonas Müller"]
        tech = self.login("m.zielinska")  # his primary therapist (measures are the care team's)
        r = tech.post(f"/api/v1/patients/{pid}/assessments",
                      {"instrument": "asq", "answers": {"asq_1": 1, "asq_2": 0, "asq_3": 0, "asq_4": 0, "asq_5": 0}})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["alerts"][0]["severity"], "high")
        first = r.json["alerts"][0]["id"]
        r = tech.post(f"/api/v1/patients/{pid}/assessments",
                      {"instrument": "asq", "answers": {"asq_1": 1, "asq_2": 0, "asq_3": 0, "asq_4": 0, "asq_5": 1}})
        # One finding graded higher: the same alert, now imminent, its chain started again.
        self.assertEqual((r.json["alerts"][0]["id"], r.json["alerts"][0]["severity"]), (first, "imminent"))
        a = self.history(tech, first)
        self.assertEqual((a["rule"], a["status"], a["escalation_step"]), ("asq_acute", "open", 0))
        kinds = [h["kind"] for h in a["history"]]
        self.assertIn("severity_raised", kinds)
        after = a["history"][kinds.index("severity_raised"):]
        notified = {h["recipient_id"] for h in after if h["kind"] == "notified"}
        # The imminent first step adds the on-call psychiatrist to the clinician and therapist.
        self.assertIn(self.ids["users"]["dr.bauer"], notified)
        self.assertIn(self.ids["users"]["m.zielinska"], notified)
        self.assertEqual(self.server.sqlite(f"SELECT count(*) FROM alerts WHERE patient_id = '{pid}' AND status <> 'resolved' AND rule LIKE 'asq%'"), "1")
        # A lower grade of the same finding while it is open is a repeat, not a step down.
        r = tech.post(f"/api/v1/patients/{pid}/assessments",
                      {"instrument": "asq", "answers": {"asq_1": 1, "asq_2": 0, "asq_3": 0, "asq_4": 0, "asq_5": 0}})
        self.assertEqual((r.json["alerts"][0]["id"], r.json["alerts"][0]["severity"]), (first, "imminent"))
        self.assertEqual(self.history(tech, first)["rule"], "asq_acute")


class OnCallTiers(ServerTest):
    """rules.md: a tier with nobody on call is skipped at once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = demo_ids(cls.server)

    def test_an_empty_clinician_tier_is_skipped_at_once(self):
        director = self.login("dr.nowak")
        mood = self.ids["programs"]["mood"]
        reed, nowak = self.ids["users"]["dr.reed"], self.ids["users"]["dr.nowak"]
        roster = director.get(f"/api/v1/programs/{mood}/on-call").json
        span = {"starts": "2026-11-01T00:00:00Z", "ends": "2027-01-01T00:00:00Z"}
        r = director.put(f"/api/v1/programs/{mood}/on-call", {"version": roster["version"], "entries": [
            dict(span, staff_id=reed, tier="psychiatrist"), dict(span, staff_id=nowak, tier="director")]})
        self.assertEqual(r.status, 200, r)
        pid = self.ids["patients"]["Magdalena Lewandowska"]
        therapist = self.server.sqlite(f"SELECT primary_therapist_id FROM episodes WHERE patient_id = '{pid}' AND status = 'active'")
        r = self.login("n.schulz").post(f"/api/v1/patients/{pid}/checkins", {"answers": {
            "mood": 3, "anxiety": 7, "sleep_hours": 5, "medication": 1, "self_harm_thoughts": 1, "self_harm_intent": 0}})
        self.assertEqual(r.status, 201, r)
        alert = r.json["alerts"][0]
        self.assertEqual(alert["severity"], "high")
        a = director.get(f"/api/v1/alerts/{alert['id']}").json
        # Nobody on the clinician tier: the high chain's next step, the on-call psychiatrist, hears now.
        self.assertEqual({h["recipient_id"] for h in a["history"] if h["kind"] == "notified"}, {therapist, reed})
        self.assertEqual(a["escalation_step"], 1)
        # The deadline passes: the chain goes on from there, to the director.
        self.server.advance(30 * 60 + 1)
        director = self.login("dr.nowak")  # the idle limit passed too
        deadline = time.time() + 10
        while time.time() < deadline and director.get(f"/api/v1/alerts/{alert['id']}").json["escalation_step"] < 2:
            time.sleep(0.1)
        a = director.get(f"/api/v1/alerts/{alert['id']}").json
        self.assertEqual(a["escalation_step"], 2)
        escalated = {h["recipient_id"] for h in a["history"] if h["kind"] == "notified" and h["detail"] == "escalated"}
        self.assertEqual(escalated, {nowak})


class LiveStream(ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = demo_ids(cls.server)

    def raise_alert(self, name):
        pid = self.ids["patients"][name]
        addiction = self.server.sqlite(f"SELECT program_id FROM episodes WHERE patient_id = '{pid}'") == self.ids["programs"]["addiction"]
        answers = dict(CHECKIN_OK, used=1, used_other=1) if addiction else \
            {"mood": 3, "anxiety": 7, "sleep_hours": 5, "medication": 1, "self_harm_thoughts": 1, "self_harm_intent": 0}
        r = self.login("a.krol" if addiction else "n.schulz").post(f"/api/v1/patients/{pid}/checkins", {"answers": answers})
        return r.json["alerts"][0]["id"]

    def test_new_alerts_arrive_and_a_reconnect_with_last_event_id_misses_nothing(self):
        ther = self.login("m.zielinska")
        s = SseClient(self.server.port, ther.token)
        self.assertEqual(s.status, 200)
        self.assertTrue(s.content_type.startswith("text/event-stream"))
        a1 = self.raise_alert("Anna Kowalska")
        e = s.wait_for(lambda e: e[1] == "alert" and json.loads(e[2])["id"] == a1)
        self.assertIsNotNone(e, "the alert did not arrive")
        last_id = int(e[0])
        s.close()
        # While disconnected, two more alerts; a third patient in another program is not hers.
        a2 = self.raise_alert("Piotr Wiśniewski")
        a3 = self.raise_alert("Felix Schneider")
        other = self.raise_alert("Daniel Hughes")
        s2 = SseClient(self.server.port, ther.token, last_event_id=last_id)
        got = s2.wait_for(lambda e: e[1] == "alert" and json.loads(e[2])["id"] == a3)
        self.assertIsNotNone(got)
        ids = [a["id"] for _, a in s2.alerts()]
        self.assertEqual(ids[:2], [a2, a3])
        self.assertNotIn(other, ids)
        seqs = [i for i, _ in s2.alerts()]
        self.assertEqual(seqs, sorted(seqs))
        self.assertGreater(seqs[0], last_id)
        # Check-ins come too, without answers, only for her patients.
        checkins = [json.loads(e[2]) for e in s2.events if e[1] == "checkin"]
        self.assertEqual({c["patient_id"] for c in checkins},
                         {self.ids["patients"][n] for n in ("Piotr Wiśniewski", "Felix Schneider")})
        self.assertEqual(checkins[0]["risk"]["level"], "moderate")  # thoughts without intent
        self.assertNotIn("answers", checkins[0])
        s2.close()
        # What the stream showed is on record: each patient once per stream, never the other program's.
        anna, felix = self.ids["patients"]["Anna Kowalska"], self.ids["patients"]["Felix Schneider"]
        me = self.ids["users"]["m.zielinska"]
        where = f"user_id = '{me}' AND action = 'alert_stream_read'"
        deadline = time.time() + 5
        while time.time() < deadline and self.server.sqlite(f"SELECT count(*) FROM audit_log WHERE {where} AND patient_id = '{felix}'") == "0":
            time.sleep(0.1)
        for pid in (anna, felix):  # at least once, and once per stream request
            n, streams = self.server.sqlite(f"SELECT count(*), count(DISTINCT request_id) FROM audit_log WHERE {where} AND patient_id = '{pid}'").split("|")
            self.assertGreaterEqual(int(n), 1)
            self.assertEqual(n, streams)
        hughes = self.ids["patients"]["Daniel Hughes"]
        self.assertEqual(self.server.sqlite(f"SELECT count(*) FROM audit_log WHERE {where} AND patient_id = '{hughes}'"), "0")

    def test_nothing_about_a_patient_leaves_before_the_stream_read_is_on_record(self):
        jonas = self.ids["patients"]["Jonas Müller"]
        me = self.ids["users"]["dr.nowak"]
        where = f"user_id = '{me}' AND action = 'alert_stream_read' AND patient_id = '{jonas}'"
        # The audit write fails (a trigger refuses it): the stream ends without the alert.
        self.server.sqlite("CREATE TRIGGER refuse_stream_audit BEFORE INSERT ON audit_log WHEN NEW.action = 'alert_stream_read' "
                           "BEGIN SELECT RAISE(ABORT, 'audit refused'); END;")
        director = self.login("dr.nowak")
        s = SseClient(self.server.port, director.token)
        alert = self.raise_alert("Jonas Müller")
        deadline = time.time() + 10
        while time.time() < deadline and not s.closed:
            time.sleep(0.05)
        self.assertTrue(s.closed, "the stream should end when its audit cannot be written")
        self.assertNotIn(alert, [a["id"] for _, a in s.alerts()])
        self.assertEqual(self.server.sqlite(f"SELECT count(*) FROM audit_log WHERE {where}"), "0")
        # Audit works again: a new stream resumes and shows it, on record first.
        self.server.sqlite("DROP TRIGGER refuse_stream_audit")
        s2 = SseClient(self.server.port, director.token, last_event_id=0)
        self.assertIsNotNone(s2.wait_for(lambda e: e[1] == "alert" and json.loads(e[2])["id"] == alert))
        self.assertEqual(self.server.sqlite(f"SELECT count(*) FROM audit_log WHERE {where}"), "1")
        s2.close()

    def test_heartbeats_and_session_expiry_end_the_stream(self):
        ther = self.login("j.hoffmann")
        s = SseClient(self.server.port, ther.token)
        self.server.advance(16)
        deadline = time.time() + 5
        while time.time() < deadline and s.comments < 1:
            time.sleep(0.05)
        self.assertGreaterEqual(s.comments, 1)  # ": heartbeat"
        # The stream does not keep the session alive: 15 idle minutes end it.
        self.server.advance(15 * 60)
        e = s.wait_for(lambda e: e[1] == "session_expired", timeout=10)
        self.assertIsNotNone(e)
        deadline = time.time() + 5
        while time.time() < deadline and not s.closed:
            time.sleep(0.05)
        self.assertTrue(s.closed)


class CrisisAndSafetyPlan(ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = demo_ids(cls.server)

    def test_crisis_from_an_alert_to_closure(self):
        pid = self.ids["patients"]["Katarzyna Wójcik"]
        tech = self.login("a.krol")
        r = tech.post(f"/api/v1/patients/{pid}/checkins", {"answers": dict(CHECKIN_OK, self_harm_thoughts=1, self_harm_intent=0)})
        alert = r.json["alerts"][0]["id"]
        ther = self.login("m.zielinska")
        r = ther.post("/api/v1/crises", {"patient_id": pid, "alert_id": alert})
        self.assertEqual(r.status, 201, r)
        crisis = r.json
        self.assertEqual(crisis["status"], "open")
        self.assertEqual(crisis["responders"], [self.ids["users"]["m.zielinska"]])
        r = ther.post(f"/api/v1/crises/{crisis['id']}/actions", {"kind": "patient_contacted", "note": "Phoned; patient at home with partner"})
        self.assertEqual(r.status, 201, r)
        r = ther.post(f"/api/v1/crises/{crisis['id']}/actions", {"kind": "teleport"})
        self.assertProblem(r, 422, ["kind"])
        r = ther.post(f"/api/v1/crises/{crisis['id']}/actions", {"kind": "mobile_crisis_team", "at": "2026-11-23T08:10:00Z"})
        self.assertEqual(r.status, 422)  # in the future of the simulated clock
        r = ther.patch(f"/api/v1/crises/{crisis['id']}", {"version": crisis["version"], "status": "closed"})
        self.assertProblem(r, 422, ["disposition"])
        r = ther.patch(f"/api/v1/crises/{crisis['id']}", {"version": crisis["version"], "status": "closed", "disposition": "stabilized_continuing"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status"], "closed")
        self.assertEqual([a["kind"] for a in r.json["actions"]], ["patient_contacted"])
        self.assertEqual(ther.post(f"/api/v1/crises/{crisis['id']}/actions", {"kind": "note", "note": "x"}).status, 409)
        self.assertIn("crisis_opened", [h["kind"] for h in ther.get(f"/api/v1/alerts/{alert}").json["history"]])
        # Group leaders and program staff do not run crises unless licensed and on call.
        self.assertEqual(self.login("a.krol").post("/api/v1/crises", {"patient_id": pid}).status, 403)

    def test_safety_plan_versions_and_patient_reads_it(self):
        pid = self.ids["patients"]["Lena Schmidt"]  # therapist j.hoffmann
        ther = self.login("j.hoffmann")
        plan = {"version": 0, "with_patient": True, "warning_signs": ["Not sleeping", "Skipping group"],
                "internal_coping": ["Walk the dog"], "people_to_ask_for_help": [{"name": "Sister", "phone": "+49 151 000 000"}],
                "professionals_and_agencies": [{"name": "TelefonSeelsorge", "phone": "0800 111 0 111"}],
                "making_environment_safe": ["Medication kept by partner"], "reasons_for_living": ["My kids"]}
        r = ther.put(f"/api/v1/patients/{pid}/safety-plan", plan)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["version"], 1)
        self.assertEqual(ther.put(f"/api/v1/patients/{pid}/safety-plan", plan).status, 409)
        self.assertEqual(ther.put(f"/api/v1/patients/{pid}/safety-plan", {k: v for k, v in plan.items() if k != "version"}).status, 428)
        bad = dict(plan, version=1, warning_signs=[""], people_to_ask_for_help=[{"phone": "x"}])
        r = ther.put(f"/api/v1/patients/{pid}/safety-plan", bad)
        self.assertProblem(r, 422, ["warning_signs[0]", "people_to_ask_for_help[0].name", "people_to_ask_for_help[0].phone"])
        r = ther.put(f"/api/v1/patients/{pid}/safety-plan", dict(plan, version=1, internal_coping=["Walk the dog", "Music"]))
        self.assertEqual(r.json["version"], 2)
        got = ther.get(f"/api/v1/patients/{pid}/safety-plan").json
        self.assertEqual([v["version"] for v in got["versions"]], [2, 1])
        self.assertEqual(got["plan"]["internal_coping"], ["Walk the dog", "Music"])
        self.assertTrue(got["crisis_resources"])
        first = ther.get(f"/api/v1/patients/{pid}/safety-plan?version=1").json
        self.assertEqual((first["version"], first["current_version"]), (1, 2))
        self.assertEqual(first["plan"]["internal_coping"], ["Walk the dog"])
        self.assertProblem(ther.get(f"/api/v1/patients/{pid}/safety-plan?version=3"), 404)
        self.assertProblem(ther.get(f"/api/v1/patients/{pid}/safety-plan?version=x"), 400)
        # Program staff read it; they may not change it.
        self.assertEqual(self.login("a.krol").get(f"/api/v1/patients/{pid}/safety-plan").status, 200)
        self.assertEqual(self.login("a.krol").put(f"/api/v1/patients/{pid}/safety-plan", dict(plan, version=2)).status, 403)


class MissedCheckins(ServerTest):
    """The cut-off (12:00 in Warsaw) flags missed check-ins; two in a row warn (rules.md)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = demo_ids(cls.server)

    def test_two_missed_program_days_in_a_row_raise_a_warning(self):
        # Simulated start: Monday 09:00 Warsaw. The addiction track meets Mon/Wed/Thu.
        everyone_else = [pid for name, pid in self.ids["patients"].items() if name not in ("Ryan Cooper", "Jakub Kozłowski")]
        ryan = self.ids["patients"]["Ryan Cooper"]
        jakub = self.ids["patients"]["Jakub Kozłowski"]  # misses both days too, but Monday is excused
        def checkin_all():
            tech = self.login("a.krol")
            for pid in everyone_else:
                if int(self.server.sqlite(f"SELECT count(*) FROM episodes WHERE patient_id = '{pid}' AND program_id = '{self.ids['programs']['addiction']}' AND status = 'active'")):
                    tech.post(f"/api/v1/patients/{pid}/checkins", {"answers": CHECKIN_OK})
        checkin_all()
        self.server.advance(3 * 3600 + 60)   # Monday 12:01
        time.sleep(1.5)
        self.assertEqual(self.server.sqlite(f"SELECT count(*) FROM alerts WHERE patient_id = '{ryan}' AND rule = 'missed_checkins'"), "0")
        self.server.advance(9 * 3600)  # Monday 21:01: the evening group is over
        group = self.ids["groups"]["Relapse prevention"]
        r = self.login("t.malinowski").put(f"/api/v1/sessions/gs_{group}_20261123/attendance", {"entries": [
            {"patient_id": jakub, "status": "absent_excused"}]})
        self.assertEqual(r.status, 200, r)
        self.server.advance(2 * 24 * 3600 - 12 * 3600)  # Wednesday 09:01
        checkin_all()
        self.server.advance(3 * 3600)                   # Wednesday 12:01: second missed program day
        deadline = time.time() + 10
        while time.time() < deadline and self.server.sqlite(f"SELECT count(*) FROM alerts WHERE patient_id = '{ryan}' AND rule = 'missed_checkins'") == "0":
            time.sleep(0.2)
        self.assertEqual(self.server.sqlite(f"SELECT severity FROM alerts WHERE patient_id = '{ryan}' AND rule = 'missed_checkins'"), "warning")
        others = self.server.sqlite(f"SELECT count(*) FROM alerts WHERE rule = 'missed_checkins' AND patient_id <> '{ryan}' AND program_id = '{self.ids['programs']['addiction']}'")
        self.assertEqual(others, "0")  # Jakub's excused Monday neither counts nor breaks the run


class CensusAndWorklist(ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = demo_ids(cls.server)

    def test_census_rows_and_the_days_checkins(self):
        program = self.ids["programs"]["addiction"]
        anna = self.ids["patients"]["Anna Kowalska"]
        self.login("anna.k").post(f"/api/v1/patients/{anna}/checkins", {"answers": dict(CHECKIN_OK, used=1, used_alcohol=1)})
        c = self.login("a.krol")
        census = c.get(f"/api/v1/census?program_id={program}")
        self.assertEqual(census.status, 200, census)
        rows = {r["patient_id"]: r for r in census.json["items"]}
        self.assertEqual(len(rows), 12)
        self.assertEqual(rows[anna]["risk_level"], "moderate")
        self.assertTrue(rows[anna]["checked_in_today"])
        # Her substance use; the background job may add an info alert (her certification is due).
        self.assertEqual(rows[anna]["open_alerts"]["max_severity"], "warning")
        listed = c.get(f"/api/v1/alerts?patient_id={anna}").json["items"]
        self.assertEqual(rows[anna]["open_alerts"]["count"], len(listed))
        self.assertEqual([a["rule"] for a in listed if a["severity"] != "info"], ["checkin_substance_use"])
        self.assertLessEqual({a["rule"] for a in listed if a["severity"] == "info"}, {"certification_due"})
        self.assertGreaterEqual(rows[anna]["days_in_program"], 1)
        # A group leader sees the program's census; staff of another program do not.
        self.assertEqual(self.login("t.malinowski").get(f"/api/v1/census?program_id={program}").status, 200)
        self.assertEqual(self.login("n.schulz").get(f"/api/v1/census?program_id={program}").status, 404)
        self.assertEqual(self.login("anna.k").get(f"/api/v1/census?program_id={program}").status, 403)
        work = c.get(f"/api/v1/worklist?program_id={program}").json
        self.assertEqual([x["patient_id"] for x in work["checkins"]["received"]], [anna])
        self.assertEqual(len(work["checkins"]["missing"]), 11)  # Monday is a program day for everyone
        # Anna's substance use, and the two patients without a group: no sessions this week can
        # bring them to the weekly minimum (program operations flag that on Monday already).
        self.assertEqual(work["open_alerts"]["warning"], 3)
        self.assertEqual(work["checkin_cutoff"], "2026-11-23T12:00:00+01:00")
        self.assertEqual(c.get(f"/api/v1/worklist?program_id={program}&date=23-11-2026").status, 400)

    def test_the_worklist_names_scheduled_measures_closing_today_or_overdue(self):
        program = self.ids["programs"]["addiction"]
        hannah = self.ids["patients"]["Hannah Becker"]     # admitted on a Monday: her weekly window closes tonight
        anna = self.ids["patients"]["Anna Kowalska"]       # admitted three days ago, no AUDIT-C yet
        c = self.login("a.krol")
        scheduled = c.get(f"/api/v1/worklist?program_id={program}").json["measures_scheduled"]
        self.assertTrue(scheduled)
        for m in scheduled:   # nothing still open for days, nothing done
            self.assertTrue(m["status"] == "overdue" or (m["status"], m["window_end"]) == ("due", "2026-11-24T00:00:00+01:00"), m)
        mine = sorted((m["instrument"], m["schedule"], m["status"]) for m in scheduled if m["patient_id"] == hannah)
        self.assertEqual(mine, [("bam_iop", "weekly", "due"), ("gad7", "weekly", "due"), ("phq9", "weekly", "due")])
        self.assertNotIn(anna, [m["patient_id"] for m in scheduled])
        answers = {f"phq9_{i}": 1 for i in range(1, 10)}
        answers["phq9_9"] = 0
        r = self.login("m.zielinska").post(f"/api/v1/patients/{hannah}/assessments", {"instrument": "phq9", "answers": answers})
        self.assertEqual(r.status, 201, r)
        scheduled = c.get(f"/api/v1/worklist?program_id={program}").json["measures_scheduled"]
        self.assertEqual(sorted(m["instrument"] for m in scheduled if m["patient_id"] == hannah), ["bam_iop", "gad7"])
        # A week on, Anna's admission AUDIT-C is overdue and stays on the list until it is taken.
        self.server.advance(8 * 24 * 3600)
        scheduled = self.login("a.krol").get(f"/api/v1/worklist?program_id={program}").json["measures_scheduled"]
        self.assertIn(("audit_c", "at_admission", "overdue", "2026-11-27T00:00:00+01:00"),
                      [(m["instrument"], m["schedule"], m["status"], m["window_end"]) for m in scheduled if m["patient_id"] == anna])

    def test_the_due_list_says_who_may_record_on_the_patients_behalf(self):
        kasia = self.ids["patients"]["Katarzyna Wójcik"]
        expected = {"m.zielinska": {"checkin": True, "measures": True},     # her therapist
                    "a.krol": {"checkin": True, "measures": False},         # program staff: check-ins only
                    "dr.bauer": {"checkin": False, "measures": True}}       # her psychiatrist
        for user, may in expected.items():
            r = self.login(user).get(f"/api/v1/patients/{kasia}/due")
            self.assertEqual((r.status, r.json.get("may_record")), (200, may), user)
        self.assertNotIn("may_record", self.login("anna.k").get(f"/api/v1/patients/{self.ids['patients']['Anna Kowalska']}/due").json)
        # A rule's item is dated in the clinic's time zone like the others.
        answers = {f"phq9_{i}": 1 for i in range(1, 10)}
        r = self.login("m.zielinska").post(f"/api/v1/patients/{kasia}/assessments", {"instrument": "phq9", "answers": answers})
        self.assertEqual(r.status, 201, r)
        now = [d for d in self.login("m.zielinska").get(f"/api/v1/patients/{kasia}/due").json["items"] if d.get("schedule") == "now"]
        self.assertEqual([(d["instrument"], d["window_end"][-6:]) for d in now], [("cssrs_screener", "+01:00")])
