"""Observing a pipeline for incremental runs: code, parameters and dataset versions.

:class:`Observer` is the shell half of fingerprinting. It computes, with caches that live
as long as the observer (one run or one plan), the parts of each node's fingerprint
(:class:`~core.incremental.NodeObservation`) and the state of each dataset
(:class:`~core.incremental.DatasetState`). The core combines them
(:func:`core.incremental.decide_changes`, :func:`core.incremental.fingerprint_node`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.catalog.parameters import is_parameter
from core.errors import DatasetError
from core.incremental import (
    DatasetState,
    Fingerprint,
    NodeObservation,
    Observation,
    StateKind,
    declaration_digest,
    fingerprint_parts,
)
from core.node import Node
from core.pipeline import Pipeline
from shell.incremental.code import CodeScope, code_digest, stable_repr
from shell.incremental.datasets import DigestCache, dataset_state
from shell.io.catalog import DataCatalog

__all__ = ["Observer", "canonical_json"]


def canonical_json(value: object) -> str:
    """A parameter value as canonical JSON text (keys sorted); values JSON cannot hold are
    written as their address-free ``repr``."""
    try:
        return json.dumps(value, sort_keys=True, default=stable_repr, separators=(",", ":"))
    except (TypeError, ValueError):  # keys that cannot be sorted or are not strings
        return stable_repr(value)


class Observer:
    """Observes one pipeline's nodes and datasets through one catalog.

    Args:
        catalog: the run's catalog.
        cache: the digest cache (loaded from the store by the caller).
        code_scope: ``"function"`` or ``"module"`` (see :mod:`shell.incremental.code`).
    """

    def __init__(self, catalog: DataCatalog, cache: DigestCache, *, code_scope: CodeScope = "function") -> None:
        self._catalog = catalog
        self._cache = cache
        self._scope: CodeScope = code_scope
        self._code: dict[int, str] = {}
        self._params: dict[str, str] = {}
        self._nodes: dict[str, NodeObservation] = {}
        self._datasets: dict[str, object] = {}
        #: datasets whose state cannot change during a run (memory, no fingerprint)
        self._fixed: dict[str, DatasetState] = {}
        #: what the last :meth:`observe` saw (the plan cache keeps what a plan decided from)
        self.last_observation: Observation | None = None

    @property
    def cache(self) -> DigestCache:
        """The digest cache this observer fills."""
        return self._cache

    def node(self, node: Node) -> Result[NodeObservation, DatasetError]:
        """The node's code, declaration and parameter values (cached per node)."""
        seen = self._seen(node)
        return Failure(seen) if isinstance(seen, DatasetError) else Success(seen)

    def _seen(self, node: Node) -> NodeObservation | DatasetError:
        # Plain values rather than Results: this runs at every node's start (the hot path).
        seen = self._nodes.get(node.name)
        if seen is not None:
            return seen
        func = node.func
        code = self._code.get(id(func))
        if code is None:
            code = self._code[id(func)] = code_digest(func, scope=self._scope)
        parameters: dict[str, str] = {}
        for name in node.inputs:
            if is_parameter(name):
                value = self._parameter(name)
                if isinstance(value, Failure):
                    error: DatasetError = value.failure()
                    return error
                parameters[name] = value.unwrap()
        seen = NodeObservation(code, declaration_digest(node), parameters)
        self._nodes[node.name] = seen
        return seen

    def _parameter(self, name: str) -> Result[str, DatasetError]:
        known = self._params.get(name)
        if known is not None:
            return Success(known)
        got = self._catalog.get(name)
        if not is_successful(got):
            return Failure(got.failure())
        # Parameters are memory datasets: loading them reads no file (and logs nothing).
        text = canonical_json(got.unwrap().load())
        self._params[name] = text
        return Success(text)

    def dataset_object(self, name: str) -> object | None:
        """The catalog's dataset behind ``name``, once :meth:`dataset` observed it."""
        return self._datasets.get(name)

    def dataset(self, name: str) -> Result[DatasetState, DatasetError]:
        """The dataset's current state (undeclared names are the run's memory datasets)."""
        state = self._state(name)
        return Failure(state) if isinstance(state, DatasetError) else Success(state)

    def _state(self, name: str) -> DatasetState | DatasetError:
        fixed = self._fixed.get(name)
        if fixed is not None:
            return fixed
        dataset = self._datasets.get(name)
        if dataset is None:
            got = self._catalog.get(name, fallback_to_runtime_pattern=True)
            if isinstance(got, Failure):
                error: DatasetError = got.failure()
                return error
            dataset = self._datasets[name] = got.unwrap()
        state = dataset_state(dataset, self._cache)
        if state.kind is StateKind.MEMORY:
            self._fixed[name] = state
        return state

    def observe(self, pipeline: Pipeline) -> Result[Observation, DatasetError]:
        """Every node and every non-parameter dataset of ``pipeline``."""
        nodes: dict[str, NodeObservation] = {}
        for node in pipeline.nodes:
            seen = self.node(node)
            if isinstance(seen, Failure):
                return Failure(seen.failure())
            nodes[node.name] = seen.unwrap()
        datasets: dict[str, DatasetState] = {}
        for name in sorted(pipeline.datasets()):
            if is_parameter(name):
                continue
            state = self.dataset(name)
            if isinstance(state, Failure):
                return Failure(state.failure())
            datasets[name] = state.unwrap()
        self.last_observation = Observation(nodes, datasets)
        return Success(self.last_observation)

    def fingerprint(
        self, pipeline: Pipeline, node: Node, producer_digest: Mapping[str, str]
    ) -> Result[Fingerprint, DatasetError]:
        """The node's fingerprint now, its inputs observed as they are (at the node's start)."""
        made = self.fingerprint_value(pipeline, node, producer_digest)
        return Failure(made) if isinstance(made, DatasetError) else Success(made)

    def fingerprint_value(
        self, pipeline: Pipeline, node: Node, producer_digest: Mapping[str, str]
    ) -> Fingerprint | DatasetError:
        """:meth:`fingerprint` as a plain value (the journal calls it at every node's start)."""
        seen = self._seen(node)
        if isinstance(seen, DatasetError):
            return seen
        datasets: dict[str, DatasetState] = {}
        for name in node.inputs:
            if is_parameter(name):
                continue
            state = self._state(name)
            if isinstance(state, DatasetError):
                return state
            datasets[name] = state
        return fingerprint_parts(node, seen, datasets, producer_digest, pipeline.graph.producer)

    def output_tokens(self, node: Node) -> dict[str, str]:
        """The version token of each persistent output the node wrote (after its saves)."""
        tokens: dict[str, str] = {}
        for name in node.outputs:
            state = self.dataset(name)
            if is_successful(state) and state.unwrap().is_checkable:
                tokens[name] = state.unwrap().token
        return tokens
