"""renda (人大): digital platform for People's Congress deputies."""

__version__ = "0.1.0"
