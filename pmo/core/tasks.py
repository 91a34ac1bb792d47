"""Background tasks of core (Django's Tasks API, run by ``pmo worker``)."""

from django_tasks import task

from pmo.core.work import work_digest_send


@task()
def work_digest() -> int:
    """The daily digest: e-mail each person with work waiting their work queue."""
    return work_digest_send()
