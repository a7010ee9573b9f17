<?php

/**
 * Loads the hrdkit registrar module the way WHMCS does: the WHMCS constant and the WHMCS classes
 * (tests/whmcs/stubs.php), then a plain require of modules/registrars/hrdkit/hrdkit.php; the
 * tests then call hrdkit_<Function>($params) with WHMCS-shaped parameters.
 */

require __DIR__ . '/whmcs/stubs.php';
require __DIR__ . '/fixtures/whmcs-params.php';
require_once __DIR__ . '/../whmcs/modules/registrars/hrdkit/hrdkit.php';
