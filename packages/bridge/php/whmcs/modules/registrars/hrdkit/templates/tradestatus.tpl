<h3>{$domain|escape} &mdash; trade (cesja)</h3>
{if $error}
    <div class="alert alert-danger">{$error|escape}</div>
{elseif $trade.status}
    <table class="table table-striped">
        {foreach from=$trade key=field item=value}
            {if !is_array($value)}
                <tr><th>{$field|escape}</th><td>{$value|escape}</td></tr>
            {/if}
        {/foreach}
    </table>
{else}
    <p>No trade (cesja) of this domain is in progress.</p>
{/if}
