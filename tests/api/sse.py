"""A minimal server-sent-events client for the API tests (standard library only)."""
import http.client
import json
import threading
import time


class SseClient:
    def __init__(self, port, token, last_event_id=None):
        self.events = []          # (id, event, data) in arrival order
        self.comments = 0
        self.closed = False
        self.lock = threading.Lock()
        headers = {"Authorization": "Bearer " + token, "Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.conn.request("GET", "/api/v1/alerts/stream", headers=headers)
        self.resp = self.conn.getresponse()
        self.status = self.resp.status
        self.content_type = self.resp.getheader("content-type")
        if self.status == 200:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        ev = {}
        try:
            while True:
                line = self.resp.fp.readline()
                if not line:
                    break
                line = line.decode().rstrip("\n")
                if line == "":
                    if ev:
                        with self.lock:
                            self.events.append((ev.get("id"), ev.get("event"), ev.get("data")))
                    ev = {}
                elif line.startswith(":"):
                    with self.lock:
                        self.comments += 1
                else:
                    k, _, v = line.partition(":")
                    ev[k] = v[1:] if v.startswith(" ") else v
        except Exception:
            pass
        self.closed = True

    def wait_for(self, pred, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                for e in self.events:
                    if pred(e):
                        return e
            time.sleep(0.02)
        return None

    def alerts(self):
        with self.lock:
            return [(int(i), json.loads(d)) for i, ev, d in self.events if ev == "alert"]

    def close(self):
        try:
            self.conn.sock.shutdown(2)
        except Exception:
            pass
        self.conn.close()
