<?php

use PHPUnit\Framework\TestCase;

require_once __DIR__ . '/../whmcs/modules/servers/hrdkitssl/hrdkitssl.php';

/** WHMCS's per-service properties ($params['model']->serviceProperties, WHMCS 7.2+). */
final class HrdkitTestServiceProperties
{
    public array $values = [];

    public function save(array $values): void
    {
        foreach ($values as $k => $v) {
            $this->values[$k] = $v;
        }
    }

    public function get($name)
    {
        return $this->values[$name] ?? null;
    }
}

/** The service model WHMCS passes as $params['model'] (only what the module reads). */
final class HrdkitTestService
{
    public HrdkitTestServiceProperties $serviceProperties;

    public function __construct(public string $nextduedate)
    {
        $this->serviceProperties = new HrdkitTestServiceProperties();
    }
}

/**
 * The hrdkitssl WHMCS server module against a running bridge (BRIDGE_URL, BRIDGE_KEY) and its
 * sandbox (SANDBOX_ADMIN_URL, SANDBOX_ADMIN_TOKEN: clock and ledger): a certificate ordered for a
 * CSR made here with openssl_csr_new, issued once the sandbox clock passes the approver's click,
 * downloaded and checked with openssl_x509_parse, then renewed. The tests run in order.
 */
final class WhmcsSslTest extends TestCase
{
    private const DOMAIN = 'sklep-ssl-whmcs.pl';
    private const SERVICE_ID = 501;

    private static ?HrdkitTestService $service = null;
    private static $privateKey = null;
    private static string $csr = '';
    private static int $account = 0;

    private static function env(string $name): string
    {
        $v = getenv($name);
        return $v === false ? '' : $v;
    }

    protected function setUp(): void
    {
        if (self::env('BRIDGE_URL') === '' || self::env('BRIDGE_KEY') === '') {
            $this->markTestSkipped('BRIDGE_URL and BRIDGE_KEY are not set (packages/bridge/test/php-ssl-hostbill.test.ts sets them)');
        }
    }

    private static function admin(string $method, string $path, ?array $body = null): array
    {
        $ch = curl_init(self::env('SANDBOX_ADMIN_URL') . $path);
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

    private static function certCharges(int $certId, string $type): int
    {
        $n = 0;
        foreach (self::admin('GET', '/ledger')['entries'] ?? [] as $e) {
            if (($e['object'] ?? '') === 'cert' && (int) ($e['objectId'] ?? 0) === $certId && (string) $e['type'] === $type) {
                $n++;
            }
        }
        return $n;
    }

    /** The server settings WHMCS passes (Hostname = the bridge URL, Password = the module key). */
    private static function server(array $over = []): array
    {
        return array_merge([
            'server' => true,
            'serverhostname' => self::env('BRIDGE_URL'),
            'serverpassword' => self::env('BRIDGE_KEY'),
            'serveraccesshash' => '',
            'serversecure' => '',
            'serverport' => '',
        ], $over);
    }

    /** WHMCS-shaped parameters of the SSL service. */
    private static function params(array $over = []): array
    {
        return array_merge(self::server(), [
            'serviceid' => self::SERVICE_ID,
            'userid' => 9,
            'pid' => 3,
            'domain' => self::DOMAIN,
            'producttype' => 'other',
            'moduletype' => 'hrdkitssl',
            'configoption1' => 'Positive SSL',
            'configoption2' => '1',
            'configoption3' => (string) self::$account,
            'configoption4' => 'Mr',
            'configoption5' => 'Website Owner',
            'customfields' => ['CSR' => self::$csr, 'Approver e-mail' => 'admin@' . self::DOMAIN],
            'configoptions' => [],
            'clientsdetails' => [
                'firstname' => 'Łukasz',
                'lastname' => 'Żółtowski',
                'companyname' => 'Sklep Źródełko',
                'email' => 'lukasz@example.pl',
                'address1' => 'ul. Świętokrzyska 12/3',
                'address2' => '',
                'city' => 'Łódź',
                'state' => 'łódzkie',
                'postcode' => '90-001',
                'countrycode' => 'PL',
                'country' => 'PL',
                'phonecc' => '48',
                'phonenumber' => '221003248',
            ],
            'model' => self::$service,
        ], $over);
    }

    public static function setUpBeforeClass(): void
    {
        if (self::env('BRIDGE_URL') === '' || self::env('BRIDGE_KEY') === '') {
            return;
        }
        self::$service = new HrdkitTestService('2027-11-27');
        // The CSR, made the way a client's server makes it.
        self::$privateKey = openssl_pkey_new(['private_key_type' => OPENSSL_KEYTYPE_EC, 'curve_name' => 'prime256v1']);
        $csr = openssl_csr_new(['commonName' => self::DOMAIN, 'organizationName' => 'Sklep Testowy', 'countryName' => 'PL'], self::$privateKey, ['digest_alg' => 'sha256']);
        openssl_csr_export($csr, $pem);
        self::$csr = $pem;
        // The HRD account that owns the certificates (a real shop makes one at HRD once).
        $client = new HrdkitBridgeClient(self::env('BRIDGE_URL'), self::env('BRIDGE_KEY'));
        $reply = $client->call('POST', '/v1/domains/register', [
            'domain' => self::DOMAIN,
            'registrant' => [
                'type' => 'company',
                'name' => 'Sklep Źródełko sp. z o.o.',
                'representative' => 'Łukasz Żółtowski',
                'idNumber' => '1234563218',
                'email' => 'lukasz@example.pl',
                'phone' => '+48 22 100 32 48',
                'street' => 'ul. Świętokrzyska 12/3',
                'postcode' => '90-001',
                'city' => 'Łódź',
                'country' => 'PL',
            ],
            'period' => 1,
        ], 'test-ssl-owner-account');
        self::$account = (int) $reply['hrdUserId'];
    }

    public function testMetaDataAndConfigOptions(): void
    {
        $meta = hrdkitssl_MetaData();
        $this->assertSame('1.1', $meta['APIVersion']);
        $this->assertTrue($meta['RequiresServer']);
        $options = hrdkitssl_ConfigOptions();
        $this->assertLessThanOrEqual(24, count($options));
        $products = explode(',', $options['Certificate']['Options']);
        $this->assertCount(13, $products);
        $this->assertContains('True BusinessID + EV', $products);
        $this->assertSame(['Status' => 'Status', 'Download' => 'Download'], hrdkitssl_AdminCustomButtonArray());
        $this->assertSame(['1', '2', '3'], explode(',', $options['Period (years)']['Options']));
    }

    public function testTestConnection(): void
    {
        $this->assertSame(['success' => true, 'error' => ''], hrdkitssl_TestConnection(self::server()));
        $bad = hrdkitssl_TestConnection(self::server(['serverpassword' => 'hk_1234.nie-ten-klucz']));
        $this->assertFalse($bad['success']);
        $this->assertStringStartsWith('HRD bridge: ', $bad['error']);
        $noKey = hrdkitssl_TestConnection(self::server(['serverpassword' => '']));
        $this->assertFalse($noKey['success']);
        $this->assertStringContainsString('hk_<id>.<secret>', $noKey['error']);
        // A bare host name: Secure and Port make the URL.
        $this->assertSame('https://bridge.example.pl:8443', hrdkitssl_url(['serverhostname' => 'bridge.example.pl', 'serversecure' => 'on', 'serverport' => '8443']));
        $this->assertSame('http://127.0.0.1:8080', hrdkitssl_url(['serverhostname' => '127.0.0.1', 'serversecure' => '', 'serverport' => '8080']));
    }

    public function testCreateAccountNamesWhatIsMissing(): void
    {
        $noCsr = hrdkitssl_CreateAccount(self::params(['customfields' => ['Approver e-mail' => 'admin@' . self::DOMAIN], 'serviceid' => 502]));
        $this->assertStringContainsString('"CSR"', $noCsr);
        $noApprover = hrdkitssl_CreateAccount(self::params(['customfields' => ['CSR' => self::$csr], 'serviceid' => 502]));
        $this->assertStringContainsString('"Approver e-mail"', $noApprover);
        $noAccount = hrdkitssl_CreateAccount(self::params(['configoption3' => '', 'serviceid' => 502]));
        $this->assertStringContainsString('HRD account ID', $noAccount);
        $badApprover = hrdkitssl_CreateAccount(self::params([
            'customfields' => ['CSR' => self::$csr, 'Approver e-mail' => 'ktos@innadomena.pl'],
            'serviceid' => 503,
            'model' => new HrdkitTestService('2027-11-27'),
        ]));
        $this->assertStringStartsWith('HRD bridge: ', $badApprover);
        $this->assertNotSame('success', $badApprover);
    }

    public function testCreateAccountOrdersOnce(): void
    {
        $this->assertSame('success', hrdkitssl_CreateAccount(self::params()));
        $certId = (int) self::$service->serviceProperties->get('HRD certificate ID');
        $this->assertGreaterThan(0, $certId);
        $this->assertSame('awaitingApproval', self::$service->serviceProperties->get('Certificate status'));
        // WHMCS runs Create again (admin retry): the same certificate, nothing bought twice.
        $this->assertSame('success', hrdkitssl_CreateAccount(self::params()));
        $this->assertSame($certId, (int) self::$service->serviceProperties->get('HRD certificate ID'));
        $this->assertSame(1, self::certCharges($certId, 'create'));
        // The module key is masked in the module log.
        $log = json_encode($GLOBALS['hrdkit_test_module_log'] ?? []);
        $this->assertStringNotContainsString(explode('.', self::env('BRIDGE_KEY'), 2)[1], $log);
    }

    public function testStatusAndDownloadBeforeAndAfterIssuance(): void
    {
        $props = self::$service->serviceProperties;
        $this->assertSame('success', hrdkitssl_Status(self::params()));
        $this->assertSame('awaitingApproval', $props->get('Certificate status'));
        $early = hrdkitssl_Download(self::params());
        $this->assertStringContainsString('not_issued', $early);
        $this->assertStringContainsString('temporary', $early);
        $this->assertNull($props->get('Certificate'));

        // The approver clicks (the sandbox's approval delay is 10 minutes).
        self::admin('POST', '/clock/advance', ['ms' => 10 * 60 * 1000 + 1000]);

        $this->assertSame('success', hrdkitssl_Status(self::params()));
        $this->assertSame('issued', $props->get('Certificate status'));
        $this->assertMatchesRegularExpression('/^\d{4}-\d{2}-\d{2}$/', (string) $props->get('Certificate expires'));
        $this->assertSame('success', hrdkitssl_Download(self::params()));
        $pem = (string) $props->get('Certificate');
        $this->assertStringContainsString('-----BEGIN CERTIFICATE-----', $pem);
        $x509 = openssl_x509_parse($pem);
        $this->assertIsArray($x509, 'openssl_x509_parse');
        $this->assertSame(self::DOMAIN, $x509['subject']['CN'] ?? null);
        $this->assertGreaterThan(time(), $x509['validTo_time_t']);
        // Issued for the CSR's key.
        $this->assertTrue(openssl_x509_check_private_key($pem, self::$privateKey), 'the certificate matches the CSR key');

        $area = hrdkitssl_ClientArea(self::params());
        $this->assertSame('templates/overview.tpl', $area['tabOverviewModuleOutputTemplate']);
        $this->assertSame('issued', $area['templateVariables']['status']);
        $this->assertSame('', $area['templateVariables']['error']);
        $this->assertStringContainsString('-----BEGIN CERTIFICATE-----', $area['templateVariables']['pem']);
    }

    public function testRenewOncePerDueDate(): void
    {
        $props = self::$service->serviceProperties;
        $certId = (int) $props->get('HRD certificate ID');
        $this->assertSame('success', hrdkitssl_Renew(self::params()));
        $this->assertSame('whmcs-svc-' . self::SERVICE_ID . '-renew-20271127', $props->get('HRD renewal key'));
        // WHMCS retries the same renewal: nothing renewed twice.
        $this->assertSame('success', hrdkitssl_Renew(self::params()));
        $this->assertSame(1, self::certCharges($certId, 'renew'));
    }

    public function testButtonsWithoutACertificateSayWhy(): void
    {
        $fresh = self::params(['serviceid' => 599, 'model' => new HrdkitTestService('2027-01-01')]);
        $this->assertStringContainsString('run Create first', hrdkitssl_Status($fresh));
        $this->assertStringContainsString('run Create first', hrdkitssl_Download($fresh));
        $this->assertStringContainsString('run Create first', hrdkitssl_Renew($fresh));
        $area = hrdkitssl_ClientArea($fresh);
        $this->assertStringContainsString('run Create first', $area['templateVariables']['error']);
    }
}
