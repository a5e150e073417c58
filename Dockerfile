# Two stages: the builder turns the checkout into wheels (the bot and every dependency), the runtime
# installs them offline, so the final image holds no sources, no build tools and no pip cache.
# Supply chain: base images are pinned by digest (the tag says which release it is; bump both together),
# every dependency comes from requirements.lock with its hash (`make lock` refreshes it), and the bot's
# own wheel is built without fetching anything.

FROM python:3.12.14-slim-trixie@sha256:78387bc3881b8273120a12ebe6c1ab22b018ccc2c9adf565ae1ac9b536e184ea AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY requirements.lock ./
# The build backend (setuptools, wheel) is in the lock too: installed from the checked wheels, not fetched.
RUN pip wheel --require-hashes --wheel-dir /wheels -r requirements.lock \
    && pip install --no-index --find-links /wheels setuptools wheel
COPY pyproject.toml README.md ./
COPY alembic ./alembic
COPY bot ./bot
RUN pip wheel --no-deps --no-build-isolation --wheel-dir /wheels .

FROM python:3.12.14-slim-trixie@sha256:78387bc3881b8273120a12ebe6c1ab22b018ccc2c9adf565ae1ac9b536e184ea AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_URL=sqlite:////data/bot.db \
    PORT=8443
# The image serves /healthz and /metrics (README: HEALTH_PORT, HEALTH_HOST). On every interface on purpose:
# the container's own loopback is unreachable from Docker's health check proxy, Caddy and Prometheus;
# outside a container the bot's default is 127.0.0.1. Publish 8080 only to a trusted network.
ENV HEALTH_PORT=8080 \
    HEALTH_HOST=0.0.0.0
# A fixed uid, so a bind-mounted /data can be chowned to it on the host.
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/bot bot \
    && mkdir /data \
    && chown bot:bot /data
COPY --from=builder /wheels /tmp/wheels
RUN pip install --no-cache-dir --no-index --find-links /tmp/wheels renault-telegram-bot \
    && rm -rf /tmp/wheels
USER bot
WORKDIR /home/bot
VOLUME ["/data"]
# 8080: /healthz and /metrics; 8443: the Telegram webhook when WEBHOOK_URL is set.
EXPOSE 8080 8443
# Shell form on purpose: ${HEALTH_PORT} is expanded when the check runs. urlopen raises on a 503.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD python -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=8)" "http://127.0.0.1:${HEALTH_PORT:-8080}/healthz" || exit 1
CMD ["python", "-m", "bot"]
