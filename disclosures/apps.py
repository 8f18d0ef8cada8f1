from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    name = "disclosures"

    def ready(self):
        # On speak-up cases the audit trail hides who raised the concern from all but the guardian.
        from audit.selectors import hidden_actor_register
        from disclosures.selectors import speak_up_reporter_events

        hidden_actor_register(speak_up_reporter_events)
