# spamscore web service: gunicorn on port 8025, rules and model baked into the wheel.
#   docker build -t spamscore .
#   docker run -p 8025:8025 -v spamscore-data:/data -e SPAMSCORE_API_KEYS=... spamscore
# Without SPAMSCORE_API_KEYS the API answers loopback clients only (README "Web service and
# API"); set keys, or SPAMSCORE_API_OPEN=1 on a private network.

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY scorer/ scorer/
COPY web/ web/
COPY rules/ rules/
COPY models/ models/
RUN pip wheel --no-cache-dir --wheel-dir /wheels ".[postgres,redis]"

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SPAMSCORE_DATA_DIR=/data \
    SPAMSCORE_HOST=0.0.0.0 \
    SPAMSCORE_PORT=8025 \
    SPAMSCORE_INBOX_HOST=0.0.0.0
RUN useradd --system --uid 10001 --user-group --home-dir /data --create-home spamscore
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels "spamscore[postgres,redis]" \
    && rm -rf /wheels
USER spamscore
WORKDIR /data
VOLUME ["/data"]
# 2525: the SMTP test inbox, with `spamscore serve --inbox` (or SPAMSCORE_SERVE_INBOX=1)
EXPOSE 8025 2525
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8025/api/v1/healthz', timeout=4)"]
CMD ["spamscore", "serve"]
