# Anju's image: one image for the web server (gunicorn) and the background worker (`anju worker`).
# Python packages come only from wheelhouse/ (`make wheelhouse`: every locked dependency and Anju's own
# wheel, which carries the vendored htmx/ECharts, the PDF fonts and the translations), installed with
# `pip install --no-index`: no PyPI and no npm at build time. The base image and its Debian packages
# come from the registry and mirror the Docker host uses (or its cache). docs/deploy.md, "Docker / compose".
#
#   make wheelhouse && docker compose build      (or: docker build -t anju .)
#
# The wheels are built by the checkout's Python; PYTHON_VERSION must be its minor version
# (wheelhouse/python-version; the build stops with a message when they differ).
ARG PYTHON_VERSION=3.12

FROM python:${PYTHON_VERSION}-slim-trixie AS base
# WeasyPrint's Pango (the PDFs), pg_dump/pg_restore for `anju backup`/`anju restore` (PostgreSQL 17's:
# the db container must not be newer), time zones for TIME_ZONE. Versions: those of the Debian release.
# hadolint ignore=DL3008
RUN export DEBIAN_FRONTEND=noninteractive \
 && apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 postgresql-client tzdata \
 && rm -rf /var/lib/apt/lists/*

FROM base AS install
COPY wheelhouse/ /wheelhouse/
RUN built=$(cat /wheelhouse/python-version) \
 && here=$(python -c 'import sys; print("%d.%d" % sys.version_info[:2])') \
 && if [ "$built" != "$here" ]; then \
      echo "wheelhouse/ was built for Python $built, this image has $here: docker build --build-arg PYTHON_VERSION=$built" >&2; \
      exit 1; fi \
 && python -m venv /opt/anju \
 && /opt/anju/bin/pip install --no-cache-dir --no-index --find-links /wheelhouse \
      --constraint /wheelhouse/requirements.lock anju

FROM base
RUN groupadd --system --gid 10001 anju \
 && useradd --system --uid 10001 --gid anju --create-home --home-dir /home/anju --shell /usr/sbin/nologin anju
COPY --from=install /opt/anju /opt/anju
COPY deploy/docker/entrypoint.sh /usr/local/bin/anju-entrypoint
COPY deploy/docker/wait.py /usr/local/bin/anju-wait
COPY deploy/docker/healthcheck.py /usr/local/bin/anju-healthcheck
RUN chmod 0755 /usr/local/bin/anju-entrypoint /usr/local/bin/anju-wait /usr/local/bin/anju-healthcheck

# Settings every container of this image shares (the rest, secrets included, come from the environment:
# deploy/docker/anju.env). Data (attachments, job files, backups) in the /data volume; the static files
# inside the image, so that each release serves its own; no .env file read from the image.
ENV PATH=/opt/anju/bin:$PATH \
    DJANGO_SETTINGS_MODULE=anju.settings \
    DEBUG=0 \
    ANJU_DATA_DIR=/data \
    STATIC_ROOT=/opt/anju/static \
    ANJU_ENV_FILE= \
    WEB_CONCURRENCY=4 \
    PYTHONUNBUFFERED=1

# Hashed, compressed copies for whitenoise. The key only lets the settings load for this one command.
RUN SECRET_KEY=collectstatic-at-build-time-only anju collectstatic --no-input -v 0 \
 && mkdir -p /data/media /data/backups \
 && chown -R anju:anju /data \
 && chmod 0750 /data /data/media \
 && chmod 0700 /data/backups

# anju, by number (Kubernetes' runAsNonRoot checks it); a host directory for /data needs this owner.
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000
ENTRYPOINT ["anju-entrypoint"]
CMD ["web"]
