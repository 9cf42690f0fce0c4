"""What carries out commands: a real cluster (kubectl/oc) or a simulation."""
from agent.executors.base import Executor, ExecutorError, Outcome
from agent.executors.kubectl import KubectlExecutor
from agent.executors.simulate import SimulateExecutor

__all__ = ["Executor", "ExecutorError", "Outcome", "KubectlExecutor", "SimulateExecutor"]
