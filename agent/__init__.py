"""Cluster Manager's reference agent: connects one namespace to Cluster Manager.

It implements docs/agent-protocol.md with the standard library and boto3
only, so it runs in a plain Python image inside the namespace.
"""
__version__ = "0.1.0"
