#!/usr/bin/python3
"""tls-idle.py: hold N idle TLS keep-alive connections open to an HTTPS
server, for the server's memory per idle connection.

    bench/tls-idle.py [-n N] [-d SECONDS] [--name NAME] --bundle PEM HOST:PORT PATH

Each connection: TCP connect, TLS 1.3 handshake with the client certificate
of PEM (a bundle from `samend pki issue`: key, certificate, CA), one
"GET PATH" with keep-alive (Python's http.client), the whole answer read;
then nothing.  Like
samen-load, it sends its own certificate alone, not the CA after it (a
server keeps every certificate the client sent for as long as the
connection lives).  The server's certificate is not checked (the script
measures the server's memory, not its identity).  Once all N are open it prints

    NAME_connections N count
    NAME_setup_time S s

and holds them until SIGTERM or SIGINT, or SECONDS (default 600) have
passed.  Exit 0; 1 when the bundle cannot be read or a connection fails
(the reason on stderr); 64 for usage.  bench/run uses it against nginx, beside samen-load's `idle`
against samend.
"""

import argparse
import http.client
import os
import re
import signal
import ssl
import sys
import tempfile
import time


def fail(msg, code=1):
    print("tls-idle.py: " + msg, file=sys.stderr)
    sys.exit(code)


PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z ]+)-----.*?-----END \1-----", re.S)


def load_key_and_leaf(ctx, bundle):
    """Loads the bundle's key and its first certificate, not the CA."""
    try:
        with open(bundle) as f:
            blocks = [(m.group(1), m.group(0)) for m in PEM_BLOCK.finditer(f.read())]
    except (OSError, UnicodeDecodeError) as e:
        fail("cannot read %s: %s" % (bundle, e))
    key = next((b for kind, b in blocks if kind.endswith("PRIVATE KEY")), None)
    leaf = next((b for kind, b in blocks if kind == "CERTIFICATE"), None)
    if key is None or leaf is None:
        fail("%s: no private key or no certificate in it" % bundle)
    with tempfile.TemporaryDirectory() as d:   # 0700, removed at once
        path = os.path.join(d, "client.pem")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(key + "\n" + leaf + "\n")
        try:
            ctx.load_cert_chain(path)
        except (OSError, ssl.SSLError) as e:
            fail("cannot use %s: %s" % (bundle, e))


def main():
    ap = argparse.ArgumentParser(
        description="Hold N idle TLS keep-alive connections to an HTTPS server.")
    ap.add_argument("-n", type=int, default=1000, help="connections (1000)")
    ap.add_argument("-d", type=int, default=600,
                    help="seconds to hold them at most (600)")
    ap.add_argument("--name", default="tls_idle", help="prefix of the figures")
    ap.add_argument("--bundle", required=True,
                    help="key, certificate and CA in one PEM file")
    ap.add_argument("target", help="HOST:PORT")
    ap.add_argument("path", help="the path to GET, e.g. /r100")
    try:
        a = ap.parse_args()
    except SystemExit as e:
        sys.exit(0 if e.code == 0 else 64)
    host, sep, port = a.target.rpartition(":")
    if (not sep or not port.isdigit() or not 0 < int(port) < 65536
            or a.n < 1 or a.d < 1):
        fail("usage: HOST:PORT (a port from 1 to 65535), -n 1 or more, "
             "-d 1 or more", 64)

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    load_key_and_leaf(ctx, a.bundle)

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))

    conns = []
    t0 = time.monotonic()
    for i in range(a.n):
        if stop:
            fail("stopped after %d connections" % i)
        c = http.client.HTTPSConnection(host, int(port), timeout=10,
                                        context=ctx)
        try:
            c.request("GET", a.path)
            r = c.getresponse()
            r.read()
        except (OSError, http.client.HTTPException) as e:
            fail("connection %d: %s" % (i + 1, e))
        if r.status != 200:
            fail("connection %d: %d %s" % (i + 1, r.status, r.reason))
        conns.append(c)
    print("%s_connections %d count" % (a.name, len(conns)))
    print("%s_setup_time %.3f s" % (a.name, time.monotonic() - t0))
    sys.stdout.flush()

    end = time.monotonic() + a.d
    while not stop and time.monotonic() < end:
        time.sleep(0.2)
    for c in conns:
        c.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
