"""The JSON API (v1) for phones and offline clients: bearer tokens, problem details, OpenAPI."""
