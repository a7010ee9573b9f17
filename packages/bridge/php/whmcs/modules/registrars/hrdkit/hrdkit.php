<?php

/**
 * hrdkit: WHMCS registrar module for HRD.pl domains, through the hrdkit bridge.
 *
 * The module holds no HRD credentials: it signs each call with its bridge key (ModuleKey) and the
 * bridge (packages/bridge) talks to HRD. Install: unpack hrdkit-whmcs.zip into the WHMCS root so that
 * modules/registrars/hrdkit/hrdkit.php exists; docs/bridge/whmcs.en.md has the rest.
 *
 * Conventions:
 * - Domain names come from $params['original'] (WHMCS transliterates the top-level copies, so
 *   żółw.pl would arrive as zolw.pl); contacts likewise, so "Zażółć Gęślą" stays as typed.
 * - Purchases carry idempotency keys (whmcs-<domainid>-register-<n>y, whmcs-<domainid>-renew-<expiry
 *   date>, whmcs-<domainid>-transfer-<digest of the order>): a repeated call never buys twice. The
 *   bridge frees a key when the purchase was refused (nothing bought), so the corrected retry goes
 *   through; a transfer's key also carries a keyed digest of what was sent, because a transfer
 *   HRD accepted can still fail later (a wrong EPP code), and the retry with the right code is a new
 *   order, not a repeat.
 * - Requires PHP 8.1+ (readonly properties in the shared client), so WHMCS 8.6 or newer: the first
 *   WHMCS releases that run on PHP 8.1 (older WHMCS 8.x runs only on PHP 7.x).
 * - Errors: ['error' => message] where WHMCS expects it; exceptions from GetDomainInformation,
 *   CheckAvailability and GetDomainSuggestions, whose contract says throw.
 * - Registrar lock and deletion are deliberately not defined (.pl has no registrar lock; deletion
 *   is done at HRD), so WHMCS hides those buttons.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

use WHMCS\Domain\Registrar\Domain;
use WHMCS\Domain\TopLevel\ImportItem;
use WHMCS\Domains\DomainLookup\ResultsList;
use WHMCS\Domains\DomainLookup\SearchResult;

// The zip carries the client in lib/; in the source tree it is in packages/bridge/php/shared.
if (is_file(__DIR__ . '/lib/HrdkitBridgeClient.php')) {
    require_once __DIR__ . '/lib/HrdkitBridgeClient.php';
} else {
    require_once __DIR__ . '/../../../../shared/HrdkitBridgeClient.php';
}

const HRDKIT_DEFAULT_ID_FIELD = 'PESEL/NIP';

function hrdkit_MetaData()
{
    return [
        'DisplayName' => 'HRD.pl (hrdkit bridge)',
        'APIVersion' => '1.1',
    ];
}

function hrdkit_getConfigArray($params = [])
{
    return [
        'FriendlyName' => ['Type' => 'System', 'Value' => 'HRD.pl (hrdkit bridge)'],
        'Description' => [
            'Type' => 'System',
            'Value' => 'Sells HRD.pl domains through your hrdkit bridge. There is no test-mode switch here: '
                . 'a bridge started without HRD credentials runs against its built-in sandbox (its replies '
                . 'carry X-Hrdkit-Backend: sandbox and nothing is bought); point BridgeUrl at that bridge to test.',
        ],
        'BridgeUrl' => [
            'FriendlyName' => 'Bridge URL',
            'Type' => 'text',
            'Size' => '60',
            'Default' => 'https://127.0.0.1:8080',
            'Description' => 'Address of your hrdkit bridge, e.g. https://bridge.example.pl (HTTPS with a valid certificate unless it runs on this machine)',
        ],
        'ModuleKey' => [
            'FriendlyName' => 'Module key',
            'Type' => 'password',
            'Size' => '80',
            'Description' => 'The key the bridge printed when it was created: hk_<id>.<secret> (shown once)',
        ],
        'IdNumberField' => [
            'FriendlyName' => 'PESEL/NIP field',
            'Type' => 'text',
            'Size' => '30',
            'Default' => HRDKIT_DEFAULT_ID_FIELD,
            'Description' => 'Name of the .pl additional domain field, or name or id of the client custom field, that holds the registrant\'s PESEL (person) or NIP (company)',
        ],
    ];
}

// ---------------------------------------------------------------- helpers

/** The bridge client for these settings. */
function hrdkit_client(array $params): HrdkitBridgeClient
{
    return new HrdkitBridgeClient((string) ($params['BridgeUrl'] ?? ''), (string) ($params['ModuleKey'] ?? ''));
}

/** $params['original'][$key] when WHMCS gave it (untransliterated), else the processed value. */
function hrdkit_param(array $params, string $key, $default = '')
{
    $original = $params['original'] ?? null;
    if (is_array($original) && array_key_exists($key, $original) && $original[$key] !== null && $original[$key] !== '') {
        return $original[$key];
    }
    return $params[$key] ?? $default;
}

function hrdkit_lower(string $s): string
{
    return function_exists('mb_strtolower') ? mb_strtolower($s, 'UTF-8') : strtolower($s);
}

/** The domain as typed, in Unicode (żółw.pl), from the original parameters. */
function hrdkit_domain(array $params): string
{
    // WHMCS 8 puts domainObj at the top and in 'original'; WHMCS 7 only at the top (built from the
    // domain as stored, so not transliterated either).
    foreach ([$params['original']['domainObj'] ?? null, $params['domainObj'] ?? null] as $obj) {
        if (is_object($obj) && method_exists($obj, 'toUnicode')) {
            $name = (string) $obj->toUnicode();
            if ($name !== '' && $name !== '.') {
                return hrdkit_lower($name);
            }
        }
    }
    $sld = (string) hrdkit_param($params, 'sld');
    $tld = ltrim((string) hrdkit_param($params, 'tld'), '.');
    if ($sld === '' && !empty($params['domain'])) {
        return hrdkit_lower((string) hrdkit_param($params, 'domain'));
    }
    return hrdkit_lower($sld . '.' . $tld);
}

/** /v1/domains/<encoded domain><suffix> */
function hrdkit_path(array $params, string $suffix = ''): string
{
    return '/v1/domains/' . HrdkitBridgeClient::segment(hrdkit_domain($params)) . $suffix;
}

/** ns1..ns5, without empties. */
function hrdkit_nameservers(array $params): array
{
    $list = [];
    for ($i = 1; $i <= 5; $i++) {
        $ns = trim((string) hrdkit_param($params, 'ns' . $i));
        if ($ns !== '') {
            $list[] = hrdkit_lower($ns);
        }
    }
    return $list;
}

/**
 * PESEL/NIP: the domain's additional field first (keyed by field name), then the client's custom
 * field. IdNumberField names the field (or gives a client custom field's id); PESEL/NIP, PESEL and
 * NIP are tried after it.
 */
function hrdkit_idNumber(array $params): string
{
    $field = trim((string) ($params['IdNumberField'] ?? '')) ?: HRDKIT_DEFAULT_ID_FIELD;
    $names = array_values(array_unique([$field, HRDKIT_DEFAULT_ID_FIELD, 'PESEL', 'NIP']));
    $clean = fn ($v) => preg_replace('/[\s-]/', '', trim((string) $v));
    foreach ([$params['original']['additionalfields'] ?? null, $params['additionalfields'] ?? null] as $set) {
        foreach ($names as $name) {
            if (is_array($set) && isset($set[$name]) && !is_array($set[$name]) && $clean($set[$name]) !== '') {
                return $clean($set[$name]);
            }
        }
    }
    $custom = $params['original']['customfields'] ?? ($params['customfields'] ?? null);
    if (!is_array($custom)) {
        return '';
    }
    // WHMCS gives a registrar module the client's custom fields as a list of
    // ['id' => tblcustomfields.id, 'value' => …] (WHMCS\Client::getDetails), never by name: the
    // names are looked up in tblcustomfields. A keyed array (name => value) is still read, for
    // callers that build $params by hand.
    $byId = [];
    foreach ($custom as $key => $entry) {
        if (is_array($entry) && isset($entry['id']) && array_key_exists('value', $entry)) {
            $byId[(int) $entry['id']] = $entry['value'];
        } elseif (!is_array($entry) && is_string($key) && $clean($entry) !== '') {
            foreach ($names as $name) {
                if (strcasecmp($key, $name) === 0) {
                    return $clean($entry);
                }
            }
        }
    }
    if (!$byId) {
        return '';
    }
    $ids = hrdkit_clientFieldIds($names);
    foreach ($ids as $id) {
        if (isset($byId[$id]) && !is_array($byId[$id]) && $clean($byId[$id]) !== '') {
            return $clean($byId[$id]);
        }
    }
    return '';
}

/**
 * The ids of the client custom fields with these names, in the names' order. A name of digits is
 * an id already. A stored name may be "internal|Display" (WHMCS shows the part after "|"): either
 * part, or the whole, matches; case is ignored, as MySQL's collation does.
 *
 * @param list<string> $names
 * @return list<int>
 */
function hrdkit_clientFieldIds(array $names): array
{
    $ids = [];
    foreach ($names as $name) {
        if (ctype_digit($name)) {
            $ids[] = (int) $name;
        }
    }
    $rows = [];
    if (class_exists('WHMCS\\Database\\Capsule')) {
        try {
            $rows = \WHMCS\Database\Capsule::table('tblcustomfields')->where('type', 'client')->get(['id', 'fieldname']);
        } catch (\Throwable $e) {
            // No database (a module tested outside WHMCS): only ids given as digits can be used.
            $rows = [];
        }
    }
    $lower = fn (string $s) => hrdkit_lower(trim($s));
    foreach ($names as $name) {
        foreach ($rows as $row) {
            $stored = (string) ($row->fieldname ?? '');
            $forms = array_map($lower, array_merge([$stored], explode('|', $stored, 2)));
            if (in_array($lower($name), $forms, true)) {
                $ids[] = (int) $row->id;
            }
        }
    }
    return array_values(array_unique($ids));
}

/** The registrant from the WHMCS contact parameters (original values first). */
function hrdkit_registrant(array $params): array
{
    $first = trim((string) hrdkit_param($params, 'firstname'));
    $last = trim((string) hrdkit_param($params, 'lastname'));
    $company = trim((string) hrdkit_param($params, 'companyname'));
    $person = trim($first . ' ' . $last);
    $street = trim((string) hrdkit_param($params, 'address1'));
    $street2 = trim((string) hrdkit_param($params, 'address2'));
    if ($street2 !== '') {
        $street .= ', ' . $street2;
    }
    $phone = trim((string) hrdkit_param($params, 'fullphonenumber'));
    if ($phone === '') {
        $phone = trim((string) hrdkit_param($params, 'phonenumber'));
    }
    $registrant = [
        'type' => $company !== '' ? 'company' : 'person',
        'name' => $company !== '' ? $company : $person,
        'idNumber' => hrdkit_idNumber($params),
        'email' => trim((string) hrdkit_param($params, 'email')),
        'phone' => $phone,
        'street' => $street,
        'postcode' => trim((string) hrdkit_param($params, 'postcode')),
        'city' => trim((string) hrdkit_param($params, 'city')),
        'country' => strtoupper(trim((string) (hrdkit_param($params, 'countrycode') ?: hrdkit_param($params, 'country')))),
    ];
    if ($company !== '' && $person !== '') {
        $registrant['representative'] = $person;
    }
    return $registrant;
}

/**
 * A short digest of a purchase's body, keyed with the module key: the same order gives the same
 * digest (a repeat), a corrected one another; the EPP code in it cannot be read back from it.
 */
function hrdkit_digest(array $params, array $body): string
{
    $text = json_encode($body, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES);
    return substr(hash_hmac('sha256', (string) $text, (string) ($params['ModuleKey'] ?? '')), 0, 16);
}

/** Runs one bridge call, logs it (masking the key) and returns the reply. */
function hrdkit_call(array $params, string $action, string $method, string $path, ?array $body = null, ?string $idempotencyKey = null): array
{
    $client = hrdkit_client($params);
    $request = ['method' => $method, 'path' => $path, 'body' => $body, 'idempotencyKey' => $idempotencyKey];
    try {
        $reply = $client->call($method, $path, $body, $idempotencyKey);
        hrdkit_log($action, $request, $reply, $params);
        return $reply;
    } catch (HrdkitBridgeException $e) {
        hrdkit_log($action, $request, $client->lastResponse ?: ['error' => $e->getMessage()], $params);
        throw $e;
    }
}

function hrdkit_log(string $action, $request, $response, array $params): void
{
    if (function_exists('logModuleCall')) {
        $mask = array_values(array_filter([(string) ($params['ModuleKey'] ?? '')]));
        logModuleCall('hrdkit', $action, $request, $response, $response, $mask);
    }
}

/** The message an admin sees for a failed call. */
function hrdkit_message(\Throwable $e): string
{
    if ($e instanceof HrdkitBridgeException) {
        return 'HRD bridge: ' . $e->describe();
    }
    return 'HRD bridge: ' . $e->getMessage();
}

/** Runs $fn and turns a failure into ['error' => message]. */
function hrdkit_try(callable $fn): array
{
    try {
        return $fn();
    } catch (\Throwable $e) {
        return ['error' => hrdkit_message($e)];
    }
}

// ---------------------------------------------------------------- purchases

function hrdkit_RegisterDomain($params)
{
    return hrdkit_try(function () use ($params) {
        $period = max(1, (int) ($params['regperiod'] ?? 1));
        $body = [
            'domain' => hrdkit_domain($params),
            'registrant' => hrdkit_registrant($params),
            'period' => $period,
            'nameservers' => hrdkit_nameservers($params),
            'privacy' => !empty($params['idprotection']),
        ];
        if (!$body['nameservers']) {
            unset($body['nameservers']);
        }
        $key = 'whmcs-' . (int) $params['domainid'] . '-register-' . $period . 'y';
        hrdkit_call($params, 'RegisterDomain', 'POST', '/v1/domains/register', $body, $key);
        return ['success' => true];
    });
}

function hrdkit_TransferDomain($params)
{
    return hrdkit_try(function () use ($params) {
        $code = (string) hrdkit_param($params, 'eppcode');
        // WHMCS may hand the code over HTML-escaped (&amp;).
        $code = html_entity_decode($code, ENT_QUOTES | ENT_HTML5, 'UTF-8');
        $body = [
            'domain' => hrdkit_domain($params),
            'authInfo' => $code,
            'registrant' => hrdkit_registrant($params),
            'period' => max(1, (int) ($params['regperiod'] ?? 1)),
        ];
        $key = 'whmcs-' . (int) $params['domainid'] . '-transfer-' . hrdkit_digest($params, $body);
        hrdkit_call($params, 'TransferDomain', 'POST', '/v1/domains/transfer', $body, $key);
        return ['success' => true];
    });
}

/**
 * The expiry date the renewal starts from, for its idempotency key: WHMCS's own record (it moves
 * only after a renewal succeeded, so a retried renewal keeps its key), else the bridge's.
 */
function hrdkit_renewalBase(array $params): string
{
    $expiry = (string) ($params['expirydate'] ?? '');
    if ($expiry === '' && class_exists('WHMCS\\Database\\Capsule') && !empty($params['domainid'])) {
        try {
            $expiry = (string) \WHMCS\Database\Capsule::table('tbldomains')->where('id', (int) $params['domainid'])->value('expirydate');
        } catch (\Throwable $e) {
            $expiry = '';
        }
    }
    if ($expiry === '' || str_starts_with($expiry, '0000')) {
        $info = hrdkit_call($params, 'RenewDomain:info', 'GET', hrdkit_path($params));
        $expiry = (string) ($info['expiresOn'] ?? '');
    }
    if ($expiry === '') {
        return max(1, (int) ($params['regperiod'] ?? 1)) . 'y';
    }
    return preg_replace('/[^0-9]/', '', substr($expiry, 0, 10));
}

function hrdkit_RenewDomain($params)
{
    return hrdkit_try(function () use ($params) {
        $body = ['domain' => hrdkit_domain($params), 'period' => max(1, (int) ($params['regperiod'] ?? 1))];
        $key = 'whmcs-' . (int) $params['domainid'] . '-renew-' . hrdkit_renewalBase($params);
        hrdkit_call($params, 'RenewDomain', 'POST', '/v1/domains/renew', $body, $key);
        return ['success' => true];
    });
}

// ---------------------------------------------------------------- domain management

function hrdkit_GetNameservers($params)
{
    return hrdkit_try(function () use ($params) {
        $reply = hrdkit_call($params, 'GetNameservers', 'GET', hrdkit_path($params, '/nameservers'));
        $out = [];
        foreach (array_values($reply['nameservers'] ?? []) as $i => $ns) {
            if ($i < 5) {
                $out['ns' . ($i + 1)] = $ns;
            }
        }
        return $out;
    });
}

function hrdkit_SaveNameservers($params)
{
    return hrdkit_try(function () use ($params) {
        hrdkit_call($params, 'SaveNameservers', 'PUT', hrdkit_path($params, '/nameservers'), ['nameservers' => hrdkit_nameservers($params)]);
        return ['success' => true];
    });
}

/** Labels of the registrant in the WHOIS page, bridge field => label. */
function hrdkit_contactLabels(): array
{
    return [
        'type' => 'Type (person/company)',
        'name' => 'Name',
        'representative' => 'Representative',
        'email' => 'Email Address',
        'phone' => 'Phone Number',
        'street' => 'Address 1',
        'postcode' => 'Postcode',
        'city' => 'City',
        'country' => 'Country',
    ];
}

/** What HRD lets a registrant change in place (user/update); the rest needs a trade (cesja). */
const HRDKIT_CHANGEABLE = ['phone', 'street', 'postcode', 'city', 'country'];

function hrdkit_GetContactDetails($params)
{
    return hrdkit_try(function () use ($params) {
        $reply = hrdkit_call($params, 'GetContactDetails', 'GET', hrdkit_path($params, '/contacts'));
        $r = $reply['registrant'] ?? [];
        $out = [];
        foreach (hrdkit_contactLabels() as $field => $label) {
            $out[$label] = isset($r[$field]) ? (string) $r[$field] : '';
        }
        return ['Registrant' => $out];
    });
}

/**
 * HRD changes only the registrant's phone and address, on the registrant's account (so on every
 * domain of that account). A changed name, e-mail, type or representative is refused with a message
 * saying that it takes a trade (cesja); unchanged ones are simply not sent.
 */
function hrdkit_SaveContactDetails($params)
{
    return hrdkit_try(function () use ($params) {
        // The top-level contactdetails are transliterated by WHMCS ("Zażółć" → "Zazolc"): read what
        // the customer typed from 'original'.
        $given = $params['original']['contactdetails']['Registrant'] ?? ($params['contactdetails']['Registrant'] ?? null);
        if (!is_array($given)) {
            return ['error' => 'HRD bridge: no Registrant details to save'];
        }
        $current = hrdkit_call($params, 'SaveContactDetails:current', 'GET', hrdkit_path($params, '/contacts'))['registrant'] ?? [];
        $body = [];
        $fixed = [];
        foreach (hrdkit_contactLabels() as $field => $label) {
            if (!array_key_exists($label, $given)) {
                continue;
            }
            $value = trim((string) $given[$label]);
            if (in_array($field, HRDKIT_CHANGEABLE, true)) {
                if ($value !== '') {
                    $body[$field] = $field === 'country' ? strtoupper($value) : $value;
                }
            } elseif ($value !== trim((string) ($current[$field] ?? ''))) {
                $fixed[] = $label;
            }
        }
        if ($fixed) {
            return ['error' => 'HRD bridge: ' . implode(', ', $fixed) . ' cannot be changed at HRD (only the phone and the address can); '
                . 'a new registrant needs a trade (cesja) of the domain'];
        }
        foreach (HRDKIT_CHANGEABLE as $field) {
            if (!isset($body[$field]) && isset($current[$field]) && $field !== 'phone') {
                $body[$field] = (string) $current[$field];
            }
        }
        hrdkit_call($params, 'SaveContactDetails', 'PUT', hrdkit_path($params, '/contacts'), ['registrant' => $body]);
        return ['success' => true];
    });
}

function hrdkit_GetEPPCode($params)
{
    return hrdkit_try(function () use ($params) {
        $reply = hrdkit_call($params, 'GetEPPCode', 'GET', hrdkit_path($params, '/epp-code'));
        return ['eppcode' => (string) ($reply['eppCode'] ?? '')];
    });
}

function hrdkit_RegisterNameserver($params)
{
    return hrdkit_try(function () use ($params) {
        $body = ['host' => hrdkit_lower(trim((string) $params['nameserver'])), 'ips' => [trim((string) $params['ipaddress'])]];
        hrdkit_call($params, 'RegisterNameserver', 'POST', hrdkit_path($params, '/hosts'), $body);
        return ['success' => true];
    });
}

function hrdkit_ModifyNameserver($params)
{
    return hrdkit_try(function () use ($params) {
        $host = hrdkit_lower(trim((string) $params['nameserver']));
        $body = ['ips' => [trim((string) $params['newipaddress'])]];
        hrdkit_call($params, 'ModifyNameserver', 'PUT', hrdkit_path($params, '/hosts/' . HrdkitBridgeClient::segment($host)), $body);
        return ['success' => true];
    });
}

function hrdkit_DeleteNameserver($params)
{
    return hrdkit_try(function () use ($params) {
        $host = hrdkit_lower(trim((string) $params['nameserver']));
        hrdkit_call($params, 'DeleteNameserver', 'DELETE', hrdkit_path($params, '/hosts/' . HrdkitBridgeClient::segment($host)));
        return ['success' => true];
    });
}

function hrdkit_IDProtectToggle($params)
{
    return hrdkit_try(function () use ($params) {
        $enabled = !empty($params['protectenable']) && $params['protectenable'] !== 'false';
        hrdkit_call($params, 'IDProtectToggle', 'PUT', hrdkit_path($params, '/privacy'), ['enabled' => $enabled]);
        return ['success' => true];
    });
}

// ---------------------------------------------------------------- sync (cron)

function hrdkit_Sync($params)
{
    return hrdkit_try(function () use ($params) {
        $r = hrdkit_call($params, 'Sync', 'POST', hrdkit_path($params, '/sync'));
        if (array_key_exists('inAccount', $r) && !$r['inAccount']) {
            // Not in the HRD account is no evidence of a transfer away: change nothing. An active
            // domain that HRD does not show is worth the admin's attention (the sync report says
            // why); a pending one simply is not registered yet.
            if ((string) ($params['status'] ?? '') === 'Active') {
                return ['error' => 'HRD bridge: ' . (string) ($r['reason'] ?? 'the domain is not in the HRD account; status left unchanged')];
            }
            return [];
        }
        $out = [
            'active' => (bool) ($r['active'] ?? false),
            'cancelled' => (bool) ($r['cancelled'] ?? false),
            'transferredAway' => (bool) ($r['transferredAway'] ?? false),
        ];
        if (!empty($r['expiresOn'])) {
            $out['expirydate'] = substr((string) $r['expiresOn'], 0, 10);
        }
        return $out;
    });
}

function hrdkit_TransferSync($params)
{
    return hrdkit_try(function () use ($params) {
        $r = hrdkit_call($params, 'TransferSync', 'POST', hrdkit_path($params, '/transfer-sync'));
        if (!empty($r['completed'])) {
            $out = ['completed' => true];
            if (!empty($r['expiresOn'])) {
                $out['expirydate'] = substr((string) $r['expiresOn'], 0, 10);
            }
            return $out;
        }
        if (!empty($r['failed'])) {
            return ['failed' => true, 'reason' => (string) ($r['reason'] ?? 'the transfer failed at the registry')];
        }
        return [];
    });
}

// ---------------------------------------------------------------- lookup and pricing

/** Splits "żółw.com.pl" into ["żółw", "com.pl"]. */
function hrdkit_split(string $name): array
{
    $pos = strpos($name, '.');
    return $pos === false ? [$name, ''] : [substr($name, 0, $pos), substr($name, $pos + 1)];
}

function hrdkit_searchStatus(string $status): string
{
    switch ($status) {
        case 'available':
            return SearchResult::STATUS_NOT_REGISTERED;
        case 'taken':
            return SearchResult::STATUS_REGISTERED;
        case 'createOnly':
            return SearchResult::STATUS_RESERVED;
        default:
            return defined(SearchResult::class . '::STATUS_UNKNOWN')
                ? constant(SearchResult::class . '::STATUS_UNKNOWN')
                : SearchResult::STATUS_TLD_NOT_SUPPORTED;
    }
}

/** The search term as typed (Unicode), lower-case, without a TLD. */
function hrdkit_searchTerm(array $params): string
{
    $term = trim((string) hrdkit_param($params, 'searchTerm'));
    if ($term === '') {
        $term = trim((string) ($params['punyCodeSearchTerm'] ?? ''));
    }
    return hrdkit_lower($term);
}

/** Throws (CheckAvailability's contract). */
function hrdkit_CheckAvailability($params)
{
    $sld = hrdkit_searchTerm($params);
    $tlds = [];
    foreach ((array) ($params['tldsToInclude'] ?? []) as $tld) {
        $tld = ltrim(hrdkit_lower(trim((string) $tld)), '.');
        if ($tld !== '') {
            $tlds[] = $tld;
        }
    }
    $results = new ResultsList();
    if ($sld === '' || !$tlds) {
        return $results;
    }
    $names = array_map(fn ($tld) => $sld . '.' . $tld, $tlds);
    try {
        $reply = hrdkit_call($params, 'CheckAvailability', 'POST', '/v1/domains/availability', ['names' => $names]);
    } catch (\Throwable $e) {
        throw new \Exception(hrdkit_message($e), 0, $e);
    }
    foreach ($reply['results'] ?? [] as $row) {
        [$s, $t] = hrdkit_split((string) $row['name']);
        $result = new SearchResult($s, $t);
        $result->setStatus(hrdkit_searchStatus((string) ($row['status'] ?? 'unknown')));
        $results->append($result);
    }
    return $results;
}

function hrdkit_DomainSuggestionOptions()
{
    return [
        'maxResults' => [
            'FriendlyName' => 'Maximum suggestions',
            'Type' => 'text',
            'Size' => '4',
            'Default' => '10',
        ],
    ];
}

/** Throws (like CheckAvailability); only available names are returned. */
function hrdkit_GetDomainSuggestions($params)
{
    $query = hrdkit_searchTerm($params);
    $results = new ResultsList();
    if ($query === '') {
        return $results;
    }
    $body = ['query' => $query];
    $tlds = array_values(array_filter(array_map(fn ($t) => ltrim(hrdkit_lower(trim((string) $t)), '.'), (array) ($params['tldsToInclude'] ?? []))));
    if ($tlds) {
        $body['tlds'] = $tlds;
    }
    $limit = (int) ($params['suggestionSettings']['maxResults'] ?? 0);
    if ($limit > 0) {
        $body['limit'] = $limit;
    }
    try {
        $reply = hrdkit_call($params, 'GetDomainSuggestions', 'POST', '/v1/domains/suggestions', $body);
    } catch (\Throwable $e) {
        throw new \Exception(hrdkit_message($e), 0, $e);
    }
    $n = 0;
    foreach ($reply['results'] ?? [] as $row) {
        $row = is_array($row) ? $row : ['name' => (string) $row];
        if (isset($row['status']) && $row['status'] !== 'available') {
            continue;
        }
        [$s, $t] = hrdkit_split((string) $row['name']);
        $result = new SearchResult($s, $t);
        $result->setStatus(SearchResult::STATUS_NOT_REGISTERED);
        $result->setScore(isset($row['score']) ? (float) $row['score'] : max(0.1, 1 - $n * 0.05));
        $results->append($result);
        $n++;
    }
    return $results;
}

function hrdkit_GetTldPricing($params)
{
    try {
        $reply = hrdkit_call($params, 'GetTldPricing', 'GET', '/v1/tlds/pricing');
    } catch (\Throwable $e) {
        return ['error' => hrdkit_message($e)];
    }
    $currency = (string) ($reply['currency'] ?? 'PLN');
    $results = new \WHMCS\Results\ResultsList();
    foreach ($reply['tlds'] ?? [] as $row) {
        if (!isset($row['tld'], $row['register'])) {
            continue;
        }
        $item = (new ImportItem())
            ->setExtension('.' . ltrim((string) $row['tld'], '.'))
            ->setRegisterPrice((float) $row['register'])
            ->setRenewPrice(isset($row['renew']) ? (float) $row['renew'] : null)
            ->setTransferPrice(isset($row['transfer']) ? (float) $row['transfer'] : null)
            ->setCurrency($currency)
            ->setEppRequired(isset($row['transfer']));
        $years = array_values(array_map('intval', (array) ($row['years'] ?? [])));
        if ($years) {
            $item->setYears($years);
        } else {
            $item->setMinYears(1)->setMaxYears(10);
        }
        $results[] = $item;
    }
    return $results;
}

/** Throws on failure (GetDomainInformation's contract). */
function hrdkit_GetDomainInformation($params)
{
    try {
        $r = hrdkit_call($params, 'GetDomainInformation', 'GET', hrdkit_path($params));
    } catch (\Throwable $e) {
        throw new \Exception(hrdkit_message($e), 0, $e);
    }
    $ns = [];
    foreach (array_values($r['nameservers'] ?? []) as $i => $n) {
        if ($i < 5) {
            $ns['ns' . ($i + 1)] = $n;
        }
    }
    $domain = (new Domain())
        ->setDomain((string) ($r['domain'] ?? hrdkit_domain($params)))
        ->setNameservers($ns)
        ->setRegistrationStatus(hrdkit_registrationStatus((string) ($r['status'] ?? '')))
        ->setTransferLock(false)
        ->setIdProtectionStatus((bool) ($r['privacy'] ?? false));
    if (!empty($r['expiresOn'])) {
        $domain->setExpiryDate(\WHMCS\Carbon::createFromFormat('Y-m-d', substr((string) $r['expiresOn'], 0, 10)));
    }
    return $domain;
}

/** HRD's status words onto WHMCS's Domain::STATUS_* where WHMCS defines them. */
function hrdkit_registrationStatus(string $status): string
{
    $map = [
        'registered' => 'STATUS_ACTIVE',
        'active' => 'STATUS_ACTIVE',
        'expired' => 'STATUS_EXPIRED',
        'blocked' => 'STATUS_SUSPENDED',
        'suspended' => 'STATUS_SUSPENDED',
        'deleted' => 'STATUS_INACTIVE',
    ];
    $const = $map[strtolower($status)] ?? null;
    if ($const !== null && defined(Domain::class . '::' . $const)) {
        return constant(Domain::class . '::' . $const);
    }
    return $status;
}

// ---------------------------------------------------------------- client area

function hrdkit_ClientAreaCustomButtonArray()
{
    return ['Trade (cesja) status' => 'TradeStatus'];
}

/** Client-area page: the state of a cesja (trade) of this domain. */
function hrdkit_TradeStatus($params)
{
    $trade = [];
    $error = '';
    try {
        $trade = hrdkit_call($params, 'TradeStatus', 'GET', hrdkit_path($params, '/trade'));
    } catch (HrdkitBridgeException $e) {
        // not_found: no trade of this domain (the page says so); anything else is shown.
        if ($e->errorCode !== 'not_found' || stripos($e->getMessage(), 'trade') === false) {
            $error = hrdkit_message($e);
        }
    } catch (\Throwable $e) {
        $error = hrdkit_message($e);
    }
    return [
        // WHMCS loads modules/registrars/hrdkit/<templatefile>.tpl: the path is from the module's root.
        'templatefile' => 'templates/tradestatus',
        'breadcrumb' => ['clientarea.php?action=domaindetails&id=' . (int) ($params['domainid'] ?? 0) . '&modop=custom&a=TradeStatus' => 'Trade status'],
        'vars' => ['domain' => hrdkit_domain($params), 'trade' => $trade, 'error' => $error],
    ];
}
