"""dhr-chaser: chases agencies for progress on Domestic Homicide Review action plans."""

__version__ = "0.1.0"
