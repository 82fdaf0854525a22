"""Business logic as plain async functions: reads, pagination, loaders and domain errors."""
