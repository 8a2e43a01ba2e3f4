# Aktenfluss production image: one image for web (gunicorn), Celery workers and beat.
# Build: docker compose build     (see docker-compose.yml)
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # Tesseract (OCR worker) must not spread one page over every core: the worker's
    # --concurrency decides the parallelism.
    OMP_THREAD_LIMIT=1 \
    DJANGO_SETTINGS_MODULE=backoffice.settings.base \
    AKTENFLUSS_DATA_DIR=/data

# Tesseract with German and English for the OCR queue; DejaVu for the invoice archive PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-deu tesseract-ocr-eng tesseract-ocr-osd fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 aktenfluss \
    && useradd --system --uid 10001 --gid aktenfluss --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin aktenfluss \
    && mkdir -p /app /data \
    && chown aktenfluss:aktenfluss /data

WORKDIR /app
# Dependencies first: this layer is rebuilt only when the lock file changes.
COPY requirements/production.txt requirements/production.txt
RUN pip install -r requirements/production.txt

COPY . .
# Editable install: settings find templates and translations relative to the source tree.
# The code stays owned by root: the service user can read it, not change it.
RUN pip install --no-deps -e . \
    && python -m compileall -q -x '/(tests|benchmarks)/' /app

USER aktenfluss
VOLUME ["/data"]
EXPOSE 8000
CMD ["gunicorn", "backoffice.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", \
     "--timeout", "120", "--access-logfile", "-"]
