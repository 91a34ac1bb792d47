"""Choices of project plans."""

from django.db import models


class LinkType(models.TextChoices):
    FS = "FS", "Finish to start"
    SS = "SS", "Start to start"
    FF = "FF", "Finish to finish"
    SF = "SF", "Start to finish"


class Constraint(models.TextChoices):
    ASAP = "ASAP", "As soon as possible"
    ALAP = "ALAP", "As late as possible"
    SNET = "SNET", "Start no earlier than"
    SNLT = "SNLT", "Start no later than"
    FNET = "FNET", "Finish no earlier than"
    FNLT = "FNLT", "Finish no later than"
    MSO = "MSO", "Must start on"
    MFO = "MFO", "Must finish on"


class Distribution(models.TextChoices):
    """How a three-point estimate spreads (``pmo.engine.schedule_risk.Distribution``)."""

    TRIANGULAR = "triangular", "Triangular"
    PERT = "pert", "PERT (beta)"
