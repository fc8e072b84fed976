#!/usr/bin/env python3
"""Runs every API test module (test_*.py here) against a pomost binary."""
import argparse
import os
import sys
import unittest

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser()
parser.add_argument("--binary", required=True)
parser.add_argument("--sanitized", action="store_true", help="the binary is an ASan/UBSan build (slower)")
parser.add_argument("-k", dest="pattern", help="only tests whose name contains this")
args = parser.parse_args()
os.environ["POMOST_BINARY"] = os.path.abspath(args.binary)
if args.sanitized:
    os.environ["POMOST_SANITIZED"] = "1"
sys.path.insert(0, here)

suite = unittest.defaultTestLoader.discover(here, pattern="test_*.py")
if args.pattern:
    def keep(s):
        out = unittest.TestSuite()
        for t in s:
            if isinstance(t, unittest.TestSuite):
                out.addTests(keep(t))
            elif args.pattern in t.id():
                out.addTest(t)
        return out
    suite = keep(suite)
result = unittest.TextTestRunner(verbosity=1 if not os.environ.get("VERBOSE") else 2).run(suite)
sys.exit(0 if result.wasSuccessful() else 1)
