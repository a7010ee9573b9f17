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
