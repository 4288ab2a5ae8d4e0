"""Use cases combining reading, checking and the store: import a plan, record actuals, evaluate progress."""
