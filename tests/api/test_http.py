"""HTTP-level behaviour: keep-alive, limits, timeouts, malformed requests, TLS, static files."""
import http.client
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import time

from harness import Server, ServerTest


class Connections(ServerTest):
    server_kwargs = {"settings": {"server.idle_timeout": "1s", "server.header_limit": "4096"}}

    def test_keep_alive_serves_many_requests_on_one_connection(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port)
        socks = set()
        for _ in range(20):
            conn.request("GET", "/healthz")
            r = conn.getresponse()
            r.read()
            self.assertEqual(r.status, 200)
            socks.add(id(conn.sock))
        self.assertEqual(len(socks), 1)

    def test_idle_connections_are_closed(self):
        s = socket.create_connection(("127.0.0.1", self.server.port))
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertIn(b"200 OK", s.recv(65536))
        time.sleep(2.5)
        s.settimeout(5)
        self.assertEqual(s.recv(65536), b"")

    def test_oversized_headers_answer_431(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port)
        conn.request("GET", "/healthz", headers={"X-Big": "x" * 8000})
        r = conn.getresponse()
        self.assertEqual(r.status, 431)
        self.assertEqual(r.getheader("content-type"), "application/problem+json")

    def test_malformed_http_answers_400(self):
        s = socket.create_connection(("127.0.0.1", self.server.port))
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost x\r\nBad Header\r\n\r\n")
        data = s.recv(65536)
        self.assertIn(b"400", data.split(b"\r\n")[0])
        self.assertIn(b"application/problem+json", data)

    def test_a_bad_url_answers_400(self):
        r = self.server.client().get("/api/v1/patients?limit=%zz")
        self.assertIn(r.status, (400,))


class StaticFiles(ServerTest):
    @classmethod
    def setUpClass(cls):
        cls.web = tempfile.mkdtemp(prefix="pomost-web-")
        os.makedirs(os.path.join(cls.web, "assets"))
        with open(os.path.join(cls.web, "index.html"), "w") as f:
            f.write("<!doctype html><title>Pomost</title>")
        with open(os.path.join(cls.web, "assets", "app-1234.js"), "w") as f:
            f.write("console.log(1)")
        cls.server_kwargs = {"settings": {"server.web_root": cls.web}}
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.web, ignore_errors=True)

    def test_index_assets_fallback_and_caching(self):
        c = self.server.client()
        r = c.get("/")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("cache-control"), "no-cache")
        self.assertTrue(r.header("content-type").startswith("text/html"))
        a = c.get("/assets/app-1234.js")
        self.assertEqual(a.header("cache-control"), "public, max-age=31536000, immutable")
        self.assertTrue(a.header("content-type").startswith("text/javascript"))
        again = c.get("/assets/app-1234.js", headers={"If-None-Match": a.header("etag")})
        self.assertEqual(again.status, 304)
        self.assertEqual(c.get("/today").raw, r.raw)          # client-side route
        self.assertEqual(c.get("/assets/missing.js").status, 404)
        self.assertEqual(c.get("/../../etc/passwd").status, 404)
        self.assertEqual(c.post("/", {}).status, 405)


class Tls(ServerTest):
    @classmethod
    def setUpClass(cls):
        cls.certdir = tempfile.mkdtemp(prefix="pomost-tls-")
        cls.cert = os.path.join(cls.certdir, "cert.pem")
        cls.key = os.path.join(cls.certdir, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                        "-subj", "/CN=localhost", "-days", "1", "-keyout", cls.key, "-out", cls.cert],
                       check=True, capture_output=True)
        cls.server_kwargs = {"settings": {"server.tls_cert": cls.cert, "server.tls_key": cls.key}}
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.certdir, ignore_errors=True)

    def test_https_with_hsts_and_secure_cookies(self):
        ctx = ssl.create_default_context(cafile=self.cert)
        ctx.check_hostname = False
        conn = http.client.HTTPSConnection("127.0.0.1", self.server.port, context=ctx)
        conn.request("GET", "/healthz")
        r = conn.getresponse()
        self.assertEqual(r.status, 200)
        self.assertIn("max-age", r.getheader("strict-transport-security"))
        r.read()
        conn.request("POST", "/api/v1/auth/login", body='{"username":"admin","password":"demo-clinic-2026"}',
                     headers={"Content-Type": "application/json"})
        r = conn.getresponse()
        self.assertEqual(r.status, 200)
        self.assertIn("Secure", r.getheader("set-cookie"))
        plain = socket.create_connection(("127.0.0.1", self.server.port))
        plain.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        plain.settimeout(5)
        self.assertNotIn(b"200 OK", plain.recv(65536) or b"")
