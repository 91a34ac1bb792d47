"""Lessons learned: logged at any time or at closure, found again, suggested to the projects they fit."""
