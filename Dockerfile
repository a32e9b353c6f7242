# ShitpostBot on a CPU-only server.
#   docker build -t shitpostbot .
#   docker run -d --name shitpostbot --env-file .env \
#     -v shitpostbot-data:/data shitpostbot
# Checkpoints and the scheduler's state live on the /data volume, so a new image keeps them.
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    SHITPOSTBOT_STATE_DIR=/data/state

WORKDIR /app
# The CPU build of PyTorch first (a plain "pip install torch" would pull the multi-GB CUDA build).
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
COPY pyproject.toml README.md ./
COPY shitpostbot ./shitpostbot
COPY ingest ./ingest
COPY model ./model
COPY bot ./bot
RUN pip install .
# The shipped default model, copied where the volume will expose it on first start.
COPY checkpoints/default.pt /app/checkpoints/default.pt

RUN useradd --create-home --uid 10001 shitpost && mkdir -p /data/state /data/checkpoints \
    && chown -R shitpost:shitpost /data
USER shitpost
VOLUME ["/data"]
# Point SHITPOSTBOT_CHECKPOINT at /data/checkpoints/NAME.pt for your own model.
ENV SHITPOSTBOT_CHECKPOINT=/app/checkpoints/default.pt
CMD ["shitpostbot", "run"]
