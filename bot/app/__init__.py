"""The composition root: the one package that imports every layer, builds the object graph and runs it.

`graph` builds the services in dependency order on injected I/O, `instruments` decorates them with metrics,
`run` opens the resources and runs a mode (long polling or webhook, the poller worker, the offline demo).
See docs/architecture.md.
"""
