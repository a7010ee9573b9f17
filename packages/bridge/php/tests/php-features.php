<?php

/**
 * Finds the PHP language features a file uses that need a PHP newer than 7.4, with token_get_all,
 * and prints one JSON line per file: {"file", "min", "features": [[version, feature, line]]}.
 *
 * Why: Debian bookworm ships only PHP 8.2, so `php -l` cannot prove the modules parse on the
 * minimum PHP the docs claim (8.1). This scanner covers the syntax added in 8.0–8.4 that a module
 * could plausibly use; it is a heuristic over tokens, not a parser (runtime-only changes, such as
 * array unpacking with string keys, are not seen).
 *
 * Usage: php php-features.php <file>...
 */

function hrdkit_features(string $code): array
{
    $tokens = array_values(array_filter(token_get_all($code), function ($t) {
        return !is_array($t) || !in_array($t[0], [T_WHITESPACE, T_COMMENT, T_DOC_COMMENT], true);
    }));
    $found = [];
    $add = function (string $version, string $feature, $t) use (&$found) {
        $found[] = [$version, $feature, is_array($t) ? $t[2] : 0];
    };
    $text = fn ($t) => is_array($t) ? $t[1] : $t;
    $id = fn ($t) => is_array($t) ? $t[0] : $t;
    $n = count($tokens);
    $parenDepth = 0;
    $inParams = false; // inside a function's parameter list
    $paramsDepth = 0;
    for ($i = 0; $i < $n; $i++) {
        $t = $tokens[$i];
        $prev = $tokens[$i - 1] ?? null;
        $next = $tokens[$i + 1] ?? null;
        $k = $id($t);
        if ($k === T_FUNCTION || $k === T_FN) {
            // the next '(' opens the parameter list
            for ($j = $i + 1; $j < $n && $text($tokens[$j]) !== '('; $j++);
            $inParams = true;
            $paramsDepth = $parenDepth;
        }
        if ($t === '(') {
            $parenDepth++;
            // f(...): a first-class callable (8.1)
            if ($id($next) === T_ELLIPSIS && ($tokens[$i + 2] ?? null) === ')') {
                $add('8.1', 'first-class callable syntax', $prev);
            }
        } elseif ($t === ')') {
            $parenDepth--;
            if ($inParams && $parenDepth === $paramsDepth) {
                $inParams = false;
                // return type after ':'
                if ($next === ':') {
                    $rt = strtolower($text($tokens[$i + 2] ?? ''));
                    $rt = $rt === '?' ? strtolower($text($tokens[$i + 3] ?? '')) : $rt;
                    if ($rt === 'never') $add('8.1', 'never return type', $tokens[$i + 2]);
                    if ($rt === 'static') $add('8.0', 'static return type', $tokens[$i + 2]);
                    if ($rt === 'mixed') $add('8.0', 'mixed type', $tokens[$i + 2]);
                    if (in_array($id($tokens[$i + 3] ?? null), ['|'], true)) $add('8.0', 'union type', $tokens[$i + 2]);
                }
            }
        }
        if (defined('T_READONLY') && $k === T_READONLY) {
            $add($id($next) === T_CLASS || $id($next) === T_FINAL || $id($next) === T_ABSTRACT ? '8.2' : '8.1', $id($next) === T_CLASS ? 'readonly class' : 'readonly property', $t);
        }
        if (defined('T_ENUM') && $k === T_ENUM) $add('8.1', 'enum', $t);
        if (defined('T_MATCH') && $k === T_MATCH) $add('8.0', 'match', $t);
        if (defined('T_NULLSAFE_OBJECT_OPERATOR') && $k === T_NULLSAFE_OBJECT_OPERATOR) $add('8.0', 'nullsafe operator', $t);
        if (defined('T_ATTRIBUTE') && $k === T_ATTRIBUTE) $add('8.0', 'attribute', $t);
        if ($k === T_LNUMBER && preg_match('/^0[oO]/', $text($t))) $add('8.1', 'explicit octal literal', $t);
        if ($inParams) {
            if (in_array($k, [T_PUBLIC, T_PROTECTED, T_PRIVATE], true)) $add('8.0', 'constructor property promotion', $t);
            if ($t === '=' && $id($next) === T_NEW) $add('8.1', 'new in initializer', $next);
            if ($t === '|' ) $add('8.0', 'union type', $t);
            if (defined('T_AMPERSAND_NOT_FOLLOWED_BY_VAR_OR_VARARG') && $k === T_AMPERSAND_NOT_FOLLOWED_BY_VAR_OR_VARARG) $add('8.1', 'intersection type', $t);
        }
        if ($k === T_THROW && in_array($text($prev), ['??', '?:', '=>', '=', '?', ':', ','], true) && $text($prev) !== ';') {
            // `throw` as an expression (8.0); a statement follows ';', '{', '}' or ':' of a case
            if ($text($prev) !== ':' ) $add('8.0', 'throw expression', $t);
        }
        if ($k === T_STRING && $next === '(' && $id($prev) !== T_OBJECT_OPERATOR && $id($prev) !== T_DOUBLE_COLON && $id($prev) !== T_FUNCTION
            && in_array(strtolower($text($t)), ['str_starts_with', 'str_ends_with', 'str_contains', 'get_debug_type', 'fdiv', 'array_is_list', 'enum_exists'], true)) {
            $add(in_array(strtolower($text($t)), ['array_is_list', 'enum_exists'], true) ? '8.1' : '8.0', $text($t) . '()', $t);
        }
        if ($k === T_CONST && $id($next) === T_STRING && $id($tokens[$i + 2] ?? null) === T_STRING) {
            $add('8.3', 'typed class constant', $t);
        }
        if (in_array($k, [T_PUBLIC, T_PROTECTED, T_PRIVATE], true) && $next === '(' && $text($tokens[$i + 2] ?? '') === 'set') {
            $add('8.4', 'asymmetric visibility', $t);
        }
    }
    return $found;
}

$exit = 0;
foreach (array_slice($argv, 1) as $file) {
    $features = hrdkit_features((string) file_get_contents($file));
    $min = '7.4';
    foreach ($features as $f) {
        if (version_compare($f[0], $min, '>')) {
            $min = $f[0];
        }
    }
    echo json_encode(['file' => $file, 'min' => $min, 'features' => $features], JSON_UNESCAPED_SLASHES), "\n";
}
exit($exit);
