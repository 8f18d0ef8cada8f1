"""The DPO's pages: retention and legal holds, data subjects' requests (privacy.permissions)."""

app_name = "privacy"

urlpatterns = []
