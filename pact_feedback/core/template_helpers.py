"""Template filters every page may use; nothing here knows about people or features."""

from flask import Flask, get_flashed_messages


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(get_flashed_messages=get_flashed_messages)
    app.jinja_env.filters["uk_date"] = uk_date
    app.jinja_env.filters["uk_datetime"] = uk_datetime


def uk_date(value) -> str:
    return value.strftime("%-d %B %Y") if value else "Not set"


def uk_datetime(value) -> str:
    return value.strftime("%-d %B %Y at %H:%M") if value else "Not yet"
