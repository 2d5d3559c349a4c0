"""Tests for simrenew."""
