"""War and peace around the table: outside options, commitment problems and the durability of
what a table produces."""
