"""Oversight: case management for the oversight and escalation of NHS Wales organisations."""

from .celery import app as celery_app

__all__ = ("celery_app",)
