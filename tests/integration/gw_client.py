"""Raw-socket clients for test_gateway.sh (stdlib only).

  gw_client.py hangup PORT TOKEN
      POST a streamed completion, read until the first content chunk,
      close the socket and print the wall-clock time of the close (ms).
  gw_client.py stall PORT TOKEN SECONDS
      POST a streamed completion and never read the response; after
      SECONDS print the gateway's peak RSS growth is measured by the
      caller; then close.
"""
import json
import socket
import sys
import time


def request(port, token, body):
    data = json.dumps(body).encode()
    head = (
        "POST /v1/chat/completions HTTP/1.1\r\n"
        "Host: 127.0.0.1\r\n"
        f"Authorization: Bearer {token}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    ).encode()
    s = socket.create_connection(("127.0.0.1", int(port)))
    s.sendall(head + data)
    return s


BODY = {"model": "openclaw", "stream": True,
        "messages": [{"role": "user", "content": "hi"}]}


def hangup(port, token):
    s = request(port, token, BODY)
    got = b""
    s.settimeout(10)
    while b'"content"' not in got:
        chunk = s.recv(65536)
        if not chunk:
            sys.exit("connection closed before any content")
        got += chunk
    s.close()
    print(int(time.time() * 1000))


def stall(port, token, seconds):
    s = request(port, token, BODY)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    time.sleep(float(seconds))
    print("stalled")
    sys.stdout.flush()
    s.close()


if __name__ == "__main__":
    if sys.argv[1] == "hangup":
        hangup(sys.argv[2], sys.argv[3])
    else:
        stall(sys.argv[2], sys.argv[3], sys.argv[4])
