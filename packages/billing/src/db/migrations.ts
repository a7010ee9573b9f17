/**
 * The billing schema, as an append-only list of migrations. Never edit one that has shipped:
 * add the next. Each runs in its own transaction with `search_path` set to hrdkit's schema, so
 * table names are unqualified.
 */
import { ACCOUNTS_MIGRATIONS } from "./migrations-accounts.js";
import { CUSTOMERS_MIGRATIONS } from "./migrations-customers.js";
import { INVOICES_MIGRATIONS } from "./migrations-invoices.js";
import { MAIL_MIGRATIONS } from "./migrations-mail.js";
import { NOTIFY_CUSTOMER_MIGRATIONS } from "./migrations-notify-customers.js";
import { NOTIFY_OFFER_MIGRATIONS } from "./migrations-notify-offers.js";
import { NOTIFY_OUTBOX_MIGRATIONS } from "./migrations-notify-outbox.js";
import { NOTIFY_TEMPLATE_MIGRATIONS } from "./migrations-notify-templates.js";
import { PAYMENTS_MIGRATIONS } from "./migrations-payments.js";
import { PROFORMAS_MIGRATIONS } from "./migrations-proformas.js";

export interface Migration {
  id: string;
  sql: string;
}

const BASE_MIGRATIONS: readonly Migration[] = [
  {
    id: "0001-settings",
    sql: `
      CREATE TABLE settings (
        key text PRIMARY KEY,
        value jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );`,
  },
  {
    id: "0002-catalog-prices-promotions",
    sql: `
      -- What can be sold ------------------------------------------------------------------
      -- TLD metadata ("price types" in HRD's panel), editable by the partner.
      CREATE TABLE tlds (
        tld text PRIMARY KEY CHECK (tld ~ '^[a-z0-9-]+(\\.[a-z0-9-]+)*$'),
        idn boolean NOT NULL DEFAULT false,
        register_periods int[] NOT NULL DEFAULT '{1}',
        renew_periods int[] NOT NULL DEFAULT '{1}',
        transfer_periods int[] NOT NULL DEFAULT '{1}',
        options_available boolean NOT NULL DEFAULT false,
        -- api.xsd additionalData block the TLD requires: fr, it, us, ca, es (or none)
        additional_data text CHECK (additional_data IN ('fr', 'it', 'us', 'ca', 'es')),
        -- e.g. {"renewAfterExpiryDays": 30, "redemptionDays": 30}
        grace jsonb NOT NULL DEFAULT '{}',
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      -- Whole kinds of service the partner sells; a switched-off kind cannot be quoted or ordered.
      CREATE TABLE offered_services (
        kind text PRIMARY KEY CHECK (kind IN ('domain', 'option', 'ssl', 'hosting')),
        enabled boolean NOT NULL DEFAULT true
      );
      INSERT INTO offered_services (kind, enabled)
        VALUES ('domain', true), ('option', true), ('ssl', true), ('hosting', false);

      -- One row per sellable thing: code 'domain.pl.register', 'option.pl.create',
      -- 'ssl.positive-ssl.renew', 'hosting.<package>.create'.
      CREATE TABLE services (
        id serial PRIMARY KEY,
        code text NOT NULL UNIQUE,
        kind text NOT NULL CHECK (kind IN ('domain', 'option', 'ssl', 'hosting')),
        operation text NOT NULL CHECK (operation IN ('register', 'renew', 'transfer', 'trade', 'create')),
        tld text REFERENCES tlds (tld) ON UPDATE CASCADE,
        product text,
        provider_ref text,
        name text NOT NULL,
        periods int[] NOT NULL,
        vat_rate text NOT NULL DEFAULT '23',
        active boolean NOT NULL DEFAULT true,
        CHECK ((kind IN ('domain', 'option')) = (tld IS NOT NULL)),
        CHECK ((kind IN ('ssl', 'hosting')) = (product IS NOT NULL)),
        CHECK (cardinality(periods) > 0)
      );
      CREATE INDEX services_kind ON services (kind, operation);

      -- Partner-defined lists of TLDs for name suggestions ("sklep" -> sklep.pl, sklep.com.pl, ...).
      CREATE TABLE tld_groups (
        id serial PRIMARY KEY,
        name text NOT NULL UNIQUE,
        tlds text[] NOT NULL,
        position int NOT NULL DEFAULT 0
      );

      -- Wholesale cost, with history ---------------------------------------------------------
      CREATE TABLE wholesale_imports (
        id serial PRIMARY KEY,
        source text NOT NULL,
        imported_at timestamptz NOT NULL DEFAULT now(),
        mapped int NOT NULL DEFAULT 0,
        changed int NOT NULL DEFAULT 0,
        -- what could not be mapped, and why: [{ "service": "d_xyz", "label": "...", "reason": "..." }]
        unmapped jsonb NOT NULL DEFAULT '[]'
      );
      -- Net cost in grosze of one service for one whole period (years), as of one import.
      CREATE TABLE wholesale_prices (
        import_id int NOT NULL REFERENCES wholesale_imports (id) ON DELETE CASCADE,
        service_id int NOT NULL REFERENCES services (id) ON DELETE CASCADE,
        period int NOT NULL CHECK (period > 0),
        cost bigint NOT NULL CHECK (cost >= 0),
        PRIMARY KEY (import_id, service_id, period)
      );
      -- The latest known cost of each service and period.
      CREATE VIEW current_wholesale AS
        SELECT DISTINCT ON (service_id, period) service_id, period, cost, import_id
        FROM wholesale_prices
        ORDER BY service_id, period, import_id DESC;

      -- Price groups ("grupy cenowe") and their prices -----------------------------------------
      CREATE TABLE price_groups (
        id serial PRIMARY KEY,
        name text NOT NULL UNIQUE,
        currency text NOT NULL DEFAULT 'PLN' CHECK (currency IN ('PLN', 'EUR')),
        is_default boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX price_groups_one_default ON price_groups (is_default) WHERE is_default;

      -- How a group derives prices from wholesale cost. The most specific matching rule wins
      -- (service > tld > operation > kind > any; then higher priority).
      CREATE TABLE price_rules (
        id serial PRIMARY KEY,
        group_id int NOT NULL REFERENCES price_groups (id) ON DELETE CASCADE,
        kind text CHECK (kind IN ('domain', 'option', 'ssl', 'hosting')),
        operation text CHECK (operation IN ('register', 'renew', 'transfer', 'trade', 'create')),
        tld text,
        service_id int REFERENCES services (id) ON DELETE CASCADE,
        period int,
        margin_type text NOT NULL CHECK (margin_type IN ('percent', 'fixed')),
        -- percent in basis points (2500 = 25%), fixed in grosze
        margin_value bigint NOT NULL,
        rounding text NOT NULL DEFAULT 'none' CHECK (rounding IN ('none', '99', 'whole')),
        -- rounding is applied to the gross (what the customer sees) or to the net price
        round_on text NOT NULL DEFAULT 'gross' CHECK (round_on IN ('net', 'gross')),
        min_margin bigint NOT NULL DEFAULT 0,
        priority int NOT NULL DEFAULT 0
      );

      -- The net price a group charges for a service and period (grosze).
      CREATE TABLE prices (
        group_id int NOT NULL REFERENCES price_groups (id) ON DELETE CASCADE,
        service_id int NOT NULL REFERENCES services (id) ON DELETE CASCADE,
        period int NOT NULL CHECK (period > 0),
        net bigint NOT NULL CHECK (net >= 0),
        source text NOT NULL CHECK (source IN ('manual', 'rule')),
        rule_id int REFERENCES price_rules (id) ON DELETE SET NULL,
        -- a price below wholesale cost is refused unless the partner marks it as a deliberate loss leader
        loss_leader boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (group_id, service_id, period)
      );

      -- Customers: the columns pricing needs (the customer issue adds the rest) ---------------
      CREATE TABLE customers (
        id serial PRIMARY KEY,
        name text NOT NULL,
        price_group_id int REFERENCES price_groups (id),
        -- set when the first order is placed: "new customer" promotions look at it
        first_order_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      -- Promotions and discount codes ------------------------------------------------------------
      CREATE TABLE promotions (
        id serial PRIMARY KEY,
        name text NOT NULL,
        description text,
        active boolean NOT NULL DEFAULT true,
        starts_at timestamptz,
        ends_at timestamptz,
        -- { kinds?, operations?, tlds?, serviceCodes?, periods?, firstYearOnly?, customers?: 'new'|'existing', minOrderNet? }
        conditions jsonb NOT NULL DEFAULT '{}',
        -- { type: 'percent', value: basis points } | { type: 'amount', value: grosze } | { type: 'price', value: grosze }
        effect jsonb NOT NULL,
        combinable boolean NOT NULL DEFAULT false,
        priority int NOT NULL DEFAULT 0,
        once_per_customer boolean NOT NULL DEFAULT false,
        max_uses int CHECK (max_uses > 0),
        uses int NOT NULL DEFAULT 0,
        requires_code boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at)
      );

      CREATE TABLE discount_codes (
        code text PRIMARY KEY CHECK (code ~ '^[A-Z0-9-]{3,64}$'),
        promotion_id int NOT NULL REFERENCES promotions (id) ON DELETE CASCADE,
        -- null = unlimited, 1 = single-use
        max_uses int CHECK (max_uses > 0),
        uses int NOT NULL DEFAULT 0,
        per_customer_limit int CHECK (per_customer_limit > 0),
        expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX discount_codes_promotion ON discount_codes (promotion_id);

      -- Each use of a promotion (and its code) by an order.
      CREATE TABLE promotion_redemptions (
        id serial PRIMARY KEY,
        promotion_id int NOT NULL REFERENCES promotions (id) ON DELETE CASCADE,
        code text REFERENCES discount_codes (code) ON DELETE SET NULL,
        customer_id int NOT NULL REFERENCES customers (id),
        order_ref text NOT NULL,
        redeemed_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (promotion_id, customer_id, order_ref)
      );
      CREATE INDEX promotion_redemptions_customer ON promotion_redemptions (customer_id, promotion_id);`,
  },
  {
    id: "0003-wholesale-lookup-index",
    // current_wholesale and the cost lookups read the newest import per service and period: without
    // this index PostgreSQL sorts the whole history on every quote once imports pile up.
    sql: "CREATE INDEX wholesale_prices_latest ON wholesale_prices (service_id, period, import_id DESC);",
  },
  {
    id: "0004-customers-documents-payments",
    sql: `
      -- Customers (abonenci) in full ---------------------------------------------------------------
      ALTER TABLE customers
        ADD COLUMN type text NOT NULL DEFAULT 'person' CHECK (type IN ('person', 'company')),
        ADD COLUMN pesel text CHECK (pesel ~ '^[0-9]{11}$'),
        ADD COLUMN nip text CHECK (nip ~ '^[0-9]{10}$'),
        -- EU VAT number of a business outside Poland (reverse charge): country code + number
        ADD COLUMN eu_vat_country text CHECK (eu_vat_country ~ '^[A-Z]{2}$'),
        ADD COLUMN eu_vat_number text,
        ADD COLUMN email text,
        ADD COLUMN mobile_phone text,
        ADD COLUMN landline_phone text,
        -- the registrant account (user) at HRD this customer's domains are registered to
        ADD COLUMN hrd_user_id int,
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
        -- lower-cased name, e-mail, NIP and PESEL, for search
        ADD COLUMN search text NOT NULL DEFAULT '';
      CREATE INDEX customers_search ON customers (search text_pattern_ops, id);
      CREATE INDEX customers_name ON customers (lower(name), id);
      CREATE INDEX customers_nip ON customers (nip) WHERE nip IS NOT NULL;
      CREATE INDEX customers_email ON customers (lower(email)) WHERE email IS NOT NULL;

      -- correspondence, invoicing, and the payer when someone else pays
      CREATE TABLE customer_addresses (
        customer_id int NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('correspondence', 'invoice', 'payer')),
        name text NOT NULL,
        street text NOT NULL,
        postcode text NOT NULL,
        city text NOT NULL,
        country text NOT NULL DEFAULT 'PL' CHECK (country ~ '^[A-Z]{2}$'),
        nip text CHECK (nip ~ '^[0-9]{10}$'),
        PRIMARY KEY (customer_id, kind)
      );

      -- consent history: the current state of a consent is its latest row
      CREATE TABLE customer_consents (
        id serial PRIMARY KEY,
        customer_id int NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('newsletter', 'offers')),
        granted boolean NOT NULL,
        at timestamptz NOT NULL,
        -- how: web form, e-mail, phone call, paper, import, panel
        via text NOT NULL CHECK (via IN ('form', 'email', 'phone', 'paper', 'import', 'panel')),
        -- who recorded it (an operator, "customer" for self-service)
        actor text NOT NULL,
        note text
      );
      CREATE INDEX customer_consents_latest ON customer_consents (customer_id, kind, at DESC, id DESC);

      -- What a customer has: a domain, an option, a certificate or a hosting package, with its term.
      CREATE TABLE customer_services (
        id serial PRIMARY KEY,
        customer_id int NOT NULL REFERENCES customers (id),
        service_id int NOT NULL REFERENCES services (id),
        -- the domain name (Unicode), the certificate's common name, the hosting package label
        name text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'expired', 'cancelled')),
        period int NOT NULL CHECK (period > 0),
        starts_on date,
        expires_on date,
        -- HRD's reference: certificate id, option name, …
        hrd_ref text,
        auto_renew boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX customer_services_expiry ON customer_services (expires_on, id) WHERE status = 'active';
      CREATE INDEX customer_services_customer ON customer_services (customer_id);

      -- Document numbering -----------------------------------------------------------------------------
      -- pattern tokens: {YYYY} {YY} {MM} {N} (the counter), e.g. 'FV/{YYYY}/{MM}/{N}'
      CREATE TABLE document_series (
        id serial PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('proforma', 'invoice', 'correction')),
        name text NOT NULL UNIQUE,
        pattern text NOT NULL CHECK (pattern LIKE '%{N}%'),
        reset text NOT NULL DEFAULT 'yearly' CHECK (reset IN ('never', 'yearly', 'monthly')),
        is_default boolean NOT NULL DEFAULT false
      );
      CREATE UNIQUE INDEX document_series_default ON document_series (kind) WHERE is_default;
      -- the last number given in a series for one period ('2026', '2026-11' or '-'); allocated by
      -- UPDATE … RETURNING inside the transaction that stores the document: no gaps, no duplicates
      CREATE TABLE series_counters (
        series_id int NOT NULL REFERENCES document_series (id),
        period_key text NOT NULL,
        last int NOT NULL DEFAULT 0,
        PRIMARY KEY (series_id, period_key)
      );
      INSERT INTO document_series (kind, name, pattern, reset, is_default) VALUES
        ('proforma', 'Proformy', 'PRO/{YYYY}/{MM}/{N}', 'monthly', true),
        ('invoice', 'Faktury VAT', 'FV/{YYYY}/{MM}/{N}', 'monthly', true),
        ('correction', 'Korekty', 'KOR/{YYYY}/{N}', 'yearly', true);

      -- Proformas ---------------------------------------------------------------------------------------
      CREATE TABLE proformas (
        id serial PRIMARY KEY,
        number text NOT NULL UNIQUE,
        series_id int NOT NULL REFERENCES document_series (id),
        customer_id int NOT NULL REFERENCES customers (id),
        origin text NOT NULL CHECK (origin IN ('order', 'renewal', 'manual')),
        status text NOT NULL DEFAULT 'issued' CHECK (status IN ('issued', 'paid', 'cancelled', 'expired')),
        issue_date date NOT NULL,
        -- the proforma expires (is no longer payable) after this day
        due_date date NOT NULL,
        currency text NOT NULL DEFAULT 'PLN' CHECK (currency IN ('PLN', 'EUR')),
        -- parties as printed: { name, nip?, pesel?, euVat?, address: { street, postcode, city, country } }
        seller jsonb NOT NULL,
        buyer jsonb NOT NULL,
        payer jsonb,
        bank_account text NOT NULL,
        transfer_title text NOT NULL,
        net bigint NOT NULL,
        vat bigint NOT NULL,
        gross bigint NOT NULL,
        -- computeVat's byRate, as stored: [{ rate, net, vat, gross }]
        vat_breakdown jsonb NOT NULL,
        paid bigint NOT NULL DEFAULT 0,
        -- the order this proforma is for (quote redemption uses the same reference)
        order_ref text UNIQUE,
        -- one proforma per renewed service and term: '<customer_service_id>:<expires_on>'
        renewal_key text UNIQUE,
        paid_at timestamptz,
        activated_at timestamptz,
        cancelled_at timestamptz,
        note text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (net + vat = gross)
      );
      CREATE INDEX proformas_customer ON proformas (customer_id, id);
      CREATE INDEX proformas_open ON proformas (status, due_date) WHERE status = 'issued';

      CREATE TABLE proforma_lines (
        proforma_id int NOT NULL REFERENCES proformas (id) ON DELETE CASCADE,
        position int NOT NULL,
        service_id int REFERENCES services (id),
        customer_service_id int REFERENCES customer_services (id),
        -- 'register' | 'renew' | … of the service, copied for provisioning
        operation text,
        name text NOT NULL,
        description text,
        period int,
        service_from date,
        service_to date,
        quantity int NOT NULL DEFAULT 1 CHECK (quantity > 0),
        unit_net bigint NOT NULL,
        discount bigint NOT NULL DEFAULT 0,
        net bigint NOT NULL,
        vat_rate text NOT NULL,
        vat bigint NOT NULL,
        gross bigint NOT NULL,
        -- domain/option/cert specifics for provisioning: { ns?, authInfo?, csr?, approverEmail?, … }
        details jsonb NOT NULL DEFAULT '{}',
        PRIMARY KEY (proforma_id, position)
      );

      -- Payments and the customer's balance -----------------------------------------------------------
      CREATE TABLE bank_statements (
        id serial PRIMARY KEY,
        format text NOT NULL CHECK (format IN ('mt940', 'csv')),
        -- sha256 of the file: the same statement imported twice changes nothing
        file_hash text NOT NULL UNIQUE,
        account text,
        imported_at timestamptz NOT NULL DEFAULT now(),
        entries int NOT NULL DEFAULT 0,
        matched int NOT NULL DEFAULT 0
      );

      CREATE TABLE statement_entries (
        id serial PRIMARY KEY,
        statement_id int NOT NULL REFERENCES bank_statements (id) ON DELETE CASCADE,
        -- bank reference + booking date + amount: the same entry in two statements is one entry
        entry_key text NOT NULL UNIQUE,
        booked_on date NOT NULL,
        amount bigint NOT NULL,
        currency text NOT NULL DEFAULT 'PLN',
        title text NOT NULL DEFAULT '',
        counterparty text,
        counterparty_account text,
        status text NOT NULL CHECK (status IN ('matched', 'unmatched', 'ignored')),
        -- why it was (not) matched, for the partner's unmatched list
        note text
      );

      CREATE TABLE payments (
        id serial PRIMARY KEY,
        customer_id int NOT NULL REFERENCES customers (id),
        proforma_id int REFERENCES proformas (id),
        method text NOT NULL CHECK (method IN ('transfer', 'online', 'cash', 'balance', 'refund')),
        -- positive for money received, negative for a refund
        amount bigint NOT NULL CHECK (amount <> 0),
        currency text NOT NULL DEFAULT 'PLN',
        received_at timestamptz NOT NULL,
        -- bank reference or payment gateway id: one payment per (method, reference)
        reference text,
        title text,
        statement_entry_id int REFERENCES statement_entries (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (method, reference)
      );
      CREATE INDEX payments_proforma ON payments (proforma_id);
      ALTER TABLE statement_entries ADD COLUMN payment_id int REFERENCES payments (id);

      -- overpayments kept for the customer (+), balance used or refunded (−)
      CREATE TABLE customer_balance_entries (
        id serial PRIMARY KEY,
        customer_id int NOT NULL REFERENCES customers (id),
        amount bigint NOT NULL CHECK (amount <> 0),
        currency text NOT NULL DEFAULT 'PLN',
        reason text NOT NULL CHECK (reason IN ('overpayment', 'applied', 'refund', 'adjustment')),
        payment_id int REFERENCES payments (id),
        proforma_id int REFERENCES proformas (id),
        at timestamptz NOT NULL,
        note text
      );
      CREATE INDEX customer_balance_customer ON customer_balance_entries (customer_id);

      -- Activation and provisioning ---------------------------------------------------------------------
      -- one task per proforma line that HRD must carry out; the key makes it exactly-once
      CREATE TABLE provisioning_tasks (
        id serial PRIMARY KEY,
        proforma_id int NOT NULL REFERENCES proformas (id),
        position int NOT NULL,
        customer_service_id int REFERENCES customer_services (id),
        kind text NOT NULL,
        operation text NOT NULL,
        name text NOT NULL,
        period int,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'failed')),
        attempts int NOT NULL DEFAULT 0,
        last_error text,
        -- HRD's action id or other reference from the port
        result jsonb,
        -- wholesale cost the activation expects to spend (for the balance check)
        expected_cost bigint NOT NULL DEFAULT 0,
        idempotency_key text NOT NULL UNIQUE,
        started_at timestamptz,
        finished_at timestamptz,
        UNIQUE (proforma_id, position)
      );

      -- VAT invoices ----------------------------------------------------------------------------------------
      CREATE TABLE invoices (
        id serial PRIMARY KEY,
        number text NOT NULL UNIQUE,
        series_id int NOT NULL REFERENCES document_series (id),
        kind text NOT NULL CHECK (kind IN ('VAT', 'KOR')),
        -- one VAT invoice per activated proforma
        proforma_id int UNIQUE REFERENCES proformas (id),
        customer_id int NOT NULL REFERENCES customers (id),
        corrected_invoice_id int REFERENCES invoices (id),
        correction_reason text,
        issue_date date NOT NULL,
        -- P_6: date of the service or of the payment received before it
        sale_date date NOT NULL,
        place text,
        currency text NOT NULL DEFAULT 'PLN' CHECK (currency IN ('PLN', 'EUR')),
        -- EUR: the NBP average rate of the previous working day, its table and date
        exchange_rate text,
        rate_table text,
        rate_date date,
        seller jsonb NOT NULL,
        buyer jsonb NOT NULL,
        net bigint NOT NULL,
        vat bigint NOT NULL,
        gross bigint NOT NULL,
        -- [{ rate, net, vat, gross, vatPln? }]
        vat_breakdown jsonb NOT NULL,
        amount_in_words text NOT NULL,
        -- { method, paidAt, paid }
        payment jsonb NOT NULL DEFAULT '{}',
        -- { reverseCharge?, exemptionBasis?, splitPayment? }
        annotations jsonb NOT NULL DEFAULT '{}',
        -- { number?, status?, sentAt? } — written after issue; the only part that may change
        ksef jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (net + vat = gross),
        CHECK ((kind = 'KOR') = (corrected_invoice_id IS NOT NULL))
      );
      CREATE INDEX invoices_customer ON invoices (customer_id, id);

      CREATE TABLE invoice_lines (
        invoice_id int NOT NULL REFERENCES invoices (id),
        position int NOT NULL,
        name text NOT NULL,
        unit text NOT NULL DEFAULT 'usł.',
        quantity int NOT NULL,
        unit_net bigint NOT NULL,
        discount bigint NOT NULL DEFAULT 0,
        net bigint NOT NULL,
        vat_rate text NOT NULL,
        vat bigint NOT NULL,
        gross bigint NOT NULL,
        service_from date,
        service_to date,
        -- corrections: the line as it was before ('before') or after ('after'); null on a VAT invoice
        state text CHECK (state IN ('before', 'after')),
        PRIMARY KEY (invoice_id, position)
      );

      -- Issued invoices are immutable: only the KSeF status may be written after issue.
      CREATE FUNCTION invoices_immutable() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'issued invoices cannot be deleted; issue a correction';
        END IF;
        IF (to_jsonb(NEW) - 'ksef') IS DISTINCT FROM (to_jsonb(OLD) - 'ksef') THEN
          RAISE EXCEPTION 'issued invoices are immutable; issue a correction';
        END IF;
        RETURN NEW;
      END $fn$;
      CREATE TRIGGER invoices_immutable BEFORE UPDATE OR DELETE ON invoices
        FOR EACH ROW EXECUTE FUNCTION invoices_immutable();
      CREATE FUNCTION invoice_lines_immutable() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        RAISE EXCEPTION 'lines of issued invoices are immutable; issue a correction';
      END $fn$;
      CREATE TRIGGER invoice_lines_immutable BEFORE UPDATE OR DELETE ON invoice_lines
        FOR EACH ROW EXECUTE FUNCTION invoice_lines_immutable();

      -- a duplicate (art. 106l) carries its own issue date; copies need no record
      CREATE TABLE invoice_duplicates (
        id serial PRIMARY KEY,
        invoice_id int NOT NULL REFERENCES invoices (id),
        issued_on date NOT NULL,
        reason text
      );

      -- Sending ---------------------------------------------------------------------------------------------
      CREATE TABLE outbound_messages (
        id serial PRIMARY KEY,
        channel text NOT NULL DEFAULT 'email' CHECK (channel IN ('email', 'sms', 'phone')),
        document_kind text CHECK (document_kind IN ('proforma', 'invoice', 'correction')),
        document_id int,
        customer_id int REFERENCES customers (id),
        recipient text NOT NULL,
        subject text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
        attempts int NOT NULL DEFAULT 0,
        last_error text,
        provider_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      );
      CREATE INDEX outbound_messages_pending ON outbound_messages (status, id);`,
  },
];

/**
 * Every migration in the order it is applied: the base list, then each area's own additions
 * (files `migrations-<area>.ts`), ordered by id so the order never depends on import order.
 */
export const MIGRATIONS: readonly Migration[] = [
  ...BASE_MIGRATIONS,
  ...[
    ...CUSTOMERS_MIGRATIONS,
    ...PROFORMAS_MIGRATIONS,
    ...PAYMENTS_MIGRATIONS,
    ...MAIL_MIGRATIONS,
    ...INVOICES_MIGRATIONS,
    ...NOTIFY_OFFER_MIGRATIONS,
    ...NOTIFY_OUTBOX_MIGRATIONS,
    ...NOTIFY_TEMPLATE_MIGRATIONS,
    ...NOTIFY_CUSTOMER_MIGRATIONS,
    ...ACCOUNTS_MIGRATIONS,
  ].sort((a, b) => a.id.localeCompare(b.id)),
];
