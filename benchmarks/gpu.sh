#!/usr/bin/env bash
# The prepared GPU run (issue 12, item 5): at most about 8 minutes on one GPU.
#   bash benchmarks/gpu.sh            # from the repository root, the venv active, ../shared beside
# 1. inference: the transformers pipeline vs cronaca (bf16) on the quick entity model, sentences
#    and articles, with the share of the GPU's peak (--peak-tflops: 989 for an H100/H200 in bf16);
# 2. full-size training of the entity model, the event-type model (all 12 layers) and the joint
#    model (each step under its own time limit: what does not finish is reported as such);
# 3. the joint model's throughput against the two separate models.
# Results: runs/gpu/*.log, runs/bench-inference-gpu/inference.json, benchmarks/results/*.json.
set -uo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
out=runs/gpu
mkdir -p "$out"
nvidia-smi --query-gpu=name,memory.total --format=csv | tee "$out/gpu.txt"
PEAK=${PEAK_TFLOPS:-989}
step() {  # step NAME SECONDS COMMAND...: run with a time limit, log, record the exit status
    local name=$1 limit=$2; shift 2
    local started=$SECONDS
    timeout "$limit" "$@" > "$out/$name.log" 2>&1
    echo "$name: exit $? in $((SECONDS - started)) s" | tee -a "$out/steps.txt"
}
[ -d runs/ner-kind-quick/model ] || step quick-ner 240 cronaca train configs/ner-kind.yaml --profile quick
step inference 120 python benchmarks/inference_benchmark.py --model runs/ner-kind-quick/model \
    --device cuda --systems pipeline,cronaca-bf16,cronaca-auto --spellings natural \
    --sentences 2000 --peak-tflops "$PEAK" --out runs/bench-inference-gpu
step ner-full 150 cronaca train configs/ner-kind.yaml --profile full --set training.precision=bf16
step events-full 90 cronaca train configs/events.yaml --profile full --set training.freeze_layers=0
step joint-full 120 cronaca train configs/joint.yaml --profile full
[ -d runs/joint-full/model ] && [ -d runs/events-full/model ] && step joint-bench 60 \
    python benchmarks/joint_benchmark.py --skip-f1 --joint runs/joint-full/model \
    --entities runs/ner-kind-full/model --events runs/events-full/model \
    --device cuda --results runs/gpu/joint.json
cat "$out/steps.txt"
