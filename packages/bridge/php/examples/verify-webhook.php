<?php
/**
 * Checks an hrdkit webhook delivery in PHP (7.1+, no extension beyond hash and json).
 * The same function is printed in docs/bridge/webhooks.en.md and webhooks.pl.md; the bridge's
 * tests run it against real deliveries (packages/bridge/test/webhooks-php.test.ts).
 */

declare(strict_types=1);

/**
 * Verifies a delivery and returns its event: ['id' => 'evt_…', 'type' => …, 'createdAt' => …, 'data' => [...]].
 * Throws UnexpectedValueException when a header is missing, the timestamp is more than
 * $toleranceSec away from now (a replay, or a clock that is off), or no v1 signature matches.
 *
 * $body must be the raw body, exactly as received: file_get_contents('php://input').
 * Deliveries arrive at least once: handle each event id once.
 */
function hrdkit_verify_webhook(
    string $secret,
    string $body,
    string $timestamp,
    string $signature,
    int $toleranceSec = 300,
    ?int $now = null
): array {
    if ($timestamp === '' || $signature === '') {
        throw new UnexpectedValueException('not a signed hrdkit webhook: X-Hrdkit-Webhook-Timestamp or -Signature is missing');
    }
    if (!preg_match('/^\d{1,12}$/', $timestamp)) {
        throw new UnexpectedValueException('X-Hrdkit-Webhook-Timestamp must be Unix time in seconds');
    }
    $age = ($now ?? time()) - (int) $timestamp;
    if (abs($age) > $toleranceSec) {
        throw new UnexpectedValueException("the webhook's timestamp is {$age} s away from this clock: a replay, or check NTP");
    }
    $expected = hash_hmac('sha256', $timestamp . '.' . $body, $secret);
    // During a secret rotation the header holds two signatures: "v1=…,v1=…".
    foreach (explode(',', $signature) as $part) {
        $part = trim($part);
        if (strncmp($part, 'v1=', 3) === 0 && hash_equals($expected, substr($part, 3))) {
            $event = json_decode($body, true);
            if (!is_array($event) || !isset($event['id'], $event['type'])) {
                throw new UnexpectedValueException('the signed body is not a webhook event');
            }
            return $event;
        }
    }
    throw new UnexpectedValueException('no v1 signature matches: a changed body, or not the endpoint\'s current secret');
}
