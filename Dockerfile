# ShitpostBot on a CPU-only server (see README, "Deploy").
#   docker build -t shitpostbot .
#   docker run -d --name shitpostbot --restart unless-stopped --env-file .env \
#     -v shitpostbot-data:/data shitpostbot
# The working directory is the /data volume, so the relative paths of .env.example
# (checkpoints/..., state) land on the volume and survive a new image.
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

# The CPU build of PyTorch first (a plain "pip install torch" would pull the multi-GB CUDA build).
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
WORKDIR /app
COPY pyproject.toml README.md ./
COPY shitpostbot ./shitpostbot
COPY ingest ./ingest
COPY model ./model
COPY bot ./bot
RUN pip install .

RUN useradd --create-home --uid 10001 shitpost \
    && mkdir -p /data/state /data/checkpoints \
    && chown -R shitpost:shitpost /data
# The shipped default model, inside the volume's initial contents (a new named volume is
# filled from the image; an existing volume keeps what it has).
COPY --chown=shitpost:shitpost checkpoints/default.pt /data/checkpoints/default.pt

USER shitpost
WORKDIR /data
VOLUME ["/data"]
CMD ["shitpostbot", "run"]
