from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pmo.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from simple_history.signals import pre_create_historical_record

        from pmo.core.history import keep_history_manager_classes, stamp_from_the_clock

        pre_create_historical_record.connect(stamp_from_the_clock, dispatch_uid="pmo.core.history.clock")
        keep_history_manager_classes()
