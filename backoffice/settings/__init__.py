"""Settings modules: `base` for every deployment (configured by the environment), `test` for
the test suite."""
