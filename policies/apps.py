from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "policies"

    def ready(self):
        # Each process keeps a copy of the rules (policies.selectors.rules_active): forget it when they change
        # here. Other processes notice the change by the rules' stamp on their next read.
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from policies.models import Rule
        from policies.selectors import rules_cache_clear

        def forget(**kwargs):
            rules_cache_clear()

        post_save.connect(forget, sender=Rule, dispatch_uid="policies.rules.saved", weak=False)
        post_delete.connect(forget, sender=Rule, dispatch_uid="policies.rules.deleted", weak=False)
        m2m_changed.connect(
            forget, sender=Rule.categories.through, dispatch_uid="policies.rules.categories", weak=False
        )
