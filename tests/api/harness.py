"""Starts the real `pomost` binary on a free port with a temporary database and talks HTTP to it.

Nothing is mocked: every test drives the server the way the web app and integrations do.
"""
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

BINARY = os.environ.get("POMOST_BINARY", "build/test/src/pomost")
SANITIZED = os.environ.get("POMOST_SANITIZED") == "1"
STAFF_PASSWORD = "demo-clinic-2026"
PATIENT_PASSWORD = "demo-patient-2026"
T0 = "2026-11-23T08:00:00Z"  # the simulated clock's start: a Monday, 09:00 in Warsaw


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = {k.lower(): v for k, v in headers}
        self.raw = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    def header(self, name):
        return self.headers.get(name.lower())

    def fields(self):
        """The field paths of a problem's errors."""
        return [e["field"] for e in (self.json or {}).get("errors", [])]

    def __repr__(self):
        return f"<{self.status} {self.raw[:300]!r}>"


class Server:
    """One pomost process with its own database directory."""

    def __init__(self, demo=True, simulated_clock=T0, settings=None, extra_args=None, directory=None):
        self.dir = directory or tempfile.mkdtemp(prefix="pomost-api-")
        self.owns_dir = directory is None
        self.db = os.path.join(self.dir, "pomost.db")
        self.demo = demo
        self.simulated_clock = simulated_clock
        self.settings = settings or {}
        self.extra_args = extra_args or []
        self.proc = None
        self.port = None
        self.stdout_lines = []
        self.logins = {}

    def args(self, command="serve"):
        a = [BINARY, command, "--db", self.db]
        for k, v in self.settings.items():
            a += ["--set", f"{k}={v}"]
        return a

    def start(self):
        args = self.args("serve") + ["--listen", "127.0.0.1:0"] + self.extra_args
        if self.demo:
            args.append("--demo")
        if self.simulated_clock:
            args += ["--simulated-clock", self.simulated_clock]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.stderr_lines = getattr(self, "stderr_lines", [])
        deadline = time.time() + (60 if SANITIZED else 20)
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                if self.proc.poll() is not None:
                    raise RuntimeError("pomost exited: " + self.proc.stderr.read())
                continue
            self.stdout_lines.append(line)
            m = re.match(r"\s+(\S+)\s+(demo-\S+)\s+(\w+) - ", line)
            if m:
                self.logins[m.group(1)] = (m.group(2), m.group(3))
            m = re.search(r"listening on https?://[^:]+:(\d+)", line)
            if m:
                self.port = int(m.group(1))
                break
        if not self.port:
            raise RuntimeError("pomost did not start")
        # Keep draining the pipes so the server never blocks on a full pipe.
        threading.Thread(target=self._drain, args=(self.proc.stdout, self.stdout_lines), daemon=True).start()
        threading.Thread(target=self._drain, args=(self.proc.stderr, self.stderr_lines), daemon=True).start()
        return self

    @staticmethod
    def _drain(stream, sink):
        for line in stream:
            sink.append(line)

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode if self.proc else None
        time.sleep(0.05)  # let the drain threads take the last lines
        self.proc = None
        return rc

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.proc = None

    def cleanup(self):
        self.stop()
        if self.owns_dir:
            shutil.rmtree(self.dir, ignore_errors=True)
        reports = self.sanitizer_reports()
        if reports:
            raise AssertionError("sanitizer report from pomost:\n" + "".join(reports[:40]))

    def sanitizer_reports(self):
        """Lines in which ASan, LSan or UBSan reported a problem (the server's stderr)."""
        marks = ("AddressSanitizer", "LeakSanitizer", "runtime error:", "UndefinedBehaviorSanitizer")
        lines = getattr(self, "stderr_lines", [])
        for i, line in enumerate(lines):
            if any(m in line for m in marks):
                return lines[i:]
        return []

    def run(self, *command, stdin=None):
        """Runs another pomost command against this server's database."""
        a = [BINARY] + list(command) + ["--db", self.db]
        return subprocess.run(a, input=stdin, capture_output=True, text=True, timeout=120)

    def client(self, **kw):
        return Client(self.port, **kw)

    def login(self, username, password=None, remember=False):
        c = self.client()
        r = c.login(username, password or (PATIENT_PASSWORD if username in ("anna.k", "magdalena.l", "emily.c") else STAFF_PASSWORD), remember)
        if r.status != 200:
            raise AssertionError(f"login {username} failed: {r}")
        return c

    def advance(self, seconds):
        r = self.client().post("/api/v1/__test/clock", {"advance_ms": int(seconds * 1000)})
        assert r.status == 200, r
        return r.json["now"]

    def sqlite(self, sql):
        return subprocess.run(["sqlite3", self.db, sql], capture_output=True, text=True, check=True).stdout.strip()


class Client:
    """HTTP/1.1 keep-alive client; remembers a session token when it logs in."""

    def __init__(self, port, token=None):
        self.port = port
        self.token = token
        self.conn = None
        self.user = None
        self.csrf = None
        self.cookie = None

    def _connection(self):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        return self.conn

    def request(self, method, path, body=None, headers=None, raw=None, auth=True):
        h = {}
        if self.token and auth:
            h["Authorization"] = "Bearer " + self.token
        data = None
        if raw is not None:
            data = raw if isinstance(raw, bytes) else raw.encode()
        elif body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        if headers:
            h.update(headers)
        for attempt in range(2):
            try:
                conn = self._connection()
                conn.request(method, path, body=data, headers=h)
                resp = conn.getresponse()
                payload = resp.read().decode("utf-8", "replace")
                r = Response(resp.status, resp.getheaders(), payload)
                if resp.will_close:
                    self.close()
                return r
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 1:
                    raise

    def close(self):
        if self.conn:
            self.conn.close()
            self.conn = None

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body if body is not None else {}, **kw)

    def put(self, path, body, **kw):
        return self.request("PUT", path, body, **kw)

    def patch(self, path, body, **kw):
        return self.request("PATCH", path, body, **kw)

    def login(self, username, password, remember=False):
        body = {"username": username, "password": password}
        if remember:
            body["remember_device"] = True
        r = self.request("POST", "/api/v1/auth/login", body, auth=False)
        if r.status == 200:
            self.token = r.json["token"]
            self.csrf = r.json["csrf_token"]
            self.user = r.json["user"]
            cookie = r.header("set-cookie") or ""
            self.cookie = cookie.split(";")[0]
        return r


class ServerTest(unittest.TestCase):
    """A test class sharing one demo server (started once per class)."""

    server_kwargs = {}

    @classmethod
    def setUpClass(cls):
        cls.server = Server(**cls.server_kwargs).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def login(self, username, **kw):
        return self.server.login(username, **kw)

    def assertProblem(self, r, status, fields=None):
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.header("content-type"), "application/problem+json", r)
        for key in ("type", "title", "status", "detail", "errors"):
            self.assertIn(key, r.json, r)
        self.assertEqual(r.json["status"], status)
        self.assertTrue(r.header("x-request-id"))
        if fields is not None:
            self.assertEqual(sorted(r.fields()), sorted(fields), r)


def demo_ids(server):
    """Ids of the demo clinic's records, read with the sqlite3 tool."""
    def rows(sql):
        out = server.sqlite(sql)
        return [line.split("|") for line in out.splitlines() if line]

    ids = {"programs": {}, "users": {}, "patients": {}, "episodes": {}, "groups": {}, "tracks": {}}
    for pid, name in rows("SELECT id, name FROM programs"):
        ids["programs"]["addiction" if "Recovery" in name else "mood"] = pid
    for uid, username in rows("SELECT id, username FROM users"):
        ids["users"][username] = uid
    for pid, given, family in rows("SELECT id, given_name, family_name FROM patients"):
        ids["patients"][f"{given} {family}"] = pid
    for eid, pid in rows("SELECT id, patient_id FROM episodes WHERE status = 'active'"):
        ids["episodes"][pid] = eid
    for gid, name in rows("SELECT id, name FROM groups"):
        ids["groups"][name] = gid
    for tid, pid in rows("SELECT id, program_id FROM tracks"):
        ids["tracks"][pid] = tid
    return ids
