"""Lifecycle gates with their evidence and reviews, boards and their meetings, board packs."""
