<?php
/**
 * A minimal webhook receiver: verify, deduplicate by event id, act, answer 2xx.
 * Try it with PHP's own server: HRDKIT_WEBHOOK_SECRET=whsec_… php -S 127.0.0.1:8090 webhook-receiver.php
 * Real code keeps the ids it handled in its database (a unique key on the event id), not a file.
 */

declare(strict_types=1);

require __DIR__ . '/verify-webhook.php';

$secret = (string) getenv('HRDKIT_WEBHOOK_SECRET');
$handled = getenv('HRDKIT_WEBHOOK_LOG') ?: sys_get_temp_dir() . '/hrdkit-webhooks-handled.jsonl';

try {
    $event = hrdkit_verify_webhook(
        $secret,
        (string) file_get_contents('php://input'),
        $_SERVER['HTTP_X_HRDKIT_WEBHOOK_TIMESTAMP'] ?? '',
        $_SERVER['HTTP_X_HRDKIT_WEBHOOK_SIGNATURE'] ?? ''
    );
} catch (UnexpectedValueException $e) {
    http_response_code(400);
    header('Content-Type: text/plain; charset=utf-8');
    echo $e->getMessage();
    exit;
}

// At least once: the same event may come again (a lost answer, a redelivery). Handle it once.
$log = fopen($handled, 'c+');
flock($log, LOCK_EX);
$seen = (string) stream_get_contents($log);
$duplicate = strpos($seen, '"id":' . json_encode($event['id'])) !== false;
if (!$duplicate) {
    // Act on it here: mark the invoice paid, activate the service… This example only records it.
    fwrite($log, json_encode(['id' => $event['id'], 'type' => $event['type'], 'data' => $event['data']]) . "\n");
}
flock($log, LOCK_UN);
fclose($log);

http_response_code(200);
header('Content-Type: text/plain; charset=utf-8');
echo $duplicate ? 'duplicate' : 'ok';
