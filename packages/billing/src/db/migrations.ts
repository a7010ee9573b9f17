/**
 * The billing schema, as an append-only list of migrations. Never edit one that has shipped:
 * add the next. Each runs in its own transaction with `search_path` set to hrdkit's schema, so
 * table names are unqualified.
 */
export interface Migration {
  id: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
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
];
