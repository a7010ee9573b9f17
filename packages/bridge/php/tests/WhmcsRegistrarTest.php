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

    /**
     * WHMCS-shaped parameters for a domain: top-level values transliterated the way WHMCS does,
     * the values as typed in ['original'].
     */
    private static function domainParams(int $domainId, string $domain, array $over = [], array $original = []): array
    {
        [$sld, $tld] = explode('.', $domain, 2);
        $typed = array_merge([
            'sld' => $sld,
            'tld' => $tld,
            'firstname' => 'Zażółć',
            'lastname' => 'Gęślą',
            'companyname' => '',
            'email' => 'zazolc@example.pl',
            'address1' => 'ul. Źródlana 5',
            'address2' => '',
            'city' => 'Łódź',
            'postcode' => '90-001',
            'countrycode' => 'PL',
            'country' => 'PL',
            'fullphonenumber' => '+48.221003248',
            'additionalfields' => ['PESEL/NIP' => '44051401359'],
        ], $original);
        $ascii = static fn ($v) => is_string($v) ? strtr($v, ['ż' => 'z', 'ó' => 'o', 'ł' => 'l', 'ć' => 'c', 'ę' => 'e', 'ś' => 's', 'ą' => 'a', 'Ź' => 'Z', 'Ł' => 'L', 'ź' => 'z', 'ń' => 'n']) : $v;
        $processed = array_map($ascii, $typed);
        return array_merge(self::settings(), $processed, [
            'domainid' => $domainId,
            'userid' => 7,
            'regperiod' => 1,
            'ns1' => 'ns1.hrd.pl',
            'ns2' => 'ns2.hrd.pl',
            'ns3' => '',
            'ns4' => '',
            'ns5' => '',
            'idprotection' => false,
            'original' => $typed,
        ], $over);
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

    /** @depends testRegisterAPolishDomainWithPolishContactData */
    public function testSaveContactDetails(): void
    {
        $p = self::domainParams(101, self::POLISH);
        $details = hrdkit_GetContactDetails($p);
        $this->assertOk($details, 'GetContactDetails');
        $details['Registrant']['City'] = 'Kraków';
        $details['Registrant']['Address 1'] = 'ul. Świętokrzyska 2';
        $details['Registrant']['Postcode'] = '30-001';
        $this->assertOk(hrdkit_SaveContactDetails($p + ['contactdetails' => $details]), 'SaveContactDetails');
        $after = hrdkit_GetContactDetails($p);
        $this->assertSame('Kraków', $after['Registrant']['City']);
        $this->assertSame('ul. Świętokrzyska 2', $after['Registrant']['Address 1']);
        $this->assertSame('Zażółć Gęślą', $after['Registrant']['Name']);
        // A new name is a new registrant: HRD needs a trade (cesja), and the admin is told so.
        $after['Registrant']['Name'] = 'Jan Nowak';
        $refused = hrdkit_SaveContactDetails($p + ['contactdetails' => $after]);
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
        $p = self::domainParams(103, self::TRANSFER, ['eppcode' => 'Kod&amp;123'], ['eppcode' => 'Kod&123']);
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

    public function testTransferWithAWrongCodeFails(): void
    {
        $p = self::domainParams(104, self::TRANSFER_BAD, ['eppcode' => 'zly-kod']);
        $result = hrdkit_TransferDomain($p);
        if (isset($result['error'])) {
            // The bridge may check the code before ordering: then the admin sees why at once.
            $this->assertNotSame('', $result['error']);
            return;
        }
        $state = [];
        for ($i = 0; $i < 10 && !$state; $i++) {
            $state = hrdkit_TransferSync($p);
            if (!$state) {
                usleep(200000);
            }
        }
        $this->assertTrue($state['failed'] ?? false, json_encode($state));
        $this->assertNotSame('', $state['reason']);
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
        $this->assertSame('tradestatus', $page['templatefile']);
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
