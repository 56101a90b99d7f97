"""Instructions per diary API entry under callgrind (docs/performance.md, "How it is measured"):
100 `POST /api/v1/days/{id}/entries` through `app(environ, start_response)` as warm-up, then
callgrind's instrumentation on for N more only (`callgrind_control -i on/off`).

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=cg.out \\
        .venv/bin/python bench/callgrind_diary.py URL      # then: grep ^totals cg.out / N

URL: a SQLite file (replaced) or a PostgreSQL database whose name starts with `test_` or
`bench_` (its public schema is dropped and migrated afresh). N (env, default 100). TREE (env):
import `pact_feedback` from another checkout (e.g. `git archive` of an older commit) to compare.
The rate limit counts on TEST_RATELIMIT_STORAGE_URI (default memory://).
"""

import io
import json
import os
import shutil
import subprocess
import sys
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [os.environ.get("TREE", str(ROOT)), str(ROOT)]


def main(url: str, measured: int) -> None:
    from flask_migrate import upgrade

    from pact_feedback import create_app
    from pact_feedback.accounts.roles import PARTICIPANT
    from pact_feedback.api.tokens import create_token
    from pact_feedback.diary.taxonomy import ensure_taxonomy
    from pact_feedback.extensions import db, limiter
    from tests.conftest import make_practice, make_study, make_user, reset_database
    from tests.diary.conftest import make_day

    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    elif url.rsplit("/", 1)[-1].startswith(("test_", "bench_")):
        reset_database(url)
    else:
        sys.exit("Give a SQLite file or a PostgreSQL database named test_… or bench_…")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        limiter.reset()
        practice = make_practice()
        study = make_study(
            practices=[practice],
            status="collecting",
            collection_start=date.today() - timedelta(days=5),
            collection_end=date.today() + timedelta(days=10),
        )
        ensure_taxonomy(study)
        db.session.commit()
        me = make_user(role=PARTICIPANT, practice=practice, study=study, consented=True)
        _, secret = create_token(me, "phone", by=me)
        day_id = make_day(me, study, practice).id
        db.session.remove()

    def post():
        body = json.dumps({"category": "A1", "minutes": 1, "client_id": str(uuid.uuid4())})
        body = body.encode()
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": f"/api/v1/days/{day_id}/entries",
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "localhost",
            "HTTP_AUTHORIZATION": f"Bearer {secret}",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
        }
        status = []
        answer = b"".join(app(environ, lambda s, h, e=None: status.append(s)))
        if not status[0].startswith("201"):
            sys.exit(f"{status[0]}: {answer[:300]!r}")

    for _ in range(100):
        post()
    callgrind("on")
    for _ in range(measured):
        post()
    callgrind("off")
    print(f"{measured} entries measured", file=sys.stderr)


def callgrind(switch: str) -> None:
    """Instrumentation on or off for this process (nothing happens outside valgrind)."""
    control = shutil.which("callgrind_control")
    if control:
        command = [control, "-i", switch, str(os.getpid())]
        subprocess.run(command, capture_output=True, check=False)  # noqa: S603  (our own pid)


if __name__ == "__main__":
    main(sys.argv[1], int(os.environ.get("N", "100")))
