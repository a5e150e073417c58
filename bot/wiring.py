"""Composition root: the one module that imports every layer and builds the object graph."""
