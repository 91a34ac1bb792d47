from pmo.raid.tests.api.conftest import client_for  # noqa: F401 (the same clients as the RAID API's)
