"""Health checks (checkpoint assessments from questionnaires) and the PMO standards every project is checked against."""
