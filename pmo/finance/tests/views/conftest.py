"""The finance pages' world: the finance books (WEB and HR with a cost code each) with money in
them, and clients signed in as anyone. Run on 4 December 2026 (financial year 2026/27)."""

from datetime import date

from django.test import Client

from pmo.core.models import User

OCT, NOV, DEC, APR = date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1), date(2027, 4, 1)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
