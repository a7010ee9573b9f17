<?php

/**
 * hrdkit: HostBill domain (registrar) module for HRD.pl domains, through the hrdkit bridge.
 *
 * Install: unpack hrdkit-hostbill.zip into the HostBill root so that
 * includes/modules/Domain/hrdkit/class.hrdkit.php exists; docs/bridge/hostbill.en.md has the rest.
 *
 * Written to the HostBill contract as reconstructed from public modules (HostBill's core and its
 * developer documentation were not available; see the docs for what is uncertain): every action
 * returns true/false and reports through addError()/addInfo(); the state HostBill fills in before
 * an action is read from $this->options, $this->details, $this->domain_contacts, $this->name,
 * $this->period and $this->expires, defensively.
 *
 * Conventions as in the WHMCS module: Polish names and contacts are sent as typed (UTF-8; HRD's
 * .pl registry takes them); purchases carry idempotency keys made of HostBill's domain id
 * (hostbill-<id>-register-<n>y, hostbill-<id>-transfer-<digest of the order>,
 * hostbill-<id>-renew-<expiry date>), so a repeated action never buys twice, and a corrected one
 * (a transfer re-sent with the right EPP code) is a new order. Needs PHP 8.1+.
 */

if (!defined('HOSTBILL')) {
    die('This file cannot be accessed directly');
}

// The zip carries the client in lib/; in the source tree it is in packages/bridge/php/shared.
if (is_file(__DIR__ . '/lib/HrdkitBridgeClient.php')) {
    require_once __DIR__ . '/lib/HrdkitBridgeClient.php';
} else {
    require_once __DIR__ . '/../../../../../shared/HrdkitBridgeClient.php';
}

class hrdkit extends DomainModule
{
    protected $version = '0.1.0';
    protected $modname = 'HRD.pl (hrdkit bridge)';
    protected $description = 'Sells HRD.pl domains (.pl with Polish characters) through your hrdkit bridge. A bridge started '
        . 'without HRD credentials runs against its built-in sandbox: point the URL at it to test.';

    protected $configuration = [
        'Bridge URL' => ['value' => '', 'type' => 'input', 'default' => 'https://127.0.0.1:8080'],
        'Module key' => ['value' => '', 'type' => 'password', 'default' => ''],
        'PESEL/NIP field' => ['value' => '', 'type' => 'input', 'default' => 'PESEL/NIP'],
    ];

    protected $lang = [
        'english' => [
            'Bridge URL' => 'Bridge URL (https://bridge.example.pl)',
            'Module key' => 'Module key (hk_<id>.<secret>)',
            'PESEL/NIP field' => 'Name of the field holding the PESEL / NIP',
        ],
        'polish' => [
            'Bridge URL' => 'Adres mostu (https://bridge.example.pl)',
            'Module key' => 'Klucz modułu (hk_<id>.<secret>)',
            'PESEL/NIP field' => 'Nazwa pola z numerem PESEL / NIP',
        ],
    ];

    /**
     * What HostBill offers for this module. Each entry must be backed by the methods in
     * CAPABILITY_METHODS (checked by the tests): no DNSmanagement (HRD's DNS is not exposed through
     * the bridge), IDProtection because getIDProtection()/updateIDProtection() exist.
     */
    protected $commands = ['Register', 'Transfer', 'Renew', 'ContactInfo', 'RegisterNameServers', 'EppCode', 'IDProtection'];

    /** HostBill's command names and the methods each one calls. */
    public const CAPABILITY_METHODS = [
        'Register' => ['Register'],
        'Transfer' => ['Transfer'],
        'Renew' => ['Renew'],
        'ContactInfo' => ['getContactInfo', 'updateContactInfo'],
        'RegisterNameServers' => ['registerNameServer', 'modifyNameServer', 'deleteNameServer'],
        'EppCode' => ['getEppCode'],
        'IDProtection' => ['getIDProtection', 'updateIDProtection'],
        'DNSmanagement' => ['getDNSmanagement', 'updateDNSmanagement'],
        'Lock' => ['getRegistrarLock', 'updateRegistrarLock'],
        'Delete' => ['Delete'],
    ];
    protected $clientCommands = ['ContactInfo', 'RegisterNameServers', 'EppCode'];

    /** The last bridge call, for the admin's log (never the key). */
    public array $lastCall = [];

    // ------------------------------------------------------------ helpers

    private function setting(string $key): string
    {
        $c = $this->configuration[$key] ?? [];
        $v = trim((string) ($c['value'] ?? ''));
        return $v !== '' ? $v : trim((string) ($c['default'] ?? ''));
    }

    private static function lower(string $s): string
    {
        return function_exists('mb_strtolower') ? mb_strtolower($s, 'UTF-8') : strtolower($s);
    }

    /** The domain, in Unicode as typed: $this->name, else options sld + tld. */
    public function domainName(): string
    {
        $name = trim((string) $this->name);
        if ($name === '') {
            $sld = trim((string) ($this->options['sld'] ?? ''));
            $tld = ltrim(trim((string) ($this->options['tld'] ?? '')), '.');
            $name = $sld . '.' . $tld;
        }
        return self::lower($name);
    }

    private function path(string $suffix = ''): string
    {
        return '/v1/domains/' . HrdkitBridgeClient::segment($this->domainName()) . $suffix;
    }

    private function domainIdForKey(): string
    {
        $id = (int) $this->getDomainId();
        // Without HostBill's id the domain name keeps the key stable per domain.
        return $id > 0 ? (string) $id : 'd-' . $this->domainName();
    }

    private function years(): int
    {
        $n = (int) ($this->options['numyears'] ?? 0);
        if ($n <= 0) {
            $n = (int) $this->period;
        }
        return min(10, max(1, $n));
    }

    /** ns1..ns5 from options (a change) or details (the stored ones), without empties. */
    private function nameservers(array $from): array
    {
        $list = [];
        for ($i = 1; $i <= 5; $i++) {
            $ns = trim((string) ($from['ns' . $i] ?? ''));
            if ($ns !== '') {
                $list[] = self::lower($ns);
            }
        }
        return $list;
    }

    /** PESEL/NIP from the extended attributes, the registrant contact or the client's fields. */
    private function idNumber(array $contact): string
    {
        $field = $this->setting('PESEL/NIP field');
        $names = array_unique([$field, 'PESEL/NIP', 'PESEL', 'NIP', 'pesel', 'nip', 'idnumber']);
        $sets = [$this->options['ext'] ?? null, $this->details['extended'] ?? null, $contact, $this->client_data];
        foreach ($sets as $set) {
            if (!is_array($set)) {
                continue;
            }
            foreach ($names as $name) {
                if (isset($set[$name]) && !is_array($set[$name]) && trim((string) $set[$name]) !== '') {
                    return preg_replace('/[\s-]/', '', trim((string) $set[$name]));
                }
            }
        }
        return '';
    }

    /** The registrant for the bridge, from domain_contacts['registrant'] (else the client's data). */
    public function registrant(): array
    {
        $c = $this->domain_contacts['registrant'] ?? null;
        if (!is_array($c) || !$c) {
            $c = is_array($this->client_data) ? $this->client_data : [];
        }
        $get = static fn (string $k) => trim((string) ($c[$k] ?? ''));
        $person = trim($get('firstname') . ' ' . $get('lastname'));
        $company = $get('companyname');
        $street = $get('address1');
        if ($get('address2') !== '') {
            $street .= ', ' . $get('address2');
        }
        $r = [
            'type' => $company !== '' ? 'company' : 'person',
            'name' => $company !== '' ? $company : $person,
            'idNumber' => $this->idNumber($c),
            'email' => $get('email'),
            'phone' => $get('phonenumber'),
            'street' => $street,
            'postcode' => $get('postcode'),
            'city' => $get('city'),
            'country' => strtoupper($get('country')),
        ];
        if ($company !== '' && $person !== '') {
            $r['representative'] = $person;
        }
        return $r;
    }

    /** One signed bridge call; failures are thrown as HrdkitBridgeException. */
    private function call(string $method, string $path, ?array $body = null, ?string $idempotencyKey = null): array
    {
        $client = new HrdkitBridgeClient($this->setting('Bridge URL'), $this->setting('Module key'));
        $this->lastCall = ['method' => $method, 'path' => $path, 'body' => $body, 'idempotencyKey' => $idempotencyKey];
        try {
            $reply = $client->call($method, $path, $body, $idempotencyKey);
            $this->lastCall['reply'] = $reply;
            return $reply;
        } catch (HrdkitBridgeException $e) {
            $this->lastCall['reply'] = $client->lastResponse;
            throw $e;
        }
    }

    /** Runs an action: its result, or false with the bridge's message through addError(). */
    private function run(string $action, callable $fn)
    {
        try {
            $result = $fn();
            $this->logAction(['action' => $action, 'result' => true, 'change' => $this->lastCall['body'] ?? null, 'error' => false]);
            return $result;
        } catch (\Throwable $e) {
            $message = 'HRD bridge: ' . ($e instanceof HrdkitBridgeException ? $e->describe() : $e->getMessage());
            $this->addError($message);
            $this->logAction(['action' => $action, 'result' => false, 'change' => $this->lastCall['body'] ?? null, 'error' => $message]);
            return false;
        }
    }

    // ------------------------------------------------------------ connection

    public function testConnection()
    {
        return $this->run('testConnection', function () {
            $this->call('GET', '/v1/dashboard');
            return true;
        });
    }

    // ------------------------------------------------------------ purchases

    public function Register()
    {
        return $this->run('Register', function () {
            $years = $this->years();
            $body = [
                'domain' => $this->domainName(),
                'registrant' => $this->registrant(),
                'period' => $years,
                'privacy' => !empty($this->options['idprotection']) || !empty($this->details['idprotection']),
            ];
            $ns = $this->nameservers($this->options);
            if (count($ns) >= 2) {
                $body['nameservers'] = $ns;
            }
            $key = 'hostbill-' . $this->domainIdForKey() . '-register-' . $years . 'y';
            $reply = $this->call('POST', '/v1/domains/register', $body, $key);
            $this->addDomain('Active');
            $this->addInfo('Domain ' . $this->domainName() . ' registered at HRD.pl'
                . (!empty($reply['replayed']) ? ' (earlier order, not bought again)' : ''));
            return true;
        });
    }

    public function Transfer()
    {
        return $this->run('Transfer', function () {
            $code = (string) ($this->options['epp_code'] ?? ($this->details['epp_code'] ?? ''));
            $body = [
                'domain' => $this->domainName(),
                'authInfo' => html_entity_decode($code, ENT_QUOTES | ENT_HTML5, 'UTF-8'),
                'registrant' => $this->registrant(),
            ];
            // A transfer HRD accepted can still fail (a wrong code): the re-send with the right code is a new
            // order, so the key carries a digest of the body, keyed with the module key (the EPP code
            // cannot be read back from it).
            $digest = substr(hash_hmac('sha256', (string) json_encode($body, JSON_UNESCAPED_UNICODE), $this->setting('Module key')), 0, 16);
            $this->call('POST', '/v1/domains/transfer', $body, 'hostbill-' . $this->domainIdForKey() . '-transfer-' . $digest);
            $this->addDomain('Pending Transfer');
            $this->addInfo('Transfer of ' . $this->domainName() . ' ordered at HRD.pl');
            return true;
        });
    }

    /** The expiry date the renewal starts from (HostBill's record, else the bridge's), for its key. */
    private function renewalBase(): string
    {
        $expires = trim((string) $this->expires);
        if ($expires === '' || str_starts_with($expires, '0000')) {
            $expires = (string) ($this->call('GET', $this->path())['expiresOn'] ?? '');
        }
        return $expires === '' ? $this->years() . 'y' : preg_replace('/[^0-9]/', '', substr($expires, 0, 10));
    }

    public function Renew()
    {
        return $this->run('Renew', function () {
            $key = 'hostbill-' . $this->domainIdForKey() . '-renew-' . $this->renewalBase();
            $reply = $this->call('POST', '/v1/domains/renew', ['domain' => $this->domainName(), 'period' => $this->years()], $key);
            $this->addPeriod();
            $this->addInfo('Domain ' . $this->domainName() . ' renewed at HRD.pl'
                . (!empty($reply['expiresOn']) ? ' until ' . substr((string) $reply['expiresOn'], 0, 10) : ''));
            return true;
        });
    }

    // ------------------------------------------------------------ nameservers

    public function getNameServers()
    {
        return $this->run('getNameServers', function () {
            return array_values($this->call('GET', $this->path('/nameservers'))['nameservers'] ?? []);
        });
    }

    public function updateNameServers()
    {
        return $this->run('updateNameServers', function () {
            $this->call('PUT', $this->path('/nameservers'), ['nameservers' => $this->nameservers($this->options)]);
            $this->addInfo('Nameservers of ' . $this->domainName() . ' updated');
            return true;
        });
    }

    // ------------------------------------------------------------ contacts

    /** HostBill's contact shape from the bridge's registrant. */
    private static function contactOut(array $r): array
    {
        $person = (string) ($r['type'] ?? '') === 'company' ? (string) ($r['representative'] ?? '') : (string) ($r['name'] ?? '');
        $parts = preg_split('/\s+/', trim($person), 2) ?: [''];
        return [
            'firstname' => $parts[0] ?? '',
            'lastname' => $parts[1] ?? '',
            'companyname' => (string) ($r['type'] ?? '') === 'company' ? (string) ($r['name'] ?? '') : '',
            'email' => (string) ($r['email'] ?? ''),
            'address1' => (string) ($r['street'] ?? ''),
            'address2' => '',
            'city' => (string) ($r['city'] ?? ''),
            'state' => '',
            'postcode' => (string) ($r['postcode'] ?? ''),
            'country' => (string) ($r['country'] ?? ''),
            'phonenumber' => (string) ($r['phone'] ?? ''),
        ];
    }

    /** HRD keeps one contact, the registrant; HostBill's other roles show the same data. */
    public function getContactInfo()
    {
        return $this->run('getContactInfo', function () {
            $c = self::contactOut($this->call('GET', $this->path('/contacts'))['registrant'] ?? []);
            return ['registrant' => $c, 'admin' => $c, 'tech' => $c, 'billing' => $c];
        });
    }

    /**
     * HRD changes only the registrant's phone and address (on the registrant's account); a changed
     * name, company or e-mail needs a trade (cesja) and is refused with that message.
     */
    public function updateContactInfo()
    {
        return $this->run('updateContactInfo', function () {
            $given = $this->options['registrant'] ?? ($this->options['contactinfo']['registrant'] ?? null);
            if (!is_array($given)) {
                throw new \RuntimeException('no registrant details to save');
            }
            $current = self::contactOut($this->call('GET', $this->path('/contacts'))['registrant'] ?? []);
            $fixed = [];
            foreach (['firstname', 'lastname', 'companyname', 'email'] as $f) {
                if (array_key_exists($f, $given) && trim((string) $given[$f]) !== trim($current[$f])) {
                    $fixed[] = $f;
                }
            }
            if ($fixed) {
                throw new \RuntimeException(implode(', ', $fixed) . ' cannot be changed at HRD (only the phone and the address can); '
                    . 'a new registrant needs a trade (cesja) of the domain');
            }
            $pick = static fn (string $f) => trim((string) ($given[$f] ?? '')) !== '' ? trim((string) $given[$f]) : $current[$f];
            $street = $pick('address1');
            if (trim((string) ($given['address2'] ?? '')) !== '') {
                $street .= ', ' . trim((string) $given['address2']);
            }
            $body = [
                'street' => $street,
                'postcode' => $pick('postcode'),
                'city' => $pick('city'),
                'country' => strtoupper($pick('country')),
            ];
            if ($pick('phonenumber') !== '') {
                $body['phone'] = $pick('phonenumber');
            }
            $this->call('PUT', $this->path('/contacts'), ['registrant' => $body]);
            $this->addInfo('Registrant of ' . $this->domainName() . ' updated');
            return true;
        });
    }

    // ------------------------------------------------------------ EPP code, glue, privacy

    public function getEppCode()
    {
        return $this->run('getEppCode', function () {
            return (string) ($this->call('GET', $this->path('/epp-code'))['eppCode'] ?? '');
        });
    }

    /**
     * The glue host: HostBill passes the label alone (`ns1`) from its glue form, other callers the
     * full name (`ns1.example.pl`); a name without a dot is a label inside this domain.
     */
    private function glueHost(): string
    {
        $host = rtrim(self::lower(trim((string) ($this->options['NameServer'] ?? ''))), '.');
        if ($host !== '' && strpos($host, '.') === false) {
            $host .= '.' . $this->domainName();
        }
        return $host;
    }


    public function registerNameServer()
    {
        return $this->run('registerNameServer', function () {
            $body = ['host' => $this->glueHost(), 'ips' => [trim((string) ($this->options['NameServerIP'] ?? ''))]];
            $this->call('POST', $this->path('/hosts'), $body);
            $this->addInfo('Nameserver ' . $body['host'] . ' created');
            return true;
        });
    }

    public function modifyNameServer()
    {
        return $this->run('modifyNameServer', function () {
            $ip = trim((string) ($this->options['NameServerNewIP'] ?? ($this->options['NameServerIP'] ?? '')));
            $this->call('PUT', $this->path('/hosts/' . HrdkitBridgeClient::segment($this->glueHost())), ['ips' => [$ip]]);
            $this->addInfo('Nameserver ' . $this->glueHost() . ' updated');
            return true;
        });
    }

    public function deleteNameServer()
    {
        return $this->run('deleteNameServer', function () {
            $this->call('DELETE', $this->path('/hosts/' . HrdkitBridgeClient::segment($this->glueHost())));
            $this->addInfo('Nameserver ' . $this->glueHost() . ' deleted');
            return true;
        });
    }

    public function getIDProtection()
    {
        return $this->run('getIDProtection', function () {
            return (bool) ($this->call('GET', $this->path())['privacy'] ?? false);
        });
    }

    /** Reads options['idprotection'] (HostBill's flag, '1'/'0' or bool). */
    public function updateIDProtection()
    {
        return $this->run('updateIDProtection', function () {
            $v = $this->options['idprotection'] ?? ($this->details['idprotection'] ?? false);
            $enabled = !empty($v) && $v !== '0' && $v !== 'false' && $v !== 'off';
            $this->call('PUT', $this->path('/privacy'), ['enabled' => $enabled]);
            $this->addInfo('ID protection of ' . $this->domainName() . ' turned ' . ($enabled ? 'on' : 'off'));
            return true;
        });
    }

    // ------------------------------------------------------------ synchronisation

    /** HostBill's domain status from the bridge's sync answer (HRD is the source of truth). */
    public function synchInfo()
    {
        return $this->run('synchInfo', function () {
            if ((string) $this->status === 'Pending Transfer') {
                $t = $this->call('POST', $this->path('/transfer-sync'));
                if (empty($t['completed'])) {
                    if (!empty($t['failed'])) {
                        return ['status' => 'Cancelled', 'reason' => (string) ($t['reason'] ?? 'the transfer failed')];
                    }
                    return ['status' => 'Pending Transfer'];
                }
            }
            $s = $this->call('POST', $this->path('/sync'));
            if (array_key_exists('inAccount', $s) && !$s['inAccount']) {
                // Absence from the HRD account is no evidence of a transfer away (a registration
                // still pending, a bridge on its sandbox): leave the status alone and say why.
                throw new \RuntimeException((string) ($s['reason'] ?? 'the domain is not in the HRD account; status left unchanged'));
            }
            $info = $this->call('GET', $this->path());
            if (!empty($s['transferredAway'])) {
                // HostBill's documented statuses have no "transferred away": Cancelled, with a note.
                $status = 'Cancelled';
                $this->addInfo($this->domainName() . ' is no longer in the HRD account (transferred away)');
            } elseif (!empty($s['cancelled'])) {
                $status = 'Cancelled';
            } elseif (!empty($s['active'])) {
                $status = 'Active';
            } else {
                $status = 'Expired';
            }
            $out = [
                'status' => $status,
                'ns' => array_values($info['nameservers'] ?? []),
                'idprotection' => (bool) ($info['privacy'] ?? false),
                // .pl has no registrar lock.
                'reglock' => false,
            ];
            $expires = (string) (($s['expiresOn'] ?? '') ?: ($info['expiresOn'] ?? ''));
            if ($expires !== '') {
                $out['expires'] = substr($expires, 0, 10);
            }
            return $out;
        });
    }
}
