"""`__in` on an integer column ignores numbers the database cannot hold, as Django's own `exact`, `gt`, `lt`…
already do (django.db.models.lookups.IntegerFieldOverflow): no row has such an id, so none matches.

Without it, a posted id beyond 2⁶³ in a list of people (`pk__in=[…]`, as ModelMultipleChoiceField asks)
raises OverflowError on SQLite, a server error instead of "choose people from the list". Registered for
every IntegerField (ids included) by core.apps.CoreConfig.ready.
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int) or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
