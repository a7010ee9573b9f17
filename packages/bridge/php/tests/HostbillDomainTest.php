<?php

use PHPUnit\Framework\TestCase;

require_once __DIR__ . '/hostbill/stubs.php';
require_once __DIR__ . '/../hostbill/includes/modules/Domain/hrdkit/class.hrdkit.php';

/**
 * The hrdkit HostBill domain module against a running bridge (BRIDGE_URL, BRIDGE_KEY) and its
 * sandbox (SANDBOX_ADMIN_URL, SANDBOX_ADMIN_TOKEN: the ledger). Each action is called the way
 * HostBill calls it: state set on the module (tests/hostbill/stubs.php), then $module->Action().
 * The tests run in order and share the domain they register.
 */
final class HostbillDomainTest extends TestCase
{
    private const POLISH = 'źdźbło-hostbill.pl';
    private const DOMAIN_ID = 701;
    /** POLISH in ASCII (punycode), as the ledger names it (ext-intl is not required). */
    private const POLISH_ASCII = 'xn--dbo-hostbill-ecc59eb.pl';
    private const TRANSFER = 'taken-hostbill-transfer.pl';

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

    private static function admin(string $method, string $path): array
    {
        $ch = curl_init(self::env('SANDBOX_ADMIN_URL') . $path);
        curl_setopt_array($ch, [
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_HTTPHEADER => ['Authorization: Bearer ' . self::env('SANDBOX_ADMIN_TOKEN')],
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

    /** A module with the state HostBill sets for an action on the Polish domain. */
    private static function module(array $state = []): hrdkit
    {
        $contact = [
            'firstname' => 'Ździsław',
            'lastname' => 'Gęślarz',
            'companyname' => '',
            'email' => 'zdzislaw@example.pl',
            'address1' => 'ul. Żurawia 7',
            'address2' => 'm. 4',
            'city' => 'Kraków',
            'state' => 'małopolskie',
            'postcode' => '30-001',
            'country' => 'PL',
            'phonenumber' => '+48.221003248',
        ];
        return hostbill_test_module('hrdkit', array_replace_recursive([
            'config' => ['Bridge URL' => self::env('BRIDGE_URL'), 'Module key' => self::env('BRIDGE_KEY')],
            'name' => self::POLISH,
            'id' => self::DOMAIN_ID,
            'period' => 1,
            'options' => ['ns1' => 'ns1.hrd.pl', 'ns2' => 'ns2.hrd.pl', 'ext' => ['PESEL/NIP' => '44051401359']],
            'contacts' => ['registrant' => $contact, 'admin' => $contact, 'tech' => $contact, 'billing' => $contact],
            'client' => ['firstname' => 'Ździsław', 'lastname' => 'Gęślarz'],
        ], $state));
    }

    private function assertDone($result, hrdkit $m, string $what)
    {
        $this->assertNotFalse($result, $what . ': ' . implode('; ', $m->errors));
        $this->assertSame([], $m->errors, $what);
        return $result;
    }

    public function testModuleDeclaration(): void
    {
        $m = new hrdkit();
        $this->assertInstanceOf(DomainModule::class, $m);
        $this->assertSame(['Bridge URL', 'Module key', 'PESEL/NIP field'], array_keys($m->getConfiguration()));
        $this->assertSame('password', $m->getConfiguration()['Module key']['type']);
        $this->assertContains('Register', $m->getCommands());
        foreach (['Register', 'Transfer', 'Renew', 'getNameServers', 'updateNameServers', 'getContactInfo', 'updateContactInfo', 'getEppCode', 'registerNameServer', 'modifyNameServer', 'deleteNameServer', 'getIDProtection', 'updateIDProtection', 'synchInfo', 'testConnection'] as $method) {
            $this->assertTrue(method_exists($m, $method), $method);
        }
        // .pl has no registrar lock; deletion is done at HRD.
        $this->assertFalse(method_exists($m, 'updateRegistrarLock'));
        $this->assertFalse(method_exists($m, 'Delete'));
    }

    /**
     * Every capability HostBill is told about ($commands) is backed by public methods of the class,
     * and every capability the class implements is declared (read by reflection, not by a list
     * written in the test).
     */
    public function testDeclaredCapabilitiesMatchTheMethods(): void
    {
        $class = new \ReflectionClass(hrdkit::class);
        $public = [];
        foreach ($class->getMethods(\ReflectionMethod::IS_PUBLIC) as $method) {
            if ($method->getDeclaringClass()->getName() === hrdkit::class) {
                $public[] = $method->getName();
            }
        }
        $declared = $class->getProperty('commands');
        $declared->setAccessible(true);
        $commands = $declared->getValue(new hrdkit());
        $map = hrdkit::CAPABILITY_METHODS;
        foreach ($commands as $command) {
            $this->assertArrayHasKey($command, $map, "$command is declared but has no known methods");
            foreach ($map[$command] as $method) {
                $this->assertContains($method, $public, "$command is declared but $method() is missing");
            }
        }
        foreach ($map as $command => $methods) {
            $implemented = !array_diff($methods, $public);
            $this->assertSame($implemented, in_array($command, $commands, true), $implemented
                ? "$command is implemented but not declared"
                : "$command is declared but not implemented");
        }
        $this->assertContains('IDProtection', $commands);
        $this->assertNotContains('DNSmanagement', $commands);
    }

    public function testConnection(): void
    {
        $m = self::module();
        $this->assertTrue($m->testConnection());
        $bad = self::module(['config' => ['Module key' => 'hk_99.zly-klucz']]);
        $this->assertFalse($bad->testConnection());
        $this->assertStringStartsWith('HRD bridge: ', $bad->errors[0] ?? '');
    }

    public function testRegisterPolishDomainOnce(): void
    {
        $m = self::module();
        $this->assertDone($m->Register(), $m, 'Register');
        $this->assertSame(['Active'], $m->domainStatusSet);
        $this->assertSame('hostbill-701-register-1y', $m->lastCall['idempotencyKey']);
        $this->assertSame('Ździsław Gęślarz', $m->lastCall['body']['registrant']['name']);
        // HostBill repeats the action (admin retry): nothing bought twice.
        $again = self::module();
        $this->assertDone($again->Register(), $again, 'repeated Register');
        $this->assertStringContainsString('not bought again', implode(' ', $again->infos));
        $this->assertSame(1, self::charges(self::POLISH_ASCII, 'create'));
    }

    public function testRegisterWithoutPeselIsRefusedWithTheField(): void
    {
        $m = self::module(['name' => 'bez-peselu-hostbill.pl', 'id' => 702, 'options' => ['ext' => ['PESEL/NIP' => '']]]);
        $this->assertFalse($m->Register());
        $this->assertStringContainsString('idNumber', $m->errors[0] ?? '');
        $this->assertSame(0, self::charges('bez-peselu-hostbill.pl', 'create'));
    }

    public function testNameservers(): void
    {
        $m = self::module();
        $this->assertSame(['ns1.hrd.pl', 'ns2.hrd.pl'], $this->assertDone($m->getNameServers(), $m, 'getNameServers'));
        $u = self::module(['options' => ['ns1' => 'NS1.Example.PL', 'ns2' => 'ns2.example.pl', 'ns3' => '']]);
        $this->assertDone($u->updateNameServers(), $u, 'updateNameServers');
        $g = self::module();
        $this->assertSame(['ns1.example.pl', 'ns2.example.pl'], $g->getNameServers());
    }

    public function testContacts(): void
    {
        $m = self::module();
        $info = $this->assertDone($m->getContactInfo(), $m, 'getContactInfo');
        $this->assertSame('Ździsław', $info['registrant']['firstname']);
        $this->assertSame('Gęślarz', $info['registrant']['lastname']);
        $this->assertSame('Kraków', $info['registrant']['city']);
        $this->assertSame($info['registrant'], $info['admin']);

        $changed = $info['registrant'];
        $changed['address1'] = 'ul. Łąkowa 3';
        $changed['city'] = 'Gdańsk';
        $changed['postcode'] = '80-001';
        $u = self::module(['options' => ['registrant' => $changed]]);
        $this->assertDone($u->updateContactInfo(), $u, 'updateContactInfo');
        $after = self::module()->getContactInfo();
        $this->assertSame('Gdańsk', $after['registrant']['city']);
        $this->assertSame('ul. Łąkowa 3', $after['registrant']['address1']);

        $renamed = $after['registrant'];
        $renamed['lastname'] = 'Nowak';
        $r = self::module(['options' => ['registrant' => $renamed]]);
        $this->assertFalse($r->updateContactInfo());
        $this->assertStringContainsString('cesja', $r->errors[0] ?? '');
    }

    public function testEppCodeGlueAndIdProtection(): void
    {
        $m = self::module();
        $code = $this->assertDone($m->getEppCode(), $m, 'getEppCode');
        $this->assertIsString($code);
        $this->assertNotSame('', $code);

        // HostBill's glue form sends the label alone (ns1); other callers send the full name.
        $host = 'ns1.' . self::POLISH;
        $c = self::module(['options' => ['NameServer' => 'ns1', 'NameServerIP' => '192.0.2.10']]);
        $this->assertDone($c->registerNameServer(), $c, 'registerNameServer (label)');
        $this->assertSame($host, $c->lastCall['reply']['host']);
        $this->assertSame(['192.0.2.10'], $c->lastCall['reply']['ips']);
        $u = self::module(['options' => ['NameServer' => 'NS1', 'NameServerIP' => '192.0.2.10', 'NameServerNewIP' => '192.0.2.20']]);
        $this->assertDone($u->modifyNameServer(), $u, 'modifyNameServer (label)');
        $this->assertSame(['192.0.2.20'], $u->lastCall['reply']['ips']);
        $f = self::module(['options' => ['NameServer' => $host, 'NameServerIP' => '192.0.2.20', 'NameServerNewIP' => '192.0.2.30']]);
        $this->assertDone($f->modifyNameServer(), $f, 'modifyNameServer (full name)');
        $this->assertSame(['192.0.2.30'], $f->lastCall['reply']['ips']);
        $d = self::module(['options' => ['NameServer' => 'ns1']]);
        $this->assertDone($d->deleteNameServer(), $d, 'deleteNameServer (label)');

        $on = self::module(['options' => ['idprotection' => '1']]);
        $this->assertDone($on->updateIDProtection(), $on, 'updateIDProtection on');
        $this->assertTrue(self::module()->getIDProtection());
        $off = self::module(['options' => ['idprotection' => '0']]);
        $this->assertDone($off->updateIDProtection(), $off, 'updateIDProtection off');
        $this->assertFalse(self::module()->getIDProtection());
    }

    public function testRenewOnceAndSync(): void
    {
        $s = self::module();
        $before = $this->assertDone($s->synchInfo(), $s, 'synchInfo');
        $this->assertSame('Active', $before['status']);
        $this->assertMatchesRegularExpression('/^\d{4}-\d{2}-\d{2}$/', $before['expires']);
        $this->assertSame(['ns1.example.pl', 'ns2.example.pl'], $before['ns']);
        $this->assertFalse($before['reglock']);

        $state = ['expires' => $before['expires']];
        $r = self::module($state);
        $this->assertDone($r->Renew(), $r, 'Renew');
        $this->assertSame(1, $r->periodsAdded);
        $this->assertSame('hostbill-701-renew-' . str_replace('-', '', $before['expires']), $r->lastCall['idempotencyKey']);
        // HostBill repeats the renewal before its own expiry moved: renewed once.
        $again = self::module($state);
        $this->assertDone($again->Renew(), $again, 'repeated Renew');
        $this->assertSame(1, self::charges(self::POLISH_ASCII, 'renew'));

        $after = self::module()->synchInfo();
        $this->assertSame((new DateTime($before['expires']))->modify('+1 year')->format('Y-m-d'), $after['expires']);
    }

    public function testTransferAndItsSync(): void
    {
        $t = self::module(['name' => self::TRANSFER, 'id' => 703, 'options' => ['epp_code' => 'Kod&amp;123']]);
        $this->assertDone($t->Transfer(), $t, 'Transfer');
        $this->assertSame('Kod&123', $t->lastCall['body']['authInfo']);
        $this->assertSame(['Pending Transfer'], $t->domainStatusSet);
        $state = [];
        for ($i = 0; $i < 10; $i++) {
            $s = self::module(['name' => self::TRANSFER, 'id' => 703, 'status' => 'Pending Transfer']);
            $state = $this->assertDone($s->synchInfo(), $s, 'synchInfo (transfer)');
            if ($state['status'] !== 'Pending Transfer') {
                break;
            }
            usleep(200000);
        }
        $this->assertSame('Active', $state['status'], json_encode($state));
        $this->assertMatchesRegularExpression('/^\d{4}-\d{2}-\d{2}$/', $state['expires']);
    }

    public function testUnknownDomainIsAnErrorNotAnException(): void
    {
        $m = self::module(['name' => 'nie-ma-takiej-hostbill.pl', 'id' => 799]);
        $this->assertFalse($m->getNameServers());
        $this->assertStringContainsString('not_found', $m->errors[0] ?? '');
        // Not in the HRD account (a pending registration, a sandbox): no status, no "Cancelled", and why.
        $s = self::module(['name' => 'nie-ma-takiej-hostbill.pl', 'id' => 799, 'status' => 'Pending Registration']);
        $this->assertFalse($s->synchInfo());
        $this->assertStringContainsString('not in the partner', $s->errors[0] ?? '');
        $this->assertSame([], $s->domainStatusSet);
    }

    /** A transfer ordered with a wrong code fails; re-sent with the right one it is a new order, charged once. */
    public function testATransferResentWithTheRightCode(): void
    {
        $name = 'taken-hostbill-zly.pl';
        $bad = self::module(['name' => $name, 'id' => 704, 'options' => ['epp_code' => 'zly-kod']]);
        $this->assertDone($bad->Transfer(), $bad, 'Transfer (wrong code)');
        $state = [];
        for ($i = 0; $i < 10; $i++) {
            $s = self::module(['name' => $name, 'id' => 704, 'status' => 'Pending Transfer']);
            $state = $this->assertDone($s->synchInfo(), $s, 'synchInfo (wrong code)');
            if ($state['status'] !== 'Pending Transfer') {
                break;
            }
            usleep(200000);
        }
        $this->assertSame('Cancelled', $state['status'], json_encode($state));
        $good = self::module(['name' => $name, 'id' => 704, 'options' => ['epp_code' => 'Dobry-Kod-2']]);
        $this->assertDone($good->Transfer(), $good, 'Transfer (right code)');
        $this->assertNotSame($bad->lastCall['idempotencyKey'], $good->lastCall['idempotencyKey']);
        $this->assertStringStartsWith('hostbill-704-transfer-', $good->lastCall['idempotencyKey']);
        $this->assertStringNotContainsString('Dobry-Kod-2', $good->lastCall['idempotencyKey']);
        for ($i = 0; $i < 10; $i++) {
            $s = self::module(['name' => $name, 'id' => 704, 'status' => 'Pending Transfer']);
            $state = $this->assertDone($s->synchInfo(), $s, 'synchInfo (right code)');
            if ($state['status'] !== 'Pending Transfer') {
                break;
            }
            usleep(200000);
        }
        $this->assertSame('Active', $state['status'], json_encode($state));
        $this->assertSame(1, self::charges($name, 'transfer'));
    }
}
