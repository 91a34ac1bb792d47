"""Portfolio Office: an open-source PMO system."""
