#!/usr/bin/env python3
"""tests/cli/agent_peer.py: the signing agent's protocol (docs/AGENT.md) spoken by hand, for
tests/cli/test_agent.sh: as a client, polite or not, and as a rogue agent.

  agent_peer.py client SOCKET MODE
      Sends one request and prints the reply: "ok N HEX" (status 0, N body bytes), "error TEXT"
      (status 1), "closed" when the agent closes the connection without a reply, or "timeout".
      MODE: pubkey, sign (the message "hello"), garbage (bytes that are no request),
      version2, type9, oversized (a sign request declaring 2 GiB), pubkey-body (a public key
      request with a body), truncated (declares 100 bytes, sends 10, stops writing), silent
      (sends nothing).
  agent_peer.py rogue SOCKET PUBHEX MODE READY
      A fake agent at SOCKET, until killed: answers a public key request with PUBHEX and a sign
      request according to MODE: badsig (64 bytes that are no signature), short (10 bytes),
      error (an error reply). Writes READY once it listens.
"""
import socket
import struct
import sys

VERSION, PUBKEY, SIGN = 1, 1, 2


def header(kind, length):
    return struct.pack(">BBI", VERSION, kind, length)


def read_exactly(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def client(path, mode):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    s.connect(path)
    requests = {
        "pubkey": header(PUBKEY, 0),
        "sign": header(SIGN, 5) + b"hello",
        "garbage": b"GET / HTTP/1.0\r\n\r\n",
        "version2": struct.pack(">BBI", 2, PUBKEY, 0),
        "type9": header(9, 0),
        "oversized": header(SIGN, 0x80000000),
        "pubkey-body": header(PUBKEY, 3) + b"abc",
        "truncated": header(SIGN, 100) + b"0123456789",
        "silent": b"",
    }
    try:
        s.sendall(requests[mode])
        if mode == "truncated":
            s.shutdown(socket.SHUT_WR)
        h = read_exactly(s, 6)
        if h is None:
            print("closed")
            return
        version, status, length = struct.unpack(">BBI", h)
        body = read_exactly(s, length) or b""
        if status == 0:
            print("ok %d %s" % (len(body), body.hex()))
        else:
            print("error %s" % body.decode("ascii", "replace"))
    except socket.timeout:
        print("timeout")
    except (BrokenPipeError, ConnectionResetError):
        print("closed")


def rogue(path, pubhex, mode, ready):
    pub = bytes.fromhex(pubhex)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(4)
    with open(ready, "w") as f:
        f.write("ready\n")
    while True:
        c, _ = srv.accept()
        c.settimeout(10)
        try:
            h = read_exactly(c, 6)
            if h is None:
                continue
            _, kind, length = struct.unpack(">BBI", h)
            read_exactly(c, length)
            if kind == PUBKEY:
                c.sendall(header(0, 32) + pub)
            elif mode == "badsig":
                c.sendall(header(0, 64) + bytes(range(64)))
            elif mode == "short":
                c.sendall(header(0, 10) + bytes(10))
            else:
                c.sendall(header(1, 10) + b"key locked")
        except OSError:
            pass
        finally:
            c.close()


if __name__ == "__main__":
    if sys.argv[1] == "client":
        client(sys.argv[2], sys.argv[3])
    else:
        rogue(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
