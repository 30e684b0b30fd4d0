"""`__in` on integer columns, bounded as Django bounds `exact`, `gt`, `lt`: an id no column can
hold (past 64 bits) matches nothing instead of failing in the driver (SQLite raises OverflowError
binding it: a 500 for a posted form whose choice was written by hand)."""

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        internal_type = self.lhs.output_field.get_internal_type()
        if self.rhs_is_direct_value() and internal_type in connection.ops.integer_field_ranges:
            low, high = connection.ops.integer_field_range(internal_type)
            self.rhs = [value for value in self.rhs if not isinstance(value, int)
                        or ((low is None or value >= low) and (high is None or value <= high))]
        return super().process_rhs(compiler, connection)


def install() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
