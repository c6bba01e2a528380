"""Speed and accuracy benchmarks that print figures (not pass/fail tests)."""
