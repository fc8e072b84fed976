"""Webhooks from the durable outbox: a receiver that is down, a server restart, then the receiver
up — every event id arrives, none is missing, every signature is valid, and nothing identifies the
patient."""
import hashlib
import hmac
import http.server
import json
import socket
import threading
import time

from harness import ServerTest, demo_ids

SECRET = "a-long-shared-secret-for-tests"


class Receiver:
    def __init__(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        self.received = []
        self.server = None

    def start(self):
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append((dict(self.headers), body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()


class Webhooks(ServerTest):
    def test_down_restart_up_delivers_every_event_once_signed(self):
        ids = demo_ids(self.server)
        receiver = Receiver()
        director = self.login("dr.nowak")
        program = ids["programs"]["addiction"]
        s = director.get(f"/api/v1/programs/{program}/settings").json
        r = director.put(f"/api/v1/programs/{program}/settings", {
            "version": s["version"], "webhooks": [{"url": f"http://127.0.0.1:{receiver.port}/hook", "secret": SECRET}]})
        self.assertEqual(r.status, 200, r)
        tech = self.login("a.krol")
        for name in ("Anna Kowalska", "Piotr Wiśniewski", "Ryan Cooper"):
            r = tech.post(f"/api/v1/patients/{ids['patients'][name]}/checkins", {"answers": {
                "mood": 2, "anxiety": 8, "craving": 7, "used": 0, "sleep_hours": 4, "medication": 1,
                "self_harm_thoughts": 1, "self_harm_intent": 1, "meetings": 0}})
            self.assertEqual(r.status, 201, r)
        expected = set(self.server.sqlite("SELECT id FROM outbox WHERE kind = 'webhook'").split())
        self.assertGreaterEqual(len(expected), 3)
        # The receiver is down: deliveries fail and are retried later.
        deadline = time.time() + 10
        while time.time() < deadline and self.server.sqlite("SELECT count(*) FROM outbox WHERE attempts > 0") == "0":
            time.sleep(0.1)
        self.assertEqual(self.server.sqlite("SELECT count(*) FROM outbox WHERE delivered_at IS NOT NULL"), "0")
        # Restart the server (later, on the simulated clock), then bring the receiver up.
        self.server.stop()
        self.server.simulated_clock = "2026-11-23T08:10:00Z"
        self.server.start()
        receiver.start()
        try:
            def drain():
                deadline = time.time() + 20
                while time.time() < deadline and self.server.sqlite(
                        "SELECT count(*) FROM outbox WHERE kind = 'webhook' AND delivered_at IS NULL") != "0":
                    self.server.advance(5)  # the simulated clock stands still: let retry back-off elapse
                    time.sleep(0.2)
            drain()
            # Stop, so no new events appear while we compare; deliver any that came meanwhile.
            self.server.stop()
            if self.server.sqlite("SELECT count(*) FROM outbox WHERE kind = 'webhook' AND delivered_at IS NULL") != "0":
                self.server.start()
                drain()
                self.server.stop()
            self.assertEqual(self.server.sqlite("SELECT count(*) FROM outbox WHERE kind = 'webhook' AND delivered_at IS NULL"), "0",
                             self.server.sqlite("SELECT * FROM outbox WHERE kind = 'webhook' AND delivered_at IS NULL"))
            got = {}
            for headers, body in receiver.received:
                event = headers["X-Pomost-Event-Id"]
                ts = headers["X-Pomost-Timestamp"]
                want = "sha256=" + hmac.new(SECRET.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
                self.assertEqual(headers["X-Pomost-Signature"], want)
                payload = json.loads(body)
                self.assertEqual(payload["event_id"], event)
                self.assertEqual(set(payload) - {"recipient"},
                                 {"event_id", "alert_id", "program_id", "severity", "status", "raised_at", "deadline", "link"})
                for name in ("Anna", "Kowalska", "Piotr", "Ryan"):
                    self.assertNotIn(name, body.decode())
                got[event] = payload
            # Every event id, none missing: those queued while the receiver was down and those the
            # restart's escalations added since.
            everything = set(self.server.sqlite("SELECT id FROM outbox WHERE kind = 'webhook'").split())
            self.assertTrue(expected <= everything)
            self.assertEqual(set(got), everything)
        finally:
            receiver.stop()
            self.server.start()  # the class tears a running server down
