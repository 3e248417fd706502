"""Web push: subscriptions, the outbox, delivery receipts; `init_app` builds the app's push composition."""
from backend.config import INSTANCE
from backend.push import worker
from backend.push.sender import PushSender, load_vapid, parse_allowed_hosts


def init_app(app) -> worker.Push:
    """Give the app its push composition: the VAPID key, the sender, and the pool that sends after commit."""
    sender = PushSender(
        vapid=load_vapid(private_key=app.config["VAPID_PRIVATE_KEY"], instance_dir=INSTANCE),
        subject=app.config["VAPID_SUBJECT"],
        allowed_hosts=parse_allowed_hosts(app.config["PUSH_ALLOWED_HOSTS"]),
        timeout=app.config["PUSH_TIMEOUT_SECONDS"],
    )
    push = worker.Push(
        engine=app.extensions["db_engine"], clock=app.extensions["clock"], sender=sender,
        # Tests run after-commit work in line (deterministic); servers on a worker thread.
        mode=app.config["PUSH_DELIVERY"] or ("inline" if app.testing else "thread"),
    )
    worker.register(push)
    app.extensions["push"] = push
    return push
