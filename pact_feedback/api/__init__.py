"""The JSON API (v1) for phones and offline clients: bearer tokens, problem details, OpenAPI."""

NAME = "api_v1"  # the blueprint's name, and the rate limiter's scope for its requests
