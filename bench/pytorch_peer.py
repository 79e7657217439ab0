#!/usr/bin/env python3
"""PyTorch peer for `actortrainer bench nn --peer`.

Times the same double-DQN train step as ActorTrainer's DoubleDqnTrainer, on the networks the caller names, with
PyTorch on one thread: online forward on s' (argmax), target forward on s', online forward on s, importance-weighted
Huber loss (delta 1), backward, gradient clipping to norm 10, Adam (lr 1e-4). A per-action network (Tetris
placements) evaluates every action row of s' for the argmax but only the chosen rows for the target and the
prediction, as ActorTrainer does.

Input:  --request JSON  {"seconds": S, "networks": [{"name", "observation_size", "action_count", "hidden",
                          "dueling", "action_features", "train_batches": [..], "forward_batches": [..]}]}
Output: one JSON object on stdout. Exit code 3 when torch cannot be imported (the message says why).
"""
import argparse
import json
import os
import sys
import time


def cpu_has_avx512():
    try:
        with open("/proc/cpuinfo") as f:
            return any(line.startswith("flags") and " avx512f" in line for line in f)
    except OSError:
        return False


# One thread, like ActorTrainer's learner. BLAS libraries read these when loaded, so they are set before torch.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# OpenBLAS 0.3.21 (Debian 12) does not know Zen 5 and falls back to its AVX2 kernels; on a CPU with AVX-512 its
# SkylakeX kernels are the fair peer of ours, which use AVX-512 too.
if cpu_has_avx512():
    os.environ.setdefault("OPENBLAS_CORETYPE", "SkylakeX")


def fail_without_torch(error):
    print(json.dumps({"available": False, "reason": f"python at {sys.executable} cannot import torch: {error}"}))
    sys.exit(3)


try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except Exception as e:  # ImportError, or a broken install raising something else
    fail_without_torch(e)


class Mlp(nn.Module):
    """ReLU hidden layers, then a dueling (value + advantage) or plain linear head, like ActorTrainer's QNetwork."""

    def __init__(self, row_inputs, hidden, row_outputs, dueling):
        super().__init__()
        sizes = [row_inputs] + list(hidden)
        self.layers = nn.ModuleList(nn.Linear(sizes[i], sizes[i + 1]) for i in range(len(hidden)))
        self.dueling = dueling
        if dueling:
            self.value = nn.Linear(sizes[-1], 1)
            self.advantage = nn.Linear(sizes[-1], row_outputs)
        else:
            self.head = nn.Linear(sizes[-1], row_outputs)

    def forward(self, x):
        for layer in self.layers:
            x = F.relu(layer(x))
        if self.dueling:
            a = self.advantage(x)
            return self.value(x) + a - a.mean(dim=1, keepdim=True)
        return self.head(x)


class Peer:
    def __init__(self, spec):
        self.actions = spec["action_count"]
        self.features = spec["action_features"]
        self.obs = spec["observation_size"]
        per_action = self.features > 0
        row_inputs = self.features if per_action else self.obs
        row_outputs = 1 if per_action else self.actions
        torch.manual_seed(1)
        self.online = Mlp(row_inputs, spec["hidden"], row_outputs, spec["dueling"])
        self.target = Mlp(row_inputs, spec["hidden"], row_outputs, spec["dueling"])
        self.target.load_state_dict(self.online.state_dict())
        self.optimizer = torch.optim.Adam(self.online.parameters(), lr=1e-4)
        self.per_action = per_action

    def q_all(self, net, obs):
        if self.per_action:
            return net(obs.view(-1, self.features)).view(-1, self.actions)
        return net(obs)

    def q_rows(self, net, obs, actions):
        if self.per_action:
            rows = obs.view(-1, self.actions, self.features)[torch.arange(obs.shape[0]), actions]
            return net(rows).view(-1)
        return net(obs).gather(1, actions.unsqueeze(1)).squeeze(1)

    def batch(self, size, seed):
        g = torch.Generator().manual_seed(seed)
        return {
            "obs": torch.rand(size, self.obs, generator=g) * 2 - 1,
            "next_obs": torch.rand(size, self.obs, generator=g) * 2 - 1,
            "actions": torch.randint(0, self.actions, (size,), generator=g),
            "returns": torch.rand(size, generator=g),
            "terminated": (torch.randint(0, 20, (size,), generator=g) == 0).float(),
            "discounts": torch.full((size,), 0.99 ** 3),
            "weights": torch.rand(size, generator=g) * 0.5 + 0.5,
        }

    def train_step(self, b):
        with torch.no_grad():
            best = self.q_all(self.online, b["next_obs"]).argmax(dim=1)
            next_values = self.q_rows(self.target, b["next_obs"], best)
            targets = b["returns"] + b["discounts"] * (1 - b["terminated"]) * next_values
        predictions = self.q_rows(self.online, b["obs"], b["actions"])
        loss = (b["weights"] * F.huber_loss(predictions, targets, reduction="none", delta=1.0)).mean()
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.online.parameters(), 10.0)
        self.optimizer.step()

    def forward(self, obs):
        with torch.no_grad():
            self.q_all(self.online, obs)


def median_us(action, seconds):
    """Median and fastest of 9 timed rounds after a warm-up, as ActorTrainer's NnBenchmark times its own figures."""
    start = time.perf_counter()
    calls = 0
    while time.perf_counter() - start < min(0.5, seconds / 2) or calls < 20:
        action()
        calls += 1
    per_call = (time.perf_counter() - start) / calls
    rounds = 9
    per_round = max(1, int(seconds / rounds / per_call))
    samples = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(per_round):
            action()
        samples.append((time.perf_counter() - t0) * 1e6 / per_round)
    samples.sort()
    return {"median": samples[rounds // 2], "min": samples[0]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--request", required=True, help="JSON naming the networks and batch sizes to time")
    args = parser.parse_args()
    request = json.loads(args.request)
    seconds = float(request["seconds"])
    torch.set_num_threads(1)
    out = {
        "available": True,
        "torch_version": torch.__version__,
        "threads": torch.get_num_threads(),
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
        "blas": "openblas" if os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3").find("openblas") >= 0 else "other",
        "networks": [],
    }
    for spec in request["networks"]:
        peer = Peer(spec)
        result = {"name": spec["name"], "train_step_us": {}, "forward_us": {}}
        for size in spec["train_batches"]:
            b = peer.batch(size, 2 + size)
            result["train_step_us"][str(size)] = median_us(lambda: peer.train_step(b), seconds)
        for size in spec["forward_batches"]:
            obs = peer.batch(size, 100 + size)["obs"]
            result["forward_us"][str(size)] = median_us(lambda: peer.forward(obs), seconds)
        out["networks"].append(result)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
