"""Sessions: idle and absolute expiry, logout, cookies with CSRF, remembered patient devices,
password changes, login throttling. Time moves through the test build's simulated clock."""
from harness import STAFF_PASSWORD, PATIENT_PASSWORD, ServerTest


class Sessions(ServerTest):
    def test_staff_session_expires_after_15_idle_minutes(self):
        c = self.login("m.zielinska")
        self.server.advance(14 * 60)
        self.assertEqual(c.get("/api/v1/me").status, 200)  # activity resets the idle timer
        self.server.advance(14 * 60)
        self.assertEqual(c.get("/api/v1/me").status, 200)
        self.server.advance(15 * 60 + 1)
        r = c.get("/api/v1/me")
        self.assertProblem(r, 401)
        self.assertTrue(r.json["type"].endswith("/session-expired"))
        self.assertEqual(c.get("/api/v1/me").status, 401)  # ended for good

    def test_staff_session_ends_after_12_hours_whatever_the_activity(self):
        c = self.login("j.hoffmann")
        minutes = 0
        while True:
            self.server.advance(10 * 60)
            minutes += 10
            r = c.get("/api/v1/me")
            if r.status != 200 or minutes > 13 * 60:
                break
        self.assertEqual(minutes, 12 * 60)
        self.assertProblem(r, 401)
        self.assertTrue(r.json["type"].endswith("/session-expired"))

    def test_patient_remembered_device_lasts_seven_idle_days(self):
        remembered = self.login("emily.c", remember=True)
        plain = self.login("magdalena.l")
        me = remembered.get("/api/v1/me")
        self.assertEqual(me.status, 200, me)
        self.assertEqual(me.json["role"], "patient")
        self.assertIn("crisis_resources", me.json)
        self.assertEqual([x["phone"] for x in me.json["crisis_resources"]][:3], ["112", "116 123", "800 70 2222"])
        self.assertEqual(me.json["crisis_resources"][0]["name"], "Emergency number")
        self.assertNotIn("translations", me.json["crisis_resources"][0])
        # A patient reading Polish gets the Polish wording of the same lines.
        self.assertEqual(plain.get("/api/v1/me").json["crisis_resources"][0]["name"], "Numer alarmowy")
        self.server.advance(6 * 24 * 3600)
        self.assertEqual(plain.get("/api/v1/me").status, 401)   # staff-length session for a patient who did not ask
        self.assertEqual(remembered.get("/api/v1/me").status, 200)
        self.server.advance(7 * 24 * 3600 + 1)
        self.assertEqual(remembered.get("/api/v1/me").status, 401)

    def test_logout_ends_the_session(self):
        c = self.login("k.wolf")
        r = c.post("/api/v1/auth/logout")
        self.assertEqual(r.status, 204, r)
        self.assertIn("Max-Age=0", r.header("set-cookie"))
        self.assertEqual(c.get("/api/v1/me").status, 401)
        self.assertEqual(self.server.sqlite("SELECT count(*) FROM audit_log WHERE action = 'logout'"), "1")

    def test_tokens_are_stored_only_as_hashes(self):
        c = self.login("s.price")
        self.assertEqual(self.server.sqlite(f"SELECT count(*) FROM sessions WHERE token_hash = CAST('{c.token}' AS BLOB)"), "0")
        self.assertEqual(len(c.token), 43)  # 256 random bits, base64url

    def test_cookie_sessions_need_the_csrf_header_to_change_state(self):
        c = self.login("n.schulz")
        cookie_client = self.server.client()
        h = {"Cookie": c.cookie}
        self.assertIn("HttpOnly", self.server.client().login("n.schulz", STAFF_PASSWORD).header("set-cookie"))
        self.assertIn("SameSite=Strict", self.server.client().login("n.schulz", STAFF_PASSWORD).header("set-cookie"))
        self.assertEqual(cookie_client.get("/api/v1/me", headers=h).status, 200)
        r = cookie_client.request("PATCH", "/api/v1/me", {"language": "de"}, headers=h)
        self.assertProblem(r, 403)
        self.assertTrue(r.json["type"].endswith("/csrf"))
        r = cookie_client.request("PATCH", "/api/v1/me", {"language": "de"}, headers=dict(h, **{"X-CSRF-Token": "wrong"}))
        self.assertEqual(r.status, 403)
        r = cookie_client.request("PATCH", "/api/v1/me", {"language": "de"}, headers=dict(h, **{"X-CSRF-Token": c.csrf}))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(c.get("/api/v1/me").json["language"], "de")
        # A reloaded page asks for its CSRF token again with the cookie alone.
        s = cookie_client.get("/api/v1/auth/session", headers=h)
        self.assertEqual(s.status, 200, s)
        self.assertEqual(s.json["csrf_token"], c.csrf)
        self.assertEqual(s.json["user"]["username"], "n.schulz")
        other = self.login("n.schulz")
        self.assertNotEqual(other.csrf, c.csrf)  # per session

    def test_password_change(self):
        c = self.login("l.green")
        other = self.login("l.green")
        r = c.patch("/api/v1/me", {"current_password": "wrong wrong wrong", "new_password": "a fresh long phrase 42"})
        self.assertProblem(r, 422, ["current_password"])
        self.server.advance(60)  # past the throttle delay of that failure
        r = c.patch("/api/v1/me", {"current_password": STAFF_PASSWORD, "new_password": "password1234"})
        self.assertProblem(r, 422, ["new_password"])
        r = c.patch("/api/v1/me", {"current_password": STAFF_PASSWORD, "new_password": "a fresh long phrase 42"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(other.get("/api/v1/me").status, 401)   # other sessions end
        self.assertEqual(c.get("/api/v1/me").status, 200)       # this one goes on
        self.assertEqual(self.server.client().login("l.green", STAFF_PASSWORD).status, 401)
        self.server.advance(2)  # that failure delays the account by a second
        self.assertEqual(self.server.client().login("l.green", "a fresh long phrase 42").status, 200)


class Throttling(ServerTest):
    def test_each_failure_doubles_the_delay_and_unknown_users_look_the_same(self):
        self.server.advance(16 * 60)  # out of any address window another test left behind
        for username in ("t.malinowski", "no.such.user"):
            c = self.server.client()
            waits = []
            for attempt in range(4):
                r = c.login(username, "not the password")
                self.assertEqual(r.status, 401, r)
                self.assertEqual(r.json["detail"], "The username or password is not correct.")
                r = c.login(username, "not the password")
                self.assertProblem(r, 429)
                waits.append(int(r.header("retry-after")))
                self.server.advance(waits[-1])
            self.assertEqual(waits, [1, 2, 4, 8], username)
        # The right password is refused while throttled, accepted after the delay, and resets it.
        c = self.server.client()
        self.assertEqual(c.login("t.malinowski", "not the password").status, 401)  # fifth failure -> 16 s
        self.assertEqual(c.login("t.malinowski", STAFF_PASSWORD).status, 429)
        self.server.advance(16)
        self.assertEqual(c.login("t.malinowski", STAFF_PASSWORD).status, 200)
        self.assertEqual(self.server.client().login("t.malinowski", "not the password").status, 401)
        r = self.server.client().login("t.malinowski", "not the password")
        self.assertEqual(int(r.header("retry-after")), 1)

    def test_an_address_with_more_than_50_failures_is_throttled(self):
        self.server.advance(3600)
        for i in range(50):
            r = self.server.client().login(f"spray.{i}", "guess guess guess")
            self.assertEqual(r.status, 401, (i, r))
        r = self.server.client().login("spray.new", "guess guess guess")
        self.assertEqual(r.status, 401)  # the 51st failure sets the address delay
        r = self.server.client().login("a.krol", STAFF_PASSWORD)
        self.assertProblem(r, 429)
        self.server.advance(2)
        self.assertEqual(self.server.client().login("a.krol", STAFF_PASSWORD).status, 200)
        failed = int(self.server.sqlite("SELECT count(*) FROM audit_log WHERE action = 'login' AND outcome = 'failed'"))
        self.assertGreaterEqual(failed, 51)
        throttled = int(self.server.sqlite("SELECT count(*) FROM audit_log WHERE action = 'login' AND outcome = 'throttled'"))
        self.assertGreaterEqual(throttled, 1)
        self.server.advance(16 * 60)


class Activation(ServerTest):
    def test_patient_account_invite_and_one_time_activation(self):
        import harness
        ids = harness.demo_ids(self.server)
        ther = self.login("m.zielinska")
        pid = ids["patients"]["Katarzyna Wójcik"]
        r = ther.post(f"/api/v1/patients/{pid}/account", {"username": "Kasia.W"})
        self.assertEqual(r.status, 201, r)
        code = r.json["invite_code"]
        self.assertEqual(r.json["username"], "kasia.w")
        anon = self.server.client()
        r = anon.post("/api/v1/auth/activate", {"invite_code": code, "password": "short"})
        self.assertProblem(r, 422, ["password"])
        r = anon.post("/api/v1/auth/activate", {"invite_code": "AAAA-BBBB-CCCC", "password": "my own long passphrase"})
        self.assertProblem(r, 422, ["invite_code"])
        r = anon.post("/api/v1/auth/activate", {"invite_code": code.lower(), "password": "my own long passphrase"})
        self.assertEqual(r.status, 200, r)
        r = anon.post("/api/v1/auth/activate", {"invite_code": code, "password": "my own long passphrase"})
        self.assertEqual(r.status, 422)  # one time only
        p = self.server.client()
        self.assertEqual(p.login("kasia.w", "my own long passphrase").status, 200)
        me = p.get("/api/v1/me").json
        self.assertEqual(me["patient_id"], pid)
        self.assertEqual(me["episode_id"], ids["episodes"][pid])
        r = ther.post(f"/api/v1/patients/{pid}/account", {"username": "kasia.again"})
        self.assertProblem(r, 409)

    def test_expired_invites_are_refused(self):
        import harness
        ids = harness.demo_ids(self.server)
        ther = self.login("m.zielinska")
        pid = ids["patients"]["Felix Schneider"]
        r = ther.post(f"/api/v1/patients/{pid}/account", {"username": "felix.s"})
        self.assertEqual(r.status, 201, r)
        self.server.advance(8 * 24 * 3600)
        r = self.server.client().post("/api/v1/auth/activate", {"invite_code": r.json["invite_code"], "password": "my own long passphrase"})
        self.assertProblem(r, 422, ["invite_code"])
