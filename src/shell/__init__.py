"""kedro-pure: the imperative shell."""
