#!/usr/bin/env bash
# What the GPU machine needs for bench/gpu_check.sh and does not have, gathered here into
# .gpu-carry/ (ignored through .git/info/exclude; name it in the device call's `carry`): the LLMBar
# data (../shared beside the checkout does not travel) and the wheels its Python 3.12 on x86_64 lacks. The machine's image already holds
# torch, accelerate, numpy, pandas, pyarrow, safetensors, huggingface_hub (1.33, enough for the pins
# below) and the rest; these are the project's pins it does not have, or has at another version.
set -euo pipefail
cd "$(dirname "$0")/.."
grep -qx '/.gpu-carry/' .git/info/exclude 2>/dev/null || echo '/.gpu-carry/' >> .git/info/exclude
rm -rf .gpu-carry && mkdir -p .gpu-carry/wheels
cp ../shared/data/llmbar-rewardbench.jsonl .gpu-carry/
python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
    -d .gpu-carry/wheels \
    pydantic==2.13.4 pydantic-core==2.46.4 annotated-types typing-inspection \
    datasets==5.2.0 "dill<0.4.2" "multiprocess<0.70.20" \
    transformers==5.23.0 tokenizers==0.23.3
du -sh .gpu-carry
