#!/bin/sh
# The Anju image's entrypoint (Dockerfile; compose.yaml runs `web` and `worker`).
#   web     wait for the database, `anju migrate`, then gunicorn on :8000 (extra arguments go to gunicorn)
#   worker  wait until the web container has migrated the database, then `anju worker` (arguments to it)
#   other   run as given: `anju createsuperuser`, `anju backup /data/backups/x.tar`, `sh`, ...
# Static files were collected when the image was built (STATIC_ROOT inside the image), so an upgrade is:
# new image, migrate (the web container does it as it starts), restart; docs/deploy.md, "Docker / compose".
set -eu

# The data volume (attachments, job files, backups) must be writable by this image's user, uid 10001:
# a named volume is; a host directory mounted instead needs `chown 10001:10001`.
data=${ANJU_DATA_DIR:-/data}
mkdir -p "$data/media"
[ -d "$data/backups" ] || mkdir -m 0700 "$data/backups"

case "${1:-web}" in
web)
    [ "$#" -gt 0 ] && shift
    anju-wait db
    anju migrate --no-input
    # The settings of deploy/systemd/anju-web.service: 300 s for the largest synchronous upload. Workers:
    # WEB_CONCURRENCY (gunicorn reads it; 4 in the image). No gunicorn access log: Anju logs one JSON line
    # per request itself, without the query string (it may hold names or ID numbers). No control socket
    # (a restart of the container replaces gunicorn).
    exec gunicorn anju.wsgi --bind 0.0.0.0:8000 --timeout 300 --worker-tmp-dir /dev/shm --no-control-socket "$@"
    ;;
worker)
    [ "$#" -gt 0 ] && shift
    # Never old code on a new schema, nor new code on an old one: start once every migration has run.
    anju-wait migrations
    exec anju worker --no-startup-delay "$@"
    ;;
*)
    exec "$@"
    ;;
esac
