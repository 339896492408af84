"""War and peace around the table: the bargaining model of war (bargaining.py), the war as
disagreement point and reservation value (outside_options.py) and the durability of what a
table produces (durability.py)."""
