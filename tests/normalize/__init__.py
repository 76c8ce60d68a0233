"""Tests for congdoan.normalize."""
