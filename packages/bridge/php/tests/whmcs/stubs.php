<?php

/**
 * The few WHMCS classes and functions the hrdkit registrar module uses, written from WHMCS's
 * developer documentation (domain-registrars/*.md): minimal, but with the documented names,
 * constants and chainable setters, so a module that runs here runs the same way in WHMCS.
 * Nothing here is WHMCS code.
 */

namespace {
    if (!defined('WHMCS')) {
        define('WHMCS', true);
    }

    /** Calls logged by the module, for the tests to inspect (WHMCS writes them to the module log). */
    $GLOBALS['hrdkit_test_module_log'] = [];

    /** WHMCS's module log: the last argument lists strings to mask in what is stored. */
    function logModuleCall($module, $action, $request, $response, $processedData = '', $replaceVars = [])
    {
        $text = json_encode([$request, $response], JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES);
        foreach ((array) $replaceVars as $secret) {
            if ($secret !== '') {
                $text = str_replace($secret, '***', $text);
            }
        }
        $GLOBALS['hrdkit_test_module_log'][] = ['module' => $module, 'action' => $action, 'text' => $text];
    }
}

namespace WHMCS {
    /** WHMCS\Carbon extends Carbon\Carbon (a DateTime); only what the module uses. */
    class Carbon extends \DateTime
    {
        public static function createFromFormat($format, $time, $timezone = null): static|false
        {
            $d = \DateTime::createFromFormat($format, $time, $timezone);
            if ($d === false) {
                return false;
            }
            return (new static())->setTimestamp($d->getTimestamp());
        }

        public function toDateString(): string
        {
            return $this->format('Y-m-d');
        }
    }
}

namespace WHMCS\Domains {
    /**
     * WHMCS\Domains\Domain (the domainObj WHMCS puts in $params): second level as typed, top level
     * without the dot, their punycode forms, toUnicode()/toPunycode(). The punycode here is RFC 3492
     * written out (ext-intl is not assumed), lower-case input only, which is all the tests need.
     */
    class Domain
    {
        protected string $secondLevel;
        protected string $topLevel;

        public function __construct($domain, $tld = null)
        {
            if ($tld) {
                $this->secondLevel = (string) $domain;
                $this->topLevel = ltrim((string) $tld, '.');
            } else {
                $parts = explode('.', mb_strtolower((string) $domain, 'UTF-8'), 2);
                $this->secondLevel = $parts[0];
                $this->topLevel = $parts[1] ?? '';
            }
        }

        public function getSecondLevel() { return $this->secondLevel; }
        public function getUnicodeSecondLevel() { return $this->secondLevel; }
        public function getTopLevel() { return $this->topLevel; }
        public function getSLD() { return $this->secondLevel; }
        public function getTLD() { return $this->topLevel; }
        public function getPunycodeSecondLevel() { return self::label($this->secondLevel); }
        public function getPunycodeTopLevel() { return implode('.', array_map([self::class, 'label'], explode('.', $this->topLevel))); }
        public function isIdn() { return $this->getUnicodeSecondLevel() !== $this->getPunycodeSecondLevel(); }
        public function toUnicode() { return strtolower($this->secondLevel) . '.' . strtolower($this->topLevel); }
        public function toPunycode() { return $this->getPunycodeSecondLevel() . '.' . $this->getPunycodeTopLevel(); }

        /** One label to its ACE form (RFC 3492). */
        public static function label(string $label): string
        {
            $cps = [];
            foreach (preg_split('//u', $label, -1, PREG_SPLIT_NO_EMPTY) as $ch) {
                $cps[] = mb_ord($ch, 'UTF-8');
            }
            $basic = array_values(array_filter($cps, fn ($c) => $c < 0x80));
            if (count($basic) === count($cps)) {
                return $label;
            }
            $out = implode('', array_map('chr', $basic));
            $h = $b = count($basic);
            if ($b > 0) {
                $out .= '-';
            }
            $n = 128;
            $delta = 0;
            $bias = 72;
            $digit = fn ($d) => chr($d < 26 ? $d + 97 : $d + 22);
            while ($h < count($cps)) {
                $m = min(array_filter($cps, fn ($c) => $c >= $n));
                $delta += ($m - $n) * ($h + 1);
                $n = $m;
                foreach ($cps as $c) {
                    if ($c < $n) {
                        $delta++;
                    }
                    if ($c === $n) {
                        $q = $delta;
                        for ($k = 36; ; $k += 36) {
                            $t = $k <= $bias ? 1 : ($k >= $bias + 26 ? 26 : $k - $bias);
                            if ($q < $t) {
                                break;
                            }
                            $out .= $digit($t + ($q - $t) % (36 - $t));
                            $q = intdiv($q - $t, 36 - $t);
                        }
                        $out .= $digit($q);
                        $d = $h === $b ? intdiv($delta, 700) : intdiv($delta, 2);
                        $d += intdiv($d, $h + 1);
                        $k2 = 0;
                        while ($d > 455) {
                            $d = intdiv($d, 35);
                            $k2 += 36;
                        }
                        $bias = $k2 + intdiv(36 * $d, $d + 38);
                        $delta = 0;
                        $h++;
                    }
                }
                $delta++;
                $n++;
            }
            return 'xn--' . $out;
        }
    }
}

namespace WHMCS\Domains\DomainLookup {
    /** Lookup results: an ArrayObject of SearchResult. */
    class ResultsList extends \ArrayObject
    {
        public function toArray(): array
        {
            return array_map(fn (SearchResult $r) => $r->toArray(), $this->getArrayCopy());
        }
    }

    class SearchResult
    {
        public const STATUS_NOT_REGISTERED = 'available';
        public const STATUS_REGISTERED = 'registered';
        public const STATUS_RESERVED = 'reserved';
        public const STATUS_TLD_NOT_SUPPORTED = 'unsupported';
        public const STATUS_UNKNOWN = 'unknown';

        protected string $status = self::STATUS_UNKNOWN;
        protected bool $premium = false;
        protected array $premiumPricing = [];
        protected float $score = 1.0;

        public function __construct(protected string $sld, protected string $tld)
        {
        }

        public function setStatus($status)
        {
            $valid = [self::STATUS_NOT_REGISTERED, self::STATUS_REGISTERED, self::STATUS_RESERVED, self::STATUS_TLD_NOT_SUPPORTED, self::STATUS_UNKNOWN];
            if (!in_array($status, $valid, true)) {
                throw new \InvalidArgumentException('invalid status ' . $status);
            }
            $this->status = $status;
            return $this;
        }

        public function getStatus()
        {
            return $this->status;
        }

        public function setPremiumDomain($premium)
        {
            $this->premium = (bool) $premium;
            return $this;
        }

        public function setPremiumCostPricing(array $pricing)
        {
            $this->premiumPricing = $pricing;
            return $this;
        }

        public function setScore($score)
        {
            $this->score = (float) $score;
            return $this;
        }

        public function getDomain(): string
        {
            return $this->sld . '.' . ltrim($this->tld, '.');
        }

        public function toArray(): array
        {
            return ['sld' => $this->sld, 'tld' => $this->tld, 'domain' => $this->getDomain(), 'status' => $this->status, 'score' => $this->score];
        }
    }
}

namespace WHMCS\Results {
    /** TLD-pricing results: an ArrayObject of ImportItem. */
    class ResultsList extends \ArrayObject
    {
    }
}

namespace WHMCS\Domain\TopLevel {
    class ImportItem
    {
        public array $data = ['minYears' => 1, 'maxYears' => 10, 'yearsStep' => 1, 'years' => null, 'eppRequired' => false];

        private function set(string $key, $value)
        {
            $this->data[$key] = $value;
            return $this;
        }

        public function setExtension($v) { return $this->set('extension', (string) $v); }
        public function setMinYears($v) { return $this->set('minYears', (int) $v); }
        public function setMaxYears($v) { return $this->set('maxYears', (int) $v); }
        public function setYearsStep($v) { return $this->set('yearsStep', (int) $v); }
        public function setYears(array $v) { return $this->set('years', $v); }
        public function setRegisterPrice($v) { return $this->set('registerPrice', $v); }
        public function setRenewPrice($v) { return $this->set('renewPrice', $v); }
        public function setTransferPrice($v) { return $this->set('transferPrice', $v); }
        public function setGraceFeeDays($v) { return $this->set('graceFeeDays', $v); }
        public function setGraceFeePrice($v) { return $this->set('graceFeePrice', $v); }
        public function setRedemptionFeeDays($v) { return $this->set('redemptionFeeDays', $v); }
        public function setRedemptionFeePrice($v) { return $this->set('redemptionFeePrice', $v); }
        public function setCurrency($v) { return $this->set('currency', (string) $v); }
        public function setEppRequired($v) { return $this->set('eppRequired', (bool) $v); }

        public function getExtension() { return $this->data['extension'] ?? null; }
        public function getRegisterPrice() { return $this->data['registerPrice'] ?? null; }
        public function getCurrency() { return $this->data['currency'] ?? null; }
    }
}

namespace WHMCS\Domain\Registrar {
    class Domain
    {
        public const STATUS_ACTIVE = 'Active';
        public const STATUS_SUSPENDED = 'Suspended';
        public const STATUS_EXPIRED = 'Expired';
        public const STATUS_INACTIVE = 'Inactive';

        /** The setters documented in domain-information.md and transfer-policy-management.md. */
        private const SETTERS = [
            'setDomain', 'setNameservers', 'setRegistrationStatus', 'setTransferLock', 'setTransferLockExpiryDate',
            'setExpiryDate', 'setRestorable', 'setIdProtectionStatus', 'setDnsManagementStatus',
            'setEmailForwardingStatus', 'setIsIrtpEnabled', 'setIrtpOptOutStatus', 'setIrtpTransferLock',
            'setIrtpTransferLockExpiryDate', 'setDomainContactChangePending', 'setPendingSuspension',
            'setDomainContactChangeExpiryDate', 'setRegistrantEmailAddress', 'setIrtpVerificationTriggerFields',
        ];

        public array $data = [];

        public function __call($name, $args)
        {
            if (in_array($name, self::SETTERS, true)) {
                $this->data[lcfirst(substr($name, 3))] = $args[0] ?? null;
                return $this;
            }
            if (str_starts_with($name, 'get')) {
                return $this->data[lcfirst(substr($name, 3))] ?? null;
            }
            throw new \BadMethodCallException('WHMCS\\Domain\\Registrar\\Domain has no method ' . $name);
        }
    }
}

namespace WHMCS\Database {
    /**
     * WHMCS\Database\Capsule (Laravel's Illuminate\Database\Capsule\Manager): only the read-only
     * query chain the module uses, table()->where()->get()/value()/first(), over the rows in
     * $GLOBALS['whmcs_test_db'][<table>] (stdClass rows, as Capsule returns them). The fixture
     * (tests/fixtures/whmcs-params.php) fills tblcustomfields the way a WHMCS install has it.
     */
    class Capsule
    {
        public static function table(string $table): CapsuleQuery
        {
            return new CapsuleQuery($GLOBALS['whmcs_test_db'][$table] ?? []);
        }
    }

    class CapsuleQuery
    {
        /** @param list<object> $rows */
        public function __construct(private array $rows)
        {
        }

        /** where($column, $value) or where($column, '=', $value): MySQL's default collation ignores case. */
        public function where(string $column, $operator, $value = null): self
        {
            if (func_num_args() === 2) {
                [$operator, $value] = ['=', $operator];
            }
            if ($operator !== '=') {
                throw new \InvalidArgumentException('the stub only knows where(column, value)');
            }
            $this->rows = array_values(array_filter(
                $this->rows,
                fn ($r) => isset($r->$column) && mb_strtolower((string) $r->$column) === mb_strtolower((string) $value)
            ));
            return $this;
        }

        public function orderBy(string $column, string $direction = 'asc'): self
        {
            usort($this->rows, fn ($a, $b) => ($a->$column <=> $b->$column) * (strtolower($direction) === 'desc' ? -1 : 1));
            return $this;
        }

        /** A Collection in WHMCS; an array here (the module only iterates it). */
        public function get(array $columns = ['*']): array
        {
            return $this->rows;
        }

        public function first(): ?object
        {
            return $this->rows[0] ?? null;
        }

        public function value(string $column)
        {
            return isset($this->rows[0]) ? ($this->rows[0]->$column ?? null) : null;
        }
    }
}
