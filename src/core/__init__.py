"""kedro-pure: the pure core."""
