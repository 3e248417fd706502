"""A push service of our own on 127.0.0.1: records what the server sends and decrypts it like a browser."""
import base64
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class PushReceiver:
    def __init__(self):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.messages: list[dict] = []
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                payload = http_ece.decrypt(body, private_key=receiver.private_key, auth_secret=receiver.auth,
                                           version="aes128gcm")
                with receiver.arrived:
                    receiver.messages.append(json.loads(payload))
                    receiver.arrived.notify_all()
                self.send_response(201)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def subscription(self) -> dict:
        public = self.private_key.public_key().public_bytes(serialization.Encoding.X962,
                                                            serialization.PublicFormat.UncompressedPoint)
        port = self.httpd.server_address[1]
        return {"endpoint": f"http://127.0.0.1:{port}/push/nurse", "keys": {"p256dh": b64url(public), "auth": b64url(self.auth)}}

    def wait_for(self, predicate, timeout: float = 20) -> dict:
        """Wait for a pushed message matching `predicate` (the server sends after its commit, on a thread)."""
        with self.arrived:
            ok = self.arrived.wait_for(lambda: any(predicate(m) for m in self.messages), timeout=timeout)
        assert ok, f"no matching push arrived; got {self.messages}"
        return next(m for m in self.messages if predicate(m))

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
