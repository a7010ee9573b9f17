<?php

/**
 * hrdkitssl: WHMCS provisioning (server) module selling HRD.pl SSL certificates through the
 * hrdkit bridge. Install: unpack hrdkit-whmcs-ssl.zip into the WHMCS root so that
 * modules/servers/hrdkitssl/hrdkitssl.php exists; docs/bridge/whmcs-ssl.en.md has the rest.
 *
 * Where things come from:
 * - The bridge: the product's server (Configuration > Servers, type "HRD.pl SSL (hrdkit bridge)"):
 *   Hostname = the bridge URL (https://bridge.example.pl, or a bare host name with "Secure"
 *   deciding http/https and Port the port), Password (or Access Hash) = the module key hk_<id>.<secret>.
 * - Per product (Module Settings, configoption1..5): certificate, period in years, the HRD account
 *   that owns the certificates, the admin contact's title and role.
 * - Per order, product custom fields (by name): "CSR" (textarea, required), "Approver e-mail"
 *   (one of admin@, administrator@, hostmaster@, postmaster@, webmaster@ the domain), optionally
 *   "HRD account ID" (overrides the product's account).
 * - What the module stores per service (WHMCS Service Properties, shown as admin-only custom
 *   fields): "HRD certificate ID", "Certificate status", "Certificate expires", "Certificate"
 *   (the PEM, after Download), and the last renewal ("HRD renewal key", "HRD renewed from").
 *
 * Errors: every function returns 'success' or a message for the admin ("HRD bridge: …"), as the
 * provisioning contract says; TestConnection returns ['success' => bool, 'error' => message].
 * Purchases carry idempotency keys made of WHMCS ids, so a repeated CreateAccount or Renew never
 * buys twice: whmcs-svc-<serviceid>-create and whmcs-svc-<serviceid>-renew-<next due date>.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

// The zip carries the client in lib/; in the source tree it is in packages/bridge/php/shared.
if (is_file(__DIR__ . '/lib/HrdkitBridgeClient.php')) {
    require_once __DIR__ . '/lib/HrdkitBridgeClient.php';
} else {
    require_once __DIR__ . '/../../../../shared/HrdkitBridgeClient.php';
}

/** The 13 certificates HRD sells (packages/sdk/src/ops/cert.ts CERT_PRODUCTS). */
const HRDKITSSL_PRODUCTS = [
    'Comodo Free Trial SSL',
    'Comodo SSL',
    'Comodo SSL + Wildcard',
    'Comodo EV SSL',
    'Instant SSL',
    'Positive SSL',
    'Positive SSL + Wildcard',
    'QuickSSL Basic',
    'QuickSSL Premium',
    'QuickSSL Premium Free Trial',
    'True BusinessID',
    'True BusinessID Wildcard',
    'True BusinessID + EV',
];

const HRDKITSSL_TITLES = ['Mr', 'Mrs', 'Miss', 'Ms', 'Dr', 'Rev'];

const HRDKITSSL_ROLES = [
    'Administration Staff', 'Business Owner', 'Chairman', 'Company Director', 'Company Executive',
    'Executive Officer', 'Financial Officer', 'General Manager', 'Information Officer', 'Managing Director',
    'Marketing Officer', 'President', 'Sales Officer', 'Security Officer', 'Senior Manager',
    'Technology Officer', 'Web Officer', 'Website Owner',
];

/** Custom fields read per order, and the service properties written. */
const HRDKITSSL_FIELD_CSR = 'CSR';
const HRDKITSSL_FIELD_APPROVER = 'Approver e-mail';
const HRDKITSSL_FIELD_ACCOUNT = 'HRD account ID';
const HRDKITSSL_PROP_CERT = 'HRD certificate ID';
const HRDKITSSL_PROP_STATUS = 'Certificate status';
const HRDKITSSL_PROP_EXPIRES = 'Certificate expires';
const HRDKITSSL_PROP_PEM = 'Certificate';
const HRDKITSSL_PROP_RENEW_KEY = 'HRD renewal key';
const HRDKITSSL_PROP_RENEW_FROM = 'HRD renewed from';

function hrdkitssl_MetaData()
{
    return [
        'DisplayName' => 'HRD.pl SSL (hrdkit bridge)',
        'APIVersion' => '1.1',
        'RequiresServer' => true,
        'DefaultSSLPort' => '443',
        'DefaultNonSSLPort' => '8080',
    ];
}

function hrdkitssl_ConfigOptions()
{
    return [
        // configoption1
        'Certificate' => [
            'Type' => 'dropdown',
            'Options' => implode(',', HRDKITSSL_PRODUCTS),
            'Default' => 'Positive SSL',
            'Description' => 'The HRD.pl certificate this product sells',
        ],
        // configoption2
        'Period (years)' => [
            'Type' => 'dropdown',
            'Options' => '1,2,3',
            'Default' => '1',
            'Description' => 'Years per order and per renewal (a configurable option named "Period" overrides it)',
        ],
        // configoption3
        'HRD account ID' => [
            'Type' => 'text',
            'Size' => '12',
            'Description' => 'The HRD account (user id) that owns the certificates; a custom field "HRD account ID" on the order overrides it',
        ],
        // configoption4
        'Contact title' => [
            'Type' => 'dropdown',
            'Options' => implode(',', HRDKITSSL_TITLES),
            'Default' => 'Mr',
            'Description' => 'Title of the certificate\'s admin contact (the client)',
        ],
        // configoption5
        'Contact role' => [
            'Type' => 'dropdown',
            'Options' => implode(',', HRDKITSSL_ROLES),
            'Default' => 'Website Owner',
            'Description' => 'Role of the certificate\'s admin contact',
        ],
    ];
}

// ---------------------------------------------------------------- helpers

/** The bridge URL from the server's Hostname (a full URL, or a host with Secure and Port). */
function hrdkitssl_url(array $params): string
{
    $host = trim((string) ($params['serverhostname'] ?? ''));
    if ($host === '') {
        $host = trim((string) ($params['serverip'] ?? ''));
    }
    if ($host === '' || preg_match('~^https?://~i', $host)) {
        return $host;
    }
    $secure = !empty($params['serversecure']) && $params['serversecure'] !== 'off';
    $port = (int) ($params['serverport'] ?? 0);
    $default = $secure ? 443 : 80;
    return ($secure ? 'https://' : 'http://') . $host . ($port > 0 && $port !== $default ? ':' . $port : '');
}

/** The module key from the server's Access Hash, else its Password. */
function hrdkitssl_key(array $params): string
{
    $hash = trim((string) ($params['serveraccesshash'] ?? ''));
    return $hash !== '' ? $hash : trim((string) ($params['serverpassword'] ?? ''));
}

function hrdkitssl_client(array $params): HrdkitBridgeClient
{
    return new HrdkitBridgeClient(hrdkitssl_url($params), hrdkitssl_key($params));
}

/** Runs one bridge call, logs it (masking the key) and returns the reply. */
function hrdkitssl_call(array $params, string $action, string $method, string $path, ?array $body = null, ?string $idempotencyKey = null): array
{
    $client = hrdkitssl_client($params);
    $request = ['method' => $method, 'path' => $path, 'body' => $body, 'idempotencyKey' => $idempotencyKey];
    try {
        $reply = $client->call($method, $path, $body, $idempotencyKey);
        hrdkitssl_log($action, $request, $reply, $params);
        return $reply;
    } catch (HrdkitBridgeException $e) {
        hrdkitssl_log($action, $request, $client->lastResponse ?: ['error' => $e->getMessage()], $params);
        throw $e;
    }
}

function hrdkitssl_log(string $action, $request, $response, array $params): void
{
    if (function_exists('logModuleCall')) {
        $mask = array_values(array_filter([hrdkitssl_key($params)]));
        logModuleCall('hrdkitssl', $action, $request, $response, $response, $mask);
    }
}

function hrdkitssl_message(\Throwable $e): string
{
    if ($e instanceof HrdkitBridgeException) {
        return 'HRD bridge: ' . $e->describe();
    }
    return 'HRD bridge: ' . $e->getMessage();
}

/** Runs $fn (which returns 'success' or a message) and turns a failure into the message. */
function hrdkitssl_try(callable $fn): string
{
    try {
        return $fn();
    } catch (\Throwable $e) {
        return hrdkitssl_message($e);
    }
}

/** A product custom field (by name), else a configurable option of that name, else ''. */
function hrdkitssl_field(array $params, string $name): string
{
    foreach (['customfields', 'configoptions'] as $set) {
        if (isset($params[$set][$name]) && trim((string) $params[$set][$name]) !== '') {
            return trim((string) $params[$set][$name]);
        }
    }
    return '';
}

/** A service property (WHMCS 7.2+), else the custom field of that name. */
function hrdkitssl_property(array $params, string $name): string
{
    $model = $params['model'] ?? null;
    if (is_object($model) && isset($model->serviceProperties)) {
        try {
            $v = $model->serviceProperties->get($name);
            if ($v !== null && $v !== '') {
                return trim((string) $v);
            }
        } catch (\Throwable $e) {
            // fall back to the custom fields below
        }
    }
    return trim((string) ($params['customfields'][$name] ?? ''));
}

/** Saves service properties; false when this WHMCS has none (before 7.2) or no service model. */
function hrdkitssl_save(array $params, array $values): bool
{
    $model = $params['model'] ?? null;
    if (!is_object($model) || !isset($model->serviceProperties)) {
        return false;
    }
    $model->serviceProperties->save($values);
    return true;
}

function hrdkitssl_period(array $params): int
{
    $option = trim((string) ($params['configoptions']['Period'] ?? ''));
    $p = (int) ($option !== '' ? $option : ($params['configoption2'] ?? 1));
    return min(3, max(1, $p));
}

/** ASCII the way HRD's certificate contact wants it (Polish letters folded, other characters dropped). */
function hrdkitssl_ascii(string $value, string $allowed, int $max): string
{
    $value = strtr($value, [
        'ą' => 'a', 'ć' => 'c', 'ę' => 'e', 'ł' => 'l', 'ń' => 'n', 'ó' => 'o', 'ś' => 's', 'ź' => 'z', 'ż' => 'z',
        'Ą' => 'A', 'Ć' => 'C', 'Ę' => 'E', 'Ł' => 'L', 'Ń' => 'N', 'Ó' => 'O', 'Ś' => 'S', 'Ź' => 'Z', 'Ż' => 'Z',
    ]);
    if (function_exists('iconv')) {
        $t = @iconv('UTF-8', 'ASCII//TRANSLIT//IGNORE', $value);
        if (is_string($t)) {
            $value = $t;
        }
    }
    $value = preg_replace('/[^' . $allowed . ']/', '', $value);
    return substr(trim(preg_replace('/\s+/', ' ', $value)), 0, $max);
}

/** The certificate's admin contact from the client's details (WHMCS clientsdetails). */
function hrdkitssl_contact(array $params): array
{
    $c = is_array($params['clientsdetails'] ?? null) ? $params['clientsdetails'] : [];
    $s40 = 'a-zA-Z0-9._ \-';
    $s200 = 'a-zA-Z0-9,._ \/\-';
    $first = hrdkitssl_ascii((string) ($c['firstname'] ?? ''), $s40, 40);
    $last = hrdkitssl_ascii((string) ($c['lastname'] ?? ''), $s40, 40);
    $org = hrdkitssl_ascii((string) ($c['companyname'] ?? ''), $s40, 40);
    $city = hrdkitssl_ascii((string) ($c['city'] ?? ''), $s40, 40);
    $state = hrdkitssl_ascii((string) (($c['fullstate'] ?? '') ?: ($c['state'] ?? '')), $s40, 40);
    $phone = preg_replace('/\D/', '', (string) ($c['phonenumber'] ?? ''));
    $cc = preg_replace('/\D/', '', (string) ($c['phonecc'] ?? ''));
    $full = (string) ($c['phonenumberformatted'] ?? ($c['fullphonenumber'] ?? ''));
    if ($cc === '' && preg_match('/^\+(\d{1,3})\.(\d+)$/', preg_replace('/[\s-]/', '', $full), $m)) {
        [$cc, $phone] = [$m[1], $m[2]];
    }
    if ($cc !== '' && str_starts_with($phone, $cc) && strlen($phone) > 9) {
        $phone = substr($phone, strlen($cc));
    }
    $title = (string) ($params['configoption4'] ?? '');
    $role = (string) ($params['configoption5'] ?? '');
    $contact = [
        'title' => in_array($title, HRDKITSSL_TITLES, true) ? $title : 'Mr',
        'firstName' => $first,
        'lastName' => $last,
        'organization' => $org !== '' ? $org : substr(trim($first . ' ' . $last), 0, 40),
        'role' => in_array($role, HRDKITSSL_ROLES, true) ? $role : 'Website Owner',
        'email' => trim((string) ($c['email'] ?? '')),
        'phoneCC' => $cc !== '' ? $cc : '48',
        'phoneN' => $phone,
        'address' => hrdkitssl_ascii((string) ($c['address1'] ?? ''), $s200, 200),
        'city' => $city,
        'state' => $state !== '' ? $state : $city,
        'postCode' => hrdkitssl_ascii((string) ($c['postcode'] ?? ''), 'a-zA-Z0-9_\-', 15),
        'country' => strtoupper(trim((string) (($c['countrycode'] ?? '') ?: ($c['country'] ?? '')))),
    ];
    $address2 = hrdkitssl_ascii((string) ($c['address2'] ?? ''), $s200, 200);
    if ($address2 !== '') {
        $contact['address2'] = $address2;
    }
    return $contact;
}

/** The HRD certificate id of this service, or an exception the admin can act on. */
function hrdkitssl_certId(array $params): int
{
    $id = (int) hrdkitssl_property($params, HRDKITSSL_PROP_CERT);
    if ($id <= 0) {
        throw new \RuntimeException('this service has no "' . HRDKITSSL_PROP_CERT . '" yet: run Create first');
    }
    return $id;
}

/** The service's next due date (the renewal key): the service model, the database, or the params. */
function hrdkitssl_nextDueDate(array $params): string
{
    $due = '';
    $model = $params['model'] ?? null;
    if (is_object($model) && isset($model->nextduedate)) {
        $due = is_object($model->nextduedate) && method_exists($model->nextduedate, 'format')
            ? $model->nextduedate->format('Y-m-d')
            : (string) $model->nextduedate;
    }
    if ($due === '' && class_exists('WHMCS\\Database\\Capsule') && !empty($params['serviceid'])) {
        try {
            $due = (string) \WHMCS\Database\Capsule::table('tblhosting')->where('id', (int) $params['serviceid'])->value('nextduedate');
        } catch (\Throwable $e) {
            $due = '';
        }
    }
    if ($due === '') {
        $due = (string) ($params['nextduedate'] ?? '');
    }
    return preg_replace('/[^0-9]/', '', substr($due, 0, 10));
}

// ---------------------------------------------------------------- provisioning

function hrdkitssl_TestConnection(array $params)
{
    try {
        hrdkitssl_call($params, 'TestConnection', 'GET', '/v1/dashboard');
        return ['success' => true, 'error' => ''];
    } catch (\Throwable $e) {
        return ['success' => false, 'error' => hrdkitssl_message($e)];
    }
}

/** Orders the certificate (once per service, whatever WHMCS repeats). */
function hrdkitssl_CreateAccount(array $params)
{
    return hrdkitssl_try(function () use ($params) {
        $csr = str_replace("\r\n", "\n", hrdkitssl_field($params, HRDKITSSL_FIELD_CSR));
        if ($csr === '') {
            return 'HRD bridge: the order has no CSR: add a textarea custom field named "' . HRDKITSSL_FIELD_CSR . '" to the product and fill it in';
        }
        $approver = hrdkitssl_field($params, HRDKITSSL_FIELD_APPROVER);
        if ($approver === '') {
            return 'HRD bridge: the order has no approver e-mail: add a custom field named "' . HRDKITSSL_FIELD_APPROVER . '" (e.g. admin@<domain>)';
        }
        $account = (int) (hrdkitssl_field($params, HRDKITSSL_FIELD_ACCOUNT) ?: ($params['configoption3'] ?? 0));
        if ($account <= 0) {
            return 'HRD bridge: no HRD account for the certificate: set "HRD account ID" in the product\'s Module Settings';
        }
        $product = (string) ($params['configoption1'] ?? '');
        $body = [
            'product' => $product !== '' ? $product : 'Positive SSL',
            'csr' => trim($csr),
            'approverEmail' => $approver,
            'adminContact' => hrdkitssl_contact($params),
            'hrdUserId' => $account,
            'period' => hrdkitssl_period($params),
        ];
        $key = 'whmcs-svc-' . (int) ($params['serviceid'] ?? 0) . '-create';
        $reply = hrdkitssl_call($params, 'CreateAccount', 'POST', '/v1/certificates', $body, $key);
        hrdkitssl_save($params, [
            HRDKITSSL_PROP_CERT => (string) (int) ($reply['certId'] ?? 0),
            HRDKITSSL_PROP_STATUS => (string) ($reply['status'] ?? ''),
        ]);
        return 'success';
    });
}

/** Renews the certificate for another period (once per next due date). */
function hrdkitssl_Renew(array $params)
{
    return hrdkitssl_try(function () use ($params) {
        $due = hrdkitssl_nextDueDate($params);
        if ($due === '') {
            return 'HRD bridge: cannot tell the service\'s next due date, so the renewal has no stable key; nothing was renewed';
        }
        $key = 'whmcs-svc-' . (int) ($params['serviceid'] ?? 0) . '-renew-' . $due;
        // A retry of the renewal already made renews the same certificate as the first try did.
        $from = hrdkitssl_property($params, HRDKITSSL_PROP_RENEW_KEY) === $key
            ? (int) hrdkitssl_property($params, HRDKITSSL_PROP_RENEW_FROM)
            : 0;
        if ($from <= 0) {
            $from = hrdkitssl_certId($params);
        }
        $body = ['period' => hrdkitssl_period($params)];
        $approver = hrdkitssl_field($params, HRDKITSSL_FIELD_APPROVER);
        if ($approver !== '') {
            $body['approverEmail'] = $approver;
        }
        $reply = hrdkitssl_call($params, 'Renew', 'POST', '/v1/certificates/' . $from . '/renew', $body, $key);
        hrdkitssl_save($params, [
            HRDKITSSL_PROP_RENEW_KEY => $key,
            HRDKITSSL_PROP_RENEW_FROM => (string) $from,
            HRDKITSSL_PROP_CERT => (string) (int) ($reply['certId'] ?? $from),
            HRDKITSSL_PROP_STATUS => (string) ($reply['status'] ?? ''),
        ]);
        return 'success';
    });
}

// ---------------------------------------------------------------- buttons and client area

function hrdkitssl_AdminCustomButtonArray()
{
    return ['Status' => 'Status', 'Download' => 'Download'];
}

/** Reads the order's status and expiry from HRD into the service's properties. */
function hrdkitssl_Status(array $params)
{
    return hrdkitssl_try(function () use ($params) {
        $info = hrdkitssl_call($params, 'Status', 'GET', '/v1/certificates/' . hrdkitssl_certId($params));
        hrdkitssl_save($params, [
            HRDKITSSL_PROP_STATUS => (string) ($info['status'] ?? ''),
            HRDKITSSL_PROP_EXPIRES => (string) ($info['expiresOn'] ?? ''),
        ]);
        return 'success';
    });
}

/** Fetches the issued certificate (PEM) into the service's "Certificate" property. */
function hrdkitssl_Download(array $params)
{
    return hrdkitssl_try(function () use ($params) {
        $reply = hrdkitssl_call($params, 'Download', 'GET', '/v1/certificates/' . hrdkitssl_certId($params) . '/certificate');
        $pem = (string) ($reply['pem'] ?? '');
        if ($pem === '') {
            return 'HRD bridge: the bridge answered without a certificate';
        }
        if (!hrdkitssl_save($params, [HRDKITSSL_PROP_PEM => $pem, HRDKITSSL_PROP_STATUS => 'issued'])) {
            return 'HRD bridge: this WHMCS cannot store service properties (7.2+ needed); the certificate is in the module log';
        }
        return 'success';
    });
}

/** The client's product page: status, expiry and the certificate once it is issued. */
function hrdkitssl_ClientArea(array $params)
{
    $vars = ['certId' => 0, 'status' => '', 'expiresOn' => '', 'domain' => '', 'pem' => '', 'error' => ''];
    try {
        $id = hrdkitssl_certId($params);
        $vars['certId'] = $id;
        $info = hrdkitssl_call($params, 'ClientArea', 'GET', '/v1/certificates/' . $id);
        $vars['status'] = (string) ($info['status'] ?? '');
        $vars['expiresOn'] = (string) ($info['expiresOn'] ?? '');
        $vars['domain'] = (string) ($info['domain'] ?? '');
        if ($vars['status'] === 'issued') {
            $vars['pem'] = (string) (hrdkitssl_call($params, 'ClientArea:pem', 'GET', '/v1/certificates/' . $id . '/certificate')['pem'] ?? '');
        }
    } catch (\Throwable $e) {
        $vars['error'] = hrdkitssl_message($e);
    }
    return ['tabOverviewModuleOutputTemplate' => 'templates/overview.tpl', 'templateVariables' => $vars];
}
