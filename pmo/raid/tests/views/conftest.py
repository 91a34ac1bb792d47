"""The RAID cast (project WEB in programme DIG in the IT Portfolio, with its people) comes from
``pmo/raid/tests/conftest.py``; items are made with the factories, dated from today."""
