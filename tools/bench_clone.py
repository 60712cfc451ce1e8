# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Clone documents made through Odoo's flows by SQL, ids remapped (used by
``bench_gen.py`` inside ``odoo shell``).

Owns: copying the rows of a set of template documents (orders, their lines,
pickings, moves, move lines, invoices, journal items, payments, partial and
full reconciliations, and the many2many rows between them) ``copies`` times.
Every foreign key that points into a cloned table points to the clone of the
same copy; customers and products are spread over pools; unique names get a
suffix. The rows are Odoo's own rows, so the clones are what the flows would
have written for the same documents.
"""

# The tables in insertion order; a foreign key to a table later in the list
# is written afterwards by an UPDATE (the cycles payment <-> move).
TABLES = [
    "sale_order",
    "sale_order_line",
    "stock_picking",
    "stock_move",
    "stock_move_line",
    "account_full_reconcile",
    "account_move",
    "account_move_line",
    "account_payment",
    "account_partial_reconcile",
]
# text columns that must stay unique (posted move names, picking names)
UNIQUE_NAMES = {
    "sale_order": ["name"],
    "stock_picking": ["name"],
}
# journal entries: numbered in a series of their own (prefix + "B", the new
# id as number), so that the numbers ``sequence.mixin`` gives later (the last
# number of the newest entry's prefix + 1) never meet a clone's
SEQUENCE = {
    "sequence_prefix": "CASE WHEN t.sequence_prefix IS NULL THEN NULL "
    "ELSE t.sequence_prefix || 'B' END",
    "sequence_number": "CASE WHEN t.sequence_number IS NULL THEN NULL "
    "ELSE m.new_id END",
    "name": "CASE WHEN t.name IS NULL OR t.name = '/' OR t.sequence_prefix IS NULL "
    "THEN t.name ELSE t.sequence_prefix || 'B' || lpad(m.new_id::text, 8, '0') END",
}
PARTNER_COLUMNS = {
    "partner_id",
    "commercial_partner_id",
    "partner_invoice_id",
    "partner_shipping_id",
}


def foreign_keys(cr, tables=None):
    """{(table, column): referenced table} of the foreign keys of the tables
    cloned and of those pointing to them (or of the ``tables`` given)."""
    where = (
        "cl.relname = ANY(%s)"
        if tables
        else ("(ref.relname = ANY(%s) OR cl.relname = ANY(%s))")
    )
    cr.execute(
        f"""
        SELECT cl.relname, att.attname, ref.relname
          FROM pg_constraint con
          JOIN pg_class cl ON cl.oid = con.conrelid
          JOIN pg_class ref ON ref.oid = con.confrelid
          JOIN pg_attribute att ON att.attrelid = con.conrelid
                               AND att.attnum = con.conkey[1]
         WHERE con.contype = 'f' AND {where}
        """,
        [tables] if tables else [TABLES, TABLES],
    )
    return {(table, column): ref for table, column, ref in cr.fetchall()}


def columns_of(cr, table):
    cr.execute(
        """
        SELECT column_name FROM information_schema.columns
         WHERE table_name = %s AND table_schema = current_schema()
         ORDER BY ordinal_position
        """,
        [table],
    )
    return [row[0] for row in cr.fetchall()]


def build_maps(cr, ids_by_table, copies):
    """Temporary tables ``bench_map_<table>(old_id, copy, new_id)``: new ids
    in one block after the table's current maximum, the sequence moved on."""
    for table, ids in ids_by_table.items():
        cr.execute(f"DROP TABLE IF EXISTS bench_map_{table}")
        cr.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        base = cr.fetchone()[0]
        cr.execute(
            f"""
            CREATE TEMPORARY TABLE bench_map_{table} AS
            SELECT t.id AS old_id, c AS copy,
                   %(base)s + c * %(n)s + t.rank - 1 AS new_id
              FROM (SELECT id, row_number() OVER (ORDER BY id) AS rank
                      FROM {table} WHERE id = ANY(%(ids)s)) t
             CROSS JOIN generate_series(0, %(copies)s - 1) c
            """,
            {"base": base, "n": len(ids), "ids": list(ids), "copies": copies},
        )
        cr.execute(f"CREATE INDEX ON bench_map_{table} (old_id, copy)")
        cr.execute(f"ANALYZE bench_map_{table}")
        cr.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
            [table, base + copies * len(ids)],
        )


def column_expr(table, column, fks, later, pools):
    """The SQL expression of one column of a clone (``t``: the template row,
    ``m``: its map row), and the join it needs, if any."""
    ref = fks.get((table, column))
    if ref in TABLES and ref not in later:
        alias = f"j_{column}"
        join = (
            f"LEFT JOIN bench_map_{ref} {alias} "
            f"ON {alias}.old_id = t.{column} AND {alias}.copy = m.copy"
        )
        return f"COALESCE({alias}.new_id, t.{column})", join
    if ref in later:
        return "NULL", None  # written by fix_later()
    if table == "account_move" and column in SEQUENCE:
        return SEQUENCE[column], None
    if column in UNIQUE_NAMES.get(table, []):
        return (
            f"CASE WHEN t.{column} IS NULL OR t.{column} = '/' THEN t.{column} "
            f"ELSE t.{column} || '-' || lpad(m.copy::text, 5, '0') END",
            None,
        )
    if ref == "res_partner" and column in PARTNER_COLUMNS:
        return pool_expr(f"t.{column}", pools["partners"]), None
    if ref == "product_product" and column == "product_id":
        return pool_expr(f"t.{column}", pools["products"]), None
    if ref == "product_template":
        return pool_expr(f"t.{column}", pools["templates"]), None
    return f"t.{column}", None


def pool_expr(column, pools):
    """CASE mapping each template id to its pool member for the copy."""
    if not pools:
        return column
    cases = " ".join(
        f"WHEN {old} THEN (ARRAY{members})[1 + m.copy % {len(members)}]"
        for old, members in pools.items()
    )
    return f"CASE {column} {cases} ELSE {column} END"


def clone_table(cr, table, fks, pools):
    """Insert the clones of the template rows of ``table``."""
    later = set(TABLES[TABLES.index(table) + 1 :])
    selects, joins = [], []
    for column in columns_of(cr, table):
        if column == "id":
            selects.append("m.new_id")
            continue
        expr, join = column_expr(table, column, fks, later, pools)
        selects.append(expr)
        if join:
            joins.append(join)
    columns = ", ".join(f'"{c}"' for c in columns_of(cr, table))
    cr.execute(
        f"""
        INSERT INTO {table} ({columns})
        SELECT {", ".join(selects)}
          FROM bench_map_{table} m
          JOIN {table} t ON t.id = m.old_id
          {" ".join(joins)}
        """
    )


def fix_later(cr, table, fks):
    """Write the foreign keys of the clones to tables cloned after ``table``."""
    later = set(TABLES[TABLES.index(table) + 1 :])
    for (fk_table, column), ref in fks.items():
        if fk_table != table or ref not in later:
            continue
        cr.execute(
            f"""
            UPDATE {table} c
               SET {column} = COALESCE(j.new_id, t.{column})
              FROM bench_map_{table} m
              JOIN {table} t ON t.id = m.old_id
         LEFT JOIN bench_map_{ref} j ON j.old_id = t.{column} AND j.copy = m.copy
             WHERE c.id = m.new_id AND t.{column} IS NOT NULL
            """
        )


def clone_relations(cr, fks):
    """Clone the rows of the many2many tables of the cloned tables (between
    two of them, or from one to a shared table: taxes)."""
    others = sorted({t for (t, _column) in fks if t not in TABLES})
    filled = []
    rel_tables = {}
    for (table, column), ref in foreign_keys(cr, others).items():
        rel_tables.setdefault(table, {})[column] = ref
    for table, refs in rel_tables.items():
        columns = columns_of(cr, table)
        mapped = [c for c in columns if refs.get(c) in TABLES]
        if "id" in columns or len(columns) != 2 or not mapped:
            continue  # not a plain relation table
        first = mapped[0]
        selects, joins = [], []
        for column in columns:
            if column in mapped:
                selects.append(f"j_{column}.new_id")
                if column != first:
                    joins.append(
                        f"JOIN bench_map_{refs[column]} j_{column} "
                        f"ON j_{column}.old_id = r.{column} "
                        f"AND j_{column}.copy = j_{first}.copy"
                    )
            else:
                selects.append(f"r.{column}")
        cr.execute(
            f"""
            INSERT INTO {table} ({", ".join(columns)})
            SELECT {", ".join(selects)}
              FROM {table} r
              JOIN bench_map_{refs[first]} j_{first} ON j_{first}.old_id = r.{first}
              {" ".join(joins)}
            """
        )
        filled.append(table)
    return filled


def clone(cr, ids_by_table, copies, pools):
    """Clone the template rows ``ids_by_table`` ``copies`` times.

    :param pools: ``{"partners": {template id: [ids]}, "products": {...}}``
    """
    fks = foreign_keys(cr)
    build_maps(cr, ids_by_table, copies)
    for table in TABLES:
        clone_table(cr, table, fks, pools)
    for table in TABLES:
        fix_later(cr, table, fks)
    relations = clone_relations(cr, fks)
    # the names copied from their entry (stored related / computed)
    cr.execute(
        """
        UPDATE account_move_line l SET move_name = am.name
          FROM bench_map_account_move_line m, account_move am
         WHERE l.id = m.new_id AND am.id = l.move_id
        """
    )
    cr.execute(
        """
        UPDATE account_payment p SET name = am.name
          FROM bench_map_account_payment m, account_move am
         WHERE p.id = m.new_id AND am.id = p.move_id
        """
    )
    for table in TABLES:
        cr.execute(f"DROP TABLE bench_map_{table}")
    # statistics of the tables grown: a live database has them (autovacuum
    # analyses a table once a fifth of it changed); without them the planner
    # sees the demo's few hundred rows and picks nested loops over 100,000.
    # ANALYZE counts the rows this (uncommitted) transaction inserted.
    for table in TABLES + relations:
        cr.execute(f"ANALYZE {table}")
