"""Settings from the environment and .env; read only by wiring and __main__."""
