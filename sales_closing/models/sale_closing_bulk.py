# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Bulk storage of the rows a run of the checks writes by the thousand (the
reconciliation lines, the check results): one INSERT per batch instead of an
ORM ``create`` per row, written as the ORM would write them.

The ORM's ``create`` costs about 1.5 ms a row (defaults, cache, recompute
triggers, one INSERT per hundred rows with ``RETURNING``); at 100,000 order
lines that is minutes. These rows have no inverse, no onchange and no
dependent stored compute outside their own table, so plain SQL writes them
alike, provided it fills what the ORM fills: ``create_uid``/``create_date``/
``write_uid``/``write_date``, the stored related ``company_id``, and floats
rounded to their digits (monetary amounts to their currency's rounding).
"""

from odoo import api, fields, models
from odoo.models import PREFETCH_MAX
from odoo.tools import SQL

from ..lib.arrays import array_literal

BATCH_SIZE = 20000


class SaleClosingBulk(models.AbstractModel):
    _name = "sale.closing.bulk"
    _description = "Sales Closing Bulk Storage"

    @api.model
    def _bulk_read(self, model_name, ids, fnames=None):
        """Return the records of ``model_name`` with ``ids`` (as superuser,
        archived ones included), their stored fields read in one query.

        The ORM reads at most ``PREFETCH_MAX`` (1,000) records a query, so
        reading the names of 80,000 problems' orders took 80 queries; one
        ``fetch`` of all of them takes one.

        :param fnames: the fields to read (all of them read in one query,
            whatever the number of records); by default every stored field
            the ORM prefetches (above ``PREFETCH_MAX`` records only). Name
            them for tens of thousands of records: the cache of every field
            of 67,000 order lines took about 150 MB."""
        records = (
            self.env[model_name]
            .sudo()
            .with_context(active_test=False)
            .browse(set(ids) - {False, None, 0})
        )
        if fnames:
            records.fetch(fnames)
        elif len(records) > PREFETCH_MAX:
            records.fetch(
                [
                    name
                    for name, field in records._fields.items()
                    if field.store and field.column_type and field.prefetch is True
                ]
            )
        return records

    @api.model
    def _bulk_insert(self, model_name, vals_list, defaults=None, table=None):
        """Insert ``vals_list`` into the table of ``model_name``: one INSERT
        per batch of ``BATCH_SIZE`` rows. Return nothing (the ids are not
        needed: callers read the rows back by their period).

        :param vals_list: dicts of stored, non-relational-x2many field values
            (``write`` format), all with the same keys
        :param defaults: values common to every row (``period_id``,
            ``company_id`` for the stored related company)
        :param table: the table to fill instead of the model's (a temporary
            copy of it, to compare with the stored rows)
        """
        if not vals_list:
            return
        Model = self.env[model_name]
        defaults = dict(defaults or {})
        now = self.env.cr.now()
        defaults.update(
            create_uid=self.env.uid,
            create_date=now,
            write_uid=self.env.uid,
            write_date=now,
        )
        names = list(vals_list[0]) + [n for n in defaults if n not in vals_list[0]]
        columns = [Model._fields[name] for name in names]
        rounding = self._get_currency_roundings(Model, names, vals_list, defaults)
        for start in range(0, len(vals_list), BATCH_SIZE):
            batch = vals_list[start : start + BATCH_SIZE]
            arrays = [
                self._get_column_values(field, batch, defaults) for field in columns
            ]
            extra = [
                [rounding[field][vals.get(field)] for vals in batch]
                if isinstance(rounding[field], dict)
                else [rounding[field]] * len(batch)
                for field in rounding
            ]
            self._execute_insert(
                Model, table or Model._table, columns, arrays, list(rounding), extra
            )
        Model.invalidate_model()

    @api.model
    def _bulk_replace(self, model_name, batches, defaults, key, names):
        """Make the rows of ``model_name`` of the period ``defaults["period_id"]``
        those of ``batches`` (lists of values as ``_bulk_insert`` takes them),
        matched on the column ``key``: a row found again with the same
        ``names`` values is left as it is, one whose values changed is updated
        in place (its id and other columns kept), rows no longer there are
        deleted, new ones inserted.

        The new rows go to a temporary copy of the table (no foreign keys,
        no index to keep: about a third of the cost of storing them), then
        one UPDATE, one DELETE and one INSERT reconcile the stored rows with
        it. A rerun on data that did not change writes nothing.
        """
        Model = self.env[model_name]
        Model.flush_model()
        cr = self.env.cr
        temp = SQL.identifier(f"{Model._table}_new")
        cr.execute(SQL("DROP TABLE IF EXISTS %s", temp))
        cr.execute(
            SQL(
                "CREATE TEMPORARY TABLE %s AS SELECT * FROM %s WITH NO DATA",
                temp,
                SQL.identifier(Model._table),
            )
        )
        for batch in batches:
            self._bulk_insert(model_name, batch, defaults, table=f"{Model._table}_new")
        # the merge matches the stored rows on ``key``: indexed and analysed,
        # so that its plan never scans the new rows once per stored row (seen
        # at 80,000 results: minutes in the DELETE when the statistics were
        # stale)
        cr.execute(SQL("CREATE INDEX ON %s (%s)", temp, SQL.identifier(key)))
        cr.execute(SQL("ANALYZE %s", temp))
        for query in self._get_merge_queries(Model, temp, key, names, defaults):
            cr.execute(query)
        cr.execute(SQL("DROP TABLE %s", temp))
        Model.invalidate_model()

    @api.model
    def _get_merge_queries(self, Model, temp, key, names, defaults):
        """Return the UPDATE, DELETE and INSERT of ``_bulk_replace``."""
        table = SQL.identifier(Model._table)
        period = defaults["period_id"]
        same_key = SQL("r.%s = n.%s", SQL.identifier(key), SQL.identifier(key))
        columns = [*names, *(name for name in defaults if name not in names)]
        audit = ["create_uid", "create_date", "write_uid", "write_date"]
        return [
            SQL(
                """UPDATE %(table)s r SET (%(names)s, write_uid, write_date)
                     = (%(new)s, n.write_uid, n.write_date)
                     FROM %(temp)s n
                    WHERE r.period_id = %(period)s AND %(same_key)s
                      AND (%(stored)s) IS DISTINCT FROM (%(new)s)""",
                table=table,
                names=SQL(", ").join(SQL.identifier(name) for name in names),
                new=SQL(", ").join(SQL.identifier("n", name) for name in names),
                stored=SQL(", ").join(SQL.identifier("r", name) for name in names),
                temp=temp,
                period=period,
                same_key=same_key,
            ),
            SQL(
                """DELETE FROM %(table)s r
                    WHERE r.period_id = %(period)s
                      AND NOT EXISTS (SELECT 1 FROM %(temp)s n WHERE %(same_key)s)""",
                table=table,
                temp=temp,
                period=period,
                same_key=same_key,
            ),
            SQL(
                """INSERT INTO %(table)s (%(columns)s)
                   SELECT %(columns)s FROM %(temp)s n
                    WHERE NOT EXISTS (SELECT 1 FROM %(table)s r
                                       WHERE r.period_id = %(period)s
                                         AND %(same_key)s)""",
                table=table,
                columns=SQL(", ").join(
                    SQL.identifier(name) for name in columns + audit
                ),
                temp=temp,
                period=period,
                same_key=same_key,
            ),
        ]

    @api.model
    def _get_column_values(self, field, batch, defaults):
        """Return the values of ``field`` in the rows of ``batch`` (its
        default when the rows leave it out), False as NULL but for booleans."""
        name = field.name
        if name not in batch[0]:
            return [defaults[name]] * len(batch)
        if field.type == "boolean":
            return [vals[name] for vals in batch]
        return [None if vals[name] is False else vals[name] for vals in batch]

    @api.model
    def _get_currency_roundings(self, Model, names, vals_list, defaults):
        """Return {currency field name: rounding or {currency id: rounding}}
        for the currency fields the monetary columns among ``names`` use."""
        result = {}
        for name in names:
            field = Model._fields[name]
            if field.type != "monetary":
                continue
            currency_field = field.get_currency_field(Model)
            if currency_field in result:
                continue
            if currency_field in names:
                ids = {vals.get(currency_field) for vals in vals_list}
                ids |= {defaults.get(currency_field)}
                currencies = self.env["res.currency"].browse(ids - {None, False})
                result[currency_field] = {c.id: c.rounding for c in currencies}
                result[currency_field].update({None: 0.01, False: 0.01})
            else:
                # a related currency (company_id.currency_id): one company
                company = self.env["res.company"].browse(defaults["company_id"])
                result[currency_field] = company.currency_id.rounding
        return result

    @api.model
    def _execute_insert(self, Model, table, columns, arrays, currency_fields, extra):
        """Run one ``INSERT ... SELECT FROM unnest(arrays)``: one array per
        column (typed as the column), written as the ORM's
        ``convert_to_column`` writes a value given to ``create``: empty
        numbers as 0, empty booleans as false, floats rounded to their digits
        and monetary amounts to their currency's rounding."""
        selects = []
        for field in columns:
            column = SQL.identifier("t", field.name)
            if field.type in ("float", "monetary", "integer"):
                column = SQL("COALESCE(%s, 0)", column)
            elif field.type == "boolean":
                column = SQL("COALESCE(%s, FALSE)", column)
            if field.type == "monetary":
                rounding = SQL.identifier(
                    "t", "__rounding_" + field.get_currency_field(Model)
                )
                selects.append(SQL("ROUND(%s / %s) * %s", column, rounding, rounding))
            elif field.type == "float" and field.get_digits(self.env):
                scale = field.get_digits(self.env)[1]
                selects.append(SQL("ROUND(%s, %s)", column, scale))
            else:
                selects.append(column)
        types = [self._get_array_type(field) for field in columns]
        aliases = [SQL.identifier(field.name) for field in columns]
        aliases += [SQL.identifier("__rounding_" + name) for name in currency_fields]
        # each array as one text literal: a list would reach PostgreSQL as
        # ARRAY[...] with one expression per value, seconds to parse
        unnest = [
            SQL("%s::%s[]", array_literal(array), SQL(sql_type))
            for array, sql_type in zip(arrays, types, strict=True)
        ]
        unnest += [SQL("%s::numeric[]", array_literal(array)) for array in extra]
        self.env.cr.execute(
            SQL(
                "INSERT INTO %s (%s) SELECT %s FROM unnest(%s) AS t(%s)",
                SQL.identifier(table),
                SQL(", ").join(SQL.identifier(field.name) for field in columns),
                SQL(", ").join(selects),
                SQL(", ").join(unnest),
                SQL(", ").join(aliases),
            )
        )

    @api.model
    def _iter_batches(self, rows, size=BATCH_SIZE):
        """Yield the items of the iterable ``rows`` in lists of ``size``, for
        ``_bulk_insert`` to write a stream without holding all of it."""
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch

    @api.model
    def _bulk_link(self, records, field_name, targets):
        """Add the links of the many2many ``field_name`` of ``records``:
        ``targets`` holds, per record in order, the ids it links to. One
        ``INSERT ... SELECT FROM unnest`` per batch of ``BATCH_SIZE`` links
        (the ORM's ``Command.set`` reads, diffs and inserts per record: 12 s
        for the 100,000 sources of a 100,000-line month's preview).

        The records must be new or have no link yet: nothing is removed.
        """
        field = records._fields[field_name]
        pairs = [
            (record_id, target)
            for record_id, record_targets in zip(records.ids, targets, strict=True)
            for target in dict.fromkeys(record_targets)
        ]
        records.flush_recordset([field_name])
        for batch in self._iter_batches(pairs):
            self.env.cr.execute(
                SQL(
                    "INSERT INTO %s (%s, %s) SELECT * FROM unnest(%s::int[], %s::int[])"
                    " ON CONFLICT DO NOTHING",
                    SQL.identifier(field.relation),
                    SQL.identifier(field.column1),
                    SQL.identifier(field.column2),
                    array_literal([pair[0] for pair in batch]),
                    array_literal([pair[1] for pair in batch]),
                )
            )
        records.invalidate_recordset([field_name])

    @api.model
    def _copy_links(self, source, target, pairs):
        """Give each record of ``pairs`` (``(source id, target id)``) the
        links of its source: the ids the source links to through the
        many2many field ``source`` are linked to the target through the
        many2many field ``target`` (fields of any two models linking to the
        same comodel). One ``INSERT ... SELECT`` per batch, where ``copy`` or
        ``Command.set`` would read and write the links through the ORM line
        by line."""
        self.env[source.model_name].flush_model([source.name])
        for batch in self._iter_batches(pairs):
            self.env.cr.execute(
                SQL(
                    """INSERT INTO %(target)s (%(target1)s, %(target2)s)
                       SELECT pair.target_id, rel.%(source2)s
                         FROM unnest(%(sources)s::int[], %(targets)s::int[])
                              AS pair(source_id, target_id)
                         JOIN %(source)s rel ON rel.%(source1)s = pair.source_id
                       ON CONFLICT DO NOTHING""",
                    target=SQL.identifier(target.relation),
                    target1=SQL.identifier(target.column1),
                    target2=SQL.identifier(target.column2),
                    source=SQL.identifier(source.relation),
                    source1=SQL.identifier(source.column1),
                    source2=SQL.identifier(source.column2),
                    sources=array_literal([pair[0] for pair in batch]),
                    targets=array_literal([pair[1] for pair in batch]),
                )
            )
        self.env[target.model_name].invalidate_model([target.name])

    @api.model
    def _get_array_type(self, field):
        """Return the SQL type of the array ``field``'s values are sent in."""
        if field.type in ("float", "monetary"):
            # numeric: ROUND(numeric, scale) rounds half away from zero on the
            # decimal text of the float, as Odoo's float_round does
            return "numeric"
        if isinstance(field, fields.Selection | fields.Char | fields.Text):
            return "varchar" if field.type == "selection" else "text"
        return field.column_type[1]
