# Production image of the reward-model leaderboard: the web app, the evaluation worker, or both.
#
#   docker build -t rm-leaderboard --build-arg CODE_VERSION="$(git rev-parse HEAD)" .
#   docker run -d -p 7860:7860 -v rmlb-data:/data rm-leaderboard                   # web app
#   docker run -d --gpus all -v rmlb-data:/data rm-leaderboard worker              # worker
#   docker run -d --gpus all -p 7860:7860 -v rmlb-data:/data rm-leaderboard all    # both
#
# GPU support comes from the CUDA build of torch, whose wheels carry the CUDA runtime, cuDNN and
# cuBLAS; the host's driver is mounted in by the NVIDIA Container Toolkit (`--gpus all`). So the
# base is a plain Python 3.11 image: a CUDA base image would hold a second copy of those libraries.
# Build arguments: TORCH_CUDA picks the torch build (cu126: the oldest drivers, GPUs up to Hopper;
# cu129 or cu130: Blackwell too, newer drivers; cpu: no GPU). TORCH_VERSION = requirements.txt's.
# WITH_RAY=1 adds the Ray executor's dependencies (docker build --build-arg WITH_RAY=1 ...).
#
# Settings are environment variables (defaults below and in the settings modules). Secrets such as
# HF_TOKEN are given at run time (`-e HF_TOKEN` or an env file), never baked into the image.

FROM python:3.11.13-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility

# tini is PID 1: it forwards `docker stop` to the processes and reaps them. The user has uid 1000,
# as Hugging Face Docker Spaces expect; /data is its writable volume.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini=0.19.0-1+b3 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 --user-group --shell /bin/bash rmlb \
    && mkdir -p /data \
    && chown rmlb:rmlb /data

WORKDIR /app

# Dependencies first, so that a code change reuses these (large) layers.
ARG TORCH_VERSION=2.13.0
ARG TORCH_CUDA=cu126
RUN pip install --no-cache-dir --index-url "https://download.pytorch.org/whl/${TORCH_CUDA}" \
    "torch==${TORCH_VERSION}"

COPY requirements.txt requirements-ray.txt ./
# torch is already satisfied by the build above; the check stops a silent swap to another build.
RUN pip install --no-cache-dir -r requirements.txt \
    && python -c "import sys, torch; want = '${TORCH_VERSION}+${TORCH_CUDA}'; \
sys.exit(0 if torch.__version__ == want else f'torch {torch.__version__} installed, {want} wanted')"

# WITH_RAY=1 adds Ray, for the Ray executor (RMLB_EXECUTOR=ray) and for `ray start` on the
# cluster's machines from the same image; off by default, as a single worker does not need it.
ARG WITH_RAY=0
RUN if [ "${WITH_RAY}" = "1" ]; then pip install --no-cache-dir -r requirements-ray.txt; fi

# The code: .dockerignore lets in only app.py, the packages, docker/ and the data files they read.
COPY . ./

# The image holds no .git: results record the commit given here as the code's version
# (docker build --build-arg CODE_VERSION="$(git rev-parse HEAD)" .). After the COPY, so a new
# commit rebuilds no dependency layer.
ARG CODE_VERSION=unknown

# Defaults for running in a container. The rest keep the defaults of the settings modules; give
# RMLB_RESULTS_REPO (+ RMLB_REQUESTS_REPO) and HF_TOKEN at run time to use Hub dataset repos.
ENV RMLB_STORE_ROOT=/data/store \
    RMLB_HUB_CACHE=/data/hub-store \
    HF_HOME=/data/huggingface \
    RMLB_SERVER_NAME=0.0.0.0 \
    RMLB_SERVER_PORT=7860 \
    RMLB_MAX_SUBMISSIONS_PER_WEEK=5 \
    RMLB_POLL_INTERVAL_S=60 \
    RMLB_DEVICE=auto \
    RMLB_LIVENESS_FILE=/tmp/rmlb-worker-alive \
    RMLB_CODE_VERSION=${CODE_VERSION} \
    GRADIO_ANALYTICS_ENABLED=False \
    HF_HUB_DISABLE_TELEMETRY=1

USER 1000:1000
VOLUME ["/data"]
EXPOSE 7860

HEALTHCHECK --interval=30s --timeout=10s --start-period=120s --retries=3 \
    CMD ["/app/docker/entrypoint.sh", "healthcheck"]

ENTRYPOINT ["/usr/bin/tini", "--", "/app/docker/entrypoint.sh"]
CMD ["app"]
