<?php

use PHPUnit\Framework\TestCase;
use WHMCS\Domain\Registrar\Domain;
use WHMCS\Domains\DomainLookup\ResultsList;
use WHMCS\Domains\DomainLookup\SearchResult;

/**
 * The hrdkit WHMCS registrar module against a running bridge (BRIDGE_URL, BRIDGE_KEY) and its
 * sandbox (SANDBOX_ADMIN_URL, SANDBOX_ADMIN_TOKEN: clock and ledger). Every module function is
 * called the way WHMCS calls it: hrdkit_<Function>($params). The tests run in order and share
 * the domains they register.
 */
final class WhmcsRegistrarTest extends TestCase
{
    private const POLISH = 'żółw-whmcs.pl';
    private const COMPANY = 'whmcs-glue.pl';
    private const TRANSFER = 'taken-whmcs-transfer.pl';
    private const TRANSFER_BAD = 'taken-whmcs-zly.pl';

    private static function env(string $name): string
    {
        $v = getenv($name);
        return $v === false ? '' : $v;
    }

    protected function setUp(): void
    {
        if (self::env('BRIDGE_URL') === '' || self::env('BRIDGE_KEY') === '') {
            $this->markTestSkipped('BRIDGE_URL and BRIDGE_KEY are not set (packages/bridge/test/php.test.ts sets them)');
        }
    }

    /** The settings WHMCS adds to every call. */
    private static function settings(array $over = []): array
    {
        return array_merge([
            'BridgeUrl' => self::env('BRIDGE_URL'),
            'ModuleKey' => self::env('BRIDGE_KEY'),
            'IdNumberField' => 'PESEL/NIP',
        ], $over);
    }

    /** What the client typed (Polish letters), the basis of every fixture. */
    private const TYPED = [
        'firstname' => 'Zażółć',
        'lastname' => 'Gęślą',
        'companyname' => '',
        'email' => 'zazolc@example.pl',
        'address1' => 'ul. Źródlana 5',
        'address2' => '',
        'city' => 'Łódź',
        'state' => 'łódzkie',
        'postcode' => '90-001',
        'phone' => '22 100 32 48',
        'additionalfields' => ['PESEL/NIP' => '44051401359'],
    ];

    /**
     * $params as WHMCS 8 builds them for a registrar function (tests/fixtures/whmcs-params.php):
     * top-level contact values transliterated, the typed ones in ['original'], tld without the dot.
     *
     * @param array $over the function's own parameters (eppcode, nameserver, ns1…) and settings
     * @param array $typed what the client typed, over TYPED
     */
    private static function domainParams(int $domainId, string $domain, array $over = [], array $typed = [], string $function = 'RegisterDomain'): array
    {
        $settings = self::settings(array_intersect_key($over, array_flip(['BridgeUrl', 'ModuleKey', 'IdNumberField'])));
        $extra = array_diff_key($over, $settings);
        return whmcs_registrar_params($function, $settings, $domainId, $domain, array_replace(self::TYPED, $typed), $extra);
    }

    private static function admin(string $method, string $path, ?array $body = null): array
    {
        $url = self::env('SANDBOX_ADMIN_URL');
        $ch = curl_init($url . $path);
        curl_setopt_array($ch, [
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_HTTPHEADER => ['Authorization: Bearer ' . self::env('SANDBOX_ADMIN_TOKEN'), 'Content-Type: application/json'],
            CURLOPT_POSTFIELDS => $body === null ? null : json_encode($body),
            CURLOPT_TIMEOUT => 20,
        ]);
        $raw = curl_exec($ch);
        curl_close($ch);
        return json_decode((string) $raw, true) ?: [];
    }

    private static function charges(string $asciiName, string $type): int
    {
        $n = 0;
        foreach (self::admin('GET', '/ledger')['entries'] ?? [] as $e) {
            if (($e['objectName'] ?? '') === $asciiName && (string) $e['type'] === $type) {
                $n++;
            }
        }
        return $n;
    }

    private function assertOk($result, string $what): void
    {
        $this->assertIsArray($result, $what);
        $this->assertArrayNotHasKey('error', $result, $what . ': ' . ($result['error'] ?? ''));
    }

    // ------------------------------------------------------------------ tests

    public function testMetaDataAndSettings(): void
    {
        $meta = hrdkit_MetaData();
        $this->assertSame('1.1', $meta['APIVersion']);
        $config = hrdkit_getConfigArray([]);
        $this->assertSame('password', $config['ModuleKey']['Type']);
        $this->assertSame('text', $config['BridgeUrl']['Type']);
        $this->assertSame('System', $config['Description']['Type']);
        $this->assertStringContainsString('sandbox', $config['Description']['Value']);
        foreach (['GetRegistrarLock', 'SaveRegistrarLock', 'RequestDelete'] as $absent) {
            $this->assertFalse(function_exists('hrdkit_' . $absent), "hrdkit_$absent must not exist");
        }
        $this->assertSame(['Trade (cesja) status' => 'TradeStatus'], hrdkit_ClientAreaCustomButtonArray());
    }

    public function testSignaturesMatchTheBridgeFormat(): void
    {
        // Same inputs as HMAC-SHA256 in node: createHmac("sha256", sha256hex("s3cret")).update("1\nn\nGET /x\n")
        $key = hash('sha256', 's3cret');
        $this->assertSame(hash_hmac('sha256', "1700000000000\nabc\nPOST /v1/domains/availability\n{}", $key), HrdkitBridgeClient::signature($key, '1700000000000', 'abc', 'post', '/v1/domains/availability', '{}'));
        $this->assertSame('%C5%BC%C3%B3%C5%82w-whmcs.pl', HrdkitBridgeClient::segment(self::POLISH));
    }

    public function testAWrongKeyIsRefused(): void
    {
        $wrong = 'hk_' . substr(explode('.', self::env('BRIDGE_KEY'))[0], 3) . '.wrong-secret';
        $params = self::domainParams(999, 'nie-kupuj-whmcs.pl', ['ModuleKey' => $wrong]);
        $result = hrdkit_RegisterDomain($params);
        $this->assertArrayHasKey('error', $result);
        $this->assertStringContainsString('bad_signature', $result['error']);
        $this->assertSame(['error' => $result['error']], $result);
        // A key that is not a key at all: refused before anything is sent.
        $result = hrdkit_GetEPPCode(self::domainParams(999, 'nie-kupuj-whmcs.pl', ['ModuleKey' => 'nonsense']));
        $this->assertStringContainsString('hk_<id>.<secret>', $result['error']);
        // The module log never holds the key.
        foreach ($GLOBALS['hrdkit_test_module_log'] as $line) {
            $this->assertStringNotContainsString(self::env('BRIDGE_KEY'), $line['text']);
        }
    }

    public function testTldPricing(): void
    {
        $list = hrdkit_GetTldPricing(self::settings());
        $this->assertInstanceOf(\WHMCS\Results\ResultsList::class, $list, json_encode($list, JSON_UNESCAPED_UNICODE));
        $pl = null;
        foreach ($list as $item) {
            if ($item->getExtension() === '.pl') {
                $pl = $item;
            }
        }
        $this->assertNotNull($pl, 'the pricing lists .pl');
        $this->assertSame('PLN', $pl->getCurrency());
        $this->assertGreaterThan(0, $pl->getRegisterPrice());
    }

    public function testAvailabilityOfAPolishName(): void
    {
        $params = array_merge(self::settings(), [
            'searchTerm' => 'zolw-whmcs',
            'punyCodeSearchTerm' => 'xn--w-whmcs-k0a52e8r',
            'tldsToInclude' => ['.pl', '.com.pl'],
            'isIdnDomain' => true,
            'premiumEnabled' => false,
            'original' => ['searchTerm' => 'żółw-whmcs'],
        ]);
        $list = hrdkit_CheckAvailability($params);
        $this->assertInstanceOf(ResultsList::class, $list);
        $rows = $list->toArray();
        $this->assertCount(2, $rows);
        $this->assertSame('żółw-whmcs', $rows[0]['sld']);
        $this->assertSame('pl', $rows[0]['tld']);
        $this->assertSame(SearchResult::STATUS_NOT_REGISTERED, $rows[0]['status']);
        $taken = hrdkit_CheckAvailability(array_merge(self::settings(), ['searchTerm' => 'hrd', 'tldsToInclude' => ['.pl']]));
        $this->assertSame(SearchResult::STATUS_REGISTERED, $taken->toArray()[0]['status']);
    }

    public function testSuggestions(): void
    {
        $list = hrdkit_GetDomainSuggestions(array_merge(self::settings(), [
            'searchTerm' => 'zolw',
            'original' => ['searchTerm' => 'żółw'],
            'tldsToInclude' => ['.pl'],
            'suggestionSettings' => ['maxResults' => '5'],
        ]));
        $this->assertInstanceOf(ResultsList::class, $list);
        $this->assertLessThanOrEqual(5, count($list));
        foreach ($list->toArray() as $row) {
            $this->assertSame(SearchResult::STATUS_NOT_REGISTERED, $row['status']);
        }
    }

    public function testRegisterAPolishDomainWithPolishContactData(): void
    {
        $result = hrdkit_RegisterDomain(self::domainParams(101, self::POLISH));
        $this->assertOk($result, 'RegisterDomain');
        $contacts = hrdkit_GetContactDetails(self::domainParams(101, self::POLISH));
        $this->assertOk($contacts, 'GetContactDetails');
        $this->assertSame('Zażółć Gęślą', $contacts['Registrant']['Name']);
        $this->assertSame('Łódź', $contacts['Registrant']['City']);
        $info = hrdkit_GetDomainInformation(self::domainParams(101, self::POLISH));
        $this->assertInstanceOf(Domain::class, $info);
        $this->assertMatchesRegularExpression('/^\d{4}-\d{2}-\d{2}$/', $info->getExpiryDate()->format('Y-m-d'));
        $this->assertSame(['ns1' => 'ns1.hrd.pl', 'ns2' => 'ns2.hrd.pl'], $info->getNameservers());
    }

    /** @depends testRegisterAPolishDomainWithPolishContactData */
    public function testARepeatedRegisterDoesNotBuyTwice(): void
    {
        $result = hrdkit_RegisterDomain(self::domainParams(101, self::POLISH));
        $this->assertOk($result, 'repeated RegisterDomain');
        if (self::env('SANDBOX_ADMIN_URL') !== '') {
            $this->assertSame(1, self::charges('xn--w-whmcs-k0a52e8r.pl', 'create'));
        }
    }

    public function testACompanyRegistrant(): void
    {
        $params = self::domainParams(102, self::COMPANY, [], [
            'companyname' => 'Żuławska Spółka z o.o.',
            'additionalfields' => ['PESEL/NIP' => '526-025-02-74'],
        ]);
        // What WHMCS put at the top level is transliterated; the module sends what was typed.
        $this->assertSame('Zulawska Spolka z o.o.', $params['companyname']);
        $registrant = hrdkit_registrant($params);
        $this->assertSame('company', $registrant['type']);
        $this->assertSame('Żuławska Spółka z o.o.', $registrant['name']);
        $this->assertSame('Zażółć Gęślą', $registrant['representative']);
        $this->assertSame('5260250274', $registrant['idNumber']);
        $this->assertOk(hrdkit_RegisterDomain($params), 'RegisterDomain (company)');
    }

    /** @depends testRegisterAPolishDomainWithPolishContactData */
    public function testNameservers(): void
    {
        $params = self::domainParams(101, self::POLISH, ['ns1' => 'ns3.hrd.pl', 'ns2' => 'ns4.hrd.pl', 'ns3' => 'ns5.hrd.pl']);
        $this->assertOk(hrdkit_SaveNameservers($params), 'SaveNameservers');
        $got = hrdkit_GetNameservers(self::domainParams(101, self::POLISH));
        $this->assertSame(['ns1' => 'ns3.hrd.pl', 'ns2' => 'ns4.hrd.pl', 'ns3' => 'ns5.hrd.pl'], $got);
    }

    /** @depends testACompanyRegistrant */
    public function testGlueRecords(): void
    {
        $p = self::domainParams(102, self::COMPANY);
        $this->assertOk(hrdkit_RegisterNameserver($p + ['nameserver' => 'ns1.whmcs-glue.pl', 'ipaddress' => '192.0.2.10']), 'RegisterNameserver');
        $this->assertOk(hrdkit_ModifyNameserver($p + ['nameserver' => 'ns1.whmcs-glue.pl', 'currentipaddress' => '192.0.2.10', 'newipaddress' => '192.0.2.11']), 'ModifyNameserver');
        $this->assertOk(hrdkit_DeleteNameserver($p + ['nameserver' => 'ns1.whmcs-glue.pl']), 'DeleteNameserver');
    }

    /** @depends testRegisterAPolishDomainWithPolishContactData */
    public function testEppCodeAndPrivacy(): void
    {
        $p = self::domainParams(101, self::POLISH);
        $epp = hrdkit_GetEPPCode($p);
        $this->assertOk($epp, 'GetEPPCode');
        $this->assertNotSame('', $epp['eppcode']);
        $this->assertOk(hrdkit_IDProtectToggle($p + ['protectenable' => true]), 'IDProtectToggle on');
        $this->assertTrue(hrdkit_GetDomainInformation($p)->getIdProtectionStatus());
        $this->assertOk(hrdkit_IDProtectToggle($p + ['protectenable' => false]), 'IDProtectToggle off');
    }

    /**
     * The WHOIS page round trip as WHMCS does it: GetContactDetails' labels come back in
     * `contactdetails`, transliterated at the top level ("Zazolc Gesla") and as typed in 'original'.
     *
     * @depends testRegisterAPolishDomainWithPolishContactData
     */
    public function testSaveContactDetails(): void
    {
        $details = hrdkit_GetContactDetails(self::domainParams(101, self::POLISH, [], [], 'GetContactDetails'));
        $this->assertOk($details, 'GetContactDetails');
        $details['Registrant']['City'] = 'Kraków';
        $details['Registrant']['Address 1'] = 'ul. Świętokrzyska 2';
        $details['Registrant']['Postcode'] = '30-001';
        $details['Registrant']['Phone Number'] = '+48.226543210';
        $p = self::domainParams(101, self::POLISH, ['contactdetails' => $details], [], 'SaveContactDetails');
        $this->assertSame('Zazolc Gesla', $p['contactdetails']['Registrant']['Name'], 'the fixture transliterates like WHMCS');
        // A phone and address change of "Zażółć Gęślą" is not a name change.
        $this->assertOk(hrdkit_SaveContactDetails($p), 'SaveContactDetails');
        $after = hrdkit_GetContactDetails(self::domainParams(101, self::POLISH, [], [], 'GetContactDetails'));
        // Saved as typed, Polish letters kept.
        $this->assertSame('Kraków', $after['Registrant']['City']);
        $this->assertSame('ul. Świętokrzyska 2', $after['Registrant']['Address 1']);
        $this->assertSame('+48.226543210', $after['Registrant']['Phone Number']);
        $this->assertSame('Zażółć Gęślą', $after['Registrant']['Name']);
        // A new name is a new registrant: HRD needs a trade (cesja), and the admin is told so.
        $after['Registrant']['Name'] = 'Jan Nowak';
        $refused = hrdkit_SaveContactDetails(self::domainParams(101, self::POLISH, ['contactdetails' => $after], [], 'SaveContactDetails'));
        $this->assertStringContainsString('cesja', $refused['error'] ?? '');
        $this->assertStringContainsString('Name', $refused['error']);
    }

    /** @depends testRegisterAPolishDomainWithPolishContactData */
    public function testRenewOnceEvenWhenRepeated(): void
    {
        $p = self::domainParams(101, self::POLISH);
        $before = hrdkit_GetDomainInformation($p)->getExpiryDate()->format('Y-m-d');
        $renew = $p + ['expirydate' => $before];
        $this->assertOk(hrdkit_RenewDomain($renew), 'RenewDomain');
        $after = hrdkit_GetDomainInformation($p)->getExpiryDate()->format('Y-m-d');
        $this->assertSame((new DateTime($before))->modify('+1 year')->format('Y-m-d'), $after);
        // WHMCS retries with the same (not yet updated) expiry date: no second renewal.
        $this->assertOk(hrdkit_RenewDomain($renew), 'repeated RenewDomain');
        $this->assertSame($after, hrdkit_GetDomainInformation($p)->getExpiryDate()->format('Y-m-d'));
    }

    public function testTransferCompletes(): void
    {
        $p = self::domainParams(103, self::TRANSFER, ['eppcode' => 'Kod&123'], [], 'TransferDomain');
        // WHMCS 7 handed the code over HTML-escaped at the top level.
        $p['eppcode'] = 'Kod&amp;123';
        $this->assertOk(hrdkit_TransferDomain($p), 'TransferDomain');
        $this->assertOk(hrdkit_TransferDomain($p), 'repeated TransferDomain');
        $state = [];
        for ($i = 0; $i < 10 && !$state; $i++) {
            $state = hrdkit_TransferSync($p);
            $this->assertArrayNotHasKey('error', $state, $state['error'] ?? '');
            if (!$state) {
                usleep(200000);
            }
        }
        $this->assertTrue($state['completed'] ?? false, json_encode($state));
        $this->assertMatchesRegularExpression('/^\d{4}-\d{2}-\d{2}$/', $state['expirydate']);
    }

    /** TransferSync until it reports something (the sandbox decides on its next requests). */
    private static function transferState(array $p): array
    {
        $state = [];
        for ($i = 0; $i < 10 && !$state; $i++) {
            $state = hrdkit_TransferSync($p);
            if (!$state) {
                usleep(200000);
            }
        }
        return $state;
    }

    /**
     * A transfer ordered with a wrong EPP code fails at the registry; the admin re-sends it with the
     * right code (same domain id): a new order that completes and is charged once.
     */
    public function testATransferResentWithTheRightCodeAfterAFailedOne(): void
    {
        $wrong = self::domainParams(104, self::TRANSFER_BAD, ['eppcode' => 'zly-kod'], [], 'TransferDomain');
        $this->assertOk(hrdkit_TransferDomain($wrong), 'TransferDomain (wrong code)');
        $state = self::transferState($wrong);
        $this->assertTrue($state['failed'] ?? false, json_encode($state));
        $this->assertNotSame('', $state['reason']);

        $right = self::domainParams(104, self::TRANSFER_BAD, ['eppcode' => 'Dobry-Kod-1'], [], 'TransferDomain');
        $this->assertOk(hrdkit_TransferDomain($right), 'TransferDomain (right code)');
        $this->assertOk(hrdkit_TransferDomain($right), 'TransferDomain (right code, repeated)');
        $done = self::transferState($right);
        $this->assertTrue($done['completed'] ?? false, json_encode($done));
        if (self::env('SANDBOX_ADMIN_URL') !== '') {
            $this->assertSame(1, self::charges(self::TRANSFER_BAD, 'transfer'));
        }
    }

    /**
     * A customer corrects bad data after a refused registration (WHMCS re-runs RegisterDomain with the
     * same domain id): an invalid PESEL, then a phone HRD cannot take, then everything right. Only the
     * last one buys, once, however often it is repeated.
     */
    public function testACorrectedRegistrationGoesThroughAndBuysOnce(): void
    {
        $ascii = 'poprawka-whmcs.pl';
        $badPesel = hrdkit_RegisterDomain(self::domainParams(105, $ascii, [], ['additionalfields' => ['PESEL/NIP' => '44051401358']]));
        $this->assertStringContainsString('idNumber', $badPesel['error'] ?? '', json_encode($badPesel));
        $this->assertSame(0, self::charges($ascii, 'create'));

        $badPhone = hrdkit_RegisterDomain(self::domainParams(105, $ascii, [], ['phone' => '123']));
        $this->assertStringContainsString('phone', $badPhone['error'] ?? '', json_encode($badPhone));
        $this->assertStringNotContainsString('idempotency_key_reused', $badPhone['error']);
        $this->assertSame(0, self::charges($ascii, 'create'));

        $this->assertOk(hrdkit_RegisterDomain(self::domainParams(105, $ascii)), 'RegisterDomain (corrected)');
        $this->assertOk(hrdkit_RegisterDomain(self::domainParams(105, $ascii)), 'RegisterDomain (repeated)');
        $this->assertSame(1, self::charges($ascii, 'create'));
    }

    /**
     * A shop that keeps the PESEL in a client custom field (not in the .pl additional fields): WHMCS
     * hands client custom fields to registrar modules only as ['id' => tblcustomfields.id, 'value']
     * (tests/fixtures/whmcs-params.php), so the module has to find the field's id by its name.
     * First with a PESEL whose checksum is wrong (refused for the idNumber, nothing bought: the
     * value was read and sent), then the right one: registered, bought once.
     * php.test.ts then checks that the registrant HRD got carries exactly this PESEL.
     */
    public function testAPeselKeptOnlyInAClientCustomFieldReachesHrd(): void
    {
        $ascii = 'pesel-klienta-whmcs.pl';
        $typed = ['additionalfields' => [], 'customfields' => [1 => 'z polecenia', 3 => '440514 01358']];
        $bad = self::domainParams(107, $ascii, [], $typed);
        $this->assertSame(['id' => 3, 'value' => '440514 01358'], $bad['customfields'][1], 'WHMCS\'s shape: a list of id/value pairs');
        $refused = hrdkit_RegisterDomain($bad);
        $this->assertStringContainsString('registrant.idNumber', $refused['error'] ?? '', json_encode($refused));
        $this->assertStringContainsString('not a valid PESEL', $refused['error'], 'the PESEL from the custom field was sent and checked');
        $this->assertSame(0, self::charges($ascii, 'create'));

        $typed['customfields'][3] = '440514 01359';
        $this->assertOk(hrdkit_RegisterDomain(self::domainParams(107, $ascii, [], $typed)), 'RegisterDomain (PESEL in a client custom field)');
        $this->assertSame(1, self::charges($ascii, 'create'));
    }

    /**
     * Which client custom field holds the PESEL/NIP: the setting may name it (matched against
     * tblcustomfields of type client, also by the part before "|" of "internal|Display" names) or give
     * its id; a product field of the same name is not the client's; the domain's additional field
     * still wins over the client field.
     */
    public function testTheIdNumberFieldSettingFindsTheClientCustomField(): void
    {
        $typed = ['additionalfields' => [], 'customfields' => [3 => '44051401359', 5 => '526-025-02-74']];
        $id = fn (array $over, array $t = []) => hrdkit_registrant(self::domainParams(108, 'pole-whmcs.pl', $over, array_replace($typed, $t)))['idNumber'];
        // Field 2, a product field, is also named PESEL/NIP and comes first in tblcustomfields.
        $this->assertSame('44051401359', $id([]), 'the default name, PESEL/NIP, of the client field');
        $this->assertSame('44051401359', $id(['IdNumberField' => 'pesel/nip']), 'names match like MySQL does, case-insensitively');
        $this->assertSame('5260250274', $id(['IdNumberField' => 'nip_firmy']), 'the internal name of "nip_firmy|NIP firmy"');
        $this->assertSame('5260250274', $id(['IdNumberField' => 'nip_firmy|NIP firmy']), 'the whole stored name');
        $this->assertSame('5260250274', $id(['IdNumberField' => '5']), 'a field id');
        $this->assertSame('5260250274', $id(['IdNumberField' => ' 5 ']), 'a field id, with spaces around');
        $this->assertSame('5260250274', $id(['IdNumberField' => 'NIP firmy']), 'the display name of "nip_firmy|NIP firmy"');
        // The client left the field empty: nothing found (the bridge then refuses, naming registrant.idNumber).
        $this->assertSame('', $id([], ['customfields' => [3 => '', 5 => '']]));
        // The .pl additional field is preferred over the client's profile.
        $this->assertSame('91010112346', $id([], ['additionalfields' => ['PESEL/NIP' => '91010112346']]));
        // Modules tested with the keyed shape (older hand-made $params) still work.
        $keyed = self::domainParams(108, 'pole-whmcs.pl', [], $typed);
        $keyed['customfields'] = ['PESEL/NIP' => '44051401359'];
        unset($keyed['original']['customfields']);
        $this->assertSame('44051401359', hrdkit_registrant($keyed)['idNumber']);
    }

    /** A name HRD does not show (never registered there, a sandbox): not "transferred away". */
    public function testSyncOfANameNotInTheAccountChangesNothing(): void
    {
        $active = hrdkit_Sync(self::domainParams(106, 'nie-u-nas-whmcs.pl', ['status' => 'Active'], [], 'Sync'));
        $this->assertArrayNotHasKey('transferredAway', $active);
        $this->assertArrayNotHasKey('active', $active);
        $this->assertStringContainsString('not in the partner', $active['error'] ?? '', json_encode($active));
        $pending = hrdkit_Sync(self::domainParams(106, 'nie-u-nas-whmcs.pl', ['status' => 'Pending Registration'], [], 'Sync'));
        $this->assertSame([], $pending);
    }

    /** @depends testACompanyRegistrant */
    public function testSyncAfterTheSandboxClockMoves(): void
    {
        $p = self::domainParams(102, self::COMPANY);
        $first = hrdkit_Sync($p);
        $this->assertOk($first, 'Sync');
        $this->assertTrue($first['active']);
        $this->assertFalse($first['cancelled']);
        $this->assertFalse($first['transferredAway']);
        $this->assertSame(hrdkit_GetDomainInformation($p)->getExpiryDate()->format('Y-m-d'), $first['expirydate']);
        if (self::env('SANDBOX_ADMIN_URL') === '') {
            $this->markTestIncomplete('no SANDBOX_ADMIN_URL: the clock was not moved');
        }
        // Well past the expiry (not renewed): the domain has expired at the registry.
        self::admin('POST', '/clock/advance', ['days' => 500]);
        $later = hrdkit_Sync($p);
        $this->assertArrayNotHasKey('error', $later, $later['error'] ?? '');
        $this->assertSame($first['expirydate'], $later['expirydate']);
        $this->assertFalse($later['active'], json_encode($later));
    }

    /** @depends testRegisterAPolishDomainWithPolishContactData */
    public function testTradeStatusPage(): void
    {
        $page = hrdkit_TradeStatus(self::domainParams(101, self::POLISH));
        // WHMCS renders modules/registrars/<module>/<templatefile>.tpl.
        $this->assertSame('templates/tradestatus', $page['templatefile']);
        $this->assertFileExists(__DIR__ . '/../whmcs/modules/registrars/hrdkit/' . $page['templatefile'] . '.tpl');
        $this->assertSame(self::POLISH, $page['vars']['domain']);
        // No trade of this domain: an empty page, not an error.
        $this->assertSame('', $page['vars']['error']);
        $this->assertSame([], $page['vars']['trade']);
        // Another module's failure is shown.
        $other = hrdkit_TradeStatus(self::domainParams(101, 'nie-ma-takiej-whmcs.pl'));
        $this->assertStringContainsString('not_found', $other['vars']['error']);
        $this->assertFileExists(__DIR__ . '/../whmcs/modules/registrars/hrdkit/templates/tradestatus.tpl');
    }
}
