"""A small WebSocket client for the gateway's tests, stdlib only (socket
and hand-written RFC 6455 framing), independent of src/http.

    ws = WS(port)                       # upgrade; ws.challenge is the event
    res = ws.connect(token="...")       # the connect response frame
    res = ws.call("health", {})         # a res frame; events go to ws.events
    ev = ws.next_event("chat")          # wait for an event
    ws.recv()                           # next frame; raises Closed(code)

Device identities are signed with the openssl CLI (ed25519).
"""
import base64
import hashlib
import json
import os
import socket
import struct
import subprocess
import tempfile
import time


class Closed(Exception):
    def __init__(self, code, reason):
        super().__init__("closed %s %s" % (code, reason))
        self.code = code
        self.reason = reason


class WS:
    def __init__(self, port, host="127.0.0.1", timeout=10, rcvbuf=None):
        if rcvbuf:
            # a small receive window, set before connecting: a client that
            # stops reading then backs the server's output up quickly
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
            self.sock.settimeout(timeout)
            self.sock.connect((host, port))
        else:
            self.sock = socket.create_connection((host, port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        req = ("GET / HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
               "Sec-WebSocket-Version: 13\r\n\r\n" % (host, port, key))
        self.sock.sendall(req.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise IOError("no handshake response")
            head += chunk
        head, self.buf = head.split(b"\r\n\r\n", 1)
        self.status = head.split(b"\r\n")[0].decode()
        if " 101 " not in self.status:
            raise IOError("handshake refused: " + self.status)
        want = base64.b64encode(hashlib.sha1(
            (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest())
        if want not in head:
            raise IOError("bad Sec-WebSocket-Accept")
        self.events = []
        self.n = 0
        self.challenge = self.recv()

    # ---- framing ----
    def send_frame(self, opcode, data):
        hdr = bytes([0x80 | opcode])
        n = len(data)
        if n < 126:
            hdr += bytes([0x80 | n])
        elif n < 65536:
            hdr += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            hdr += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        body = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.sock.sendall(hdr + mask + body)

    def send(self, obj):
        data = obj if isinstance(obj, (bytes, str)) else json.dumps(obj)
        if isinstance(data, str):
            data = data.encode()
        self.send_frame(1, data)

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise Closed(1006, "eof")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv_frame(self):
        b0, b1 = self._read(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack(">H", self._read(2))[0]
        elif n == 127:
            n = struct.unpack(">Q", self._read(8))[0]
        if b1 & 0x80:
            raise IOError("server frames must not be masked")
        return b0 & 0x0F, self._read(n)

    def recv(self, timeout=10):
        self.sock.settimeout(timeout)
        while True:
            op, data = self.recv_frame()
            if op == 1:
                return json.loads(data)
            if op == 8:
                code = struct.unpack(">H", data[:2])[0] if len(data) >= 2 else 1005
                raise Closed(code, data[2:].decode(errors="replace"))
            if op == 9:
                self.send_frame(10, data)

    def close(self):
        try:
            self.send_frame(8, struct.pack(">H", 1000))
        except OSError:
            pass
        self.sock.close()

    # ---- protocol ----
    def req(self, method, params=None, rid=None):
        self.n += 1
        rid = rid or "r%d" % self.n
        frame = {"type": "req", "id": rid, "method": method}
        if params is not None:
            frame["params"] = params
        self.send(frame)
        return rid

    def wait_res(self, rid, timeout=10):
        end = time.time() + timeout
        while True:
            f = self.recv(max(0.05, end - time.time()))
            if f.get("type") == "res" and f.get("id") == rid:
                return f
            self.events.append(f)

    def call(self, method, params=None, timeout=10):
        return self.wait_res(self.req(method, params), timeout)

    def next_event(self, name, timeout=10, pred=None):
        end = time.time() + timeout
        for i, f in enumerate(self.events):
            if f.get("event") == name and (pred is None or pred(f["payload"])):
                return self.events.pop(i)
        while True:
            f = self.recv(max(0.05, end - time.time()))
            if f.get("type") == "event" and f.get("event") == name and (
                    pred is None or pred(f["payload"])):
                return f
            self.events.append(f)

    def connect(self, token=None, password=None, minp=4, maxp=4,
                device=None, scopes=None, extra=None):
        auth = {}
        if token is not None:
            auth["token"] = token
        if password is not None:
            auth["password"] = password
        params = {"minProtocol": minp, "maxProtocol": maxp,
                  "client": {"id": "test", "version": "1", "platform": "linux",
                             "mode": "test"},
                  "role": "operator",
                  "scopes": scopes if scopes is not None else
                  ["operator.read", "operator.write"],
                  "auth": auth}
        if device:
            params["device"] = device(params, self.challenge["payload"]["nonce"])
        if extra:
            params.update(extra)
        return self.call("connect", params)


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


class Device:
    """An ed25519 identity made with the openssl CLI."""

    def __init__(self, tmpdir):
        self.dir = tempfile.mkdtemp(dir=tmpdir)
        self.key = os.path.join(self.dir, "key.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519",
                        "-out", self.key], check=True, capture_output=True)
        der = subprocess.run(["openssl", "pkey", "-in", self.key, "-pubout",
                              "-outform", "DER"], check=True,
                             capture_output=True).stdout
        self.pub = der[-32:]
        self.id = hashlib.sha256(self.pub).hexdigest()

    def sign(self, text):
        msg = os.path.join(self.dir, "msg")
        with open(msg, "wb") as f:
            f.write(text.encode())
        return subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey",
                               self.key, "-rawin", "-in", msg], check=True,
                              capture_output=True).stdout

    def identity(self, nonce_override=None, corrupt=False):
        def make(params, nonce):
            nonce = nonce_override or nonce
            signed_at = int(time.time() * 1000)
            text = "|".join(["v2", self.id, params["client"]["id"],
                             params["client"]["mode"], params["role"],
                             ",".join(params["scopes"]), str(signed_at),
                             params["auth"].get("token", ""), nonce])
            sig = bytearray(self.sign(text))
            if corrupt:
                sig[0] ^= 1
            return {"id": self.id, "publicKey": b64url(self.pub),
                    "signature": b64url(bytes(sig)), "signedAt": signed_at,
                    "nonce": nonce}
        return make
