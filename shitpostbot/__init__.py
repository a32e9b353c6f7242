"""ShitpostBot: a Discord bot that writes like you, trained on your own Facebook export."""

__version__ = "0.1.0"
