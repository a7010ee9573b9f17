<?php

/**
 * A minimal stand-in for HostBill's DomainModule base class, written from the contract in
 * /work/shared/panel-modules.md §3.1 (HostBill's core is closed source; nothing here is HostBill
 * code). It has what the hrdkit HostBill module uses: the configuration array, the state HostBill
 * fills before calling an action (options, details, domain_contacts, client_data, name, period,
 * expires, status), addError/addInfo, logAction, addDomain, addPeriod and getDomainId.
 *
 * HostBill sets that state itself; the tests use hostbill_test_module() to do the same.
 */

if (!defined('HOSTBILL')) {
    define('HOSTBILL', true);
}

if (!class_exists('DomainModule', false)) {
    abstract class DomainModule
    {
        protected $version = '';
        protected $modname = '';
        protected $description = '';
        protected $configuration = [];
        protected $lang = [];
        protected $commands = [];
        protected $clientCommands = [];

        /** Set by HostBill before an action. */
        public $options = [];
        public $details = [];
        public $domain_contacts = [];
        public $client_data = [];
        public $name = '';
        public $period = 1;
        public $expires = '';
        public $status = '';
        public $domain_id = 0;

        /** What the module reported, for the tests (HostBill shows them to the admin). */
        public array $errors = [];
        public array $infos = [];
        public array $actions = [];
        public array $domainStatusSet = [];
        public int $periodsAdded = 0;

        public function addError($message)
        {
            $this->errors[] = (string) $message;
        }

        public function addInfo($message)
        {
            $this->infos[] = (string) $message;
        }

        public function logAction($data)
        {
            $this->actions[] = $data;
        }

        /** Marks the domain with a status (HostBill: after a successful Register/Transfer). */
        public function addDomain($status)
        {
            $this->domainStatusSet[] = (string) $status;
            $this->status = (string) $status;
        }

        /** Moves the expiry by the ordered period (HostBill: after a successful Renew). */
        public function addPeriod()
        {
            $this->periodsAdded++;
        }

        public function getDomainId()
        {
            return $this->domain_id;
        }

        /** The value of one configuration field. */
        public function configValue(string $key)
        {
            return $this->configuration[$key]['value'] ?? null;
        }

        /** HostBill stores the admin's settings into $configuration[key]['value']. */
        public function setConfigValues(array $values): void
        {
            foreach ($values as $k => $v) {
                if (isset($this->configuration[$k])) {
                    $this->configuration[$k]['value'] = $v;
                }
            }
        }

        public function getConfiguration(): array
        {
            return $this->configuration;
        }

        public function getCommands(): array
        {
            return $this->commands;
        }
    }
}

/**
 * A module instance with HostBill's state set, as HostBill does before calling an action.
 *
 * @param array{config?:array,options?:array,details?:array,contacts?:array,client?:array,name?:string,period?:int,expires?:string,status?:string,id?:int} $state
 */
function hostbill_test_module(string $class, array $state): DomainModule
{
    $m = new $class();
    $m->setConfigValues($state['config'] ?? []);
    $m->options = $state['options'] ?? [];
    $m->details = $state['details'] ?? [];
    $m->domain_contacts = $state['contacts'] ?? [];
    $m->client_data = $state['client'] ?? [];
    $m->name = $state['name'] ?? '';
    $m->period = $state['period'] ?? 1;
    $m->expires = $state['expires'] ?? '';
    $m->status = $state['status'] ?? '';
    $m->domain_id = $state['id'] ?? 0;
    if ($m->name !== '' && !isset($m->options['sld'])) {
        $pos = strpos($m->name, '.');
        $m->options['sld'] = substr($m->name, 0, $pos);
        $m->options['tld'] = substr($m->name, $pos + 1);
    }
    if (!isset($m->options['numyears'])) {
        $m->options['numyears'] = $m->period;
    }
    return $m;
}
