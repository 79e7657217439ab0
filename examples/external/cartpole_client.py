#!/usr/bin/env python3
"""Trains ActorTrainer on a CartPole that lives in this process, over the external-episodes HTTP API.

Only the Python standard library is used, so the pattern carries over to any Gymnasium-style simulator:
start an episode, ask for an action per observation, log the reward, end the episode.

    actortrainer train --external --observation-size 4 --actions 2 --solve-threshold 195 --until-solved --port 5088
    python3 examples/external/cartpole_client.py --url http://127.0.0.1:5088 --concurrent 8 --target 195

Every few seconds it plays 10 greedy episodes ("training": false) at once; those are the trainer's evaluations.
It exits 0 once their mean return reaches --target, 1 on timeout.
"""
import argparse
import http.client
import json
import math
import random
import sys
import threading
import time
import urllib.parse


class CartPole:
    """The classic cart-pole (Barto, Sutton & Anderson 1983) with Gymnasium's CartPole-v1 constants and limits."""

    gravity, masscart, masspole, length, force_mag, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
    theta_limit = 12 * 2 * math.pi / 360
    x_limit = 2.4
    max_steps = 500

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.state = None
        self.steps = 0

    def reset(self):
        self.state = [self.rng.uniform(-0.05, 0.05) for _ in range(4)]
        self.steps = 0
        return list(self.state)

    def step(self, action):
        x, x_dot, theta, theta_dot = self.state
        force = self.force_mag if action == 1 else -self.force_mag
        total_mass = self.masspole + self.masscart
        pole_mass_length = self.masspole * self.length
        cos, sin = math.cos(theta), math.sin(theta)
        temp = (force + pole_mass_length * theta_dot * theta_dot * sin) / total_mass
        theta_acc = (self.gravity * sin - cos * temp) / (self.length * (4.0 / 3.0 - self.masspole * cos * cos / total_mass))
        x_acc = temp - pole_mass_length * theta_acc * cos / total_mass
        x, x_dot = x + self.tau * x_dot, x_dot + self.tau * x_acc
        theta, theta_dot = theta + self.tau * theta_dot, theta_dot + self.tau * theta_acc
        self.state = [x, x_dot, theta, theta_dot]
        self.steps += 1
        terminated = abs(x) > self.x_limit or abs(theta) > self.theta_limit
        truncated = not terminated and self.steps >= self.max_steps
        return list(self.state), 1.0, terminated, truncated


class Client:
    """One keep-alive connection to the trainer (use one per thread)."""

    def __init__(self, url, token=None):
        parsed = urllib.parse.urlparse(url)
        self.conn = http.client.HTTPConnection(parsed.hostname, parsed.port or 80, timeout=60)
        self.headers = {"Content-Type": "application/json"}
        if token:
            self.headers["Authorization"] = "Bearer " + token

    def post(self, path, body):
        self.conn.request("POST", "/api/external/episodes" + path, json.dumps(body), self.headers)
        response = self.conn.getresponse()
        data = json.loads(response.read() or b"{}")
        if response.status >= 400:
            raise RuntimeError(f"{path}: HTTP {response.status}: {data.get('error')}")
        return data

    def start_episode(self, training=True):
        return self.post("", {"training": training})["episode_id"]

    def act(self, episode, observation):
        """Returns (action, weights_version)."""
        answer = self.post(f"/{episode}/act", {"observation": observation})
        return answer["action"], answer["weights_version"]

    def log_returns(self, episode, reward, step=None):
        body = {"reward": reward} if step is None else {"reward": reward, "step": step}
        self.post(f"/{episode}/log-returns", body)

    def end(self, episode, observation, terminated):
        return self.post(f"/{episode}/end", {"observation": observation, "terminated": terminated})["episode_return"]


def play(client, env, training):
    """Plays one episode; returns (episode return, the weights versions that chose its actions)."""
    episode = client.start_episode(training)
    obs = env.reset()
    versions = set()
    while True:
        action, version = client.act(episode, obs)
        versions.add(version)
        obs, reward, terminated, truncated = env.step(action)
        client.log_returns(episode, reward)
        if terminated or truncated:
            return client.end(episode, obs, terminated), versions


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5088")
    parser.add_argument("--token", default=None, help="control token, when the trainer requires one")
    parser.add_argument("--concurrent", type=int, default=8, help="training episodes played at once")
    parser.add_argument("--target", type=float, default=195.0, help="greedy mean over --eval-episodes to stop at")
    parser.add_argument("--eval-episodes", type=int, default=10)
    parser.add_argument("--eval-every", type=float, default=3.0, help="seconds between greedy evaluations")
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args()

    stop = threading.Event()
    errors = []
    counts = {"episodes": 0}
    lock = threading.Lock()

    def trainer(worker):
        try:
            client, env = Client(args.url, args.token), CartPole(seed=worker)
            while not stop.is_set():
                play(client, env, training=True)
                with lock:
                    counts["episodes"] += 1
        except Exception as exc:  # report once and stop everything: a silent dead worker would look like slow learning
            if not stop.is_set():
                errors.append(f"worker {worker}: {exc}")
            stop.set()

    workers = [threading.Thread(target=trainer, args=(i,), daemon=True) for i in range(args.concurrent)]
    for w in workers:
        w.start()

    started = time.monotonic()
    evaluation = 0
    while not stop.is_set() and time.monotonic() - started < args.timeout:
        stop.wait(args.eval_every)
        if stop.is_set():
            break
        evaluation += 1
        returns = [None] * args.eval_episodes
        versions = set()

        def greedy(i):
            try:
                returns[i], used = play(Client(args.url, args.token), CartPole(seed=100_000 * evaluation + i), training=False)
                versions.update(used)
            except Exception as exc:
                errors.append(f"greedy {i}: {exc}")

        players = [threading.Thread(target=greedy, args=(i,)) for i in range(args.eval_episodes)]
        for p in players:
            p.start()
        for p in players:
            p.join()
        if errors:
            break
        mean = sum(returns) / len(returns)
        with lock:
            episodes = counts["episodes"]
        # Greedy episodes that overlap act with one pinned set of weights: the trainer judges exactly these.
        print(json.dumps({"evaluation": evaluation, "greedy_mean": mean, "training_episodes": episodes,
                          "weights_versions": sorted(versions), "seconds": round(time.monotonic() - started, 1)}), flush=True)
        if mean >= args.target:
            stop.set()
            print(json.dumps({"solved": True, "greedy_mean": mean, "weights_versions": sorted(versions)}), flush=True)
            return 0
    stop.set()
    for e in errors:
        print("error: " + e, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
