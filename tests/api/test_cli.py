"""The command line of api.md: init, serve, migrate, audit verify, backup, version; configuration
from TOML, environment and flags; graceful shutdown."""
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

from harness import BINARY, Server


def run(*args, stdin=None, env=None):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([BINARY] + list(args), input=stdin, capture_output=True, text=True, timeout=120, env=e)


class Commands(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="pomost-cli-")
        self.db = os.path.join(self.dir, "clinic.db")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def test_version(self):
        r = run("version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^pomost \d+\.\d+\.\d+")

    def test_init_then_serve_then_refuse_demo(self):
        r = run("init", "--admin", "Chief", "--db", self.db, stdin="password1234\n")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("password", r.stderr)
        r = run("init", "--admin", "Chief", "--org-name", "Klinika Most", "--time-zone", "Europe/Warsaw", "--db", self.db,
                stdin="a long admin passphrase\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.exists(self.db + ".secret"))
        self.assertEqual(oct(os.stat(self.db + ".secret").st_mode & 0o777), "0o600")
        r = run("init", "--admin", "other", "--db", self.db, stdin="a long admin passphrase\n")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("already", r.stderr)
        s = Server(demo=False, directory=self.dir)
        s.db = self.db
        s.start()
        try:
            c = s.client()
            self.assertEqual(c.login("chief", "a long admin passphrase").status, 200)
            self.assertIsNone(c.get("/healthz").header("x-pomost-demo"))
        finally:
            s.stop()
        r = run("serve", "--demo", "--db", self.db, "--listen", "127.0.0.1:0")
        self.assertEqual(r.returncode, 2)
        self.assertIn("non-demo", r.stderr)
        self.assertEqual(run("audit", "verify", "--db", self.db).returncode, 0)

    def test_serve_refuses_an_empty_database(self):
        r = run("serve", "--db", self.db, "--listen", "127.0.0.1:0")
        self.assertEqual(r.returncode, 2)
        self.assertIn("pomost init", r.stderr)

    def test_migrate_is_idempotent(self):
        r = run("migrate", "--db", self.db)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("0001_foundation", r.stdout)
        r = run("migrate", "--db", self.db)
        self.assertIn("0 migrations applied", r.stdout)

    def test_backup_is_consistent_and_verifiable(self):
        s = Server(directory=self.dir).start()
        try:
            c = s.login("m.zielinska")
            for i in range(20):
                c.post("/api/v1/patients", {"given_name": "B", "family_name": f"Backup{i}", "birth_date": "1990-01-01",
                                            "sex": "male", "preferred_language": "en"})
            copy = os.path.join(self.dir, "copy.db")
            r = s.run("backup", copy)  # while the server runs
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertNotEqual(s.run("backup", copy).returncode, 0)  # never overwrites
        finally:
            s.stop()
        out = subprocess.run(["sqlite3", copy, "PRAGMA integrity_check; SELECT count(*) FROM patients WHERE family_name LIKE 'Backup%';"],
                             capture_output=True, text=True).stdout.split()
        self.assertEqual(out, ["ok", "20"])
        r = run("audit", "verify", "--db", copy, "--set", f"security.secret_file={s.db}.secret",
                "--set", f"security.anchor_file={copy}.audit-anchor")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_configuration_precedence_file_env_flag(self):
        cfg = os.path.join(self.dir, "pomost.toml")
        with open(cfg, "w") as f:
            f.write('[auth]\nstaff_idle = "2m"\n[log]\nlevel = "warn"\n')
        s = Server(directory=self.dir, extra_args=["--config", cfg])
        s.start()
        try:
            self.assertEqual(s.client().login("admin", "demo-clinic-2026").json["idle_timeout_seconds"], 120)
        finally:
            s.stop()
        os.environ["POMOST_AUTH_STAFF_IDLE"] = "3m"
        try:
            s = Server(directory=self.dir, extra_args=["--config", cfg]).start()
            self.assertEqual(s.client().login("admin", "demo-clinic-2026").json["idle_timeout_seconds"], 180)
            s.stop()
            s = Server(directory=self.dir, extra_args=["--config", cfg], settings={"auth.staff_idle": "4m"}).start()
            self.assertEqual(s.client().login("admin", "demo-clinic-2026").json["idle_timeout_seconds"], 240)
            s.stop()
        finally:
            del os.environ["POMOST_AUTH_STAFF_IDLE"]
        with open(cfg, "w") as f:
            f.write('[auth]\nstaff_idel = "2m"\n')
        r = run("serve", "--config", cfg, "--db", self.db)
        self.assertEqual(r.returncode, 1)
        self.assertIn("auth.staff_idel", r.stderr)
        r = run("serve", "--db", self.db, "--set", "server.listen=nonsense")
        self.assertEqual(r.returncode, 1)
        self.assertIn("server.listen", r.stderr)

    def test_demo_mode_is_visible_and_sigterm_drains(self):
        s = Server(directory=self.dir).start()
        token = s.login("m.zielinska").token
        acked, failed = [], []

        def writer(n):
            c = s.client(token=token)
            for i in range(200):
                try:
                    r = c.post("/api/v1/patients", {"given_name": "Drain", "family_name": f"W{n}-{i}", "birth_date": "1990-01-01",
                                                    "sex": "male", "preferred_language": "en"})
                except Exception:
                    return
                if r.status == 201:
                    acked.append(r.json["id"])
                else:
                    failed.append(r.status)
                    return

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        rc = s.stop(signal.SIGTERM)
        for t in threads:
            t.join()
        self.assertEqual(rc, 0)
        self.assertTrue(any("DEMO MODE" in line for line in s.stderr_lines))
        self.assertTrue(any("stopped cleanly" in line for line in s.stderr_lines))
        present = set(s.sqlite("SELECT id FROM patients WHERE given_name = 'Drain'").split())
        self.assertTrue(acked)
        self.assertEqual([a for a in acked if a not in present], [])
        self.assertEqual(s.run("audit", "verify").returncode, 0)
