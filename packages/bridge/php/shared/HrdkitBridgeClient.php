<?php

/**
 * HrdkitBridgeClient: the one PHP client every hrdkit panel module (WHMCS, HostBill) uses to talk
 * to the hrdkit bridge. PHP 8.1+, no Composer dependencies: ext-curl, ext-json and hash_hmac.
 *
 * Every request is signed the way packages/bridge/src/auth.ts checks it:
 *   X-Hrdkit-Key        hk_<id>
 *   X-Hrdkit-Timestamp  Unix time in milliseconds
 *   X-Hrdkit-Nonce      32 random hex characters (new for every request)
 *   X-Hrdkit-Signature  hex HMAC-SHA256 of "timestamp\nnonce\nMETHOD path\nbody",
 *                       keyed with the hex SHA-256 of the key's secret part
 *                       (the module key is hk_<id>.<secret>).
 *
 * Errors come back from the bridge as {"error":{"code","message","retryable","issues"?}} and are
 * thrown as HrdkitBridgeException; so are transport failures (code "transport", retryable).
 *
 * This file is shared: the copies inside each module folder are made by
 * scripts/pack-php-modules.mjs (and kept in sync by the tests) so every zip is self-contained.
 */

if (!class_exists('HrdkitBridgeException', false)) {
    class HrdkitBridgeException extends \RuntimeException
    {
        /** @param list<array{path:string,message:string}> $issues */
        public function __construct(
            public readonly string $errorCode,
            string $message,
            public readonly bool $retryable = false,
            public readonly int $httpStatus = 0,
            public readonly array $issues = [],
            ?\Throwable $previous = null,
        ) {
            parent::__construct($message, $httpStatus, $previous);
        }

        /** One line for a panel admin: the bridge's message, its code, and whether to retry. */
        public function describe(): string
        {
            $text = $this->getMessage() . ' [' . $this->errorCode . ']';
            if ($this->issues) {
                $parts = [];
                foreach ($this->issues as $i) {
                    $parts[] = ($i['path'] ?? '') . ': ' . ($i['message'] ?? '');
                }
                $text .= ' (' . implode('; ', $parts) . ')';
            }
            if ($this->retryable) {
                $text .= ' - temporary, it will work when retried later';
            }
            return $text;
        }
    }
}

if (!class_exists('HrdkitBridgeClient', false)) {
    class HrdkitBridgeClient
    {
        public const VERSION = '0.1.0';

        private string $baseUrl;
        private string $keyId;
        private string $signingKey;

        /** The last request and reply, for the panel's module log (the key is never included). */
        public array $lastRequest = [];
        public array $lastResponse = [];

        /**
         * @param string $baseUrl e.g. https://bridge.example.pl (no trailing slash needed)
         * @param string $key the module key, hk_<id>.<secret>
         * @param array{connectTimeout?:int,timeout?:int,caFile?:string} $options
         */
        public function __construct(string $baseUrl, string $key, private array $options = [])
        {
            $baseUrl = rtrim(trim($baseUrl), '/');
            if (!preg_match('~^https?://[^/\s]+(/[^\s]*)?$~i', $baseUrl)) {
                throw new HrdkitBridgeException(
                    'config',
                    'the bridge URL must look like https://bridge.example.pl',
                );
            }
            if (!preg_match('/^hk_([0-9a-f]+)\.(.+)$/', trim($key), $m)) {
                throw new HrdkitBridgeException('config', 'the module key must look like hk_<id>.<secret>');
            }
            $this->baseUrl = $baseUrl;
            $this->keyId = $m[1];
            $this->signingKey = hash('sha256', $m[2]);
        }

        /** Percent-encodes one path segment (a domain or host name, UTF-8). */
        public static function segment(string $value): string
        {
            return rawurlencode($value);
        }

        /** The signature the bridge expects (exposed for tests). */
        public static function signature(
            string $signingKey,
            string $timestamp,
            string $nonce,
            string $method,
            string $path,
            string $body,
        ): string {
            return hash_hmac('sha256', $timestamp . "\n" . $nonce . "\n" . strtoupper($method) . ' ' . $path . "\n" . $body, $signingKey);
        }

        /**
         * Sends one signed request and returns the decoded JSON body.
         *
         * @param string $method GET, POST, PUT or DELETE
         * @param string $path e.g. /v1/domains/%C5%BC%C3%B3%C5%82w.pl/nameservers (already encoded)
         * @param array|null $body JSON body (POST/PUT); null sends {} for POST/PUT and nothing otherwise
         * @param string|null $idempotencyKey for purchases, e.g. whmcs-12-register-1y
         * @throws HrdkitBridgeException
         */
        public function call(string $method, string $path, ?array $body = null, ?string $idempotencyKey = null): array
        {
            $method = strtoupper($method);
            $hasBody = $method === 'POST' || $method === 'PUT' || $body !== null;
            $text = '';
            if ($hasBody) {
                $text = $body === null || $body === []
                    ? '{}'
                    : json_encode($body, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR);
            }
            $timestamp = (string) (int) floor(microtime(true) * 1000);
            $nonce = bin2hex(random_bytes(16));
            $headers = [
                'Accept: application/json',
                'User-Agent: hrdkit-php/' . self::VERSION,
                'X-Hrdkit-Key: hk_' . $this->keyId,
                'X-Hrdkit-Timestamp: ' . $timestamp,
                'X-Hrdkit-Nonce: ' . $nonce,
                'X-Hrdkit-Signature: ' . self::signature($this->signingKey, $timestamp, $nonce, $method, $path, $text),
            ];
            if ($hasBody) {
                $headers[] = 'Content-Type: application/json';
            }
            if ($idempotencyKey !== null && $idempotencyKey !== '') {
                $headers[] = 'Idempotency-Key: ' . $idempotencyKey;
            }
            $this->lastRequest = ['method' => $method, 'path' => $path, 'body' => $body, 'idempotencyKey' => $idempotencyKey];
            $this->lastResponse = [];

            $ch = curl_init($this->baseUrl . $path);
            $opts = [
                CURLOPT_CUSTOMREQUEST => $method,
                CURLOPT_RETURNTRANSFER => true,
                CURLOPT_HTTPHEADER => $headers,
                CURLOPT_CONNECTTIMEOUT => $this->options['connectTimeout'] ?? 10,
                // Purchases wait for HRD's action: allow well over the bridge's 30 s wait.
                CURLOPT_TIMEOUT => $this->options['timeout'] ?? 90,
                CURLOPT_SSL_VERIFYPEER => true,
                CURLOPT_SSL_VERIFYHOST => 2,
                CURLOPT_FOLLOWLOCATION => false,
                CURLOPT_PROTOCOLS => CURLPROTO_HTTP | CURLPROTO_HTTPS,
            ];
            if (!empty($this->options['caFile'])) {
                $opts[CURLOPT_CAINFO] = $this->options['caFile'];
            }
            if ($hasBody) {
                $opts[CURLOPT_POSTFIELDS] = $text;
            }
            curl_setopt_array($ch, $opts);
            $raw = curl_exec($ch);
            $status = (int) curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
            $errno = curl_errno($ch);
            $error = curl_error($ch);
            curl_close($ch);

            if ($raw === false || $errno !== 0) {
                $this->lastResponse = ['status' => 0, 'error' => $error];
                throw new HrdkitBridgeException(
                    'transport',
                    'cannot reach the hrdkit bridge at ' . $this->baseUrl . ': ' . ($error !== '' ? $error : 'no reply'),
                    true,
                    0,
                );
            }
            $decoded = json_decode((string) $raw, true);
            $this->lastResponse = ['status' => $status, 'body' => is_array($decoded) ? $decoded : (string) $raw];
            if ($status >= 400) {
                $e = is_array($decoded) && isset($decoded['error']) && is_array($decoded['error']) ? $decoded['error'] : null;
                if ($e !== null) {
                    throw new HrdkitBridgeException(
                        (string) ($e['code'] ?? 'error'),
                        (string) ($e['message'] ?? 'the bridge refused the request'),
                        (bool) ($e['retryable'] ?? false),
                        $status,
                        is_array($e['issues'] ?? null) ? $e['issues'] : [],
                    );
                }
                throw new HrdkitBridgeException(
                    'http_' . $status,
                    'the bridge answered HTTP ' . $status . ' without an error body (is BridgeUrl the bridge itself, not a proxy page?)',
                    $status >= 500,
                    $status,
                );
            }
            if (!is_array($decoded)) {
                throw new HrdkitBridgeException(
                    'bad_response',
                    'the bridge answered with something that is not JSON (is BridgeUrl right?)',
                    true,
                    $status,
                );
            }
            return $decoded;
        }
    }
}
