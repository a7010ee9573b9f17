{* hrdkitssl: the certificate's status on the client's product page (variables from hrdkitssl_ClientArea). *}
<div class="hrdkitssl">
  {if $error}
    <div class="alert alert-warning">{$error|escape}</div>
  {/if}
  {if $certId}
    <p><strong>Certificate / Certyfikat:</strong> #{$certId}{if $domain} ({$domain|escape}){/if}</p>
    <p><strong>Status:</strong> {$status|escape}{if $expiresOn} &middot; <strong>Expires / Wygasa:</strong> {$expiresOn|escape}{/if}</p>
    {if $status eq 'awaitingApproval'}
      <p>Check the approver mailbox and confirm the order. / Potwierdź zamówienie w wiadomości wysłanej na adres zatwierdzającego.</p>
    {/if}
    {if $pem}
      <label for="hrdkitssl-pem">PEM</label>
      <textarea id="hrdkitssl-pem" class="form-control" rows="12" readonly>{$pem|escape}</textarea>
    {/if}
  {/if}
</div>
