# Status Tracker: one container, SQLite in /data by default.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    TRACKER_DATABASE_URL=sqlite:////data/status-tracker.db \
    TRACKER_DATA_DIR=/data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir . && useradd --system --uid 1000 tracker \
    && mkdir -p /data && chown tracker /data

USER tracker
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/health')"
CMD ["status-tracker", "serve", "--host", "0.0.0.0", "--port", "8000"]
